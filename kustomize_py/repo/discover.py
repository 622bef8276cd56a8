"""Finding kustomizations in a repo and naming its workloads and environments (`<workload>/overlays/<env>`)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kustomize_py.kustomization import FILE_NAMES

_SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox"}
CONFIG_FILE = ".kpy.yaml"


@dataclass(frozen=True)
class Overlay:
    """One `<workload>/overlays/<env>` directory (path relative to the repo root, '/'-separated)."""

    workload: str
    env: str
    path: str


def kustomization_dirs(root: Path) -> list[str]:
    """Every directory under `root` holding a kustomization file, relative and sorted."""
    root = Path(root)
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith("."))
        if any(n in filenames for n in FILE_NAMES):
            found.append(rel(Path(dirpath), root))
    return sorted(found)


def rel(path: Path, root: Path) -> str:
    """`path` relative to `root`, '/'-separated ('.' for the root itself)."""
    return Path(os.path.relpath(path, root)).as_posix()


def overlay_of(path: str) -> Overlay | None:
    """The workload and environment a directory names, when it follows the overlays/ convention."""
    parts = path.split("/")
    if len(parts) >= 3 and parts[-2] == "overlays":
        return Overlay("/".join(parts[:-2]), parts[-1], path)
    return None


def overlays(root: Path, dirs: list[str] | None = None) -> list[Overlay]:
    """Every `<workload>/overlays/<env>` kustomization under `root`."""
    dirs = kustomization_dirs(root) if dirs is None else dirs
    return [o for o in (overlay_of(d) for d in dirs) if o is not None]


def environments(found: list[Overlay]) -> list[str]:
    """Environment names, in the usual promotion order when they are the usual names."""
    order = {"dev": 0, "development": 0, "test": 1, "qa": 1, "staging": 2, "stage": 2, "preprod": 3,
             "production": 4, "prod": 4}
    return sorted({o.env for o in found}, key=lambda e: (order.get(e, 5), e))


def load_config(root: Path) -> dict[str, Any]:
    """The repo's `.kpy.yaml` settings (an empty dict when there is none)."""
    from kustomize_py.errors import KpyError
    from kustomize_py.yaml import load

    path = Path(root) / CONFIG_FILE
    if not path.is_file():
        return {}
    data = load(path.read_bytes(), str(path))
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise KpyError("expected a mapping of settings", path=str(path))
    return data
