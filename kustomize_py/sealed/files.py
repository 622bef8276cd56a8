"""Sealed files on disk: atomic writes (the project's one atomic writer, re-exported) and finding
the committed SealedSecret files of a repository."""

from __future__ import annotations

import os
from pathlib import Path

from kustomize_py.output import atomic_write as write_atomic

__all__ = ["find_sealed_files", "sealed_environment", "write_atomic"]


def find_sealed_files(root: str | os.PathLike[str]) -> list[Path]:
    """Every YAML or JSON file in or below a `sealed/` directory under root (kustomization files
    and hidden directories aside), sorted: the files `seal --all` writes and commits."""
    from kustomize_py.sealed.bulk import OUTPUT_DIR

    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        if OUTPUT_DIR not in Path(dirpath).relative_to(root).parts:
            continue
        for name in sorted(filenames):
            stem, ext = os.path.splitext(name)
            if ext in (".yaml", ".yml", ".json") and not name.startswith(".") and stem.lower() != "kustomization":
                found.append(Path(dirpath) / name)
    return found


def sealed_environment(path: Path, root: str | os.PathLike[str]) -> str | None:
    """The first directory under the last `sealed/` of `path` (its environment), if any."""
    from kustomize_py.sealed.bulk import OUTPUT_DIR

    parts = path.relative_to(root).parent.parts
    at = len(parts) - 1 - parts[::-1].index(OUTPUT_DIR)
    return parts[at + 1] if len(parts) > at + 1 else None
