"""The last steps of a build, done once at the top: name hashes, name references, vars, local
configs, output order, build metadata."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kustomize_py.resource import Resource

if TYPE_CHECKING:
    from kustomize_py.pipeline import Accumulator, Target

LOCAL_CONFIG = "config.kubernetes.io/local-config"
ORIGIN = "config.kubernetes.io/origin"
MANAGED_BY = "app.kubernetes.io/managed-by"
VERSION = "v5.6.0"


def finish(top: Target, ra: Accumulator) -> list[Resource]:
    items = ra.resources.items
    if any(r.needs_hash for r in items):
        from kustomize_py.generators import hash_suffix

        for res in items:
            if res.needs_hash:
                res.store_previous_id()
                res.set_name(f"{res.name}-{hash_suffix(res.obj)}")
        ra.resources.reindex()
    from kustomize_py.transformers import name_reference

    name_reference.fix_references(ra.resources.items, ra.config)
    if ra.vars:
        from kustomize_py.transformers import vars as vars_

        vars_.resolve(ra)
    elif any("$(" in str(r.obj) for r in ()):
        pass
    kept = [r for r in ra.resources.items if _not_local(r)]
    from kustomize_py.transformers.sort import sort_resources

    ordered = sort_resources(kept, top.kustomization.get("sortOptions"))
    from kustomize_py.resources import ResourceList

    ResourceList(ordered)  # the reference re-appends after sorting: ids must still be unique
    meta = top.build_metadata
    if "managedByLabel" in meta:
        for res in ordered:
            res.meta().setdefault("labels", {})
            if res.meta()["labels"] is None:
                res.meta()["labels"] = {}
            res.meta()["labels"][MANAGED_BY] = f"kustomize-{VERSION}"
    for res in ordered:
        _clean_annotations(res, "originAnnotations" in meta)
    return ordered


def _not_local(res: Resource) -> bool:
    value = res.annotations().get(LOCAL_CONFIG)
    return value is None or value == "false"


def _clean_annotations(res: Resource, with_origin: bool) -> None:
    if with_origin and res.origin:
        meta = res.meta()
        ann = meta.get("annotations")
        if not isinstance(ann, dict):
            ann = meta["annotations"] = {}
        ann[ORIGIN] = _origin_text(res.origin)
        return
    if res.touched_annotations:
        meta = res.obj.get("metadata")
        if isinstance(meta, dict) and meta.get("annotations") == {}:
            del meta["annotations"]


def _origin_text(origin: dict) -> str:
    from kustomize_py.yaml import dump

    return dump(origin)
