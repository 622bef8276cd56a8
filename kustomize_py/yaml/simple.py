"""A fast reader for the plain block YAML most resource files are written in; None for anything
else, which load.py then reads through libyaml.

The subset: printable ASCII without tabs or backslashes; lines that are blank, whole-line
comments, `---`, `key: value`, `key:`, `- value` or `- key: value` (no comment after them), where
keys are plain strings and values are plain scalars, simple quoted strings, `{}` or `[]`. The
nesting follows the indentation exactly as in YAML (a sequence may sit at its key's column); any
line that does not fit the structure (a continuation line, a stray indentation, a duplicate key)
sends the whole text to libyaml, which also words the error. Values are read with the same
scalar rules (load._plain) as the node builder, so both paths give the same data.
"""

from __future__ import annotations

import re

from kustomize_py.yaml.load import BlankNullMap, _Fail, _maybe_timestamp, _plain, _plain_cache

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

# One line: indentation, a dash, a plain key with its colon, the rest (findall gives "" for an
# absent group). The key excludes ':' so "a:b: c" has none; such lines fall back. Possessive:
# the rest always matches, so nothing is ever given back (saves the engine's backtrack points).
_LINE = re.compile(r"( *+)(- ++)?(?:([^ \n:][^:\n]*+):(?: ++|(?=\n)))?+([^\n]*+)\n")
_UNSUPPORTED_CHAR = re.compile(r"[\x00-\x09\x0b-\x1f\x7f\\]")  # tabs, CR, controls, escapes
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")  # a plain scalar may not start with these
_DOUBLE = re.compile(r'"([^"\\]*)"')
_SINGLE = re.compile(r"'((?:[^']|'')*)'")
_MAX_KEY = 1000  # libyaml refuses simple keys over 1024 characters
_DEEP = " " * 4000  # an indentation that may nest as deep as go-yaml's limit (10,000 levels)

_KEY, _DASH = 0, 1
_EMPTY = object()  # `key:` with nothing after it on the line
_INLINE = object()  # `- key: ...`: the dash's item is the mapping starting on its line


class _Unsupported(Exception):
    """The text is outside the subset."""


class _PlainStyle:
    style = ""  # what load._plain reads from a node: a plain scalar


def read(text: str, folded: bool) -> list[Any] | None:
    """The non-empty documents of `text` as load_all's node builder makes them, or None when
    the text is not in the subset."""
    if not text.isascii() or _UNSUPPORTED_CHAR.search(text) or _DEEP in text:
        return None
    if not text.endswith("\n"):
        text += "\n"
    try:
        docs = []
        for tokens in _documents(text):
            if not tokens:
                continue
            first = tokens[0]
            value, end = (_sequence if first[1] else _mapping)(tokens, 0, first[0])
            if end != len(tokens):
                return None  # a line outside the structure: libyaml says what is wrong
            if folded and isinstance(value, dict):
                # annotation values that keep their source text need the nodes: see load.py
                meta = value.get("metadata")
                ann = meta.get("annotations") if isinstance(meta, dict) else None
                if isinstance(ann, dict) and not all(
                        isinstance(v, str) and not _maybe_timestamp(v) for v in ann.values()):
                    return None
            docs.append(value)
    except (_Unsupported, _Fail, RecursionError):
        return None
    return docs


def _documents(text: str) -> list[list[tuple[int, int, str, Any]]]:
    """Each document's tokens (column, kind, key, value): a `key:` or a `- `."""
    docs = []
    tokens: list[tuple[int, int, str, Any]] = []
    append = tokens.append
    values, keys = _value_cache, _key_cache
    for indent, dash, key, rest in _LINE.findall(text):
        if rest:
            rest = rest.rstrip(" ")
        col = len(indent)
        if not key:
            if dash:
                if not rest:
                    raise _Unsupported  # an item on the following lines
                try:
                    value = values[rest]
                except KeyError:
                    value = _scalar(rest)
                append((col, _DASH, "", value))
            elif rest == "---" and not col:
                docs.append(tokens)
                tokens = []
                append = tokens.append
            elif rest and rest[0] != "#":
                raise _Unsupported  # a scalar line: a document or a continuation
            continue
        if key not in keys:
            if key[0] == "#" and not dash:
                continue  # a comment holding ": "
            _check_key(key)
        if dash:
            append((col, _DASH, "", _INLINE))
            col += len(dash)
        if rest:
            try:
                value = values[rest]
            except KeyError:
                value = _scalar(rest)
        else:
            value = _EMPTY
        append((col, _KEY, key, value))
    docs.append(tokens)
    return docs


# Keys and values seen before, checked and read: most recur in every document.
_key_cache: set[str] = set()
_value_cache: dict[str, Any] = {}


def _check_key(key: str) -> None:
    """Refuse a key outside the subset: one that is not a plain string key in YAML."""
    if key[0] in _INDICATORS or key[-1] == " " or key == "<<" or len(key) > _MAX_KEY or key.startswith(
            ("---", "...")) or " #" in key:
        raise _Unsupported
    try:
        read = _plain_cache[key]
    except KeyError:
        read = _plain(key, _PlainStyle)
    if read.__class__ is not str or read != key:
        raise _Unsupported  # a number, null or timestamp key: libyaml's path handles it
    if len(_key_cache) > 100_000:
        _key_cache.clear()
    _key_cache.add(key)


def _scalar(rest: str) -> Any:
    """The value of a scalar written on one line after `key: ` or `- `."""
    c = rest[0]
    if c == '"':
        m = _DOUBLE.fullmatch(rest)
        if m is None:
            raise _Unsupported
        value = m.group(1)
    elif c == "'":
        m = _SINGLE.fullmatch(rest)
        if m is None:
            raise _Unsupported
        value = m.group(1).replace("''", "'")
    elif rest == "{}":
        return {}  # a new one each time: not cached
    elif rest == "[]":
        return []
    elif (c in _INDICATORS and (c != "-" or rest[1:2] in ("", " "))) or ": " in rest or rest[-1] == ":" or (
            " #" in rest):
        raise _Unsupported  # (a comment after the value, too)
    else:
        value = _plain(rest, _PlainStyle)
    if len(_value_cache) > 100_000:
        _value_cache.clear()
    _value_cache[rest] = value
    return value


def _mapping(tokens: list[tuple[int, int, str, Any]], t: int, col: int) -> tuple[Any, int]:
    """The mapping whose keys are at `col`, from token t; and the index of the token after it."""
    out: dict[str, Any] = {}
    blank: list[str] = []
    n = len(tokens)
    while t < n:
        tcol, kind, key, value = tokens[t]
        if tcol != col or kind:
            break
        t += 1
        if key in out:
            raise _Unsupported  # a duplicate: libyaml's path words the error
        if value is _EMPTY:
            # the value is the node on the next lines when deeper, or a sequence at this column
            if t < n and (tokens[t][0] > col or tokens[t][0] == col and tokens[t][1]):
                nested = tokens[t]
                if nested[1]:
                    value, t = _sequence(tokens, t, nested[0])
                else:
                    value, t = _mapping(tokens, t, nested[0])
            else:
                value = None
                blank.append(key)
        out[key] = value
    return (BlankNullMap(out, frozenset(blank)) if blank else out), t


def _sequence(tokens: list[tuple[int, int, str, Any]], t: int, col: int) -> tuple[list[Any], int]:
    """The sequence whose dashes are at `col`, from token t; and the index of the token after it."""
    out = []
    n = len(tokens)
    while t < n:
        tcol, kind, _, value = tokens[t]
        if tcol != col or not kind:
            break
        t += 1
        if value is _INLINE:
            value, t = _mapping(tokens, t, tokens[t][0])
        out.append(value)
    return out, t


__all__ = ["read"]
