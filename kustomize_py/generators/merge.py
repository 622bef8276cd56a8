"""`behavior: merge|replace` of a generated object onto an existing one with the same id."""

from __future__ import annotations

import copy
from typing import Any

from kustomize_py.errors import GeneratorError

ORIGIN_ANNOTATION = "config.kubernetes.io/origin"

# Kustomize's bookkeeping annotations. On merge/replace their values come only from the existing
# object (a new value is dropped). Kept as data: the pipeline may or may not use them.
BUILD_ANNOTATIONS = (
    "internal.config.kubernetes.io/previousKinds",
    "internal.config.kubernetes.io/previousNames",
    "internal.config.kubernetes.io/prefixes",
    "internal.config.kubernetes.io/suffixes",
    "internal.config.kubernetes.io/previousNamespaces",
    "internal.config.kubernetes.io/allowNameChange",
    "internal.config.kubernetes.io/allowKindChange",
    "internal.config.kubernetes.io/refBy",
    "internal.config.kubernetes.io/generatorBehavior",
    "internal.config.kubernetes.io/needsHashSuffix",
    "internal.config.kubernetes.io/path",
    "internal.config.kubernetes.io/index",
    "internal.config.kubernetes.io/seqindent",
    "internal.config.kubernetes.io/id",
    "internal.config.kubernetes.io/annotations-migration-resource-id",
    "config.kubernetes.io/path",
    "config.kubernetes.io/index",
    "config.k8s.io/id",
)


def check_behavior(behavior: str, exists: bool, what: str, *, path: str | None = None) -> None:
    """Raise when `behavior` does not fit: create onto an existing id, merge/replace onto none.

    `what` describes the object for the message, e.g. "ConfigMap default/app-config".
    """
    if exists and behavior not in ("merge", "replace"):
        raise GeneratorError(
            f"{what} already exists; a generator for it needs behavior merge or replace", path=path
        )
    if not exists and behavior in ("merge", "replace"):
        raise GeneratorError(f"{what} does not exist; cannot {behavior} it", path=path)


def merged_needs_hash(existing_needs_hash: bool, new_needs_hash: bool) -> bool:
    """After merge/replace the name gets a hash only if both sides asked for one."""
    return existing_needs_hash and new_needs_hash


def merge_generated(existing: dict[str, Any], new: dict[str, Any], behavior: str) -> dict[str, Any]:
    """The object that takes `existing`'s place (neither input is modified).

    Both behaviors: everything comes from `new`, except that labels and annotations are merged
    (new wins), and name and namespace are the existing object's. `merge` also merges `data` and
    `binaryData` key by key (new wins) and keeps the existing origin annotation.
    Data values of the existing object become strings (Kustomize reads them as text).
    """
    if behavior not in ("merge", "replace"):
        raise GeneratorError(f"behavior must be merge or replace, not {behavior!r}")
    out = copy.deepcopy(new)
    old_meta = existing.get("metadata") or {}
    meta = out.setdefault("metadata", {})

    _set_or_drop(
        meta, "labels", {**_str_map(old_meta.get("labels")), **_str_map(meta.get("labels"))}
    )
    old_ann = _str_map(old_meta.get("annotations"))
    new_ann = _str_map(meta.get("annotations"))
    annotations = _merge_annotations(old_ann, new_ann)
    if behavior == "merge" and ORIGIN_ANNOTATION in old_ann:
        annotations[ORIGIN_ANNOTATION] = old_ann[ORIGIN_ANNOTATION]
    _set_or_drop(meta, "annotations", annotations)

    meta["name"] = old_meta.get("name", "")
    if old_meta.get("namespace"):
        meta["namespace"] = old_meta["namespace"]
    else:
        meta.pop("namespace", None)

    if behavior == "merge":
        for field in ("data", "binaryData"):
            _set_or_drop(out, field, {**_str_map(existing.get(field)), **_str_map(out.get(field))})
    return out


def _merge_annotations(old: dict[str, str], new: dict[str, str]) -> dict[str, str]:
    merged = {**old, **new}
    for key in BUILD_ANNOTATIONS:
        if key in old:
            merged[key] = old[key]
        else:
            merged.pop(key, None)
    # The hash flag survives only if the new object carries it too.
    hash_key = "internal.config.kubernetes.io/needsHashSuffix"
    if hash_key not in new:
        merged.pop(hash_key, None)
    return merged


def _set_or_drop(parent: dict[str, Any], field: str, value: dict[str, str]) -> None:
    # Kustomize rewrites these maps sorted and leaves an empty one out entirely.
    if value:
        parent[field] = dict(sorted(value.items()))
    else:
        parent.pop(field, None)


def _str_map(m: Any) -> dict[str, str]:
    if not isinstance(m, dict):
        return {}
    return {str(k): _scalar_text(v) for k, v in m.items()}


def _scalar_text(v: Any) -> str:
    # Kustomize takes the YAML text of each scalar; from parsed data this is the closest we get
    # (an original `1.50` or `0x10` is already lost by the time we see 1.5 or 16).
    if isinstance(v, str):
        return v
    if v is None or isinstance(v, (dict, list)):
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)
