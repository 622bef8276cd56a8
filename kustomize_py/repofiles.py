"""The files of a repository on disk: the one walk every repository-wide command shares
(kustomization discovery, deployments, `kpy sync`'s apps, `kpy validate`'s directories)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

# Folders no repository-wide walk enters, besides every hidden one (.git, .venv, .tox, ...).
SKIP_DIRS = {"node_modules", "venv", "__pycache__"}
# A larger YAML file is generated data, not a manifest someone wrote: the walks do not read it.
MAX_MANIFEST_BYTES = 2_000_000


def walk(root: str | os.PathLike[str]) -> Iterator[tuple[str, list[str]]]:
    """(folder, its file names sorted) for `root` and each folder below it, in sorted order: the one
    walk of a repository (hidden folders and SKIP_DIRS are not entered)."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        yield dirpath, sorted(filenames)


def files_under(root: str | os.PathLike[str], suffixes: tuple[str, ...]) -> Iterator[str]:
    """Every file under `root` whose name ends with one of `suffixes`, in walk order."""
    for folder, names in walk(root):
        for name in names:
            if name.endswith(suffixes):
                yield os.path.join(folder, name)


def small_files(paths: Iterable[Path]) -> Iterator[tuple[Path, bytes]]:
    """(path, contents) of each file that can be read and is at most MAX_MANIFEST_BYTES long."""
    for path in paths:
        try:
            if path.stat().st_size > MAX_MANIFEST_BYTES:
                continue
            data = path.read_bytes()
        except OSError:
            continue
        yield path, data
