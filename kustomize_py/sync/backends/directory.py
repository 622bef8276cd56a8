"""A folder per app holding its rendered manifests, one file per object, written atomically."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kustomize_py.output import atomic_write as write_atomic
from kustomize_py.sync.backends.base import BackendBase
from kustomize_py.sync.backends.files import parse, relpath, render
from kustomize_py.sync.health import HEALTHY, Health
from kustomize_py.sync.keys import ResourceKey, key_of


class DirectoryBackend(BackendBase):
    """`ROOT/<app>/<namespace>/<kind>-<name>.yaml`. Files are the live state; health is always Healthy."""

    name = "directory"
    hooks = False
    waits = False
    exact = True

    def __init__(self, root: Path):
        self.root = Path(root)
        self.app = ""
        self.writes: list[str] = []  # relative paths written or removed, for reports and tests

    def begin(self, app: str) -> None:
        self.app = app

    def _path(self, key: ResourceKey) -> Path:
        return self.root / self.app / relpath(key)

    def get(self, key: ResourceKey, api_version: str | None = None) -> dict[str, Any] | None:
        path = self._path(key)
        return parse(path.read_bytes(), str(path)) if path.is_file() else None

    def list_owned(self, app: str) -> list[dict[str, Any]]:
        folder = self.root / app
        out = []
        for path in sorted(folder.rglob("*.yaml")) if folder.is_dir() else []:
            obj = parse(path.read_bytes(), str(path))
            if obj is not None:
                out.append(obj)
        return out

    def apply(self, obj: dict[str, Any], *, dry_run: bool = False, force: bool = False, replace: bool = False,
              validate: bool = True) -> dict[str, Any]:
        path = self._path(key_of(obj))
        data = render(obj)
        if not dry_run and not (path.is_file() and path.read_bytes() == data):
            write_atomic(path, data)
            self.writes.append(str(path.relative_to(self.root)))
        return obj

    def delete(self, key: ResourceKey, *, dry_run: bool = False, propagation: str = "foreground") -> bool:
        path = self._path(key)
        if not path.is_file():
            return False
        if not dry_run:
            path.unlink()
            self.writes.append(str(path.relative_to(self.root)))
            if path.parent != self.root / self.app and not any(path.parent.iterdir()):
                path.parent.rmdir()
        return True

    def health(self, key: ResourceKey) -> Health | None:
        return Health(HEALTHY, "written") if self._path(key).is_file() else Health("Missing")
