"""Listing new sealed files in the kustomization that deploys them (`kpy seal --all` calls this), so a
freshly sealed Secret is not left in a directory nothing includes."""

from __future__ import annotations

from pathlib import Path

from kustomize_py.kustomization import FILE_NAMES


def kustomization_for(output: Path) -> Path | None:
    """The kustomization a sealed file belongs to: the one in its own directory."""
    return next((output.parent / n for n in FILE_NAMES if (output.parent / n).is_file()), None)


def index_new_files(outputs: list[Path]) -> list[Path]:
    """Add each sealed file to the `resources:` of the kustomization in its directory (comments kept, written
    atomically); return the kustomization files changed. Files whose directory has none are left alone:
    `kpy check` reports them."""
    from kustomize_py.repo.apps import add_to_kustomization

    by_dir: dict[Path, list[str]] = {}
    for out in outputs:
        if kustomization_for(out) is not None:
            by_dir.setdefault(out.parent, []).append(out.name)
    changed = []
    for directory, names in sorted(by_dir.items()):
        if add_to_kustomization(directory, sorted(names)):
            changed.append(kustomization_for(directory / names[0]) or directory)
    return changed
