"""The Kustomization's Go types as `kpy edit` uses them (tables derived from the one schema in
kustomization.py): `kustomize edit` reads a kustomization into typed structs
and writes it back from them, so unknown fields fail, empty optional fields vanish and required
ones appear. `decode` and `encode` reproduce that round trip over plain dicts."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

from kustomize_py.errors import KustomizationError
from kustomize_py.kustomization import ANY, KUSTOMIZATION as _SCHEMA, List, Map, Struct, json_kind

# A type is "string", "bool", "int64", "any", or a tuple: ("list", T), ("map", T), ("ptr", S)
# (a pointer to struct S), ("struct", S). A struct is a list of (json name, type, omitempty).
# All of it is derived from the one schema of the Go types, kustomization.KUSTOMIZATION.
_S, _B, _I, _A = "string", "bool", "int64", "any"


def _edit_type(t: Any, pointer: bool = True) -> Any:
    """A schema type in the notation above (scalar aliases are their kind, any int is int64)."""
    if isinstance(t, Struct):
        return ("ptr" if pointer else "struct", t.name)
    if isinstance(t, List):
        return ("list", _edit_type(t.item, t.pointer))
    if isinstance(t, Map):
        return ("map", _edit_type(t.value))
    return {"bool": _B, "int": _I, "int64": _I, ANY: _A}.get(t, _S)


def _tables(struct: Struct, out: dict[str, list[tuple[str, Any, bool]]]) -> None:
    """`struct` and every struct its fields hold, by name, in Go's field order."""
    if struct.name in out:
        return
    out[struct.name] = [(name, _edit_type(t, name not in struct.by_value), name not in struct.always)
                        for name, (_, t) in struct.fields.items()]
    _GO[struct.name] = struct
    for _, t in struct.fields.values():
        while isinstance(t, (List, Map)):
            t = t.item if isinstance(t, List) else t.value
        if isinstance(t, Struct):
            _tables(t, out)


_GO: dict[str, Struct] = {}  # the schema's structs by name (their case-insensitive lookup)
STRUCTS: dict[str, list[tuple[str, Any, bool]]] = {}
_tables(_SCHEMA, STRUCTS)
# The Kustomization's top-level fields; every one is optional (omitempty).
KUSTOMIZATION: dict[str, Any] = {name: t for name, t, _ in STRUCTS["Kustomization"]}
_FIELDS = {name: {f[0]: f[1] for f in fields} for name, fields in STRUCTS.items()}  # name -> type


def _go_type(t: Any) -> str:
    if isinstance(t, str):
        return "interface {}" if t == _A else t
    kind, inner = t
    if kind == "list":
        return "[]" + _go_type(inner)
    if kind == "map":
        return "map[string]" + _go_type(inner)
    return ("*" if kind == "ptr" else "") + "types." + inner


def _mismatch(v: Any, t: Any, where: tuple[str, str]) -> KustomizationError:
    # Go names the innermost struct type, then the JSON path from the top.
    if not where[1]:
        return KustomizationError(f"invalid Kustomization: json: cannot unmarshal {json_kind(v)} "
                                  f"into Go value of type {_go_type(t)}")
    return KustomizationError(
        f"invalid Kustomization: json: cannot unmarshal {json_kind(v)} into Go struct field "
        f"{where[0]}.{where[1]} of type {_go_type(t)}")


def _plain_json(v: Any) -> Any:
    """A YAML value as it reads back from JSON: keys become strings."""
    if isinstance(v, dict):
        return {str(k): _plain_json(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain_json(x) for x in v]
    return v


def _decode(v: Any, t: Any, where: tuple[str, str]) -> Any:
    """`v` (parsed YAML) as Go's JSON decoder stores it in type `t`; None is Go's zero/nil."""
    if v is None:
        return None
    if t == _A:
        return _plain_json(v)
    if t == _S:
        if not isinstance(v, str):
            raise _mismatch(v, t, where)
        return v
    if t == _B:
        if not isinstance(v, bool):
            raise _mismatch(v, t, where)
        return v
    if t == _I:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v != int(v):
            raise _mismatch(v, t, where)
        return int(v)
    kind, inner = t
    if kind == "list":
        if not isinstance(v, list):
            raise _mismatch(v, t, where)
        return [_decode(x, inner, where) for x in v]
    if kind == "map":
        if not isinstance(v, dict):
            raise _mismatch(v, t, where)
        return {str(k): _decode(x, inner, where) for k, x in v.items()}
    return decode_struct(v, inner, where)


def decode_struct(v: Any, name: str, where: tuple[str, str] = ("", "")) -> dict[str, Any]:
    """A mapping decoded into struct `name`: keys matched case-insensitively, unknown keys fail."""
    if not isinstance(v, dict):
        raise _mismatch(v, ("struct", name), where)
    struct, fields = _GO[name], _FIELDS[name]
    out: dict[str, Any] = {}
    for key, value in v.items():
        key = str(key)
        fname = key if key in fields else struct.folded.get(key.lower())
        if fname is None:
            raise KustomizationError(f'invalid Kustomization: json: unknown field "{key}"')
        ftype = fields[fname]
        if value is None and isinstance(ftype, str):
            continue  # JSON null leaves a Go scalar as it was (lists, maps, pointers become nil)
        out[fname] = _decode(value, ftype, (name, f"{where[1]}.{fname}" if where[1] else fname))
    return {k: x for k, x in out.items() if x is not None}


def _empty(v: Any, t: Any) -> bool:
    """Go's omitempty test: zero scalars, nil pointers, empty lists and maps (never structs)."""
    if v is None:
        return not (isinstance(t, tuple) and t[0] == "struct")
    if isinstance(t, tuple):
        return t[0] in ("list", "map") and len(v) == 0
    return v in ("", False, 0) and not (t == _A)


def _encode(v: Any, t: Any) -> Any:
    if isinstance(t, tuple):
        kind, inner = t
        if kind == "struct" or (kind == "ptr" and v is not None):
            return encode_struct(v or {}, inner)
        if v is None:
            return None
        if kind == "list":
            return [_encode(x, inner) for x in v]
        if kind == "map":
            return {k: _encode(x, inner) for k, x in v.items()}
        return None
    if v is None:
        return {_S: "", _B: False, _I: 0}.get(t)
    return v


def encode_struct(v: dict[str, Any], name: str) -> dict[str, Any]:
    """A struct as Go's JSON encoder writes it: omitempty fields dropped when empty."""
    out: dict[str, Any] = {}
    for fname, ftype, omitempty in STRUCTS[name]:
        value = v.get(fname)
        if omitempty and _empty(value, ftype):
            continue
        out[fname] = _encode(value, ftype)
    return out


def field_is_empty(name: str, value: Any) -> bool:
    """The kustfile writer skips a top-level field that is nil or has length 0."""
    t = KUSTOMIZATION[name]
    if value is None:
        return True
    if isinstance(t, tuple) and t[0] == "ptr":
        return False
    return len(value) == 0


def encode_field(name: str, value: Any) -> Any:
    return _encode(value, KUSTOMIZATION[name])
