"""File access for one kustomization root, with Kustomize's load restrictions.

Under the default root-only restrictor, every file a kustomization names (resources, patches,
generator sources, env files, configurations, ...) must resolve, symlinks followed, inside the
kustomization's own directory. Directories named in `resources`/`components` are new roots and
may sit anywhere (that is how `../base` works), but they must exist.

Every file access goes through the loader's filesystem (filesys.py: the disk, or an in-memory
tree where the same restrictions and symlink rules apply).
"""

from __future__ import annotations

import os

from kustomize_py.errors import CycleError, LoadError, LoadRestrictionError
from kustomize_py.filesys import DISK
from kustomize_py.record import FrozenRecord

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from kustomize_py.filesys import FileSystem

ROOT_ONLY = "LoadRestrictionsRootOnly"
NONE = "LoadRestrictionsNone"
RESTRICTORS = (ROOT_ONLY, NONE)


class Loader(FrozenRecord):
    """Reads files relative to `root` (a real, absolute directory, as a string).

    Paths are plain strings handled with os.path: pathlib costs a few milliseconds of start-up,
    which matters when a small overlay is built in a fresh process."""

    __slots__ = _fields = ("root", "restrictor", "parents", "fs")

    root: str
    restrictor: str
    parents: tuple[str, ...]  # roots of the kustomizations that led here (cycle detection)
    fs: FileSystem

    def __init__(self, root: str, restrictor: str = ROOT_ONLY, parents: tuple[str, ...] = (),
                 fs: FileSystem = DISK) -> None:
        object.__setattr__(self, "root", root)
        object.__setattr__(self, "restrictor", restrictor)
        object.__setattr__(self, "parents", parents)
        object.__setattr__(self, "fs", fs)

    @classmethod
    def at(cls, directory: str | os.PathLike[str], restrictor: str = ROOT_ONLY, fs: FileSystem = DISK) -> Loader:
        if restrictor not in RESTRICTORS:
            raise ValueError(f"unknown load restrictor {restrictor!r}; use one of {', '.join(RESTRICTORS)}")
        path = tidy(os.fspath(directory))
        if fs.in_memory:
            path = fs.abspath(path)
        if not fs.exists(path):
            raise LoadError(f"must build at directory: not a valid directory: {missing(path, fs)}").locate(path=path)
        real = fs.realpath(path)
        if not fs.is_dir(real):
            raise LoadError(f"'{path}' must be a directory").locate(path=path)
        return cls(real, restrictor, fs=fs)

    def join(self, rel: str) -> str:
        """`rel` under the root (or `rel` itself when absolute), tidied but not resolved."""
        joined = rel if rel.startswith("/") else f"{self.root}/{rel}"
        return joined if _is_tidy(joined) else tidy(joined)

    def resolve(self, rel: str) -> str:
        """The real path of `rel`, checked against the load restriction (it need not exist)."""
        joined = self.join(rel)
        real = self.fs.realpath(joined)
        if self.restrictor == ROOT_ONLY and not within(real, self.root):
            # the reference names the path as joined and cleaned, not where its links lead
            raise LoadRestrictionError(
                f"security; file '{os.path.normpath(joined)}' is not in or below '{self.root}'"
            ).locate(path=rel)
        return real

    def read_bytes(self, rel: str) -> bytes:
        """The bytes of file `rel`; errors name the path as written."""
        return self.read_resolved(rel)[1]

    def read_resolved(self, rel: str) -> tuple[str, bytes]:
        """(real path, bytes) of file `rel`: the path checked by the load restriction comes along."""
        joined = self.join(rel)
        fs = self.fs
        if self.restrictor == ROOT_ONLY:  # the reference's restrictor resolves links before the
            if not fs.is_file(joined):  # root check, and refuses a directory even outside it
                if not fs.exists(joined):  # (a regular file, the usual case, passes in one stat)
                    raise LoadError(missing(os.path.normpath(joined), fs)).locate(path=joined)
                if fs.is_dir(joined):
                    raise LoadError(f"'{os.path.normpath(joined)}' must resolve to a file").locate(path=joined)
        elif fs.is_dir(joined):
            raise LoadError(f"read {os.path.normpath(joined)}: is a directory").locate(path=joined)
        real = self.resolve(rel)
        return real, self.read_checked(rel, real)

    def read_checked(self, rel: str, real: str) -> bytes:
        """The bytes of file `rel`, already checked (as read_resolved checks it) to be the file `real`."""
        try:
            return self.fs.read_bytes(real)
        except FileNotFoundError:
            joined = self.join(rel)
            raise LoadError(missing(os.path.normpath(joined), self.fs)).locate(path=joined) from None
        except OSError as err:
            raise LoadError(f"cannot read '{rel}': {err.strerror}").locate(path=self.join(rel)) from None

    def read_text(self, rel: str) -> str:
        data = self.read_bytes(rel)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise LoadError(f"file '{rel}' is not valid UTF-8", path=self.root).locate(path=self.join(rel)) from None

    def is_dir(self, rel: str) -> bool:
        return self.fs.is_dir(self.join(rel))

    def is_file(self, rel: str) -> bool:
        return self.fs.is_file(self.join(rel))

    def child(self, rel: str) -> Loader:
        """A loader rooted at directory `rel` (a base or component), refusing cycles."""
        if not rel:
            raise LoadError("new root cannot be empty")
        if os.path.isabs(rel):
            raise LoadError(f"new root '{rel}' cannot be absolute")
        joined = self.join(rel)
        fs = self.fs
        real = fs.realpath(joined)
        if not fs.is_dir(real):
            if fs.exists(real):  # a file: kyaml's ConfirmDir words, the path cleaned
                raise LoadError(f"must build at directory: '{os.path.normpath(joined)}': file is not directory")
            raise LoadError(f"must build at directory: not a valid directory: {missing(os.path.normpath(joined), fs)}")
        for visited in (self.root, *self.parents):
            if within(visited, real):
                raise CycleError(f"cycle detected: candidate root '{real}' contains visited root '{visited}'")
        return Loader(real, self.restrictor, (self.root, *self.parents), fs)


def is_remote_file(path: str) -> bool:
    """Whether the reference's file loader would fetch `path` over HTTP instead of reading a file:
    it parses as a URL whose scheme is http or https (any case; `https:/x` counts too). Checked
    before any load restriction, so a URL is never a path under the root."""
    if path[:5].lower() != "http:" and path[:6].lower() != "https:":
        return False
    # Go's url.Parse refuses control characters and malformed %-escapes; such a path stays local
    return not any(ord(c) < 0x20 or c == "\x7f" for c in path) and _escapes_ok(path)


def _escapes_ok(text: str) -> bool:
    i = text.find("%")
    while i != -1:
        pair = text[i + 1:i + 3]
        if len(pair) != 2 or any(c not in "0123456789abcdefABCDEF" for c in pair):
            return False
        i = text.find("%", i + 3)
    return True


def missing(path: str, fs: FileSystem = DISK) -> str:
    """The reference's words for a path that does not exist: the first missing component is the one
    Go's EvalSymlinks fails to lstat (printed absolute)."""
    absolute = fs.abspath(path)
    parts = absolute.split("/")
    first = absolute
    for end in range(2, len(parts) + 1):
        prefix = "/".join(parts[:end])
        if not fs.lexists(prefix):
            first = prefix
            break
    return f"evalsymlink failure on '{path}' : lstat {first}: no such file or directory"


def tidy(path: str) -> str:
    """`path` spelled as pathlib prints it: no empty or `.` parts, no trailing slash (`..` kept)."""
    parts = [part for part in path.split("/") if part and part != "."]
    if path.startswith("/"):
        return "/" + "/".join(parts)
    return "/".join(parts) or "."


def _is_tidy(path: str) -> bool:
    """Whether tidy(path) == path (the usual case: a tidy root joined with a plain name)."""
    return (bool(path) and "//" not in path and "/./" not in path and not path.startswith("./")
            and not path.endswith(("/", "/.")) and path != ".")


def within(path: str, root: str) -> bool:
    """Whether `path` is `root` or lies below it (both absolute and tidy)."""
    return path == root or path.startswith(root.rstrip("/") + "/")
