"""Render-time check: an overlay that renames or moves a scoped SealedSecret makes it undecryptable."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any, Protocol

import attrs

from kustomize_py.sealed.manifest import is_sealed_secret
from kustomize_py.sealed.scope import BOUND_FIELDS, STRICT, scope_from_annotations


class RenderedObject(Protocol):
    """What the check needs from the build: the rendered dict and where/what it was before the overlay."""

    obj: dict[str, Any]
    orig_name: str | None
    orig_namespace: str | None
    origin_path: str | None


@attrs.frozen
class Finding:
    """One problem, with the overlay, the object, the field and the value change that causes it."""

    overlay: str
    kind: str
    name: str | None
    namespace: str | None
    field: str
    old: str | None
    new: str | None
    message: str
    origin_path: str | None = None
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.overlay}: {self.kind} {self.namespace or ''}/{self.name or ''}"
        if self.origin_path:
            where += f" (from {self.origin_path})"
        return f"{where}: {self.field}: {self.old!r} -> {self.new!r}: {self.message}"


def check_sealed_scopes(
    overlay_path: str | os.PathLike[str], rendered: Iterable[RenderedObject]
) -> list[Finding]:
    """Findings for every rendered SealedSecret that its controller could no longer decrypt.

    The controller derives the OAEP label from the SealedSecret's own name, namespace and scope
    annotations. The values it was sealed for are read from `spec.template.metadata` (kubeseal
    copies them there, and kustomize transformers leave a custom resource's template alone),
    falling back to the name and namespace the object had in its source file.
    """
    overlay = os.fspath(overlay_path)
    return [f for item in rendered if is_sealed_secret(item.obj) for f in _check_one(overlay, item)]


def _check_one(overlay: str, item: RenderedObject) -> list[Finding]:
    meta = item.obj.get("metadata") or {}
    template_meta = ((item.obj.get("spec") or {}).get("template") or {}).get("metadata") or {}
    scope = scope_from_annotations(meta.get("annotations"))

    def finding(field: str, old: str | None, new: str | None, message: str) -> Finding:
        return Finding(
            overlay, "SealedSecret", meta.get("name"), meta.get("namespace"),
            field, old, new, message, item.origin_path,
        )  # fmt: skip

    if template_meta:
        sealed_scope = scope_from_annotations(template_meta.get("annotations"))
        if sealed_scope != scope:
            message = (
                f"the scope annotations say {scope} but spec.template.metadata says it was "
                f"sealed {sealed_scope}; the controller would decrypt with the wrong label"
            )
            return [finding("metadata.annotations", sealed_scope, scope, message)]
    origin = {"name": item.orig_name, "namespace": item.orig_namespace}
    findings = []
    for field in BOUND_FIELDS[scope]:
        new = meta.get(field) or None
        orig = origin[field] or None
        sealed_for = template_meta.get(field) or orig
        if sealed_for == new:
            continue
        cause = "changed by the overlay" if orig != new else "differs from spec.template.metadata"
        what = "name and namespace" if scope == STRICT else "namespace"
        message = (
            f"{cause}; a {scope} SealedSecret only decrypts under the {what} it was sealed for: "
            f"reseal it for {new!r}, or seal it with a wider scope"
        )
        findings.append(finding(f"metadata.{field}", sealed_for, new, message))
    return findings
