"""Writing build output: one file, or one file per resource in a directory, always atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kustomize_py.pipeline import BuildResult


def atomic_write(path: str | os.PathLike[str], data: str | bytes, *, mode: int | None = None) -> None:
    """Write `data` through a temporary file beside `path`, fsync it, then rename it over `path`:
    readers see the old file or the new one, never half of one. An existing file keeps its mode."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if mode is None:
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def file_name(obj: dict) -> str:
    """The reference's name for one resource in a directory output: group_version_kind_name.yaml."""
    api = str(obj.get("apiVersion") or "")
    group, _, version = api.rpartition("/")
    parts = [p for p in (group, version, str(obj.get("kind") or "")) if p]
    name = str((obj.get("metadata") or {}).get("name") or "")
    return ("_".join(parts) + "_" + name + ".yaml").lower()


def write_output(result: BuildResult, output: str) -> list[str]:
    """Write `result` to file `output`, or one file per resource into directory `output`;
    returns the paths written."""
    from kustomize_py.yaml import dump

    if os.path.isdir(output):
        rendered = [(os.path.join(output, file_name(obj)), dump(obj)) for obj in result.objects]
        for path, text in rendered:
            atomic_write(path, text)
        return [path for path, _ in rendered]
    atomic_write(output, result.yaml)
    return [output]
