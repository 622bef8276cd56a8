"""Folded (`>`) block scalars as Kustomize prints them: the reference writes each resource with
go-yaml v3 and reads it back, and that emitter mis-places line breaks in folded scalars."""

from __future__ import annotations

_BREAKS = "\n\u2028\u2029"  # the line breaks go-yaml may write inside a block scalar
_BLANKZ = " \t\r\n\x85\u2028\u2029\x00"


_IS_BREAK = frozenset("\r\n\x85\u2028\u2029")  # go-yaml's is_break


def block_header(value: str) -> str:
    """The indicators go-yaml writes after `|` or `>` for `value`: an indentation indicator when it
    starts with a space or a break, then `-` (no final break), `+` (several) or nothing (one)."""
    hint = "2" if value[:1] == " " or value[:1] in _IS_BREAK else ""
    if value[-1:] not in _IS_BREAK:
        return hint + "-"
    if len(value) == 1 or value[-2] in _IS_BREAK:
        return hint + "+"
    return hint


class FoldedStr(str):
    """A string read from a folded block scalar of a resource or patch; the style matters only
    when the value is written out (see `settle`)."""

    __slots__ = ()


def _printable(ch: str) -> bool:
    cp = ord(ch)
    return (cp == 0x0A or 0x20 <= cp <= 0x7E or 0xA0 <= cp <= 0xD7FF
            or (0xE000 <= cp <= 0xFFFD and cp != 0xFEFF))


def _block_allowed(value: str) -> bool:
    """go-yaml's test for writing `value` as a block scalar (else it double-quotes it, intact)."""
    if not value or value[-1] == " ":
        return False
    previous_space = False
    for ch in value:
        if ch == " ":
            previous_space = True
            continue
        if ch in _BREAKS and previous_space:
            return False  # a space before a line break
        if ch != "\t" and not _printable(ch):
            return False
        previous_space = False
    return True


def _emitted(value: str) -> str:
    """The folded scalar go-yaml v3 writes for `value` (header, then lines indented by 2).

    Its emitter means to add an empty line after a text line unless the next line is
    more-indented, but tests the first character of the whole value instead of the next line's:
    so a value starting with text gets an empty line before every more-indented line too.
    """
    k = 0
    while value[k] in _BREAKS:  # the value is not only breaks: those print as a literal
        k += 1
    extra = value[k] not in _BLANKZ
    out = ["k: >", block_header(value), "\n"]
    breaks = leading_spaces = True
    for ch in value:
        if ch in _BREAKS:
            if not breaks and not leading_spaces and ch == "\n" and extra:
                out.append("\n")
            out.append(ch)
            breaks = True
        else:
            if breaks:
                out.append("  ")
                leading_spaces = ch in " \t"
            out.append(ch)
            breaks = False
    return "".join(out)


_cache: dict[str, str] = {}


def settle(value: str) -> str:
    """The plain string a folded scalar holding `value` becomes once the reference has written it
    with go-yaml v3 and read it back (lines are never re-wrapped: its width is unlimited)."""
    if "\n" not in value and "\u2028" not in value and "\u2029" not in value:
        return str(value)
    try:
        return _cache[value]
    except KeyError:
        pass
    result = str(value)
    if _block_allowed(value) and value.strip("".join(_BREAKS)):
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        reread = yaml.load(_emitted(value), Loader=loader)  # noqa: S506 - a safe loader
        if isinstance(reread, dict) and isinstance(reread.get("k"), str):
            result = reread["k"]
    if len(_cache) > 10_000:
        _cache.clear()
    _cache[str(value)] = result
    return result


__all__ = ["FoldedStr", "settle"]
