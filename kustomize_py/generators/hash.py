"""The 10-character name-suffix hash Kustomize appends to generated ConfigMaps and Secrets."""

from __future__ import annotations

import hashlib
import json
import math
from decimal import Decimal
from typing import Any

from kustomize_py.errors import GeneratorError

# Which top-level fields enter the hash, per kind. Kustomize also asks for "metadata/name", but
# looks it up as one literal key that never exists, so the name always encodes as "" — which is
# why a namePrefix, a namespace or labels never change the suffix. We reproduce that on purpose.
_ALWAYS = {"ConfigMap": ("data",), "Secret": ("type", "data")}
_ONLY_IF_MAP = {"ConfigMap": ("binaryData",), "Secret": ("stringData",)}

# Hex digits that could spell words or be confused are swapped for letters.
_SAFE = str.maketrans("013ae", "ghkmt")

# Go's encoding/json escapes these for safe embedding in HTML.
_HTML_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def hash_suffix(obj: dict[str, Any]) -> str:
    """The suffix for `obj` as it stands at the end of the build (after all transformers)."""
    return encode_digest(hash_input(obj))


def with_hash_suffix(obj: dict[str, Any]) -> dict[str, Any]:
    """A copy of `obj` named `<name>-<hash>` (metadata copied, the rest shared)."""
    out = dict(obj)
    meta = dict(obj.get("metadata") or {})
    meta["name"] = f"{meta.get('name', '')}-{hash_suffix(obj)}"
    out["metadata"] = meta
    return out


def hash_input(obj: dict[str, Any]) -> str:
    """The exact text Kustomize hashes: a compact, key-sorted JSON of a few fields."""
    kind = obj.get("kind")
    if kind not in _ALWAYS:
        raise GeneratorError(
            f"cannot compute a name hash for kind {kind!r}; only ConfigMap and Secret"
        )
    fields: dict[str, Any] = {"kind": kind, "name": ""}
    for field in _ALWAYS[kind]:
        value = obj.get(field)
        # A missing (or null) field encodes as the empty string.
        fields[field] = "" if value is None else value
    for field in _ONLY_IF_MAP[kind]:
        if isinstance(obj.get(field), dict):
            fields[field] = obj[field]
    return go_json(fields)


def encode_digest(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()
    return digest[:10].translate(_SAFE)


def go_json(value: Any) -> str:
    """Compact JSON as Go's json.Marshal writes it for generic data (sorted keys, HTML-safe)."""
    return "".join(_go_json_parts(value))


def _go_json_parts(value: Any):
    if isinstance(value, dict):
        yield "{"
        for i, key in enumerate(sorted(value, key=str)):
            if i:
                yield ","
            yield _go_string(str(key))
            yield ":"
            yield from _go_json_parts(value[key])
        yield "}"
    elif isinstance(value, (list, tuple)):
        yield "["
        for i, item in enumerate(value):
            if i:
                yield ","
            yield from _go_json_parts(item)
        yield "]"
    elif isinstance(value, str):
        yield _go_string(value)
    elif value is True:
        yield "true"
    elif value is False:
        yield "false"
    elif value is None:
        yield "null"
    elif isinstance(value, (int, float)):
        # Kustomize round-trips the values through Go's JSON decoder, so every number is a float64.
        yield go_float(float(value))
    else:
        yield _go_string(str(value))


def _go_string(s: str) -> str:
    out = json.dumps(s, ensure_ascii=False)
    for char, escaped in _HTML_ESCAPES.items():
        if char in out:
            out = out.replace(char, escaped)
    return out


def go_float(f: float) -> str:
    """A float64 as Go's encoding/json prints it."""
    if math.isnan(f) or math.isinf(f):
        raise GeneratorError(f"cannot hash the unsupported number {f!r}")
    if f == 0:
        return "-0" if math.copysign(1, f) < 0 else "0"
    shortest = Decimal(repr(f)).normalize()  # shortest round-trip digits, like Go's precision -1
    if 1e-6 <= abs(f) < 1e21:
        return format(shortest, "f")
    sign, digits, exponent = shortest.as_tuple()
    if not isinstance(exponent, int):  # 'n', 'N' or 'F' only for NaN and infinities, refused above
        raise GeneratorError(f"cannot hash the unsupported number {f!r}")
    mantissa = "".join(map(str, digits)).rstrip("0") or "0"
    exp10 = exponent + len(digits) - 1
    text = ("-" if sign else "") + mantissa[0] + ("." + mantissa[1:] if len(mantissa) > 1 else "")
    if exp10 >= 0:
        return f"{text}e+{exp10:02d}"
    return f"{text}e-{-exp10}"  # Go writes e-07, then encoding/json trims it to e-7
