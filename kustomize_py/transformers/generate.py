"""Running `configMapGenerator` / `secretGenerator` and absorbing their output into the build
(create, or merge/replace an object a base generated)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kustomize_py.errors import GeneratorError
from kustomize_py.resource import Resource

if TYPE_CHECKING:
    from kustomize_py.pipeline import Accumulator, Target


def run_builtin_generators(target: Target, ra: Accumulator) -> None:
    from kustomize_py.generators import make_configmap, make_secret
    from kustomize_py.options import remote_allowed

    k = target.kustomization
    allow_remote = remote_allowed(target.options, target.loader.fs)
    options = k.get("generatorOptions")
    for field, make, kind in (("configMapGenerator", make_configmap, "ConfigMapGenerator"),
                              ("secretGenerator", make_secret, "SecretGenerator")):
        for args in k.get(field, []):
            if not isinstance(args, dict):
                raise GeneratorError(f"{field} entries must be mappings", path=k.path, field=field)
            gen = make(args, target.loader, options, source=k.path, allow_remote=allow_remote)
            res = Resource(gen.obj, source=k.path, needs_hash=gen.needs_hash, behavior=gen.behavior)
            if target.tracking:
                res.origin = target.configured_origin("builtin", kind)
            absorb(ra, res)


def absorb(ra: Accumulator, res: Resource) -> None:
    """Add a generated resource, or merge/replace the one it names, by the reference's rules."""
    from kustomize_py.generators import merge_generated

    rid = res.id
    key = rid.key()
    matches = ra.resources.with_any_id(key)
    if not matches:
        if res.behavior in ("merge", "replace"):
            raise GeneratorError(f"id {_go_id(rid)} does not exist; cannot merge or replace")
        ra.resources.append(res)
        return
    if len(matches) > 1:
        raise GeneratorError(f"found multiple objects {[str(m.id) for m in matches]} that could accept merge of {rid}")
    old = matches[0]
    if res.behavior not in ("merge", "replace"):
        raise GeneratorError(f"id {_go_id(rid)} exists; behavior must be merge or replace")
    merged = Resource(
        merge_generated(old.obj, res.obj, res.behavior),
        source=res.source,
        prev=list(old.prev),
        prefixes=list(old.prefixes),
        suffixes=list(old.suffixes),
        needs_hash=old.needs_hash and res.needs_hash,
        behavior=old.behavior,
        origin=old.origin if (res.behavior == "merge" and old.origin) else (res.origin or old.origin),
        transformations=list(old.transformations),
        refvar_names=list(old.refvar_names),
        touched_annotations=old.touched_annotations,
    )
    ra.resources.replace(old, merged)


def _go_id(rid: Any) -> str:
    gvk = f"{{Group:{rid.group} Version:{rid.version} Kind:{rid.kind} isClusterScoped:{str(rid.cluster_scoped).lower()}}}"
    return f"resid.ResId{{Gvk:resid.Gvk{gvk}, Name:\"{rid.name}\", Namespace:\"{rid.namespace}\"}}"
