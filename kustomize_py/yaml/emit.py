"""Write plain data as YAML in the exact style of `kustomize build`. Kustomize prints each resource
by turning it into JSON and that JSON into YAML with go-yaml v2 (via sigs.k8s.io/yaml), so this
module reproduces go-yaml v2's emitter: natural key order, indentless sequences, 2-space indent,
its quoting choices, line folding at 80 columns and block scalars."""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterable
from functools import cmp_to_key

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

from kustomize_py.errors import YamlError
from kustomize_py.yaml.folded import FoldedStr, block_header, settle
from kustomize_py.yaml.scalars import PRINT_TABLE as _FAST_QUOTED
from kustomize_py.yaml.scalars import float_text, int_text, resolves_to_non_string

_WIDTH = 80  # go-yaml's best_width: folding happens at a space once the column exceeds it
_SIMPLE_KEY_MAX = 128  # longer keys (in bytes) are written as "? key" / ": value"

# Strings that certainly print plain: a safe first character, then only characters that never
# trigger quoting (a ':' only before another such character: `image:tag`, `http://x`). Anything
# else goes through the full analysis below (and is cached).
_FAST_PLAIN = re.compile(r"[A-Za-z_/][A-Za-z0-9_./=+-]*(?::[A-Za-z0-9_./=+-]+)*")
_NEL_RUN = re.compile(" *\x85[ \x85]*")
# A raw NEL starts a new line where go-yaml v2 reads the JSON back; "---" or "..." right after
# it is a document marker there, and Kustomize fails.
_NEL_DOC_MARKER = re.compile("\x85(?:---|\\.\\.\\.)[ \x85]")
_BREAKS = frozenset("\r\n\x85\u2028\u2029")

PLAIN, SINGLE, DOUBLE, LITERAL = range(4)
_AT_LINE_START = "\x00"  # marks text that already ended a line (never present in real output)

_ESCAPES = {
    "\x00": "\\0", "\x07": "\\a", "\x08": "\\b", "\t": "\\t", "\n": "\\n", "\x0b": "\\v",
    "\x0c": "\\f", "\r": "\\r", "\x1b": "\\e", '"': '\\"', "\\": "\\\\", "\x85": "\\N",
    "\xa0": "\\_", "\u2028": "\\L", "\u2029": "\\P",
}


# Characters the double-quoted writer escapes even though they are printable.
_ESCAPED_PRINTABLE = frozenset('"\\')


def _printable(ch: str) -> bool:
    o = ord(ch)
    return (o == 0x0A or 0x20 <= o <= 0x7E or 0xA0 <= o <= 0xD7FF
            or (0xE000 <= o <= 0xFFFD and o != 0xFEFF))


class _Info:
    """What go-yaml v2's scalar analysis says about a string, plus its style and one-line text."""

    __slots__ = ("multiline", "simple_key", "style", "text")

    def __init__(self, style: int, text: str, multiline: bool, simple_key: bool):
        self.style = style
        self.text = text  # the scalar as written when nothing folds (not for LITERAL)
        self.multiline = multiline
        self.simple_key = simple_key


_B = "\r\n\x85\u2028\u2029"  # what go-yaml counts as line breaks
_PRINTABLE_CLASS = "\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd"
# The complement of _PRINTABLE_CLASS spelled out as positive ranges: the same characters (a test
# checks every code point), but compiling the negated class costs ~4 ms at every start, this ~0.5.
_NOT_PRINTABLE_CLASS = "\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff\U00010000-\U0010ffff"
# Characters go-yaml v2's reader rejects when it reads back Kustomize's JSON text.
_CONTROL_CLASS = "\x7f-\x84\x86-\x9f\ufffe\uffff"


class _Alphabet:
    """The expressions the scalar analysis runs, for strings drawn from one alphabet.

    The classes are the same for every string, restricted to the characters it can hold: an ASCII
    string (nearly all of them) is matched by small ASCII classes that compile in microseconds,
    while the full Unicode classes cost ~1.5 ms at start-up and are compiled on first need."""

    __slots__ = ("block_indicator", "break_space", "control", "double_escaped", "line_break",
                 "nonprintable", "space_break")

    def __init__(self, breaks: str, not_printable: str, control: str) -> None:
        self.control = re.compile(f"[{control}]")
        self.nonprintable = re.compile(f"[\x00-\t\x0b-\x1f{not_printable}]")
        self.line_break = re.compile(f"[{breaks}]")
        self.space_break = re.compile(f" [{breaks}]")
        self.break_space = re.compile(f"[{breaks}] ")
        # An indicator that forbids the plain style in block context (go-yaml v2's analysis).
        self.block_indicator = re.compile(
            r"\A(?:[#,\[\]{}&*!|>'\"%@`]|---|\.\.\.|[?:-](?:[ \t]|\Z))|:(?:[ \t]|\Z)|[ \t\x00"
            + breaks + "]#")
        self.double_escaped = re.compile(f'[\x00-\x1f{not_printable}"\\\\]')


_ASCII = _Alphabet("\r\n", "\x7f", "\x7f")
_unicode: _Alphabet | None = None


def _alphabet(s: str) -> _Alphabet:
    global _unicode
    if s.isascii():
        return _ASCII
    if _unicode is None:
        _unicode = _Alphabet(_B, _NOT_PRINTABLE_CLASS, _CONTROL_CLASS)
    return _unicode


def _analyze(s: str) -> tuple[bool, bool, bool, bool]:
    """(block_plain_allowed, single_quoted_allowed, block_allowed, multiline) as in go-yaml v2."""
    if not s:
        return True, True, False, False
    a = _alphabet(s)
    special = a.nonprintable.search(s) is not None
    line_breaks = a.line_break.search(s) is not None
    space_break = line_breaks and a.space_break.search(s) is not None
    break_space = line_breaks and a.break_space.search(s) is not None
    first, last = s[0], s[-1]
    edges = first == " " or last == " " or first in _B or last in _B
    plain = not (edges or special or line_breaks or a.block_indicator.search(s))
    single = not (break_space or space_break or special)
    block = not (last == " " or space_break or special)
    return plain, single, block, line_breaks


def _double_text(s: str) -> str:
    if s.startswith("\ufeff"):  # go-yaml v2 tests the BOM at the string start for every char
        return '"' + "".join([_escape(ch) for ch in s]) + '"'
    return '"' + _alphabet(s).double_escaped.sub(lambda m: _escape(m.group()), s) + '"'


def _escape(ch: str) -> str:
    esc = _ESCAPES.get(ch)
    if esc is not None:
        return esc
    o = ord(ch)
    if o <= 0xFF:
        return f"\\x{o:02X}"
    if o <= 0xFFFF:
        return f"\\u{o:04X}"
    return f"\\U{o:08X}"


def _json_roundtrip(s: str) -> str:
    """The string as go-yaml v2 reads it back from Kustomize's JSON: a raw NEL is a line break
    there, folded like any break inside a double-quoted scalar."""
    if _alphabet(s).control.search(s):
        raise YamlError("yaml: control characters are not allowed (a string holds a character "
                        "such as DEL or a C1 control that Kustomize cannot print)")
    if "\x85" in s:
        if _NEL_DOC_MARKER.search(s):
            raise YamlError("yaml: found unexpected document indicator (a string holds a NEL "
                            "character followed by '---' or '...', which Kustomize cannot print)")

        def fold(m: re.Match[str]) -> str:
            breaks = m.group(0).count("\x85")
            return " " if breaks == 1 else "\n" * (breaks - 1)
        s = _NEL_RUN.sub(fold, s)
    return s


_info_cache: dict[str, _Info] = {}


def _info(s: str) -> _Info:
    info = _info_cache.get(s)
    if info is not None:
        return info
    s2 = _json_roundtrip(s)
    plain_ok, single_ok, block_ok, multiline = _analyze(s2)
    if "\n" in s2:
        style = LITERAL if block_ok else DOUBLE
    elif not resolves_to_non_string(s2):
        style = PLAIN if plain_ok else (SINGLE if single_ok else DOUBLE)
    else:
        style = DOUBLE
    if style == PLAIN:
        text = s2
    elif style == SINGLE:
        text = "'" + s2.replace("'", "''") + "'"
    elif style == DOUBLE:
        text = _double_text(s2)
    else:
        text = s2
    simple = not multiline and len(s2.encode("utf-8")) <= _SIMPLE_KEY_MAX
    info = _Info(style, text, multiline, simple)
    if len(_info_cache) > 200_000:
        _info_cache.clear()
    _info_cache[s] = info
    return info


# --- writing scalars -----------------------------------------------------------------------
# The written form of strings that print the same at any column: one line without a space (so
# nothing folds). The writers look here first; _scalar fills it.
_fixed_cache: dict[str, str] = {}


def _fixed(s: str, written: str) -> str:
    if len(_fixed_cache) > 200_000:
        _fixed_cache.clear()
    _fixed_cache[s] = written
    return written


def _scalar(s: str, col: int, indent: int) -> str:
    """A string value written after an indicator that ends at column `col`; continuation lines
    (folds, block scalar lines) are indented by `indent`. Starts with the separating space."""
    try:
        return _fixed_cache[s]
    except KeyError:
        pass
    if _FAST_PLAIN.fullmatch(s) is not None and s not in _FAST_QUOTED:  # (holds no space)
        return _fixed(s, " " + s)
    info = _info(s)
    if info.style == LITERAL:
        return _literal(info.text, indent)
    text = info.text
    if " " not in text and not info.multiline:
        return _fixed(s, " " + text)
    if col + 1 + len(text) <= _WIDTH + 1 and not info.multiline:
        return " " + text
    if info.style == PLAIN:
        return _fold_plain(text, col + 1, indent)
    if info.style == SINGLE:
        return _fold_single(_json_roundtrip(s), col + 1, indent)
    return _fold_double(_json_roundtrip(s), col + 1, indent)


def _fold_plain(value: str, column: int, indent: int) -> str:
    out = [" "]
    pad = "\n" + " " * indent
    spaces = False
    n = len(value)
    for i, ch in enumerate(value):
        if ch == " ":
            if not spaces and column > _WIDTH and i + 1 < n and value[i + 1] != " ":
                out.append(pad)
                column = indent
            else:
                out.append(" ")
                column += 1
            spaces = True
        else:
            out.append(ch)
            column += 1
            spaces = False
    return "".join(out)


def _fold_single(value: str, column: int, indent: int) -> str:
    out = [" '"]
    column += 1
    pad = "\n" + " " * indent
    spaces = breaks = False
    n = len(value)
    for i, ch in enumerate(value):
        if ch == " ":
            if (not spaces and column > _WIDTH and 0 < i < n - 1 and value[i + 1] != " "):
                out.append(pad)
                column = indent
            else:
                out.append(" ")
                column += 1
            spaces = True
        elif ch in _BREAKS:
            if not breaks and ch == "\n":
                out.append("\n")
            out.append(ch)
            column = 0
            breaks = True
        else:
            if breaks:
                out.append(" " * indent)
                column = indent
            if ch == "'":
                out.append("'")
                column += 1
            out.append(ch)
            column += 1
            spaces = breaks = False
    out.append("'")
    return "".join(out)


def _fold_double(value: str, column: int, indent: int) -> str:
    out = [' "']
    column += 1
    pad = "\n" + " " * indent
    bom = value.startswith("\ufeff")
    spaces = False
    n = len(value)
    for i, ch in enumerate(value):
        if bom or ch in _ESCAPED_PRINTABLE or not _printable(ch) or ch in _BREAKS:
            esc = _escape(ch)
            out.append(esc)
            column += len(esc)
            spaces = False
        elif ch == " ":
            if not spaces and column > _WIDTH and 0 < i < n - 1:
                out.append(pad)
                column = indent
                if value[i + 1] == " ":
                    out.append("\\")
                    column += 1
            else:
                out.append(" ")
                column += 1
            spaces = True
        else:
            out.append(ch)
            column += 1
            spaces = False
    out.append('"')
    return "".join(out)


def _literal(value: str, indent: int) -> str:
    """A `|` block scalar; when it ends with a line break the next line needs no extra break."""
    header = block_header(value)
    last = value[-1:]
    pad = " " * indent
    if "\u2028" in value or "\u2029" in value:
        return " |" + header + _literal_body_general(value, pad)
    body = "\n".join([pad + line if line else "" for line in value.split("\n")])
    if last == "\n":
        body = body[:-1]  # the next line's own break (or the document end) writes this one
    return " |" + header + "\n" + body


def _literal_body_general(value: str, pad: str) -> str:
    out = ["\n"]
    breaks = True
    for ch in value:
        if ch in _BREAKS:
            out.append(ch)
            breaks = True
        else:
            if breaks:
                out.append(pad)
            out.append(ch)
            breaks = False
    text = "".join(out)
    if breaks:
        if text.endswith("\n"):
            return text[:-1]
        return text + _AT_LINE_START
    return text


# --- keys ---------------------------------------------------------------------------------
_key_cache: dict[str, tuple[str, int] | None] = {}


def _key(k: Any) -> tuple[str, int] | None:
    """(text including the colon, its width) for a simple key; None for a `?` complex key."""
    try:
        return _key_cache[k]
    except KeyError:
        pass
    except TypeError:
        raise YamlError(f"yaml: unsupported map key {k!r}") from None
    if not isinstance(k, str):
        raise YamlError(f"json: unsupported type: map key {k!r} of type {type(k).__name__} "
                        f"(Kustomize can only print string keys)")
    if _FAST_PLAIN.fullmatch(k) is not None and k not in _FAST_QUOTED and len(k) <= _SIMPLE_KEY_MAX:
        result: tuple[str, int] | None = (k + ":", len(k) + 1)
    else:
        _check_json_key(k)
        info = _info(k)
        if not info.simple_key:
            result = None
        else:
            result = (info.text + ":", len(info.text) + 1)
    if len(_key_cache) > 100_000:
        _key_cache.clear()
    _key_cache[k] = result
    return result


def _go_json_len(s: str) -> int:
    """Length in characters of Go's JSON encoding of `s` (with its quotes)."""
    n = 2
    for ch in s:
        if ch in '"\\\n\r\t':
            n += 2
        elif ch < " " or ch in "<>&\u2028\u2029":
            n += 6
        else:
            n += 1
    return n


def _check_json_key(k: str) -> None:
    """go-yaml v2 reads Kustomize's JSON back with simple keys, which may neither span lines
    (a raw NEL is a line break there) nor run past 1024 characters."""
    if "\x85" in k or (len(k) > 170 and _go_json_len(k) > 1024):
        raise YamlError("yaml: did not find expected ',' or '}' (Kustomize cannot print a map key "
                        "holding a NEL character or longer than 1024 characters)")


# go-yaml v2 sorts keys "naturally": runs of digits compare as numbers, and letters sort after
# every other character. Keys without digits and outside ASCII letters need only a remap.
_LETTERS_LAST = {c: 0x80 + c for c in range(ord("A"), ord("Z") + 1)}
_LETTERS_LAST.update({c: 0x80 + c for c in range(ord("a"), ord("z") + 1)})
_sort_cache: dict[str, str | None] = {}
_NEEDS_CMP = re.compile(r"[0-9]|[^\x00-\x7f]")


def _sort_key(k: str) -> str | None:
    try:
        return _sort_cache[k]
    except KeyError:
        pass
    result = None if _NEEDS_CMP.search(k) else k.translate(_LETTERS_LAST)
    if len(_sort_cache) > 100_000:
        _sort_cache.clear()
    _sort_cache[k] = result
    return result


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "L"


def _is_digit(ch: str) -> bool:
    return unicodedata.category(ch) == "Nd"


def _wrap64(n: int) -> int:
    n &= (1 << 64) - 1
    return n - (1 << 64) if n >= 1 << 63 else n


def go_key_less(a: str, b: str) -> bool:
    """go-yaml v2's keyList.Less for two string keys."""
    n = min(len(a), len(b))
    for i in range(n):
        ca, cb = a[i], b[i]
        if ca == cb:
            continue
        al, bl = _is_letter(ca), _is_letter(cb)
        if al and bl:
            return ca < cb
        if al or bl:
            return bl
        an = bn = 0
        if ca == "0" or cb == "0":
            j = i - 1
            while j >= 0 and _is_digit(a[j]):
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and _is_digit(a[ai]):
            an = _wrap64(an * 10 + (ord(a[ai]) - 48))
            ai += 1
        bi = i
        while bi < len(b) and _is_digit(b[bi]):
            bn = _wrap64(bn * 10 + (ord(b[bi]) - 48))
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ca < cb
    return len(a) < len(b)


def _cmp(a: str, b: str) -> int:
    if go_key_less(a, b):
        return -1
    if go_key_less(b, a):
        return 1
    return 0


_CMP_KEY = cmp_to_key(_cmp)


_order_cache: dict[tuple[Any, ...], list[Any]] = {}


def sorted_keys(d: dict[Any, Any]) -> list[Any]:
    """The keys of `d` in the order Kustomize prints them."""
    return list(_order(d))


def _order(d: dict[Any, Any]) -> list[Any]:
    """Like sorted_keys, but the list is shared through a cache: never mutate it."""
    keys = tuple(d)
    if len(keys) < 2:
        return list(keys)
    try:
        return _order_cache[keys]
    except KeyError:
        pass
    except TypeError:
        for k in keys:
            _key(k)  # raises the unsupported-key error
        raise
    order = _sorted_keys(keys)
    if len(_order_cache) > 20_000:
        _order_cache.clear()
    _order_cache[keys] = order
    return order


def _sorted_keys(keys: tuple[Any, ...]) -> list[Any]:
    try:
        fast = [_sort_key(k) for k in keys]
    except TypeError:
        for k in keys:
            _key(k)  # raises the unsupported-key error
        raise
    if None in fast:
        return sorted(keys, key=_CMP_KEY)
    return [k for _, k in sorted(zip(fast, keys))]


# --- the document -------------------------------------------------------------------------
def _value(v: Any, indent: int, col: int, out: list[str]) -> None:
    """The value of a mapping entry whose ':' ends at column `col`; the mapping is at `indent`."""
    cls = v.__class__
    if cls is str:
        out.append(_scalar(v, col, indent + 2))
    elif cls is dict:
        if v:
            _map(v, indent + 2, out, False)
        else:
            out.append(" {}")
    elif cls is list:
        if v:
            _seq(v, indent, out, False)  # sequences in mappings are not indented
        else:
            out.append(" []")
    else:
        coerced = _coerce(v)
        if coerced is not v:
            _value(coerced, indent, col, out)
        else:
            out.append(" " + _atom(v))


def _item(v: Any, indent: int, out: list[str]) -> None:
    """A sequence item whose dash is at column `indent`."""
    cls = v.__class__
    if cls is str:
        out.append(_scalar(v, indent + 1, indent + 2))
    elif cls is dict:
        if v:
            out.append(" ")
            _map(v, indent + 2, out, True)
        else:
            out.append(" {}")
    elif cls is list:
        if v:
            out.append(" ")
            _seq(v, indent + 2, out, True)
        else:
            out.append(" []")
    else:
        coerced = _coerce(v)
        if coerced is not v:
            _item(coerced, indent, out)
        else:
            out.append(" " + _atom(v))


def _coerce(v: Any) -> Any:
    """Subclasses of the plain types (and tuples) as the plain types; anything else unchanged."""
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, str):
        return settle(v) if v.__class__ is FoldedStr else str(v)
    if isinstance(v, dict):
        return dict(v)
    if isinstance(v, (list, tuple)):
        return list(v)
    return v


def _atom(v: Any) -> str:
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return int_text(v)
    if isinstance(v, float):
        try:
            return float_text(v)
        except ValueError as err:
            raise YamlError(str(err)) from None
    raise YamlError(f"yaml: cannot print a value of type {type(v).__name__}")


_layout_cache: dict[tuple[Any, ...], list[tuple[Any, str | None, int]]] = {}
_NEWLINES = ["\n" + " " * i for i in range(64)]  # a line break and an indentation, made once


def _layout(d: dict[Any, Any]) -> list[tuple[Any, str | None, int]]:
    """The keys of `d` in print order, each with its text (colon included) and width; the text is
    None for a `?` complex key or one that cannot be printed (_key writes or refuses it in turn).
    Cached by the key tuple (only all-string ones: 1 == True would mix up other keys)."""
    keys = tuple(d)
    try:
        return _layout_cache[keys]
    except KeyError:
        pass
    except TypeError:
        _order(d)  # raises the unsupported-key error
        raise
    layout: list[tuple[Any, str | None, int]] = []
    complete = True
    for k in _order(d):
        try:
            key = _key(k)
        except YamlError:
            key, complete = None, False
        layout.append((k, None, 0) if key is None else (k, key[0], key[1]))
    if complete:
        if len(_layout_cache) > 20_000:
            _layout_cache.clear()
        _layout_cache[keys] = layout
    return layout


def _map(d: dict[Any, Any], indent: int, out: list[str], inline: bool) -> None:
    """A block mapping whose keys sit at column `indent`; `inline` when the cursor is already
    there (after "- " or at the document start). The common values are written inline here."""
    nl = _NEWLINES[indent] if indent < 64 else "\n" + " " * indent
    child = indent + 2
    append = out.append
    first = inline
    for k, text, width in _layout(d):
        v = d[k]
        if text is None:
            if first:
                first = False
            else:
                append(nl)
            if _key(k) is None:  # (raises for a key that cannot be printed)
                _complex_entry(k, v, indent, out)
            continue
        if first:
            append(text)
            first = False
        else:
            append(nl + text)
        cls = v.__class__
        if cls is str:
            try:
                append(_fixed_cache[v])
            except KeyError:
                append(_scalar(v, indent + width, child))
        elif cls is dict and v:
            _map(v, child, out, False)
        elif cls is list and v:
            _seq(v, indent, out, False)  # sequences in mappings are not indented
        elif cls is int:
            append(" " + int_text(v))
        else:
            _value(v, indent, indent + width, out)


def _complex_entry(k: str, v: Any, indent: int, out: list[str]) -> None:
    """A key too long or multi-line for `key: value`: go-yaml writes `? key` then `: value`."""
    out.append("?")
    key_text = _scalar(k, indent + 1, indent + 2)
    if key_text.endswith(_AT_LINE_START):
        out.append(key_text[:-1] + " " * indent)
    else:
        out.append(key_text + "\n" + " " * indent)
    out.append(":")
    # after ": " the value behaves like a sequence item: nested blocks are indented and start inline
    _item(v, indent, out)


def _seq(items: list[Any], indent: int, out: list[str], inline: bool) -> None:
    """A block sequence with its dashes at column `indent`."""
    dash = _NEWLINES[indent] + "-" if indent < 64 else "\n" + " " * indent + "-"
    append = out.append
    first = inline
    for item in items:
        if first:
            append("-")
            first = False
        else:
            append(dash)
        cls = item.__class__
        if cls is str:
            try:
                append(_fixed_cache[item])
            except KeyError:
                append(_scalar(item, indent + 1, indent + 2))
        elif cls is dict and item:
            append(" ")
            _map(item, indent + 2, out, True)
        else:
            _item(item, indent, out)


def _document(doc: Any) -> str:
    out: list[str] = []
    cls = doc.__class__
    if cls is dict and doc:
        _map(doc, 0, out, True)
    elif cls is list and doc:
        _seq(doc, 0, out, True)
    elif cls is dict:
        out.append("{}")
    elif cls is list:
        out.append("[]")
    else:
        # a bare scalar document: go-yaml indents its continuation lines by 2
        coerced = _coerce(doc)
        if coerced is not doc:
            return _document(coerced)
        text = _scalar(doc, -1, 2) if cls is str else " " + _atom(doc)
        out.append(text[1:])
    text = "".join(out)
    if _AT_LINE_START in text:
        text = text.replace(_AT_LINE_START + "\n", "").replace(_AT_LINE_START, "")
        return text if text.endswith("\n") or not text else text + "\n"
    return text + "\n"


def dump(doc: Any) -> str:
    """One document in Kustomize's output style, ending with a newline."""
    try:
        return _document(doc)
    except RecursionError:
        pass
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 25_000))
    try:
        return _document(doc)
    except RecursionError:
        raise YamlError("yaml: exceeded max depth of 10000") from None
    finally:
        sys.setrecursionlimit(old)


def dump_all(docs: Iterable[Any]) -> str:
    """Documents joined by `---` lines, as `kustomize build` prints them."""
    return "---\n".join([dump(d) for d in docs])


__all__ = ["dump", "dump_all", "go_key_less", "sorted_keys"]
