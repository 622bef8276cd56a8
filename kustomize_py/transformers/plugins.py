"""`generators:`, `transformers:` and `validators:`: plugin configs (files, directories or inline
YAML) for the reference's builtin plugins, run with the same functions as the kustomization fields.
Anything else (exec, container, Go, starlark plugins) is refused: kpy runs no external code."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kustomize_py.errors import KpyError, PluginError, TransformerError
from kustomize_py.fieldspecs import FieldSpec, parse_specs
from kustomize_py.resource import Resource
from kustomize_py.transformers.fieldpath import field

if TYPE_CHECKING:
    from kustomize_py.pipeline import Accumulator, Target

BUILTIN_API_VERSION = "builtin"
VALIDATED_BY = "validated-by"

GENERATORS = ("ConfigMapGenerator", "SecretGenerator", "IAMPolicyGenerator", "HelmChartInflationGenerator")
TRANSFORMERS = ("AnnotationsTransformer", "HashTransformer", "ImageTagTransformer", "LabelTransformer",
                "NamespaceTransformer", "PatchJson6902Transformer", "PatchStrategicMergeTransformer",
                "PatchTransformer", "PrefixSuffixTransformer", "PrefixTransformer", "SuffixTransformer",
                "ReplacementTransformer", "ReplicaCountTransformer", "ValueAddTransformer")


# -- entry points (called from the pipeline) --------------------------------------------------------


def run_generator_plugins(target: Target, ra: Accumulator) -> None:
    configs = load_configs(target, target.kustomization.get("generators") or [], "generator")
    plugins = []
    for res in configs:
        try:
            plugins.append(_plugin(res, "generator", target.options.enable_alpha_plugins))
        except PluginError as err:
            raise PluginError(f"loading generator plugins: failed to load generator: {err.message}",
                              path=err.path) from None
    for res, kind in plugins:
        generated = _GENERATORS[kind](target, res)
        origin = _plugin_origin(target, res)
        for new in generated:
            if origin is not None and new.origin is None:
                new.origin = dict(origin)
            _absorb(ra, new)


def run_transformer_plugins(target: Target, ra: Accumulator) -> None:
    for res, kind in _load_transformers(target, target.kustomization.get("transformers") or []):
        _run_transformer(target, ra, res, kind)


def run_validator_plugins(target: Target, ra: Accumulator) -> None:
    for res, kind in _load_transformers(target, target.kustomization.get("validators") or []):
        before = [copy.deepcopy(r.obj) for r in ra.resources.items]
        _TRANSFORMERS[kind](target, ra, res)
        after = [_without_validated_by(r.obj) for r in ra.resources.items if r.obj]
        if sorted(map(repr, before)) != sorted(map(repr, after)):
            raise TransformerError("validator shouldn't modify the resource map", path=res.source)


def _without_validated_by(obj: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(obj)
    labels = (out.get("metadata") or {}).get("labels")
    if isinstance(labels, dict) and VALIDATED_BY in labels:
        del labels[VALIDATED_BY]
    return out


def _load_transformers(target: Target, entries: list[str]) -> list[tuple[Resource, str]]:
    configs = load_configs(target, entries, "transformer")
    return [_plugin(res, "transformer", target.options.enable_alpha_plugins) for res in configs]


def _run_transformer(target: Target, ra: Accumulator, res: Resource, kind: str) -> None:
    _TRANSFORMERS[kind](target, ra, res)
    origin = _plugin_origin(target, res)
    if origin is not None:
        for item in ra.resources.items:
            if item.origin is None:
                item.origin = dict(origin)
            else:
                item.transformations.append(dict(origin))
    ra.resources.reindex()


# -- loading plugin configs ---------------------------------------------------------------------


def load_configs(target: Target, entries: list[str], what: str) -> list[Resource]:
    """Plugin configs in the reference's order: inline documents first, then files and
    directories (kustomizations whose output is plugin configs)."""
    from kustomize_py.pipeline import Accumulator

    acc = Accumulator()
    paths: list[str] = []
    for entry in entries:
        inline = _inline_configs(target, entry)
        if inline is None:
            paths.append(entry)
            continue
        for res in inline:
            try:
                acc.resources.append(res)
            except KpyError as err:
                raise PluginError(f"configuring external {what}: {err.message}",
                                  path=target.kustomization.path) from None
    target._accumulate_resources(acc, paths)
    return list(acc.resources.items)


def _inline_configs(target: Target, entry: str) -> list[Resource] | None:
    """The documents of an inline config, or None when the entry is a path."""
    from kustomize_py.resources import from_documents
    from kustomize_py.yaml import load_all

    if not isinstance(entry, str) or ("\n" not in entry and ":" not in entry):
        return None
    source = target.kustomization.path
    try:
        resources = from_documents(load_all(entry, source, folded=True), source)
    except KpyError:
        return None
    if not resources:
        return None
    if target.tracking:
        path = os.path.normpath(os.path.join(target.origin_path or "", target.file_name))
        for res in resources:
            res.origin = {"path": path}
    return resources


def _plugin(res: Resource, role: str, alpha: bool = False) -> tuple[Resource, str]:
    """Check that a config names a builtin plugin of the right role; return its kind."""
    kind = res.kind
    if res.api_version != BUILTIN_API_VERSION and alpha:
        # --enable-alpha-plugins: the reference would run it (an exec or Go plugin, a container
        # or exec KRM function, with --env/--mount/--network...); kpy runs none of those
        raise PluginError(
            f"unable to run external plugin '{kind}' (apiVersion {res.api_version or '<none>'}, kind {kind}, "
            f"name {res.name}): kpy does not run exec or Go plugins nor KRM functions, even with "
            "--enable-alpha-plugins; only the builtin plugins (apiVersion: builtin)", path=res.source)
    if res.api_version != BUILTIN_API_VERSION:
        raise PluginError(
            f"external plugins disabled; unable to load external plugin '{kind}' "
            f"(apiVersion {res.api_version or '<none>'}, kind {kind}, name {res.name}); "
            "kpy runs only the builtin plugins (apiVersion: builtin)", path=res.source)
    if kind not in GENERATORS and kind not in TRANSFORMERS:
        raise PluginError(f"unable to load builtin {res.id.gvk_string()}", path=res.source)
    if role == "generator" and kind not in GENERATORS:
        raise PluginError(f"plugin {res.org_id()} not a generator", path=res.source)
    if role == "transformer" and kind not in TRANSFORMERS:
        raise PluginError(f"plugin {res.org_id()} not a transformer", path=res.source)
    return res, kind


def _plugin_origin(target: Target, res: Resource) -> dict[str, Any] | None:
    """Where a plugin was configured, for origin and transformation annotations."""
    if not target.tracking or not res.origin:
        return None
    by = {"apiVersion": res.api_version, "kind": res.kind, "name": res.name, "namespace": res.namespace}
    out: dict[str, Any] = {}
    for key in ("repo", "ref"):
        if res.origin.get(key):
            out[key] = res.origin[key]
    out["configuredIn"] = res.origin.get("path", "")
    out["configuredBy"] = {k: v for k, v in by.items() if v}
    return out


def _config_error(res: Resource, err: KpyError) -> PluginError:
    return PluginError(f"plugin {res.org_id()} fails configuration: {err.message}", path=res.source)


def _specs(res: Resource) -> list[FieldSpec]:
    try:
        return parse_specs(field(res.obj, "fieldSpecs") or [], res.source or "<plugin>")
    except KpyError as err:
        raise _config_error(res, err) from None


def _str_map(res: Resource, name: str) -> dict[str, str]:
    from kustomize_py.transformers.fieldpath import scalar_text

    data = field(res.obj, name) or {}
    if not isinstance(data, dict):
        raise _config_error(res, TransformerError(f"{name} must be a mapping of strings"))
    return {str(k): scalar_text(v) for k, v in data.items()}


# -- generators ---------------------------------------------------------------------------------


def _generator_args(res: Resource) -> dict[str, Any]:
    """Generator arguments from a plugin config: top-level fields, name/namespace defaulting to
    the config's own metadata."""
    args = {k: v for k, v in res.obj.items() if k not in ("apiVersion", "kind", "metadata")}
    if not args.get("name"):
        args["name"] = res.name
    if not args.get("namespace") and res.namespace:
        args["namespace"] = res.namespace
    return args


def _configmap(target: Target, res: Resource) -> list[Resource]:
    from kustomize_py.generators import make_configmap
    from kustomize_py.options import remote_allowed

    gen = make_configmap(_generator_args(res), target.loader, None, source=res.source,
                        allow_remote=remote_allowed(target.options, target.loader.fs))
    return [Resource(gen.obj, source=res.source, needs_hash=gen.needs_hash, behavior=gen.behavior)]


def _secret(target: Target, res: Resource) -> list[Resource]:
    from kustomize_py.generators import make_secret
    from kustomize_py.options import remote_allowed

    gen = make_secret(_generator_args(res), target.loader, None, source=res.source,
                     allow_remote=remote_allowed(target.options, target.loader.fs))
    return [Resource(gen.obj, source=res.source, needs_hash=gen.needs_hash, behavior=gen.behavior)]


def _iam_policy(target: Target, res: Resource) -> list[Resource]:
    """A GKE workload-identity ServiceAccount, the one cloud the reference supports."""
    cloud = str(field(res.obj, "cloud") or "")
    if cloud != "gke":
        raise PluginError(f"cloud provider {cloud} not supported yet", path=res.source)
    service = field(res.obj, "kubernetesService") or {}
    account = field(res.obj, "serviceAccount") or {}
    gsa = f"{field(account, 'name') or ''}@{field(account, 'projectId') or ''}.iam.gserviceaccount.com"
    meta: dict[str, Any] = {"annotations": {"iam.gke.io/gcp-service-account": gsa},
                            "name": str(field(service, "name") or "")}
    if field(service, "namespace"):
        meta["namespace"] = str(field(service, "namespace"))
    return [Resource({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta}, source=res.source)]


def _helm(target: Target, res: Resource) -> list[Resource]:
    raise PluginError("the HelmChartInflationGenerator plugin config is not supported by kpy; "
                      "use the kustomization's helmCharts field", path=res.source)


def _absorb(ra: Accumulator, res: Resource) -> None:
    from kustomize_py.transformers.generate import absorb

    absorb(ra, res)


_GENERATORS: dict[str, Callable[[Target, Resource], list[Resource]]] = {
    "ConfigMapGenerator": _configmap,
    "SecretGenerator": _secret,
    "IAMPolicyGenerator": _iam_policy,
    "HelmChartInflationGenerator": _helm,
}


# -- transformers -------------------------------------------------------------------------------


def _annotations(target: Target, ra: Accumulator, res: Resource) -> None:
    from kustomize_py.transformers.labels import add_pairs

    pairs = _str_map(res, "annotations")
    if pairs:
        add_pairs(ra.resources.items, pairs, _specs(res))


def _labels(target: Target, ra: Accumulator, res: Resource) -> None:
    from kustomize_py.transformers.labels import add_pairs

    pairs = _str_map(res, "labels")
    if pairs:
        add_pairs(ra.resources.items, pairs, _specs(res))


def _namespace(target: Target, ra: Accumulator, res: Resource) -> None:
    from kustomize_py.transformers.namespace import SUBJECT_MODES, set_namespace

    namespace = res.namespace
    subjects = str(field(res.obj, "setRoleBindingSubjects") or "")
    if subjects and subjects not in SUBJECT_MODES:
        raise _config_error(res, TransformerError(
            f'invalid value "{subjects}" for setRoleBindingSubjects: must be one of '
            '"defaultOnly", "none" or "allServiceAccounts"'))
    specs = _specs(res)
    if not namespace:
        return
    items = [r for r in ra.resources.items if r.obj]
    set_namespace(items, namespace, specs, unset_only=bool(field(res.obj, "unsetOnly")),
                  subjects=subjects or "defaultOnly")
    seen: dict[tuple[str, ...], Resource] = {}
    for item in items:
        key = item.id.key()
        if key in seen:
            raise TransformerError(f"namespace transformation produces ID conflict: [{seen[key].id} {item.id}]",
                                   path=res.source)
        seen[key] = item


def _affix(prefix: bool, suffix: bool) -> Callable[[Target, Accumulator, Resource], None]:
    def run(target: Target, ra: Accumulator, res: Resource) -> None:
        from kustomize_py.transformers.prefix_suffix import add_affix

        if field(res.obj, "fieldSpecs") is None:
            raise _config_error(res, TransformerError("fieldSpecs is not expected to be nil"))
        specs = _specs(res)
        if prefix:
            add_affix(ra.resources.items, specs, prefix=str(field(res.obj, "prefix") or ""))
        if suffix:
            add_affix(ra.resources.items, specs, suffix=str(field(res.obj, "suffix") or ""))

    return run


def _image_tag(target: Target, ra: Accumulator, res: Resource) -> None:
    from kustomize_py.transformers.images import set_images

    image = field(res.obj, "imageTag") or {}
    if not isinstance(image, dict):
        raise _config_error(res, TransformerError("imageTag must be a mapping"))
    set_images(ra.resources.items, image, _specs(res))


def _replica_count(target: Target, ra: Accumulator, res: Resource) -> None:
    from kustomize_py.transformers.replicas import set_replicas

    replica = field(res.obj, "replica") or {}
    if not isinstance(replica, dict):
        raise _config_error(res, TransformerError("replica must be a mapping"))
    set_replicas(ra.resources.items, replica, _specs(res))


def _replacement(target: Target, ra: Accumulator, res: Resource) -> None:
    from kustomize_py.transformers.replacements import apply_replacements, load_replacements

    entries = field(res.obj, "replacements") or []
    if not isinstance(entries, list):
        raise _config_error(res, TransformerError("replacements must be a list"))
    apply_replacements(ra.resources.items, load_replacements(target.loader, entries, res.source), res.source)


def _hash(target: Target, ra: Accumulator, res: Resource) -> None:
    from kustomize_py.generators import hash_suffix

    for item in ra.resources.items:
        if item.needs_hash:
            item.store_previous_id()
            item.set_name(f"{item.name}-{hash_suffix(item.obj)}")


def _patch(target: Target, ra: Accumulator, res: Resource) -> None:
    from kustomize_py.transformers import patch

    entry = {k: field(res.obj, k) for k in ("path", "patch", "target", "options") if field(res.obj, k) is not None}
    patch.apply_patch_config(target, ra, entry)


def _patch_strategic_merge(target: Target, ra: Accumulator, res: Resource) -> None:
    from kustomize_py.transformers import patch

    paths = field(res.obj, "paths") or []
    inline = field(res.obj, "patches") or ""
    if not paths and not inline:
        raise _config_error(res, TransformerError("empty file path and empty patch content"))
    patch.apply_strategic_merge_files(target, ra, [str(p) for p in paths] + ([str(inline)] if inline else []))


def _patch_json6902(target: Target, ra: Accumulator, res: Resource) -> None:
    from kustomize_py.transformers import patch

    entry = {"target": field(res.obj, "target") or {}}
    for key in ("path", "jsonOp"):
        if field(res.obj, key):
            entry[key] = field(res.obj, key)
    patch.apply_json6902_entries(target, ra, [entry])


def _value_add(target: Target, ra: Accumulator, res: Resource) -> None:
    """ValueAddTransformer: put one value (default: the kustomization directory's name) at a
    slash-separated field path, optionally as a part of a file path."""
    from kustomize_py.selector import select

    value = str(field(res.obj, "value") or "").strip() or os.path.basename(target.loader.root)
    targets = list(field(res.obj, "targets") or [])
    extra = field(res.obj, "targetFilePath")
    if extra:
        from kustomize_py.yaml import load

        data = load(target.loader.read_bytes(str(extra)), target.loader.join(str(extra))) or {}
        targets.extend(field(data, "targets") or [])
    if not targets:
        raise _config_error(res, TransformerError("must specify at least one target"))
    for spec in targets:
        path = str(field(spec, "fieldPath") or "")
        if not path:
            raise _config_error(res, TransformerError("fieldPath cannot be empty"))
        position = int(field(spec, "filePathPosition") or 0)
        if position < 0:
            raise _config_error(res, TransformerError(
                f"value of FilePathPosition ({position}) cannot be negative"))
        sel = field(spec, "selector")
        chosen = ra.resources.items if sel is None else select(ra.resources.items, sel)
        for item in chosen:
            _value_add_one(item, value, path, position)


def _value_add_one(res: Resource, value: str, path: str, position: int) -> None:
    from kustomize_py.fieldspecs.spec import split_path

    if path == "metadata/namespace":
        from kustomize_py.transformers.namespace import set_namespace

        set_namespace([res], value, [])
        return
    node: Any = res.obj
    parts = split_path(path)
    for part in parts[:-1]:
        if not isinstance(node, dict):
            raise TransformerError(f"wrong node kind at {part!r} of {path!r}")
        if node.get(part) is None:
            node[part] = {}
        node = node[part]
    if not isinstance(node, dict):
        raise TransformerError(f"wrong node kind: expected MappingNode at {path!r}")
    old = node.get(parts[-1])
    if isinstance(old, (dict, list)):
        raise TransformerError(f"wrong node kind: expected ScalarNode at {path!r}")
    new = value
    if position > 0:
        new = _insert_path_part("" if old is None else str(old), position - 1, value)
    node[parts[-1]] = new


def _insert_path_part(path: str, pos: int, part: str) -> str:
    if path in ("", "/"):
        return path + part
    absolute = path.startswith("/")
    pieces = path.lstrip("/").split("/")
    pieces.insert(min(pos, len(pieces)), part)
    return ("/" if absolute else "") + "/".join(pieces)


_TRANSFORMERS: dict[str, Callable[[Target, Accumulator, Resource], None]] = {
    "AnnotationsTransformer": _annotations,
    "HashTransformer": _hash,
    "ImageTagTransformer": _image_tag,
    "LabelTransformer": _labels,
    "NamespaceTransformer": _namespace,
    "PatchJson6902Transformer": _patch_json6902,
    "PatchStrategicMergeTransformer": _patch_strategic_merge,
    "PatchTransformer": _patch,
    "PrefixSuffixTransformer": _affix(True, True),
    "PrefixTransformer": _affix(True, False),
    "SuffixTransformer": _affix(False, True),
    "ReplacementTransformer": _replacement,
    "ReplicaCountTransformer": _replica_count,
    "ValueAddTransformer": _value_add,
}
