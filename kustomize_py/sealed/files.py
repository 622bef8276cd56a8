"""Sealed files on disk: the repository layout `seal --all` keeps (plaintext sources in `secrets/`,
sealed output in `sealed/`), atomic writes (the project's one atomic writer, re-exported) and
finding the committed SealedSecret files of a repository."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from kustomize_py.output import atomic_write as write_atomic

__all__ = ["OUTPUT_DIR", "SOURCE_DIR", "files_below", "find_sealed_files", "sealed_environment",
           "split_at", "write_atomic"]

SOURCE_DIR = "secrets"  # <dir>/secrets/[<env>/]<stem>.secret.yaml: plaintext, never committed
OUTPUT_DIR = "sealed"  # <dir>/sealed/[<env>/]<stem>.yaml: what seal --all writes and commits


def files_below(root: str | os.PathLike[str], folder: str) -> Iterator[Path]:
    """Every file in or below a directory named `folder` under root, sorted; hidden files and
    directories skipped."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        if folder not in Path(dirpath).relative_to(root).parts:
            continue
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name


def split_at(parts: tuple[str, ...], folder: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """`parts` around the last `folder` among them: (what comes before it, what follows it)."""
    at = len(parts) - 1 - parts[::-1].index(folder)
    return parts[:at], parts[at + 1:]


def find_sealed_files(root: str | os.PathLike[str]) -> list[Path]:
    """Every YAML or JSON file in or below a `sealed/` directory under root (kustomization files
    and hidden directories aside), sorted: the files `seal --all` writes and commits."""
    return [path for path in files_below(root, OUTPUT_DIR)
            if path.suffix in (".yaml", ".yml", ".json") and path.stem.lower() != "kustomization"]


def sealed_environment(path: Path, root: str | os.PathLike[str]) -> str | None:
    """The first directory under the last `sealed/` of `path` (its environment), if any."""
    sub = split_at(path.relative_to(root).parent.parts, OUTPUT_DIR)[1]
    return sub[0] if sub else None
