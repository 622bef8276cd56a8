"""Scalar rules of the Go YAML libraries Kustomize runs data through: how a plain scalar is read
(go-yaml v3 rules) and whether a string would read back as something else (go-yaml v2 rules)."""

from __future__ import annotations

import math
import re

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

    # year, month, day, hour, minute, second, nanoseconds, zone offset in seconds (None: no zone)
    Timestamp = tuple[int, int, int, int, int, int, int, int | None]

# Plain scalars whose meaning comes from a fixed table. v3 (used to read resources) knows only
# YAML 1.2 booleans; v2 (used to print them) also knows the YAML 1.1 ones, so it quotes those.
_NAN = float("nan")
_INF = float("inf")
READ_TABLE: dict[str, Any] = {
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), None),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), _NAN),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), _INF),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -_INF),
}
YAML11_BOOLS = frozenset(
    ["y", "Y", "yes", "Yes", "YES", "on", "On", "ON",
     "n", "N", "no", "No", "NO", "off", "Off", "OFF"]
)
# Strings the printer never leaves plain because they would read back as a non-string.
PRINT_TABLE = frozenset(READ_TABLE) | YAML11_BOOLS

# Only scalars starting with one of these are looked up at all ('<<' is not: it stays a string).
_HINT_CHARS = frozenset("+-0123456789yYnNtTfFoO~.")
_NUMBER_START = frozenset("+-0123456789")

_YAML_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_DOT_FLOAT = re.compile(r"\.[0-9]+(?:[eE][-+]?[0-9]+)?")
_BASE60 = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_INT64_MIN, _INT64_MAX, _UINT64_MAX = -(1 << 63), (1 << 63) - 1, (1 << 64) - 1
_DIGITS = {2: "01", 8: "01234567", 10: "0123456789", 16: "0123456789abcdefABCDEF"}


def go_parse_int(s: str) -> int | None:
    """Go's strconv.ParseInt(s, 0, 64), falling back to ParseUint(s, 0, 64); None when both fail."""
    sign = 1
    body = s
    if body[:1] in ("+", "-"):
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    if not body:
        return None
    base = 10
    if body[0] == "0":
        p = body[1:2].lower()
        if len(body) >= 3 and p in ("b", "o", "x"):
            base = {"b": 2, "o": 8, "x": 16}[p]
            body = body[2:]
        else:
            base, body = 8, body[1:]
            if not body:
                return 0
    digits = _DIGITS[base]
    for ch in body:
        if ch not in digits:
            return None
    value = sign * int(body, base)
    if _INT64_MIN <= value <= _INT64_MAX:
        return value
    if s[0] not in "+-" and value <= _UINT64_MAX:  # ParseUint takes no sign
        return value
    return None


def _go_int_base(s: str, base: int, signed: bool) -> int | None:
    """Go's ParseInt(s, base, 64) (signed) or ParseUint(s, base, 64) with an explicit base."""
    body, sign = s, 1
    if signed and body[:1] in ("+", "-"):
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    digits = _DIGITS[base]
    if not body or any(ch not in digits for ch in body):
        return None
    value = sign * int(body, base)
    if signed:
        return value if _INT64_MIN <= value <= _INT64_MAX else None
    return value if value <= _UINT64_MAX else None


def _number(s: str, yaml12_octal: bool = True) -> int | float | None:
    """The int or float a plain scalar starting with a digit or sign means, or None.
    `yaml12_octal` adds go-yaml v3's extra `0o` rule (v2, used for printing, lacks it)."""
    plain = s.replace("_", "")
    value = go_parse_int(plain) if plain else None
    if value is not None:
        return value
    if _YAML_FLOAT.fullmatch(plain):
        f = float(plain)
        if f not in (_INF, -_INF):  # Go's ParseFloat fails on overflow: the scalar stays a string
            return f
    # Last resorts in go-yaml: the text after a 0b (or 0o) prefix is parsed on its own, so a
    # sign may follow the prefix ("0b-1" is -1).
    prefixes = (("0b", 2), ("0o", 8)) if yaml12_octal else (("0b", 2),)
    for prefix, base in prefixes:
        if plain.startswith(prefix):
            rest = plain[2:]
            got = _go_int_base(rest, base, True)
            return got if got is not None else _go_int_base(rest, base, False)
        if plain.startswith("-" + prefix):
            return _go_int_base("-" + plain[3:], base, True)
    return None


def _dot_number(s: str) -> float | None:
    if _DOT_FLOAT.fullmatch(s):
        f = float(s)
        if f != _INF:
            return f
    return None


# --- timestamps (Go's time.Parse with the four layouts go-yaml accepts) ---------------------
_TS = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
    r"(?:(?:([Tt])| +)([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,]([0-9]+))?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?)?"
)
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_in(month: int, year: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _MONTH_DAYS[month - 1]


def parse_timestamp(s: str) -> Timestamp | None:
    """(y, mo, d, h, mi, s, nsec, offset_seconds or None) when go-yaml reads `s` as a timestamp."""
    if len(s) < 5 or s[4] != "-" or not s[:4].isascii() or not s[:4].isdigit():
        return None
    m = _TS.fullmatch(s)
    if not m:
        return None
    y, mo, d, t, hh, mi, ss, frac, zone = m.groups()
    year, month, day = int(y), int(mo), int(d)
    if hh is not None:
        if t is None and zone is not None:  # the space-separated layout has no zone
            return None
        if t is not None and zone is None:  # the T layouts require one
            return None
    if not 1 <= month <= 12 or not 1 <= day <= _days_in(month, year):
        return None
    if hh is None:
        return (year, month, day, 0, 0, 0, 0, None)
    hour, minute, sec = int(hh), int(mi), int(ss)
    if hour > 23 or minute > 59 or sec > 59:
        return None
    nsec = int((frac or "0")[:9].ljust(9, "0"))
    offset = None
    if zone and zone != "Z":
        zh, zm = int(zone[1:3]), int(zone[4:6])
        if zh > 24 or zm > 60:
            return None
        offset = (zh * 60 + zm) * 60 * (-1 if zone[0] == "-" else 1)
    return (year, month, day, hour, minute, sec, nsec, offset)


def rfc3339nano(ts: Timestamp) -> str:
    """How Go's time.Time prints as JSON (RFC 3339 with trimmed nanoseconds)."""
    year, month, day, hour, minute, sec, nsec, offset = ts
    out = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{sec:02d}"
    if nsec:
        out += "." + f"{nsec:09d}".rstrip("0")
    if not offset:
        return out + "Z"
    zone = abs(offset) // 60
    return out + ("-" if offset < 0 else "+") + f"{zone // 60:02d}:{zone % 60:02d}"


class TimestampRangeError(ValueError):
    """A timestamp Go can read but cannot print as JSON (zone hour outside 0..23)."""


def timestamp_text(s: str) -> str | None:
    """The text a plain timestamp scalar ends up as in Kustomize output, or None if not one."""
    ts = parse_timestamp(s)
    if ts is None:
        return None
    if ts[7] is not None and abs(ts[7]) // 3600 >= 24:
        raise TimestampRangeError(f"timestamp {s!r}: timezone hour outside of range [0,23]")
    return rfc3339nano(ts)


# --- numbers that keep their source text ------------------------------------------------
# The reference keeps every scalar as a YAML node: names, namespaces, labels and name references
# are compared by the node's TEXT, and replacements copy that text, while the printed output (a
# JSON round trip) shows the number. `serviceAccountName: 007` finds the ServiceAccount "007" yet
# prints `7` when nothing matches. Only numbers not written in their canonical spelling carry the
# text (`007`, `0x1F`, `+5`, `1_000`, `1e3`, `1.50`); plain ints and floats stay plain.


class IntText(int):
    """An int written in a non-canonical way; `yaml_text` is how it was written. It prints and
    compares as the number; only code that matches or copies by text reads `yaml_text`."""

    yaml_text: str  # (int subclasses cannot have slots)

    def __new__(cls, value: int, text: str) -> IntText:
        obj = super().__new__(cls, value)
        obj.yaml_text = text
        return obj

    def __reduce__(self) -> tuple[Any, ...]:  # pickle (kpy build --all) keeps the text
        return (IntText, (int(self), self.yaml_text))

    def __copy__(self) -> IntText:
        return self

    def __deepcopy__(self, memo: Any) -> IntText:
        return self


class FloatText(float):
    """A float written in a non-canonical way (`1e3`, `1.50`, `.5`); see IntText."""

    __slots__ = ("yaml_text",)
    yaml_text: str

    def __new__(cls, value: float, text: str) -> FloatText:
        obj = super().__new__(cls, value)
        obj.yaml_text = text
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        return (FloatText, (float(self), self.yaml_text))

    def __copy__(self) -> FloatText:
        return self

    def __deepcopy__(self, memo: Any) -> FloatText:
        return self


def with_text(value: Any, text: str) -> Any:
    """`value` read from the plain scalar `text`, carrying the text when it is not the number's
    own spelling (str() for ints, repr() for floats: what text comparisons use otherwise)."""
    cls = value.__class__
    if cls is int:
        return value if str(value) == text else IntText(value, text)
    if cls is float:
        return value if repr(value) == text else FloatText(value, text)
    return value


def text_of(value: Any) -> str:
    """The text of a scalar as the reference compares it: the source text of a number that keeps
    one, else str(value) (strings are returned as they are; None is the empty string; a bool is
    written the canonical way, as its source spelling is not kept: bool cannot be subclassed)."""
    if value.__class__ is str:
        return value
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    text = getattr(value, "yaml_text", None)
    return str(value) if text is None else text


def drop_text(value: Any) -> Any:
    """The plain number behind a text-keeping one (what a JSON round trip leaves)."""
    cls = value.__class__
    if cls is IntText:
        return int(value)
    if cls is FloatText:
        return float(value)
    return value


TEXTED = (IntText, FloatText)

_MERGE = object()  # marker: the plain scalar `<<`


def read_plain(s: str) -> Any:
    """The value of an untagged plain scalar as Kustomize reads it (go-yaml v3, with plain
    timestamps turned into their RFC 3339 text as they print)."""
    if s in READ_TABLE:
        return READ_TABLE[s]
    c = s[:1]
    if c in _NUMBER_START:
        if c != "+" and c != "-":
            ts = timestamp_text(s)
            if ts is not None:
                return ts
        value = _number(s)
        if value is not None:
            return with_text(value, s)
        return s
    if c == ".":
        value = _dot_number(s)
        return s if value is None else with_text(value, s)
    return s


def resolves_to_non_string(s: str) -> bool:
    """True when go-yaml v2 would read `s`, written plain, as something other than this string
    (so the printer must double-quote it)."""
    if not s or s in PRINT_TABLE:
        return True
    c = s[0]
    if c not in _HINT_CHARS:
        return False
    if c in _NUMBER_START:
        if parse_timestamp(s) is not None or _number(s, yaml12_octal=False) is not None:
            return True
        # YAML 1.1 sexagesimal numbers are quoted for the sake of other readers.
        return ":" in s and _BASE60.fullmatch(s) is not None
    if c == ".":
        return _dot_number(s) is not None
    return False


# --- floats ------------------------------------------------------------------------------
def _shortest(f: float) -> tuple[str, int]:
    """Shortest round-trip digits of abs(f) and the decimal exponent e with value 0.DIGITS*10**e."""
    r = repr(abs(f))
    mant, _, exp = r.partition("e")
    point = int(exp) if exp else 0
    ip, _, fp = mant.partition(".")
    if fp == "0":
        fp = ""
    digits = (ip + fp).lstrip("0")
    lead_zeros = len(ip + fp) - len((ip + fp).lstrip("0"))
    point += len(ip) - lead_zeros
    digits = digits.rstrip("0") or "0"
    return digits, point


def _go_e(digits: str, point: int, neg: bool) -> str:
    exp = point - 1
    mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return ("-" if neg else "") + mant + ("e-" if exp < 0 else "e+") + f"{abs(exp):02d}"


def _go_f(digits: str, point: int, neg: bool) -> str:
    if point <= 0:
        text = "0." + "0" * -point + digits
    elif point >= len(digits):
        text = digits + "0" * (point - len(digits))
    else:
        text = digits[:point] + "." + digits[point:]
    return ("-" if neg else "") + text


def float_text(f: float) -> str:
    """How a float prints after Kustomize's JSON round trip: Go's JSON text of the number is read
    again, so whole numbers below 2**64 print as integers and the rest as Go's %g would."""
    if math.isnan(f) or math.isinf(f):
        what = "NaN" if math.isnan(f) else ("+Inf" if f > 0 else "-Inf")
        raise ValueError("json: unsupported value: " + what)
    if f == 0:
        return "0"
    neg = f < 0
    digits, point = _shortest(f)
    a = abs(f)
    if 1e-6 <= a < 1e21 and point >= len(digits):
        # Go's JSON writes this whole number without exponent; read back, it is an integer
        # when it fits 64 bits (the digits past the shortest ones are zeros, as Go pads them).
        as_int = int(digits + "0" * (point - len(digits)))
        if as_int <= (_UINT64_MAX if not neg else -_INT64_MIN):
            return ("-" if neg else "") + str(as_int) if as_int else "0"
    exp = point - 1
    if exp < -4 or exp >= 6:  # Go's %g with shortest digits switches to %e at these exponents
        return _go_e(digits, point, neg)
    return _go_f(digits, point, neg)


def int_text(i: int) -> str:
    """How an int prints; values outside int64/uint64 cannot exist in Go and print as floats."""
    if _INT64_MIN <= i <= _UINT64_MAX:
        return str(i)
    return float_text(float(i))
