"""The last steps of a build, done once at the top: name hashes, name references, vars, local
configs, output order, build metadata."""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time

from kustomize_py.resource import Resource
from kustomize_py.resources import go_string

if TYPE_CHECKING:
    from kustomize_py.pipeline import Accumulator, Target

LOCAL_CONFIG = "config.kubernetes.io/local-config"
ORIGIN = "config.kubernetes.io/origin"
TRANSFORMATIONS = "alpha.config.kubernetes.io/transformations"
MANAGED_BY = "app.kubernetes.io/managed-by"
# kubectl embeds kustomize without a release version, so the reference prints this:
MANAGED_BY_VALUE = "kustomize-(devel)"


def finish(top: Target, ra: Accumulator) -> list[Resource]:
    items = ra.resources.items
    if any(r.needs_hash for r in items):
        from kustomize_py.generators import hash_suffix

        for res in items:
            if res.needs_hash:
                res.store_previous_id()
                res.set_name(f"{res.name}-{hash_suffix(res.obj)}")
        ra.resources.reindex()
    memo = getattr(top.options.cache, "passes", None)  # a watch session's (transformers/reuse.py)
    if memo is not None:
        from kustomize_py.transformers import reuse

        reuse.fix_references(ra.resources.items, ra.config, memo)
    else:
        from kustomize_py.transformers import name_reference

        name_reference.fix_references(ra.resources.items, ra.config)
    if ra.vars:
        from kustomize_py.transformers import vars as vars_

        vars_.resolve(ra, warn=top.options.warn)
    kept = [r for r in ra.resources.items if _not_local(r)]
    from kustomize_py.transformers.sort import sort_resources

    sort_options = top.kustomization.fields.get("sortOptions")
    reorder = top.options.reorder  # the deprecated --reorder flag: the kustomization's field wins
    if sort_options is not None:
        if reorder:
            top.options.warn("Warning: Sorting order is set both in 'kustomization.yaml' ('sortOptions') and in "
                             "a CLI flag ('--reorder'). Using the kustomization file over the CLI flag.")
        ordered = sort_resources(kept, sort_options)
    elif reorder == "none":
        ordered = kept
    else:
        ordered = sort_resources(kept, None)
    from kustomize_py.resources import ResourceList

    ResourceList(ordered)  # the reference re-appends after sorting: ids must still be unique
    meta = top.build_metadata
    if "managedByLabel" in meta or top.options.managed_by_label:
        for res in ordered:
            res.meta().setdefault("labels", {})
            if res.meta()["labels"] is None:
                res.meta()["labels"] = {}
            res.meta()["labels"][MANAGED_BY] = MANAGED_BY_VALUE
    for res in ordered:
        _clean_annotations(res, "originAnnotations" in meta, "transformerAnnotations" in meta)
    return ordered


def _not_local(res: Resource) -> bool:
    value = res.annotations().get(LOCAL_CONFIG)
    return value is None or value == "false"


def _clean_annotations(res: Resource, with_origin: bool, with_transformations: bool) -> None:
    extra = {}
    if with_origin and res.origin:
        extra[ORIGIN] = origin_text(res.origin)
    if with_transformations and res.transformations:
        extra[TRANSFORMATIONS] = "".join(origin_text(t, item=True) for t in res.transformations)
    if extra:
        meta = res.meta()
        ann = meta.get("annotations")
        if not isinstance(ann, dict):
            ann = meta["annotations"] = {}
        ann.update(extra)
    metadata = res.obj.get("metadata")
    if not isinstance(metadata, dict):
        return
    ann = metadata.get("annotations")
    if isinstance(ann, dict) and ann:
        # the reference re-sets annotations as strings when it strips its build annotations
        for key, value in ann.items():
            if isinstance(value, (dict, list)):
                ann[key] = ""  # a mapping or list is no string: the reference keeps an empty one
            elif not isinstance(value, str):
                ann[key] = go_string(value)
            elif value.__class__ is not str:
                ann[key] = str(value)  # a folded scalar's text as read, without its style
    elif "annotations" in metadata and (res.touched_annotations or not (with_origin and with_transformations)):
        # Removing its origin or transformer annotation, the reference re-sets every resource's
        # annotations from a string map, so an empty or null `annotations:` disappears.
        del metadata["annotations"]


_ORIGIN_ORDER = ("path", "repo", "ref", "configuredIn", "configuredBy")
_ID_ORDER = ("apiVersion", "kind", "name", "namespace")


def origin_text(origin: dict, item: bool = False) -> str:
    """An origin as the reference marshals it: struct field order, not sorted."""
    lines = []
    for key in _ORIGIN_ORDER:
        value = origin.get(key)
        if not value:
            continue
        if key == "configuredBy":
            lines.append("configuredBy:")
            lines.extend(f"  {k}: {value[k]}" for k in _ID_ORDER if value.get(k))
        else:
            lines.append(f"{key}: {value}")
    if item:
        lines = [("- " if i == 0 else "  ") + line for i, line in enumerate(lines)]
    return "".join(line + "\n" for line in lines)
