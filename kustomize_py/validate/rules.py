"""How Kubernetes reads a schema, as rules applied when a validator is compiled: strict unknown
fields, int-or-string, quantities, nullable, x-kubernetes-preserve-unknown-fields and
x-kubernetes-embedded-resource. Schemas are plain dicts; `$ref`s become shared dict objects."""

from __future__ import annotations

import re
from typing import Any

INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

# ParseQuantity's grammar (k8s.io/apimachinery/pkg/api/resource): a decimal number, then a binary
# suffix (Ki..Ei), a decimal one (n, u, m, "", k, M..E) or a decimal exponent (e3, E-2).
QUANTITY_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?")
# the expression the API server quotes in its error
QUANTITY_MESSAGE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"

# a keyword of our own, checked by the validator class (schema.py)
QUANTITY_KEYWORD = "x-kpy-quantity"
SPECIAL: dict[str, dict[str, Any]] = {
    # the API server accepts a JSON integer or string; a quantity is a number or a string in its grammar
    INT_OR_STRING: {"type": ["integer", "string", "null"]},
    QUANTITY: {"type": ["number", "string", "null"], QUANTITY_KEYWORD: True},
}
EMBEDDED = ("apiVersion", "kind", "metadata")


def is_quantity(value: Any) -> bool:
    if isinstance(value, str):
        return QUANTITY_RE.fullmatch(value) is not None
    return True


def close(node: dict[str, Any], strict: bool) -> None:
    """Strict like `kubectl apply --validate=strict`: an object schema listing its properties
    rejects any other, unless it keeps unknown fields (x-kubernetes-preserve-unknown-fields) or
    describes a map (additionalProperties)."""
    if not strict or node.get("x-kubernetes-preserve-unknown-fields") is True:
        return
    if "additionalProperties" in node:
        return
    if "properties" in node or node.get("x-kubernetes-embedded-resource") is True:
        node["additionalProperties"] = False


def openapi_v3(schema: Any, strict: bool, object_meta: Any) -> Any:
    """A CRD's openAPIV3Schema as JSON Schema 2020-12, with the rules above. `object_meta` is the
    compiled ObjectMeta schema: the API server checks a custom resource's metadata as its own."""
    out = _convert(schema, strict)
    if isinstance(out, dict):
        props = out.setdefault("properties", {})
        props["apiVersion"] = {"type": "string"}
        props["kind"] = {"type": "string"}
        props["metadata"] = object_meta
        close(out, strict)
    return out


def _convert(node: Any, strict: bool) -> Any:
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("properties", "patternProperties", "definitions"):
            out[key] = {k: _convert(v, strict) for k, v in value.items()} if isinstance(value, dict) else value
        elif key in ("items", "additionalProperties", "not"):
            out[key] = _convert(value, strict)
        elif key in ("allOf", "anyOf", "oneOf") and isinstance(value, list):
            # Structural schemas: these only restrict values; unknown-field closing is the outer schema's job
            out[key] = [_convert(v, False) for v in value]
        elif key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
            bound = "minimum" if key == "exclusiveMinimum" else "maximum"
            if value and bound in node:
                out[key] = node[bound]
        elif key in ("minimum", "maximum") and node.get("exclusive" + key.capitalize()) is True:
            continue
        elif key in ("nullable", "default", "example", "format", "description", "x-kubernetes-validations"):
            continue
        else:
            out[key] = value
    if node.get("x-kubernetes-int-or-string") is True:
        out["type"] = ["integer", "string"]
    if node.get("nullable") is True and "type" in out:
        types = out["type"] if isinstance(out["type"], list) else [out["type"]]
        out["type"] = [*types, "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    if node.get("x-kubernetes-embedded-resource") is True:
        props = out.setdefault("properties", {})
        for name in EMBEDDED:
            props.setdefault(name, {"type": "object"} if name == "metadata" else {"type": "string"})
    close(out, strict)
    return out


def resolve(defs: dict[str, Any], strict: bool) -> Any:
    """A function from a definition name to its schema with every `$ref` replaced by the
    referenced schema object itself (shared, cycles included) and the rules applied; memoised."""
    memo: dict[str, Any] = {}

    def definition(name: str) -> Any:
        if name in memo:
            return memo[name]
        if name in SPECIAL:
            memo[name] = dict(SPECIAL[name])
            return memo[name]
        out: dict[str, Any] = {}
        memo[name] = out  # before descending: recursive definitions (JSONSchemaProps) end here
        body = defs[name]
        if "$ref" in body:
            out["allOf"] = [definition(body["$ref"])]
            body = {k: v for k, v in body.items() if k != "$ref"}
        out.update(walk(body))
        close(out, strict)
        return out

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(n) for n in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            target = definition(node["$ref"])
            if len(node) == 1:
                return target
            rest = walk({k: v for k, v in node.items() if k != "$ref"})
            return {"allOf": [target], **rest}
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "properties":
                out[key] = {k: walk(v) for k, v in value.items()}
            elif key == "enum":
                out[key] = value
            else:
                out[key] = walk(value)
        close(out, strict)
        return out

    return definition
