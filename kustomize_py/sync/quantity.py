"""Kubernetes resource quantities (`500m`, `0.5`, `1Gi`, `1024Mi`, `1e3`) as exact numbers, so a value
the API server printed in canonical form compares equal to the one in Git (gitops-engine's diff
round-trips objects through their typed structs, which canonicalises quantities the same way)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

_SUFFIX: dict[str, int | Decimal] = {"": 1, "n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "k": 10**3, "M": 10**6,
           "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30,
           "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
# apimachinery resource.Quantity: a signed decimal number, then a binary or decimal suffix or an exponent.
_QUANTITY = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$")


def value(text: Any) -> Decimal | None:
    """The exact value of a quantity (a number or a string), or None when it is not one."""
    if isinstance(text, bool) or not isinstance(text, (int, float, str)):
        return None
    match = _QUANTITY.match(str(text).strip())
    if match is None:
        return None
    number, suffix = match.group(1), match.group(2) or ""
    try:
        if suffix[:1] in ("e", "E"):
            return Decimal(number) * (Decimal(10) ** int(suffix[1:]))
        return Decimal(number) * _SUFFIX[suffix]
    except (InvalidOperation, KeyError, ValueError):
        return None


def equal(a: Any, b: Any) -> bool:
    """Whether `a` and `b` are the same quantity written two ways."""
    x, y = value(a), value(b)
    return x is not None and y is not None and x == y
