"""Writing build output: one file, or one file per resource in a directory, always atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kustomize_py.pipeline import BuildResult


def atomic_write(path: str | os.PathLike[str], text: str) -> None:
    """Write `text` to `path` through a temporary file and a rename: readers never see half a file."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def file_name(obj: dict) -> str:
    """The reference's name for one resource in a directory output: group_version_kind_name.yaml."""
    api = str(obj.get("apiVersion") or "")
    group, _, version = api.rpartition("/")
    parts = [p for p in (group, version, str(obj.get("kind") or "")) if p]
    name = str((obj.get("metadata") or {}).get("name") or "")
    return ("_".join(parts) + "_" + name + ".yaml").lower()


def write_output(result: BuildResult, output: str) -> None:
    from kustomize_py.yaml import dump

    if os.path.isdir(output):
        rendered = [(file_name(obj), dump(obj)) for obj in result.objects]
        for name, text in rendered:
            atomic_write(os.path.join(output, name), text)
    else:
        atomic_write(output, result.yaml)
