"""Writing build output: one file, or one file per resource in a directory, always atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kustomize_py.errors import KpyError

if TYPE_CHECKING:
    from collections.abc import Callable

    from kustomize_py.pipeline import BuildResult


def atomic_write(path: str | os.PathLike[str], data: str | bytes, *, mode: int | None = None,
                 check: Callable[[], None] | None = None, exclusive: bool = False) -> None:
    """Write `data` through a temporary file beside `path`, fsync it, then rename it over `path`:
    readers see the old file or the new one, never half of one. An existing file keeps its mode.
    `check` runs just before the rename and may raise to abandon the write; with `exclusive` the
    write fails with FileExistsError when `path` exists (the file is linked into place)."""
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
        if check is not None:
            check()
        if exclusive:
            os.link(tmp, target)
            os.unlink(tmp)
        else:
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


def file_names(resources: list[Any]) -> list[str]:
    """Each resource's file name in a directory output, as the reference names them: when the
    namespaced resources span more than one namespace, each of their names starts with its
    namespace (`default_` for none), lower-cased; cluster-scoped ones never do. Two resources
    that would share a file are an error (the reference silently keeps the last)."""
    spaces = {r.id.effective_namespace for r in resources if not r.id.cluster_scoped}
    names = []
    for res in resources:
        name = file_name(res.obj)
        if len(spaces) > 1 and not res.id.cluster_scoped:
            name = res.id.effective_namespace.lower() + "_" + name
        names.append(name)
    seen: dict[str, Any] = {}
    for res, name in zip(resources, names):
        if name in seen or "/" in name:
            other = f" and {seen[name].id}" if name in seen else ""
            raise KpyError(f"cannot write {res.id}{other} to one file each: both would be {name!r}"
                           if other else f"cannot write {res.id} to its own file: {name!r} is not a file name")
        seen[name] = res
    return names


def write_output(result: BuildResult, output: str) -> list[str]:
    """`-o`: one file per resource into an existing directory, else the stream into one file,
    failing as the reference does when that file cannot be opened (a missing directory, or a
    path ending in a slash that is not a directory). Nothing is written when any file would fail.
    Returns the paths written."""
    from kustomize_py.yaml import dump

    if os.path.isdir(output):
        names = file_names(result.resources)
        rendered = [(name, dump(res.obj)) for name, res in zip(names, result.resources)]
        for name, text in rendered:
            _write(os.path.join(output, name), text)
        return [os.path.join(output, name) for name, _ in rendered]
    if output.endswith(("/", os.sep)):
        raise KpyError(f"open {output}: is a directory")
    parent = os.path.dirname(output) or "."
    if not os.path.isdir(parent):
        reason = "not a directory" if os.path.exists(parent) else "no such file or directory"
        raise KpyError(f"open {output}: {reason}")
    _write(output, result.yaml)
    return [output]


def _write(path: str, text: str) -> None:
    try:
        atomic_write(path, text)
    except OSError as err:
        reason = (err.strerror or str(err)).lower()
        raise KpyError(f"open {path}: {reason}") from None
