"""A validation problem as a value (where, which object, which field, what), worded from
jsonschema's errors, and printed as one line each or as JSON."""

from __future__ import annotations

import json
import re
from typing import Any

from kustomize_py.record import FrozenRecord

_JSON_TYPES = ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"), (list, "array"),
               (dict, "object"), (type(None), "null"))
_PLAIN_KEY = re.compile(r"[A-Za-z_$][A-Za-z0-9_$-]*")


class Problem(FrozenRecord):
    """One thing wrong with one document: `source` (file, directory or `-`), `document` (1-based
    position in that source; 0 when the source itself cannot be read or built), the object's apiVersion, kind, namespace and name, the `field` path
    (`spec.template.spec.containers[0].image`, empty for the whole object) and the `message`."""

    __slots__ = _fields = ("source", "document", "api_version", "kind", "namespace", "name", "field", "message")

    source: str
    document: int
    api_version: str
    kind: str
    namespace: str
    name: str
    field: str
    message: str

    def __init__(self, source: str, document: int, api_version: str, kind: str, namespace: str, name: str,
                 field: str, message: str) -> None:
        for f, v in zip(self._fields, (source, document, api_version, kind, namespace, name, field, message)):
            object.__setattr__(self, f, v)

    def as_dict(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self._fields}

    def __str__(self) -> str:
        if not self.document:  # the source itself (it does not parse or build)
            return f"{self.source}: {self.message}"
        return f"{self.source}: {self.describe()}"

    def describe(self) -> str:
        """The problem without its source: `Deployment shop/web: spec.replicas: expected ...`."""
        who = self.kind or f"document #{self.document}"
        if self.name:
            who += f" {self.namespace}/{self.name}" if self.namespace else f" {self.name}"
        elif self.kind:
            who += f" #{self.document}"
        where = f"{self.field}: " if self.field else ""
        return f"{who}: {where}{self.message}"


def field_path(parts: Any) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(str(part)):
            out += f".{part}" if out else str(part)
        else:
            out += f"[{json.dumps(str(part))}]"
    return out


def json_type(value: Any) -> str:
    for cls, name in _JSON_TYPES:
        if isinstance(value, cls):
            return name
    return type(value).__name__


def _show(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def messages(error: Any) -> list[tuple[list[Any], str]]:
    """(field path parts, message) pairs for one jsonschema ValidationError."""
    path = list(error.absolute_path)
    keyword, expected, value = error.validator, error.validator_value, error.instance
    if keyword == "additionalProperties" and expected is False and isinstance(value, dict):
        known = error.schema.get("properties", {})
        patterns = [re.compile(p) for p in error.schema.get("patternProperties", {})]
        extra = [k for k in value if k not in known and not any(p.search(str(k)) for p in patterns)]
        return [([*path, k], "unknown field") for k in extra]
    if keyword == "required" and isinstance(value, dict):
        return [([*path, k], "required field is missing") for k in expected if k not in value]
    if keyword == "type":
        types = [t for t in (expected if isinstance(expected, list) else [expected]) if t != "null"]
        return [(path, f"expected {' or '.join(types)}, got {json_type(value)} {_show(value)}")]
    if keyword == "enum":
        allowed = ", ".join(_show(v) for v in expected if v is not None)
        return [(path, f"must be one of {allowed}; got {_show(value)}")]
    return [(path, error.message)]


def format_text(problems: list[Problem]) -> str:
    return "".join(f"{p}\n" for p in problems)


def format_json(problems: list[Problem], checked: int) -> str:
    return json.dumps({"valid": not problems, "documents": checked,
                       "problems": [p.as_dict() for p in problems]}, indent=2) + "\n"
