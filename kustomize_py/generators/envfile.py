"""Parse the `.env` files of configMapGenerator/secretGenerator `envs` as Kustomize v5.6.0 does."""

from __future__ import annotations

from kustomize_py.errors import GeneratorError

# Go's bufio.Scanner gives up on a line that does not fit its 64 KiB buffer; Kustomize ignores
# that error, so the long line and everything after it are silently dropped. We do the same.
_MAX_LINE = 64 * 1024 - 1

_BOM = "\ufeff"

# Go's unicode.IsSpace (str.isspace() also accepts \x1c-\x1f, which Go does not).
_GO_SPACE = frozenset(
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)


def split_lines(content: bytes) -> list[bytes]:
    """Lines as Go's bufio.ScanLines yields them: split at LF, one trailing CR dropped."""
    lines: list[bytes] = []
    parts = content.split(b"\n")
    last = parts.pop()  # the text after the final LF (empty when the file ends with LF)
    for raw in parts:
        if len(raw) > _MAX_LINE:
            return lines
        lines.append(raw[:-1] if raw.endswith(b"\r") else raw)
    if last:
        if len(last) > _MAX_LINE:
            return lines
        lines.append(last[:-1] if last.endswith(b"\r") else last)
    return lines


def parse_env(content: bytes, source: str = "<env>") -> list[tuple[str, str]]:
    """The (key, value) pairs of an env file, in file order.

    Rules: leading whitespace is ignored; blank lines and lines starting with `#` are skipped;
    the key is everything before the first `=` (not trimmed on the right, not validated), the
    value everything after it, verbatim (no unquoting, no trimming); a line without `=` gives an
    empty value; a line with an empty key is skipped; a UTF-8 BOM is removed from line 1 only.
    """
    pairs: list[tuple[str, str]] = []
    for number, raw in enumerate(split_lines(content)):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            # The line may hold a secret: name the place, never the content.
            raise GeneratorError(
                f"line {number + 1} has invalid UTF-8 bytes", path=source
            ) from None
        if number == 0 and line.startswith(_BOM):
            line = line[1:]
        line = _lstrip_go(line)
        if not line or line[0] == "#":
            continue
        key, sep, value = line.partition("=")
        if not key:
            continue
        pairs.append((key, value if sep else ""))
    return pairs


def _lstrip_go(s: str) -> str:
    i = 0
    while i < len(s) and s[i] in _GO_SPACE:
        i += 1
    return s[i:]
