"""Secret <-> SealedSecret objects in kubeseal's exact shape, and their YAML/JSON text."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from kustomize_py.errors import SealError
from kustomize_py.sealed import codec
from kustomize_py.sealed.scope import (
    CLUSTER_WIDE,
    check_scope,
    scope_from_annotations,
    with_scope_annotations,
)

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

API_VERSION = "bitnami.com/v1alpha1"
KIND = "SealedSecret"
# Server-set metadata that kubeseal drops before sealing (plus managedFields, which is never useful here).
SERVER_FIELDS = (
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "managedFields",
    "ownerReferences",
)
# These annotations hold a full copy of an applied object: sealing them would leak the plaintext.
LEAKY_ANNOTATIONS = (
    "kubectl.kubernetes.io/last-applied-configuration",
    "kubecfg.ksonnet.io/last-applied-configuration",
)
SKIP_OWNER_REFERENCES = "sealedsecrets.bitnami.com/skip-set-owner-references"
_SECRET_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")

# Go struct field order, used for JSON output (kubeseal's default format).
_META_ORDER = (
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
)
_JSON_ORDER: dict[str, tuple[str, ...]] = {
    "SealedSecret": ("kind", "apiVersion", "metadata", "spec", "status"),
    "SealedSecret.spec": ("template", "data", "encryptedData"),
    "SealedSecret.spec.template": ("metadata", "type", "immutable", "data"),
    "Secret": ("kind", "apiVersion", "metadata", "immutable", "data", "stringData", "type"),
}

Reuse = Callable[[str, bytes], "str | None"]


def parse_objects(text: str | bytes, source: str = "<stdin>") -> list[dict[str, Any]]:
    """The objects of a YAML (possibly multi-document) or JSON text (one object or a stream of them,
    as kubeseal prints several)."""
    raw = text.decode("utf-8") if isinstance(text, bytes) else text
    if raw.lstrip().startswith("{"):
        docs: list[Any] = [doc for _, _, doc in json_documents(raw, source)]
    else:
        from kustomize_py.yaml import load_all

        docs = load_all(raw, source)
    for doc in docs:
        if not isinstance(doc, dict):
            raise SealError("expected a Kubernetes object (a mapping)", path=source)
    return docs


def json_documents(raw: str, source: str | None = None) -> list[tuple[int, int, Any]]:
    """(start, end, value) of each JSON value in a stream of them (`{...}\n{...}`)."""
    decoder = json.JSONDecoder()
    out: list[tuple[int, int, Any]] = []
    pos = 0
    while True:
        while pos < len(raw) and raw[pos] in " \t\r\n":
            pos += 1
        if pos == len(raw):
            return out
        try:
            value, end = decoder.raw_decode(raw, pos)
        except json.JSONDecodeError as err:
            raise SealError(f"invalid JSON: {err.msg} (line {err.lineno})", path=source) from None
        out.append((pos, end, value))
        pos = end


def secret_items(secret: dict[str, Any], source: str | None = None) -> dict[str, bytes]:
    """key -> plaintext bytes from `data` (base64) then `stringData` (which wins, like the API server)."""
    items: dict[str, bytes] = {}
    for field in ("data", "stringData"):
        values = secret.get(field) or {}
        if not isinstance(values, dict):
            raise SealError("must be a mapping", path=source, field=field)
        for key, value in values.items():
            where = f"{field}.{key}"
            if not isinstance(key, str) or not _SECRET_KEY.match(key):
                raise SealError(
                    "a Secret key may only hold letters, digits, '-', '_' and '.'",
                    path=source,
                    field=where,
                )
            if not isinstance(value, str):
                # YAML 1.1 turns yes/0123/2024-01-01 into non-strings; never coerce a secret silently.
                raise SealError(
                    "must be a string (quote the value in YAML)", path=source, field=where
                )
            items[key] = (
                codec.b64decode_strict(value, where, source)
                if field == "data"
                else value.encode("utf-8")
            )
    return items


def _check_secret(secret: dict[str, Any], source: str | None) -> dict[str, Any]:
    if secret.get("kind") != "Secret" or secret.get("apiVersion", "v1") != "v1":
        found = f"{secret.get('apiVersion', '?')}/{secret.get('kind', '?')}"
        raise SealError(f"expected a v1 Secret, found {found}", path=source)
    meta = secret.get("metadata") or {}
    if not isinstance(meta, dict):
        raise SealError("must be a mapping", path=source, field="metadata")
    return meta


def seal_secret(
    secret: dict[str, Any],
    public_key: RSAPublicKey,
    *,
    scope: str | None = None,
    namespace: str | None = None,
    name: str | None = None,
    allow_empty: bool = False,
    reuse: Reuse | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    """The SealedSecret kubeseal would make of `secret`.

    `scope` overrides the scope annotations of the Secret; `namespace` fills a missing namespace
    (and must agree with one that is set); `name` overrides the name (used by merge-into).
    `reuse(key, plaintext)` may return an existing ciphertext to keep for that key.
    """
    meta = dict(_check_secret(secret, source))
    if name:
        meta["name"] = name
    if not meta.get("name"):
        raise SealError(
            "missing metadata.name in the input Secret", path=source, field="metadata.name"
        )
    if namespace:
        if meta.get("namespace") and meta["namespace"] != namespace:
            raise SealError(
                f"namespace mismatch: the Secret is in namespace {meta['namespace']!r} "
                f"but {namespace!r} was asked for",
                path=source,
                field="metadata.namespace",
            )
        meta["namespace"] = namespace
    annotations = dict(meta.get("annotations") or {})
    if scope is not None:
        annotations = with_scope_annotations(annotations, check_scope(scope))
    scope = scope_from_annotations(annotations)
    if scope != CLUSTER_WIDE and not meta.get("namespace"):
        raise SealError(
            f"a {scope} Secret must declare a namespace (kpy reads no kubeconfig default)",
            path=source,
            field="metadata.namespace",
        )
    for key in LEAKY_ANNOTATIONS:
        annotations.pop(key, None)

    items = secret_items(secret, source)
    if not items and not allow_empty:
        raise SealError(
            "the Secret has no data or stringData; assuming this is an error "
            "(seal it anyway with --allow-empty-data)",
            path=source,
            field="data",
        )
    encrypted: dict[str, str] = {}
    for key in sorted(items):
        kept = reuse(key, items[key]) if reuse else None
        encrypted[key] = kept or codec.encrypt_item(
            public_key, items[key], scope=scope, namespace=meta.get("namespace"), name=meta["name"]
        )

    template_meta = {k: v for k, v in meta.items() if k not in SERVER_FIELDS and k != "annotations"}
    if annotations:
        template_meta["annotations"] = annotations
    template_meta["creationTimestamp"] = (
        None  # kubeseal always writes it; keeps round trips diff-free
    )
    template: dict[str, Any] = {"metadata": template_meta}
    if secret.get("type"):  # copied as kubeseal does; the API server defaults a missing one to Opaque
        template["type"] = secret["type"]
    if secret.get("immutable") is not None:
        template["immutable"] = secret["immutable"]

    top: dict[str, Any] = {"name": meta["name"]}
    if meta.get("namespace"):
        top["namespace"] = meta["namespace"]
    top["creationTimestamp"] = None
    scope_annotations = with_scope_annotations({}, scope)
    if scope_annotations:
        top["annotations"] = scope_annotations
    return {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": top,
        "spec": {"encryptedData": encrypted, "template": template},
    }


def is_sealed_secret(obj: Any) -> bool:
    return (
        isinstance(obj, dict)
        and obj.get("kind") == KIND
        and str(obj.get("apiVersion", "")).startswith("bitnami.com/")
    )


def unseal(
    sealed: dict[str, Any], private_keys: Sequence[RSAPrivateKey], *, source: str | None = None
) -> dict[str, Any]:
    """The Secret the controller would create (without ownerReferences: there is no live owner)."""
    if not is_sealed_secret(sealed):
        raise SealError(
            f"expected a bitnami.com SealedSecret, found {sealed.get('apiVersion', '?')}/{sealed.get('kind', '?')}",
            path=source,
        )
    meta = sealed.get("metadata") or {}
    spec = sealed.get("spec") or {}
    if spec.get("data") and not spec.get("encryptedData"):
        raise SealError(
            "the deprecated spec.data format is not supported", path=source, field="spec.data"
        )
    # The controller binds the label to the SealedSecret's own metadata, not to spec.template.
    scope = scope_from_annotations(meta.get("annotations"))
    data: dict[str, bytes] = {}
    for key, value in (spec.get("encryptedData") or {}).items():
        where = f"spec.encryptedData.{key}"
        try:
            data[key] = codec.decrypt(
                private_keys,
                codec.b64decode_strict(value, where),
                _label(scope, meta),
            )
        except SealError as err:
            raise SealError(err.message, path=source, field=err.field or where) from None
    template = spec.get("template") or {}
    for key, value in (template.get("data") or {}).items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = _render_template(value, data, source, f"spec.template.data.{key}")
    out_meta = {k: v for k, v in (template.get("metadata") or {}).items() if k not in SERVER_FIELDS}
    out_meta["name"] = meta.get("name")
    if meta.get("namespace"):
        out_meta["namespace"] = meta["namespace"]
    secret: dict[str, Any] = {"apiVersion": "v1", "kind": "Secret", "metadata": out_meta}
    if template.get("immutable") is not None:
        secret["immutable"] = template["immutable"]
    secret["type"] = template.get("type") or "Opaque"
    secret["data"] = {k: base64.b64encode(v).decode("ascii") for k, v in sorted(data.items())}
    return secret


def _label(scope: str, meta: dict[str, Any]) -> bytes:
    from kustomize_py.sealed.scope import encryption_label

    return encryption_label(scope, meta.get("namespace"), meta.get("name"))


# Only plain item references are rendered; full Go templates + Sprig are the controller's business.
_TEMPLATE_REF = re.compile(
    r'\{\{-?\s*(?:index\s+\.\s+"([-._a-zA-Z0-9]+)"|\.([A-Za-z_][A-Za-z0-9_]*))\s*-?\}\}'
)


def _render_template(text: str, data: dict[str, bytes], source: str | None, field: str) -> bytes:
    def sub(m: re.Match[str]) -> str:
        key = m.group(1) or m.group(2)
        if key not in data:
            raise SealError(f"template refers to unknown item {key!r}", path=source, field=field)
        return data[key].decode("utf-8", "surrogateescape")

    if "{{" in _TEMPLATE_REF.sub("", text):
        raise SealError(
            'only {{ index . "key" }} and {{ .key }} templates are supported offline',
            path=source,
            field=field,
        )
    return _TEMPLATE_REF.sub(sub, text).encode("utf-8", "surrogateescape")


def _go_order(value: Any, path: str) -> Any:
    if not isinstance(value, dict):
        return value
    order = _META_ORDER if path.endswith("metadata") else _JSON_ORDER.get(path)
    if order is None:  # Go maps (labels, annotations, encryptedData, data) are written sorted
        keys = sorted(value)
    else:
        keys = [k for k in order if k in value] + sorted(k for k in value if k not in order)
    return {k: _go_order(value[k], f"{path}.{k}") for k in keys}


def dump(obj: dict[str, Any], fmt: str = "yaml") -> str:
    """kubeseal's text: sorted-key YAML, or JSON in Go struct order with 2-space indent."""
    if fmt == "json":
        text = json.dumps(_go_order(obj, str(obj.get("kind"))), indent=2, ensure_ascii=False)
        return go_json_escapes(text) + "\n"
    if fmt != "yaml":
        raise SealError(f"unknown output format {fmt!r}; use yaml or json", field="format")
    from kustomize_py.yaml import dump as dump_yaml

    return dump_yaml(obj)


# Go's encoding/json escapes these inside strings (and JSON text has them nowhere else).
_GO_JSON = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
            "\u2029": "\\u2029", "\\b": "\\u0008", "\\f": "\\u000c"}
_GO_JSON_RE = re.compile(r"[<>&\u2028\u2029]|(?<!\\)((?:\\\\)*)\\([bf])")


def go_json_escapes(text: str) -> str:
    def sub(m: re.Match[str]) -> str:
        if m.group(2):
            return m.group(1) + _GO_JSON["\\" + m.group(2)]
        return _GO_JSON[m.group(0)]

    return _GO_JSON_RE.sub(sub, text)


def dump_all(objs: Sequence[dict[str, Any]], fmt: str = "yaml") -> str:
    if fmt == "json" and len(objs) > 1:
        return "".join(dump(o, fmt) for o in objs)
    return "---\n".join(dump(o, fmt) for o in objs)


def dump_kubeseal(objs: Sequence[dict[str, Any]], fmt: str = "json") -> str:
    """What kubeseal prints for these objects: each JSON object followed by a newline, or each
    YAML document after a `---` line."""
    if fmt == "yaml":
        return "".join("---\n" + dump(o, "yaml") for o in objs)
    return "".join(dump(o, fmt) for o in objs)
