"""The one I/O seam of a build: a small filesystem protocol (the shape of kustomize's
`filesys.FileSystem`) with two implementations, the disk and an in-memory mapping.

Paths are absolute, `/`-separated strings. The loader (loader.py) applies load restrictions and
cycle checks on top; it never touches `os` or `open` itself. An in-memory tree maps relative paths
to file contents (text or bytes) or to a `Symlink`, rooted at `/` as kustomize's in-memory
filesystem is; directories are implied by the files under them (a key ending in `/` makes an empty
one). Nothing outside the mapping is ever read.

A parse cache keyed by path and `FileSystem.stat` (size and modification time on disk, the
content's identity in memory) is the intended way to skip reading unchanged files (kpy --watch).
"""

from __future__ import annotations

import os
from stat import S_ISDIR, S_ISLNK

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Protocol

    class FileSystem(Protocol):
        """What a build needs from a filesystem; every path is absolute."""

        in_memory: bool  # whether the tree lives in memory (remote bases and helm are refused)

        def abspath(self, path: str) -> str: ...
        def lexists(self, path: str) -> bool: ...
        def exists(self, path: str) -> bool: ...
        def is_dir(self, path: str) -> bool: ...
        def is_file(self, path: str) -> bool: ...
        def realpath(self, path: str) -> str: ...
        def read_bytes(self, path: str) -> bytes: ...
        def list_dir(self, path: str) -> list[str]: ...
        def stat(self, path: str) -> tuple[int, int]: ...


class DiskFS:
    """The real filesystem (the default). `DiskFS.for_build()` is one build's view of it, which
    remembers the real paths of the directories it has seen (see `realpath`)."""

    __slots__ = ("_real_dirs",)
    in_memory = False

    def __init__(self) -> None:
        self._real_dirs: dict[str, str] | None = None  # None: nothing remembered (the shared DISK)

    @classmethod
    def for_build(cls) -> DiskFS:
        fs = cls()
        fs._real_dirs = {}
        return fs

    def abspath(self, path: str) -> str:
        return os.path.abspath(path)

    def lexists(self, path: str) -> bool:
        return os.path.lexists(path)

    def exists(self, path: str) -> bool:
        return os.path.exists(path)

    def is_dir(self, path: str) -> bool:
        cache = self._real_dirs
        if cache is not None and cache.get(path) == path:  # a real directory this build has seen
            return True
        return os.path.isdir(path)

    def is_file(self, path: str) -> bool:
        return os.path.isfile(path)

    def realpath(self, path: str) -> str:
        """os.path.realpath(path). One build's view resolves the directory part once (os.path.realpath
        lstats every component of every path: most of a many-directory build's file access) and
        lstats only the last component each time: a link there is still followed (and checked by
        the loader) exactly as before; a link in the directory part was resolved when first seen."""
        cache = self._real_dirs
        parent, _, name = path.rpartition("/")
        if cache is None or not parent.startswith("/") or name in ("", ".", ".."):
            return os.path.realpath(path)  # relative or untidy paths: the library's rules
        real_parent = cache.get(parent)
        if real_parent is None:
            real_parent = self.realpath(parent)  # remembered there when a directory, else here
            if parent not in cache and os.path.isdir(real_parent):  # when it exists (through a link, say)
                cache[parent] = real_parent
        candidate = f"{real_parent}/{name}" if real_parent != "/" else f"/{name}"
        try:
            mode = os.lstat(candidate).st_mode
        except OSError:  # missing: kept as written, as os.path.realpath does
            return candidate
        if S_ISDIR(mode):  # a directory (a new root, say): the files below it need no lstat of it
            cache[path] = cache[candidate] = candidate
        elif S_ISLNK(mode):
            return os.path.realpath(path)
        return candidate

    def read_bytes(self, path: str) -> bytes:
        # os.open/os.read: half the cost of open().read() (no buffered file object per file)
        fd = os.open(path, os.O_RDONLY)
        try:
            chunks = []
            while chunk := os.read(fd, 1 << 16):
                chunks.append(chunk)
        except OSError as err:  # a directory: named as open() names it
            err.filename = path
            raise
        finally:
            os.close(fd)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def list_dir(self, path: str) -> list[str]:
        return sorted(os.listdir(path))

    def stat(self, path: str) -> tuple[int, int]:
        """(size, modification time in ns) of the file `path` leads to."""
        st = os.stat(path)
        return st.st_size, st.st_mtime_ns

    def __repr__(self) -> str:
        return "DiskFS()"


DISK = DiskFS()


class Symlink:
    """An in-memory symbolic link: `target` is read relative to the link's directory."""

    __slots__ = ("target",)

    def __init__(self, target: str) -> None:
        self.target = target

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Symlink) and other.target == self.target

    def __hash__(self) -> int:
        return hash(("Symlink", self.target))

    def __repr__(self) -> str:
        return f"Symlink({self.target!r})"


class MemoryFS:
    """A read-only tree held in memory: {relative path: str | bytes | Symlink}, placed at `root`
    (`/` unless told otherwise); relative paths given to it are read from `root`."""

    __slots__ = ("_dirs", "_files", "_links", "_resolved", "root")
    in_memory = True

    def __init__(self, files: Mapping[str, str | bytes | Symlink], root: str = "/") -> None:
        if not root.startswith("/"):
            raise ValueError(f"the root of an in-memory tree must be absolute, not {root!r}")
        self.root = os.path.normpath(root)
        self._files: dict[str, bytes] = {}
        self._links: dict[str, str] = {}
        self._dirs: dict[str, set[str]] = {"/": set()}
        self._resolved: dict[tuple[str, bool], str | None] = {}  # _resolve's answers: the tree never changes
        self._add_parents(self.root)
        self._dirs.setdefault(self.root, set())
        for rel, content in files.items():
            path = os.path.join(self.root, _clean_key(rel)[1:])
            self._add_parents(path)
            if rel.endswith("/"):
                self._dirs.setdefault(path, set())
            elif isinstance(content, Symlink):
                self._links[path] = content.target
            elif isinstance(content, str):
                self._files[path] = content.encode("utf-8")
            elif isinstance(content, (bytes, bytearray)):
                self._files[path] = bytes(content)
            else:
                raise TypeError(f"files[{rel!r}] must be str, bytes or Symlink, not {type(content).__name__}")

    def _add_parents(self, path: str) -> None:
        child = path
        while child != "/":
            parent = os.path.dirname(child)
            self._dirs.setdefault(parent, set()).add(os.path.basename(child))
            child = parent

    # -- the protocol ---------------------------------------------------------------------------

    def abspath(self, path: str) -> str:
        return os.path.normpath(os.path.join(self.root, path))

    def lexists(self, path: str) -> bool:
        path = self._real_parent(path)
        return path in self._files or path in self._links or path in self._dirs

    def exists(self, path: str) -> bool:
        real = self._resolve(path)
        return real is not None and (real in self._files or real in self._dirs)

    def is_dir(self, path: str) -> bool:
        return self._resolve(path) in self._dirs

    def is_file(self, path: str) -> bool:
        return self._resolve(path) in self._files

    def realpath(self, path: str) -> str:
        """As os.path.realpath: links resolved as far as they exist, the rest kept as written."""
        return self._resolve(path, strict=False) or self.abspath(path)

    def read_bytes(self, path: str) -> bytes:
        real = self._resolve(path)
        if real is None or real not in self._files:
            if real is not None and real in self._dirs:
                raise IsADirectoryError(21, "is a directory", path)
            raise FileNotFoundError(2, "no such file or directory", path)
        return self._files[real]

    def list_dir(self, path: str) -> list[str]:
        real = self._resolve(path)
        if real is None or real not in self._dirs:
            raise NotADirectoryError(20, "not a directory", path)
        return sorted(self._dirs[real])

    def stat(self, path: str) -> tuple[int, int]:
        """(size, identity of the content): unchanged as long as the mapping is."""
        data = self.read_bytes(path)
        return len(data), id(data)

    def __repr__(self) -> str:
        return f"MemoryFS({len(self._files)} files)"

    # -- symlinks -------------------------------------------------------------------------------

    def _real_parent(self, path: str) -> str:
        """`path` with the links in its directory part resolved (lstat's view of the last part)."""
        path = self.abspath(path)
        if path == "/":
            return path
        parent = self._resolve(os.path.dirname(path), strict=False) or os.path.dirname(path)
        return os.path.join(parent, os.path.basename(path))

    def _resolve(self, path: str, strict: bool = True) -> str | None:
        """The path with every link followed; None when it (strict) or a link in it is missing."""
        key = (path, strict)
        if key in self._resolved:
            return self._resolved[key]
        real = self._resolved[key] = self._follow(path, strict)
        return real

    def _follow(self, path: str, strict: bool) -> str | None:
        todo = [p for p in self.abspath(path).split("/") if p]
        done = "/"
        hops = 0
        while todo:
            part = todo.pop(0)
            if part == "..":
                done = os.path.dirname(done)
                continue
            candidate = f"{done}/{part}" if done != "/" else f"/{part}"  # os.path.join, for a plain name
            if candidate in self._links:
                hops += 1
                if hops > 40:
                    return None  # a link loop: ELOOP
                target = self._links[candidate]
                todo = [p for p in target.split("/") if p and p != "."] + todo
                done = "/" if target.startswith("/") else done
                continue
            if strict and candidate not in self._files and candidate not in self._dirs:
                return None
            done = candidate
        return done


def _clean_key(rel: str) -> str:
    if not isinstance(rel, str):
        raise TypeError(f"file names must be strings, not {type(rel).__name__}")
    parts = [p for p in rel.split("/") if p and p != "."]
    if rel.startswith("/") or ".." in parts or not parts:
        raise ValueError(f"file name {rel!r} must be a relative path inside the tree (no '..')")
    return "/" + "/".join(parts)


def read_tree(directory: str | os.PathLike[str]) -> dict[str, str | bytes | Symlink]:
    """The files under `directory` as a mapping for an in-memory build (links kept as links,
    empty directories as `name/` keys)."""
    top = os.fspath(directory)
    tree: dict[str, str | bytes | Symlink] = {}
    for dirpath, dirnames, filenames in os.walk(top):
        rel_dir = os.path.relpath(dirpath, top)
        for name in list(dirnames):
            full = os.path.join(dirpath, name)
            if os.path.islink(full):
                tree[_rel(rel_dir, name)] = Symlink(os.readlink(full))
                dirnames.remove(name)
        for name in filenames:
            full = os.path.join(dirpath, name)
            if os.path.islink(full):
                tree[_rel(rel_dir, name)] = Symlink(os.readlink(full))
            else:
                with open(full, "rb") as handle:
                    tree[_rel(rel_dir, name)] = handle.read()
        if not dirnames and not filenames and rel_dir != ".":
            tree[rel_dir + "/"] = b""
    return tree


def _rel(directory: str, name: str) -> str:
    return name if directory == "." else f"{directory}/{name}"
