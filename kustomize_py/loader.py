"""File access for one kustomization root, with Kustomize's load restrictions.

Under the default root-only restrictor, every file a kustomization names (resources, patches,
generator sources, env files, configurations, ...) must resolve, symlinks followed, inside the
kustomization's own directory. Directories named in `resources`/`components` are new roots and
may sit anywhere (that is how `../base` works), but they must exist.
"""

from __future__ import annotations

import os
from pathlib import Path

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

from kustomize_py.errors import CycleError, KpyError, LoadRestrictionError
from kustomize_py.record import FrozenRecord

ROOT_ONLY = "LoadRestrictionsRootOnly"
NONE = "LoadRestrictionsNone"
RESTRICTORS = (ROOT_ONLY, NONE)


class Loader(FrozenRecord):
    """Reads files relative to `root` (a real, absolute directory)."""

    __slots__ = _fields = ("root", "restrictor", "parents")

    root: Path
    restrictor: str
    parents: tuple[Path, ...]  # roots of the kustomizations that led here (cycle detection)

    def __init__(self, root: Path, restrictor: str = ROOT_ONLY, parents: tuple[Path, ...] = ()) -> None:
        object.__setattr__(self, "root", root)
        object.__setattr__(self, "restrictor", restrictor)
        object.__setattr__(self, "parents", parents)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # A subclass declared with attrs (remote.RepoLoader) gets its __init__, eq and hash from its
        # bases' attrs fields: describe ours the attrs way, only then (attrs is loaded there anyway).
        super().__init_subclass__(**kwargs)
        if "__attrs_attrs__" not in Loader.__dict__:
            import attrs

            @attrs.frozen
            class _Fields:
                root: Path
                restrictor: str = ROOT_ONLY
                parents: tuple[Path, ...] = ()

            type.__setattr__(Loader, "__attrs_attrs__", _Fields.__attrs_attrs__)

    @classmethod
    def at(cls, directory: str | os.PathLike[str], restrictor: str = ROOT_ONLY) -> Loader:
        if restrictor not in RESTRICTORS:
            raise KpyError(f"unknown load restrictor {restrictor!r}; use one of {', '.join(RESTRICTORS)}")
        path = Path(directory)
        if not path.exists():
            raise KpyError(f"must build at directory: not a valid directory: '{path}' doesn't exist")
        real = path.resolve()
        if not real.is_dir():
            raise KpyError(f"'{path}' must be a directory")
        return cls(real, restrictor)

    def resolve(self, rel: str) -> Path:
        """The real path of `rel`, checked against the load restriction (it need not exist)."""
        candidate = Path(rel) if os.path.isabs(rel) else self.root / rel
        real = candidate.resolve()
        if self.restrictor == ROOT_ONLY and not _within(real, self.root):
            raise LoadRestrictionError(
                f"security; file '{real}' is not in or below '{self.root}'", path=rel
            )
        return real

    def read_bytes(self, rel: str) -> bytes:
        """The bytes of file `rel`; errors name the path as written."""
        real = self.resolve(rel)
        if real.is_dir():
            raise KpyError(f"'{rel}' is a directory, expected a file", path=str(self.root))
        try:
            return real.read_bytes()
        except FileNotFoundError:
            raise KpyError(f"file '{rel}' not found in '{self.root}'") from None
        except OSError as err:
            raise KpyError(f"cannot read '{rel}': {err.strerror}") from None

    def read_text(self, rel: str) -> str:
        data = self.read_bytes(rel)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise KpyError(f"file '{rel}' is not valid UTF-8", path=str(self.root)) from None

    def is_dir(self, rel: str) -> bool:
        p = Path(rel) if os.path.isabs(rel) else self.root / rel
        return p.is_dir()

    def child(self, rel: str) -> Loader:
        """A loader rooted at directory `rel` (a base or component), refusing cycles."""
        if not rel:
            raise KpyError("new root cannot be empty")
        if os.path.isabs(rel):
            raise KpyError(f"new root '{rel}' cannot be absolute")
        real = (self.root / rel).resolve()
        if not real.is_dir():
            raise KpyError(f"must build at directory: not a valid directory: '{self.root / rel}' does not exist or is not a directory")
        for visited in (self.root, *self.parents):
            if _within(visited, real):
                raise CycleError(f"cycle detected: candidate root '{real}' contains visited root '{visited}'")
        return Loader(real, self.restrictor, (self.root, *self.parents))


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents
