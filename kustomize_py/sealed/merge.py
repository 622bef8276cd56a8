"""`--merge-into`: add or update items of an existing SealedSecret file, keeping its comments and key order."""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING, Any

from kustomize_py.errors import SealError
from kustomize_py.sealed.manifest import is_sealed_secret, seal_secret
from kustomize_py.sealed.scope import scope_from_annotations

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey


def _round_trip_yaml() -> Any:
    from ruamel.yaml import YAML  # lazily: only this edit-in-place path needs ruamel

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold ciphertext or long annotations differently from the original
    yaml.indent(mapping=2, sequence=2, offset=0)
    # ruamel writes None as an empty value; kubeseal files say `creationTimestamp: null`
    yaml.representer.add_representer(
        type(None), lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    return yaml


def merge_into(
    existing_text: str,
    secret: dict[str, Any],
    public_key: RSAPublicKey,
    *,
    scope: str | None = None,
    path: str | None = None,
    fmt: str = "yaml",
    allow_empty: bool = False,
    source: str | None = None,
) -> str:
    """The new text of a SealedSecret file after sealing `secret` into it.

    Like kubeseal, the Secret is sealed under the file's name and namespace, and its items,
    template labels and template annotations are added or replace existing ones. Unlike kubeseal,
    the scope defaults to the file's own scope, and a different explicit scope is refused: a
    SealedSecret whose items were sealed for different scopes cannot be fully decrypted.
    """
    if fmt == "json":
        try:
            doc = json.loads(existing_text)
        except json.JSONDecodeError as err:
            raise SealError(f"invalid JSON: {err.msg} (line {err.lineno})", path=path) from None
    else:
        from ruamel.yaml.error import YAMLError

        yaml = _round_trip_yaml()
        try:
            docs = [d for d in yaml.load_all(existing_text) if d is not None]
        except (YAMLError, ValueError) as err:  # a SealedSecret holds no plaintext: safe to show
            raise SealError(f"cannot parse YAML: {err}", path=path) from None
        if len(docs) != 1:
            raise SealError("expected exactly one SealedSecret document", path=path)
        doc = docs[0]
    if not is_sealed_secret(doc):
        raise SealError("not a SealedSecret", path=path)
    meta = doc.get("metadata") or {}
    file_scope = scope_from_annotations(meta.get("annotations"))
    if scope is not None and scope != file_scope:
        raise SealError(
            f"the file is sealed with scope {file_scope}; refusing to merge items sealed as "
            f"{scope} (--scope {scope})",
            path=path,
        )
    # Like kubeseal, the file's name and namespace win over the Secret's own.
    secret_meta = dict(secret.get("metadata") or {})
    secret_meta["name"] = meta.get("name")
    if meta.get("namespace"):
        secret_meta["namespace"] = meta["namespace"]
    update = seal_secret(
        {**secret, "metadata": secret_meta},
        public_key,
        scope=file_scope,
        allow_empty=allow_empty,
        source=source,
    )

    spec = doc.setdefault("spec", {})
    _merge_map(spec, "encryptedData", update["spec"]["encryptedData"])
    template = spec.setdefault("template", {})
    new_template_meta = update["spec"]["template"]["metadata"]
    for field in ("labels", "annotations"):
        if new_template_meta.get(field):
            _merge_map(template.setdefault("metadata", {}), field, new_template_meta[field])

    if fmt == "json":
        from kustomize_py.sealed.manifest import go_json_escapes

        return go_json_escapes(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def _merge_map(parent: Any, field: str, updates: dict[str, str]) -> None:
    """Set keys in parent[field], in place; new keys go in sorted position when the map is sorted."""
    current = parent.get(field)
    if current is None:
        current = type(parent)() if hasattr(parent, "insert") else {}
        parent[field] = current
    for key, value in updates.items():
        if key in current:
            current[key] = value
            continue
        keys = list(current)
        if keys == sorted(keys) and hasattr(current, "insert"):
            current.insert(sum(1 for k in keys if k < key), key, value)
        else:
            current[key] = value
