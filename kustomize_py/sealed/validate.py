"""Offline `--validate`: prove that every value of a SealedSecret opens (with the private keys), or
check what can be checked without them (structure, scope annotations, ciphertext lengths)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from kustomize_py.errors import SealError
from kustomize_py.sealed import codec
from kustomize_py.sealed.manifest import _TEMPLATE_REF, is_sealed_secret
from kustomize_py.sealed.scope import (
    ANNOTATION_CLUSTER_WIDE,
    ANNOTATION_NAMESPACE_WIDE,
    BOUND_FIELDS,
    encryption_label,
    scope_from_annotations,
)

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

AES_GCM_TAG = 16


@attrs.frozen
class Verdict:
    """The result for one SealedSecret: problems (each `field: why`), and what was not checked."""

    source: str
    name: str | None
    namespace: str | None
    scope: str
    values: int
    problems: tuple[str, ...]
    not_checked: tuple[str, ...]
    opened: bool  # every value was proven to open with a private key

    @property
    def ok(self) -> bool:
        return not self.problems

    def describe(self) -> str:
        who = f"{self.source}: SealedSecret {self.namespace or ''}/{self.name or ''} ({self.scope})"
        if self.problems:
            return "\n".join(f"{who}: {p}" for p in self.problems)
        how = "every value opens with the private key" if self.opened else "structure only"
        return f"{who}: ok, {self.values} value(s), {how}"


def validate_objects(
    objects: Sequence[dict[str, Any]],
    *,
    source: str,
    private_keys: Sequence[RSAPrivateKey] = (),
    public_key: RSAPublicKey | None = None,
) -> list[Verdict]:
    """One verdict per SealedSecret in `objects` (other objects are not looked at)."""
    return [
        _validate_one(obj, source, private_keys, public_key)
        for obj in objects
        if is_sealed_secret(obj)
    ]


def _validate_one(
    obj: dict[str, Any],
    source: str,
    private_keys: Sequence[RSAPrivateKey],
    public_key: RSAPublicKey | None,
) -> Verdict:
    meta = obj.get("metadata") or {}
    spec = obj.get("spec") or {}
    template_meta = (spec.get("template") or {}).get("metadata") or {}
    annotations = meta.get("annotations") or {}
    scope = scope_from_annotations(annotations)
    problems: list[str] = []
    not_checked: list[str] = []

    for key in (ANNOTATION_NAMESPACE_WIDE, ANNOTATION_CLUSTER_WIDE):
        if key in annotations and annotations[key] != "true":
            problems.append(
                f"metadata.annotations.{key}: {annotations[key]!r} is not \"true\", "
                f"so the controller reads the scope as {scope}"
            )
    if template_meta:
        sealed_scope = scope_from_annotations(template_meta.get("annotations"))
        if sealed_scope != scope:
            problems.append(
                f"metadata.annotations: the scope annotations say {scope} but spec.template.metadata "
                f"says {sealed_scope}; the controller opens values with the {scope} label"
            )
    for field in BOUND_FIELDS[scope]:
        if not meta.get(field):
            problems.append(f"metadata.{field}: a {scope} SealedSecret needs one")
        elif template_meta.get(field) and template_meta[field] != meta[field]:
            problems.append(
                f"metadata.{field}: {meta[field]!r} differs from spec.template.metadata.{field} "
                f"{template_meta[field]!r}; a {scope} value opens only where it was sealed"
            )

    items = spec.get("encryptedData")
    if spec.get("data") and not items:
        not_checked.append("spec.data (the deprecated single-blob format)")
        items = {}
    if not isinstance(items, dict):
        problems.append("spec.encryptedData: must be a mapping")
        items = {}
    key_bytes = public_key.key_size // 8 if public_key is not None else None
    sizes: set[int] = set()
    well_formed: dict[str, bytes] = {}
    for key, value in items.items():
        where = f"spec.encryptedData.{key}"
        try:
            raw = codec.b64decode_strict(value, where)
        except SealError as err:
            problems.append(f"{where}: {err.message}")
            continue
        wrapped = int.from_bytes(raw[:2], "big") if len(raw) >= 2 else 0
        if len(raw) < 2 or len(raw) < 2 + wrapped + AES_GCM_TAG:
            problems.append(f"{where}: ciphertext too short ({len(raw)} bytes)")
            continue
        well_formed[key] = raw
        sizes.add(wrapped)
        if key_bytes is not None and wrapped != key_bytes:
            problems.append(
                f"{where}: sealed for a {wrapped * 8}-bit key, but the certificate's key has "
                f"{public_key.key_size if public_key else 0} bits"
            )
    if key_bytes is None and len(sizes) > 1:
        problems.append(
            "spec.encryptedData: values are sealed for keys of different sizes "
            f"({', '.join(str(s * 8) for s in sorted(sizes))} bits)"
        )
    template_data = (spec.get("template") or {}).get("data") or {}
    for key, text in template_data.items() if isinstance(template_data, dict) else ():
        if not isinstance(text, str):
            continue
        for m in _TEMPLATE_REF.finditer(text):
            ref = m.group(1) or m.group(2)
            if ref not in items:
                problems.append(f"spec.template.data.{key}: refers to {ref!r}, which is not sealed")
        if "{{" in _TEMPLATE_REF.sub("", text):
            not_checked.append(f"spec.template.data.{key} (a template beyond item references)")

    opened = False
    if private_keys:
        try:
            label = encryption_label(scope, meta.get("namespace"), meta.get("name"))
        except SealError as err:
            not_checked.append(f"that each value opens ({err.field} is missing)")
        else:
            failed = 0
            for key, raw in well_formed.items():
                try:
                    codec.decrypt(private_keys, raw, label)
                except SealError as err:
                    failed += 1
                    problems.append(
                        f"spec.encryptedData.{key}: unable to decrypt sealed secret: {err.message}"
                    )
            opened = not failed and len(well_formed) == len(items) > 0
    else:
        not_checked.append("that each value opens (needs the controller's private key)")
        if key_bytes is None:
            not_checked.append("the key size (needs the certificate)")
    return Verdict(
        source,
        meta.get("name"),
        meta.get("namespace"),
        scope,
        len(items),
        tuple(problems),
        tuple(not_checked),
        opened,
    )
