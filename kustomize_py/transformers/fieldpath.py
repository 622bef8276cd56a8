"""The dotted field-path language of replacements and vars (`spec.containers.[name=app].image`):
splitting, read-only lookup, and matching with optional creation, over plain dicts and lists."""

from __future__ import annotations

import math
import re
from typing import Any

from kustomize_py.errors import TransformerError
from kustomize_py.yaml.scalars import with_text

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING", "__bool__": lambda self: False})()


class _Created:
    """A leaf made by a create walk: a scalar with no tag yet, typed by the value later written."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "CREATED"


CREATED: Any = _Created()


class Untagged(str):
    """Text written into a created scalar: it has no type tag yet, so later writes keep it untyped
    and it is typed (int, bool, ...) from its text only when the step finishes (see `settle`)."""

    __slots__ = ()

# What a create walk makes at the end of a path (the kind of the value that will be written).
SCALAR, MAP, SEQ = "scalar", "map", "seq"

Location = tuple[Any, Any]  # (container, key or index): where a matched value lives


def field(data: Any, name: str, default: Any = None) -> Any:
    """A config field, with the reference's case-insensitive JSON field matching."""
    if not isinstance(data, dict):
        return default
    if name in data:
        return data[name]
    low = name.lower()
    for key, value in data.items():
        if isinstance(key, str) and key.lower() == low:
            return value
    return default


# -- splitting -----------------------------------------------------------------------------------


def split_plain(path: str, sep: str = ".") -> list[str]:
    """Split on `sep`; a backslash before `sep` keeps it inside the part; a leading `sep` is ignored."""
    parts = path.split(sep)
    if len(parts) > 1 and parts[0] == "":
        parts = parts[1:]
    out = [parts[0]]
    for part in parts[1:]:
        if out[-1].endswith("\\"):
            out[-1] = out[-1][:-1] + sep + part
        else:
            out.append(part)
    return out


def split_path(path: str, sep: str = ".") -> list[str]:
    """Split a field path, keeping bracketed parts whole.

    `[name=a.b]` stays one part with its brackets (a list-entry selector); `[a.b/c]` becomes the
    map key `a.b/c` (brackets dropped) when it had to be re-joined across separators.
    """
    split = split_plain(path, sep)
    out: list[str] = []
    i = 0
    while i < len(split):
        elem = split[i]
        if elem.startswith("[") and not elem.endswith("]"):
            joined = [elem]
            while i < len(split) - 1:
                i += 1
                joined.append(split[i])
                if split[i].endswith("]"):
                    break
            text = sep.join(joined)
            out.append(text if "=" in text else text.strip("[]"))
        else:
            out.append(elem)
        i += 1
    return out


_SLICE_INDEX = re.compile(r"^(.*)\[(\d+)\]$", re.DOTALL)


def convert_slice_index(parts: list[str]) -> list[str]:
    """`ports[0]` -> `ports`, `0` (the vars field-path form)."""
    out: list[str] = []
    for part in parts:
        m = _SLICE_INDEX.match(part) if part.endswith("]") else None
        if m is None:
            out.append(part)
            continue
        if m.group(1):
            out.append(m.group(1))
        out.append(m.group(2))
    return out


# -- scalars as the reference sees them ------------------------------------------------------------


def scalar_text(value: Any) -> str:
    """The text a scalar has in a YAML node (what replacements copy and delimiters split)."""
    if value is None or value is CREATED:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = getattr(value, "yaml_text", None)
    if text is not None:  # a number keeps the text it was written with (`007`, `0x1F`)
        return text
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, (dict, list)):
        return ""
    return str(value)


def _float_text(f: float) -> str:
    if math.isnan(f):
        return ".nan"
    if math.isinf(f):
        return ".inf" if f > 0 else "-.inf"
    return repr(f)


def node_text(value: Any) -> str:
    """How one scalar prints on its own (used when list entries are matched with a regex)."""
    if isinstance(value, Untagged):
        return str.__str__(value)
    if isinstance(value, str):
        return f'"{value}"' if resolve_plain(value)[0] != "str" and value != "" else value
    if value is None:
        return "null"
    return scalar_text(value)


_YAML_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_GO_INT = re.compile(r"^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)$")


def resolve_plain(text: str) -> tuple[str, Any]:
    """Type a plain scalar as the reference's YAML library does when a node has no tag (YAML 1.2
    core schema plus 1.1 octals): returns (tag, value) with tag one of null/bool/int/float/str."""
    if text in ("", "~", "null", "Null", "NULL"):
        return "null", None
    if text in ("true", "True", "TRUE"):
        return "bool", True
    if text in ("false", "False", "FALSE"):
        return "bool", False
    if text in (".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"):
        return "float", math.inf
    if text in ("-.inf", "-.Inf", "-.INF"):
        return "float", -math.inf
    if text in (".nan", ".NaN", ".NAN"):
        return "float", math.nan
    if text[0] in "+-.0123456789":
        plain = text.replace("_", "")
        number = _go_int(plain)
        if number is not None:
            return "int", with_text(number, text)
        if _YAML_FLOAT.match(plain):
            return "float", with_text(float(plain), text)
    return "str", text


def _go_int(plain: str) -> int | None:
    if not _GO_INT.match(plain):
        return None
    sign = -1 if plain.startswith("-") else 1
    digits = plain.lstrip("+-")
    low = digits.lower()
    if low.startswith(("0x", "0b", "0o")):
        n = int(low, 0)
    elif len(digits) > 1 and digits.startswith("0"):
        n = int(digits, 8)
    else:
        n = int(digits)
    n *= sign
    return n if -(2**63) <= n < 2**64 else None


def tag_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return "str"


def retyped(old: Any, text: str) -> Any:
    """The value a scalar node holds after its text is replaced but its type tag kept.

    A created (untagged) scalar takes the type its text resolves to; a typed one must still be
    readable as that type, as the reference fails when it decodes the result."""
    if old is CREATED or isinstance(old, Untagged):
        return Untagged(text)
    tag, resolved = resolve_plain(text)
    want = tag_of(old)
    if want == "str":
        return text
    if want == tag:
        return resolved
    if want == "float" and tag == "int":
        return with_text(float(resolved), text)
    raise TransformerError(f"map[string]interface {{}}(nil): yaml: cannot decode !!{tag} `{text}` as a !!{want}")


# -- walking ---------------------------------------------------------------------------------------


def _kind_name(node: Any) -> str:
    if isinstance(node, dict):
        return "MappingNode"
    if isinstance(node, list):
        return "SequenceNode"
    return "ScalarNode"


def _wrong_kind(expected: str, node: Any) -> TransformerError:
    return TransformerError(f"wrong node kind: expected {expected} but got {_kind_name(node)}")


def _is_null(node: Any) -> bool:
    return node is None or node is MISSING


def _atoi(part: str) -> int | None:
    return int(part) if re.fullmatch(r"[-+]?[0-9]+", part) else None


def _split_index(part: str) -> tuple[str, str]:
    inner = part[1:-1] if part.endswith("]") else part[1:]
    name, sep, value = inner.partition("=")
    if not sep:
        raise TransformerError("list path element must contain fieldName=fieldValue for element to match")
    return name, value


def _key_text(key: Any) -> str:
    return scalar_text(key)


def _get_field(node: Any, name: str) -> Any:
    """The value under `name` in a mapping (MISSING when absent; nulls never match)."""
    if _is_null(node):
        return MISSING
    if not isinstance(node, dict):
        raise _wrong_kind("MappingNode", node)
    if name in node:
        return node[name]
    for key, value in node.items():
        if not isinstance(key, str) and _key_text(key) == name:
            return value
    return MISSING


def _field_key(node: dict[str, Any], name: str) -> Any:
    if name in node:
        return name
    for key in node:
        if not isinstance(key, str) and _key_text(key) == name:
            return key
    return name


def lookup(obj: Any, parts: list[str]) -> Any:
    """Read the value at `parts` (list entries matched exactly); MISSING when a step is absent."""
    node = obj
    for part in (p.strip() for p in parts):
        if not part:
            continue
        idx = _atoi(part)
        if idx is not None:
            if idx < 0:
                raise TransformerError(f"array index {idx} cannot be negative")
            node = _element(node, idx)
        elif part == "-":
            node = _element(node, -1)
        elif part == "*":
            raise TransformerError("wildcard is not supported in PathGetter")
        elif part.startswith("[") and part.endswith("]"):
            node = _match_exact(node, *_split_index(part))
        else:
            node = _get_field(node, part)
        if node is MISSING:
            return MISSING
    return node


def _element(node: Any, idx: int) -> Any:
    if _is_null(node):
        return MISSING
    if not isinstance(node, list):
        raise _wrong_kind("SequenceNode", node)
    if idx < 0:
        return node[-1] if node else MISSING
    return node[idx] if idx < len(node) else MISSING


def _match_exact(node: Any, name: str, value: str) -> Any:
    if _is_null(node):
        return MISSING
    if not isinstance(node, list):
        raise _wrong_kind("SequenceNode", node)
    for item in node:
        if not name:
            if not isinstance(item, (dict, list)) and scalar_text(item) == value:
                return item
            continue
        if isinstance(item, dict):
            field = _get_field(item, name)
            if field is not MISSING and not isinstance(field, (dict, list)) and scalar_text(field) == value:
                return item
    return MISSING


def match(obj: Any, parts: list[str], create: str | None = None) -> list[Location]:
    """Every place `parts` reaches in `obj`, as (container, key) pairs.

    List entries `[field=regex]` match with an unanchored regular expression; `*` matches every
    entry; numbers index lists. With `create` set (the kind of value that will be written), missing
    fields and entries are made on the way; a missing leaf is made as CREATED.
    """
    out: list[Location] = []
    _match(obj, [p for p in parts], create, None, None, out)
    return out


def _next_kind(parts: list[str], i: int, create: str) -> str:
    if i + 1 >= len(parts):
        return create
    nxt = parts[i + 1]
    if nxt.startswith("[") and nxt.endswith("]"):
        return SEQ
    n = _atoi(nxt)
    if n is not None and n >= 0:
        return SEQ
    return MAP


def _new_node(kind: str) -> Any:
    return {} if kind == MAP else [] if kind == SEQ else CREATED


def _match(node: Any, parts: list[str], create: str | None, parent: Any, key: Any,
           out: list[Location]) -> None:
    if not parts:
        out.append((parent, key))
        return
    head = parts[0]
    idx = _atoi(head)
    if idx is not None and idx >= 0:
        _match_index(node, parts, idx, create, parent, key, out)
    elif head.startswith("[") and head.endswith("]"):
        _match_entries(node, parts, create, parent, key, out)
    elif head == "*":
        for i, item in enumerate(_elements(node)):
            _match(item, parts[1:], create, node, i, out)
    else:
        _match_field(node, parts, create, parent, key, out)


def _elements(node: Any) -> list[Any]:
    if _is_null(node) or node is CREATED:
        return []
    if not isinstance(node, list):
        raise _wrong_kind("SequenceNode", node)
    return node


def _ensure_container(node: Any, kind: str, parent: Any, key: Any) -> Any:
    """A null node on a create walk becomes an empty map or list in place."""
    if (node is None or node is CREATED) and parent is not None:
        node = parent[key] = {} if kind == MAP else []
    return node


def _match_field(node: Any, parts: list[str], create: str | None, parent: Any, key: Any,
                 out: list[Location]) -> None:
    name = parts[0]
    if create and (node is None or node is CREATED):
        node = _ensure_container(node, MAP, parent, key)
    field = _get_field(node, name)
    if field is MISSING:
        if not create:
            return
        field = _new_node(_next_kind(parts, 0, create))
        node[name] = field
        _match(field, parts[1:], create, node, name, out)
        return
    _match(field, parts[1:], create, node, _field_key(node, name), out)


def _match_index(node: Any, parts: list[str], idx: int, create: str | None, parent: Any, key: Any,
                 out: list[Location]) -> None:
    if create and (node is None or node is CREATED):
        node = _ensure_container(node, SEQ, parent, key)
    items = _elements(node)
    if len(items) == idx and create:
        items.append(_new_node(_next_kind(parts, 0, create)))
    if len(items) < idx + 1:
        raise TransformerError(f"index {idx} specified but only {len(items)} elements found")
    _match(items[idx], parts[1:], create, items, idx, out)


def _match_entries(node: Any, parts: list[str], create: str | None, parent: Any, key: Any,
                   out: list[Location]) -> None:
    name, pattern = _split_index(parts[0])
    if create and (node is None or node is CREATED):
        node = _ensure_container(node, SEQ, parent, key)
    items = _elements(node)
    regex = _compile(pattern)
    found = len(out)
    for i, item in enumerate(items):
        if not name:
            if not isinstance(item, (dict, list)) and regex.search(node_text(item)):
                _match(item, parts[1:], create, items, i, out)
            continue
        if not isinstance(item, dict):
            continue
        field = _get_field(item, name)
        if field is MISSING or isinstance(field, (dict, list)):
            continue
        if regex.search(node_text(field).strip()):
            _match(item, parts[1:], create, items, i, out)
    if len(out) > found or not create:
        return
    # Nothing matched: append an entry holding the wanted value, then walk into it.
    made = Untagged(pattern)
    entry: Any = made if not name else {name: made}
    items.append(entry)
    _match(entry, parts[1:], create, items, len(items) - 1, out)


_REGEX_CACHE: dict[str, re.Pattern[str]] = {}


def _compile(pattern: str) -> re.Pattern[str]:
    compiled = _REGEX_CACHE.get(pattern)
    if compiled is None:
        try:
            compiled = re.compile(pattern)
        except re.error as err:
            raise TransformerError(f"error parsing regexp: {err}: `{pattern}`") from None
        _REGEX_CACHE[pattern] = compiled
    return compiled


def settle(node: Any) -> Any:
    """Type every Untagged text inside `node` from its text, in place; returns the new node."""
    if isinstance(node, Untagged):
        return resolve_plain(str.__str__(node))[1]
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, (dict, list, Untagged)):
                node[key] = settle(value)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            if isinstance(value, (dict, list, Untagged)):
                node[i] = settle(value)
    return node


def set_at(loc: Location, value: Any) -> None:
    parent, key = loc
    parent[key] = value


def get_at(loc: Location) -> Any:
    parent, key = loc
    return parent[key]

