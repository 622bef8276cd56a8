"""Plain slotted record classes for the render path: value equality and a readable repr, without
the import cost of attrs or dataclasses (every `kpy build` pays for what it imports)."""

from __future__ import annotations


class Record:
    """Base for small records: subclasses list their fields in `_fields` (and in `__slots__`)."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in self._fields)

    # No __hash__ here: a class that defines __eq__ but not __hash__ gets `__hash__ = None` from
    # Python itself, so mutable records are unhashable; FrozenRecord defines its own. (Spelling the
    # None out would make the type checker reject FrozenRecord's override.)

    def __repr__(self) -> str:
        inner = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._fields)
        return f"{type(self).__name__}({inner})"


class FrozenRecord(Record):
    """A record whose fields cannot be reassigned once `__init__` set them with object.__setattr__."""

    __slots__ = ()

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: cannot delete {name!r}")

    def __hash__(self) -> int:
        return hash((type(self).__name__, *(getattr(self, f) for f in self._fields)))
