"""Re-encrypt SealedSecret files offline for a new controller key, changing only the ciphertext bytes.

Each `spec.encryptedData` value is opened with the old private keys under the label of its own
scope, name and namespace, sealed again with the new certificate under the same label, and spliced
into the text where the old value stood. Everything else (comments, key order, quoting, metadata,
`spec.template` and its `data` templates, other documents) is kept byte for byte.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from kustomize_py.errors import SealError
from kustomize_py.sealed import codec
from kustomize_py.sealed.manifest import is_sealed_secret, json_documents, parse_objects
from kustomize_py.sealed.scope import encryption_label, scope_from_annotations

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey


@attrs.frozen
class Span:
    """Where one encryptedData value stands in the text: [start, end) and its quoting."""

    start: int
    end: int
    style: str  # "" (plain), "'" or '"'

    def render(self, value: str) -> str:
        return f"{self.style}{value}{self.style}"


@attrs.frozen
class Reencrypted:
    """The result for one text: the new text, the objects as they are now, and what changed."""

    text: str
    objects: list[dict[str, Any]] = attrs.field(repr=False)
    resealed: int
    kept: int  # values already sealed for the new key, left as they were
    sealed_secrets: int
    others: int  # documents that are not SealedSecrets, left as they were
    replaced: dict[str, str] = attrs.field(factory=dict, repr=False)  # old ciphertext -> new

    @property
    def changed(self) -> bool:
        return self.resealed > 0


def _compose(text: str, offset: int = 0) -> list[tuple[Any, int]]:
    """The document nodes of a YAML (or JSON) text with the offset their marks count from.

    The pure-Python composer is used on purpose: its marks index characters of the text."""
    import yaml as pyyaml

    loader = pyyaml.SafeLoader(text)
    nodes = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None and not (
                isinstance(node, pyyaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"
            ):  # an empty document: the project's loader skips it too
                nodes.append((node, offset))
    finally:
        loader.dispose()
    return nodes


def _document_nodes(text: str, source: str) -> list[tuple[Any, int]]:
    import yaml as pyyaml

    try:
        if text.lstrip().startswith("{"):
            # a JSON stream: compose each value alone; a raw tab in JSON is only ever whitespace
            return [
                n
                for start, end, _ in json_documents(text, source)
                for n in _compose(text[start:end].replace("\t", " "), start)
            ]
        return _compose(text)
    except pyyaml.YAMLError as err:
        raise SealError(
            f"cannot locate the values to rewrite in place ({type(err).__name__}); "
            "nothing was changed",
            path=source,
        ) from None


def _child(node: Any, key: str) -> Any:
    import yaml as pyyaml

    if not isinstance(node, pyyaml.MappingNode):
        return None
    for k, v in node.value:
        if isinstance(k, pyyaml.ScalarNode) and k.value == key:
            return v
    return None


def item_spans(text: str, source: str = "<stdin>") -> list[dict[str, Span]]:
    """For each non-empty document of `text`, where each `spec.encryptedData` value stands."""
    import yaml as pyyaml

    out: list[dict[str, Span]] = []
    for node, offset in _document_nodes(text, source):
        items = _child(_child(node, "spec"), "encryptedData")
        spans: dict[str, Span] = {}
        if isinstance(items, pyyaml.MappingNode):
            for k, v in items.value:
                if not isinstance(v, pyyaml.ScalarNode) or (v.style or "") not in ("", "'", '"'):
                    raise SealError(
                        "only plain or quoted ciphertext values can be rewritten in place",
                        path=source,
                        field=f"spec.encryptedData.{k.value}",
                    )
                spans[k.value] = Span(
                    offset + v.start_mark.index, offset + v.end_mark.index, v.style or ""
                )
        out.append(spans)
    return out


def reencrypt_text(
    text: str,
    private_keys: Sequence[RSAPrivateKey],
    public_key: RSAPublicKey,
    *,
    source: str = "<stdin>",
) -> Reencrypted:
    """`text` with every SealedSecret value sealed again for `public_key`, same scope and label.

    A value that none of `private_keys` opens is an error (nothing is changed); a value that the
    key of `public_key` already opens is kept as it is, so a second run changes nothing."""
    objects = parse_objects(text, source)
    spans = item_spans(text, source)
    if len(spans) != len(objects):
        raise SealError("cannot match the documents to rewrite in place; nothing was changed", path=source)
    edits: list[tuple[Span, str]] = []
    replaced: dict[str, str] = {}
    resealed = kept = count = 0
    for obj, doc_spans in zip(objects, spans):
        if not is_sealed_secret(obj):
            continue
        count += 1
        meta = obj.get("metadata") or {}
        spec = obj.get("spec") or {}
        if spec.get("data") and not spec.get("encryptedData"):
            raise SealError(
                "the deprecated spec.data format cannot be re-encrypted", path=source, field="spec.data"
            )
        items = spec.get("encryptedData") or {}
        if not isinstance(items, dict):
            raise SealError("must be a mapping", path=source, field="spec.encryptedData")
        scope = scope_from_annotations(meta.get("annotations"))
        try:
            label = encryption_label(scope, meta.get("namespace"), meta.get("name"))
        except SealError as err:
            raise SealError(err.message, path=source, field=err.field) from None
        for key, value in items.items():
            where = f"spec.encryptedData.{key}"
            span = doc_spans.get(key)
            if span is not None and any(done.start == span.start for done, _ in edits):
                raise SealError(
                    "this value is shared through a YAML alias; write it out to re-encrypt",
                    path=source,
                    field=where,
                )
            if span is None or text[span.start : span.end] != span.render(str(value)):
                raise SealError(
                    "cannot locate this value in the text; nothing was changed",
                    path=source,
                    field=where,
                )
            try:
                plaintext, opener = codec.decrypt_with_key(
                    private_keys, codec.b64decode_strict(value, where, source), label
                )
            except SealError as err:
                raise SealError(
                    f"{err.message}; refusing to re-encrypt (tried as {scope} "
                    f"{_target(scope, meta)}); nothing was changed",
                    path=source,
                    field=where,
                ) from None
            if codec.same_key(opener.public_key(), public_key):
                kept += 1
                continue
            new = codec.encrypt_item(
                public_key, plaintext, scope=scope, namespace=meta.get("namespace"), name=meta.get("name")
            )
            items[key] = new
            replaced[str(value)] = new
            edits.append((span, span.render(new)))
            resealed += 1
    pieces = []
    pos = 0
    for span, new_text in sorted(edits, key=lambda e: e[0].start):
        pieces += [text[pos : span.start], new_text]
        pos = span.end
    pieces.append(text[pos:])
    return Reencrypted(
        "".join(pieces), objects, resealed, kept, count, len(objects) - count, replaced
    )


def _target(scope: str, meta: dict[str, Any]) -> str:
    if scope == "cluster-wide":
        return "(any name and namespace)"
    if scope == "namespace-wide":
        return f"namespace {meta.get('namespace')!r}"
    return f"{meta.get('namespace')}/{meta.get('name')}"
