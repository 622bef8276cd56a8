"""Sealing scopes: which OAEP label a SealedSecret is bound to, and the annotations that name it."""

from __future__ import annotations

from collections.abc import Mapping

from kustomize_py.errors import SealError

STRICT = "strict"
NAMESPACE_WIDE = "namespace-wide"
CLUSTER_WIDE = "cluster-wide"
SCOPES = (STRICT, NAMESPACE_WIDE, CLUSTER_WIDE)

ANNOTATION_NAMESPACE_WIDE = "sealedsecrets.bitnami.com/namespace-wide"
ANNOTATION_CLUSTER_WIDE = "sealedsecrets.bitnami.com/cluster-wide"
# scope -> the annotation that selects it (strict is the absence of both)
SCOPE_ANNOTATION: dict[str, str | None] = {
    STRICT: None,
    NAMESPACE_WIDE: ANNOTATION_NAMESPACE_WIDE,
    CLUSTER_WIDE: ANNOTATION_CLUSTER_WIDE,
}
# which metadata fields each scope binds the ciphertext to
BOUND_FIELDS: dict[str, tuple[str, ...]] = {
    STRICT: ("name", "namespace"),
    NAMESPACE_WIDE: ("namespace",),
    CLUSTER_WIDE: (),
}


def check_scope(scope: str) -> str:
    if scope not in SCOPES:
        raise SealError(f"unknown scope {scope!r}; use one of {', '.join(SCOPES)}", field="scope")
    return scope


def scope_from_annotations(annotations: Mapping[str, object] | None) -> str:
    """The scope the controller reads from metadata annotations (cluster-wide wins; values must be "true")."""
    annotations = annotations or {}
    if annotations.get(ANNOTATION_CLUSTER_WIDE) == "true":
        return CLUSTER_WIDE
    if annotations.get(ANNOTATION_NAMESPACE_WIDE) == "true":
        return NAMESPACE_WIDE
    return STRICT


def with_scope_annotations(annotations: Mapping[str, str] | None, scope: str) -> dict[str, str]:
    """A copy of `annotations` with both scope keys removed and the one for `scope` set."""
    out = {
        k: v
        for k, v in (annotations or {}).items()
        if k not in (ANNOTATION_NAMESPACE_WIDE, ANNOTATION_CLUSTER_WIDE)
    }
    key = SCOPE_ANNOTATION[check_scope(scope)]
    if key:
        out[key] = "true"
    return out


def encryption_label(scope: str, namespace: str | None, name: str | None) -> bytes:
    """The OAEP label: "<namespace>/<name>" (strict), "<namespace>" (namespace-wide) or empty (cluster-wide)."""
    check_scope(scope)
    if scope == CLUSTER_WIDE:
        return b""
    if not namespace:
        raise SealError(f"a {scope} SealedSecret needs a namespace", field="metadata.namespace")
    if scope == NAMESPACE_WIDE:
        return namespace.encode()
    if not name:
        raise SealError("a strict SealedSecret needs a name", field="metadata.name")
    return f"{namespace}/{name}".encode()
