"""What every edit shares: open the kustomization, change it, write it back (or nothing on
error); kustomize's argument helpers (globs, k:v lists, buildMetadata options)."""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

from kustomize_py.edit.kustfile import KustFile
from kustomize_py.errors import EditError

BUILD_METADATA_OPTIONS = ("originAnnotations", "transformerAnnotations", "managedByLabel")


class Result:
    """What an edit did: the file, whether its bytes changed, and kustomize's log messages."""

    __slots__ = ("changed", "path", "warnings")

    def __init__(self, path: str, changed: bool, warnings: list[str]):
        self.path = path
        self.changed = changed
        self.warnings = warnings

    def __repr__(self) -> str:
        return f"Result(path={self.path!r}, changed={self.changed}, warnings={self.warnings!r})"


def edit(directory: str, change: Callable[[dict[str, Any], list[str]], bool | None]) -> Result:
    """Read the kustomization in `directory`, apply `change` (which appends log messages to its
    second argument and returns False to skip writing) and write the result atomically."""
    kf = KustFile(directory)
    k = kf.read()
    warnings: list[str] = []
    if change(k, warnings) is False:
        return Result(kf.path, False, warnings)
    return Result(kf.path, kf.write(k), warnings)


def glob(directory: str, pattern: str) -> list[str]:
    """Go's filepath.Glob relative to `directory`: a literal path matches when it exists; dot files
    match too."""
    import glob as _glob

    if not _glob.has_magic(pattern):
        return [pattern] if os.path.lexists(os.path.join(directory, pattern)) else []
    # Go sorts the names within each directory level: compare paths component by component
    return sorted(_glob.glob(pattern, root_dir=directory, include_hidden=True), key=lambda p: p.split("/"))


def glob_patterns(directory: str, patterns: list[str], warnings: list[str]) -> list[str]:
    out: list[str] = []
    for pattern in patterns:
        files = glob(directory, pattern)
        if not files:
            warnings.append(f"{pattern} has no match")
            continue
        out.extend(files)
    return out


def glob_or_remote(directory: str, patterns: list[str], no_verify: bool = False) -> list[str]:
    """Resource paths for `add resource`/`add component`/`create`: glob matches, remote targets
    as given, anything else fails as kustomize's loader does."""
    out: list[str] = []
    for pattern in patterns:
        if no_verify:
            out.append(pattern)
            continue
        files = glob(directory, pattern)
        if files:
            out.extend(files)
            continue
        from kustomize_py.remote import is_remote

        if is_remote(pattern):
            out.append(pattern)
            continue
        where = os.path.abspath(os.path.join(directory, pattern))
        raise EditError(f"{pattern} has no match: must build at directory: not a valid directory: "
                        f"evalsymlink failure on '{where}' : lstat {where}: no such file or directory")
    return out


def _trim_quotes(s: str) -> str:
    return s[1:-1] if len(s) >= 2 and s[0] == '"' and s[-1] == '"' else s


def key_values(inputs: list[str], kind: str) -> dict[str, str]:
    """`k:v` arguments as a map; a missing colon gives an empty value, a leading one fails."""
    out: dict[str, str] = {}
    for item in inputs:
        colon = item.find(":")
        if colon == 0:
            raise EditError(f"invalid {kind}: '{item}' (need k:v pair where v may be quoted)")
        if colon < 0:
            out[item] = ""
        else:
            out[item[:colon]] = _trim_quotes(item[colon + 1:])
    return out


def key_values_csv(text: str, kind: str) -> dict[str, str]:
    return key_values(text.split(","), kind) if text else {}


def go_list(items: list[str]) -> str:
    """A string slice as Go's %s prints it."""
    return "[" + " ".join(items) + "]"


def build_metadata_options(args: list[str]) -> list[str]:
    if not args:
        raise EditError("must specify a buildMetadata option")
    if len(args) > 1:
        raise EditError(f"too many arguments: {go_list(args)}; to provide multiple buildMetadata "
                        "options, please separate options by comma")
    opts = args[0].split(",")
    for opt in opts:
        if opt not in BUILD_METADATA_OPTIONS:
            raise EditError(f"invalid buildMetadata option: {opt}")
    return opts


def namespace_equal(a: str | None, b: str | None) -> bool:
    return (a or "default") == (b or "default")
