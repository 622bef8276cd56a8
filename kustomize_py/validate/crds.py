"""Custom resource schemas from CustomResourceDefinitions (apiextensions.k8s.io v1 and v1beta1):
(apiVersion, kind) -> openAPIV3Schema."""

from __future__ import annotations

from typing import Any

# a CRD version without a schema (v1beta1 allowed it) accepts anything, as the API server does
OPEN = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}


def is_crd(obj: Any) -> bool:
    return (isinstance(obj, dict) and obj.get("kind") == "CustomResourceDefinition"
            and str(obj.get("apiVersion", "")).startswith("apiextensions.k8s.io/"))


def schemas(crd: dict[str, Any]) -> dict[tuple[str, str], Any]:
    """The schema of each version the CRD defines; empty when the CRD is too malformed to say
    (the built-in CustomResourceDefinition schema reports what is wrong with it)."""
    spec = crd.get("spec")
    if not isinstance(spec, dict):
        return {}
    group, names = spec.get("group"), spec.get("names")
    kind = names.get("kind") if isinstance(names, dict) else None
    if not isinstance(group, str) or not isinstance(kind, str):
        return {}
    shared = _schema(spec.get("validation"))  # v1beta1: one schema for every version
    versions = spec.get("versions")
    if not isinstance(versions, list) or not versions:
        versions = [{"name": spec.get("version")}] if spec.get("version") else []
    out: dict[tuple[str, str], Any] = {}
    for entry in versions:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            schema = _schema(entry.get("schema")) or shared or OPEN
            out[(f"{group}/{entry['name']}", kind)] = schema
    return out


def _schema(holder: Any) -> Any:
    if isinstance(holder, dict) and isinstance(holder.get("openAPIV3Schema"), dict):
        return holder["openAPIV3Schema"]
    return None
