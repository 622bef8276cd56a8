"""Render every overlay under a repository root in one process, sharing the parsing of common bases.

Which directories are overlays: every kustomization directory under the root (a directory holding
`kustomization.yaml`, `kustomization.yml` or `Kustomization`, skipping hidden directories) that is
not a Component and that no other kustomization under the root names in its `resources`,
`components` or `bases`. So `apps/web/overlays/prod` is an overlay while `apps/web/base` (used by
the overlays) is not; a lone kustomization nobody includes is its own overlay.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kustomize_py.errors import KpyError, LoadError, YamlError
from kustomize_py.filesys import DISK, MemoryFS

if TYPE_CHECKING:
    from kustomize_py.cache import ParseCache
    from kustomize_py.filesys import FileSystem, Symlink
    from kustomize_py.options import BuildOptions
    from kustomize_py.pipeline import BuildResult

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
Progress = Callable[[int, int, Path], None]  # (done, total, overlay just finished)
Files = Mapping[str, "str | bytes | Symlink"]


def _kustomization_file(fs: FileSystem, directory: str) -> str | None:
    for name in KUSTOMIZATION_FILES:
        candidate = f"{directory.rstrip('/')}/{name}"
        if fs.is_file(candidate):
            return candidate
    return None


def _read_fields(fs: FileSystem, path: str) -> dict[str, Any]:
    from kustomize_py.yaml import load

    try:
        data = load(fs.read_bytes(path), path)
    except (KpyError, OSError):
        return {}  # a broken kustomization is still an overlay; its build reports the error
    return data if isinstance(data, dict) else {}


def _walk(fs: FileSystem, top: str) -> list[str]:
    """`top` and the directories below it, sorted, skipping hidden ones and not following links."""
    out = [top]
    for name in fs.list_dir(top):
        path = f"{top.rstrip('/')}/{name}"
        if not name.startswith(".") and fs.is_dir(path) and fs.realpath(path) == path:
            out.extend(_walk(fs, path))
    return out


def find_overlays(root: str | os.PathLike[str], *, files: Files | MemoryFS | None = None) -> list[Path]:
    """The overlays under `root` (rule in the module docstring), sorted by path: absolute on disk,
    relative to the tree's top for an in-memory tree (`files`)."""
    fs = _filesystem(files)
    top = fs.realpath(fs.abspath(os.fspath(root)))
    if not fs.is_dir(top):
        raise LoadError(f"'{root}' is not a directory").locate(path=os.fspath(root))
    found: dict[str, dict[str, Any]] = {}
    for directory in _walk(fs, top):
        kfile = _kustomization_file(fs, directory)
        if kfile is not None:
            found[directory] = _read_fields(fs, kfile)
    referenced: set[str] = set()
    for directory, fields in found.items():
        for key in ("resources", "components", "bases"):
            entries = fields.get(key)
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, str) and "://" not in entry and not entry.startswith("git@"):
                    referenced.add(fs.realpath(os.path.normpath(os.path.join(directory, entry))))
    overlays = [d for d, fields in found.items() if d not in referenced and fields.get("kind") != "Component"]
    if fs.in_memory:
        return sorted(Path(os.path.relpath(d, fs.abspath("."))) for d in overlays)
    return sorted(Path(d) for d in overlays)


def _filesystem(files: Files | MemoryFS | None) -> FileSystem:
    if files is None:
        return DISK
    return files if isinstance(files, MemoryFS) else MemoryFS(files)


def output_name(root: Path, overlay: Path) -> str:
    """One output file per overlay: its path under the root with `/` turned into `__`
    (`apps/web/overlays/prod` -> `apps__web__overlays__prod.yaml`)."""
    rel = overlay.resolve().relative_to(root.resolve()).as_posix()
    return ("root" if rel == "." else rel.replace("/", "__")) + ".yaml"


def _build_one(overlay: Path, options: BuildOptions, files: MemoryFS | None,
               cache: ParseCache) -> BuildResult | KpyError:
    from kustomize_py.pipeline import build

    try:
        result = build(overlay, files=files, options=options, cache=cache)
        result.yaml  # render here, so worker processes hand back finished text
        return result
    except KpyError as err:
        return err
    except RecursionError:
        return YamlError("structure too deeply nested", path=str(overlay))


def _build_chunk(overlays: list[Path], options: BuildOptions, files: MemoryFS | None) -> list[BuildResult | KpyError]:
    from kustomize_py.cache import ParseCache

    cache = ParseCache()
    return [_build_one(ov, options, files, cache) for ov in overlays]


def build_all(root: str | os.PathLike[str], *, files: Files | MemoryFS | None = None,
              options: BuildOptions | None = None, jobs: int = 1, on_progress: Progress | None = None,
              **shorthands: Any) -> dict[Path, BuildResult | KpyError]:
    """Build every overlay under `root`; the value is the build or the error it raised (one failing
    overlay does not stop the others). Files read by several overlays are parsed once per call
    (per worker process with `jobs`). `files`, `options` and the keyword shorthands are build()'s;
    warnings are dropped unless `warn` is given."""
    from kustomize_py.cache import ParseCache
    from kustomize_py.options import BuildOptions

    memory = None if files is None else files if isinstance(files, MemoryFS) else MemoryFS(files)
    overlays = find_overlays(root, files=memory)
    opts = options or BuildOptions()
    if opts.warn is None:
        shorthands = {"warn": _ignore, **shorthands}
    opts = opts.replace(**shorthands)
    results: dict[Path, BuildResult | KpyError] = {}
    total = len(overlays)
    if jobs <= 1 or total <= 1:
        cache = ParseCache()
        for overlay in overlays:
            results[overlay] = _build_one(overlay, opts, memory, cache)
            if on_progress:
                on_progress(len(results), total, overlay)
        return results
    return _build_parallel(overlays, opts, memory, jobs, on_progress)


def _ignore(_message: str) -> None:
    return None


def _build_parallel(overlays: list[Path], options: BuildOptions, files: MemoryFS | None, jobs: int,
                    on_progress: Progress | None) -> dict[Path, BuildResult | KpyError]:
    """Split overlays into chunks by their parent directory (siblings usually share a base, so
    they land in the same worker and share its parse cache) and build chunks in processes."""
    import concurrent.futures as cf
    import multiprocessing

    options = options.replace(warn=_ignore)  # a caller's callback may not pickle
    groups: dict[Path, list[Path]] = {}
    for ov in overlays:
        groups.setdefault(ov.parent, []).append(ov)
    results: dict[Path, BuildResult | KpyError] = {}
    ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        futures = {pool.submit(_build_chunk, chunk, options, files): chunk for chunk in groups.values()}
        for fut in cf.as_completed(futures):
            chunk = futures[fut]
            for ov, res in zip(chunk, fut.result()):
                results[ov] = res
                if on_progress:
                    on_progress(len(results), len(overlays), ov)
    return {ov: results[ov] for ov in overlays}


def write_all(root: str | os.PathLike[str], results: dict[Path, BuildResult | KpyError],
              outdir: str | os.PathLike[str]) -> list[Path]:
    """Write each successful build to `outdir/<output_name>` atomically; returns the files written."""
    from kustomize_py.output import atomic_write

    names: dict[str, Path] = {}
    for overlay in results:
        name = output_name(Path(root), overlay)
        if name in names:  # `a__b` and `a/b`: never write one overlay over another
            raise KpyError(f"overlays {names[name]} and {overlay} would both be written to {name}")
        names[name] = overlay
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for overlay, res in results.items():
        if isinstance(res, KpyError):
            continue
        target = out / output_name(Path(root), overlay)
        atomic_write(target, res.yaml)
        written.append(target)
    return written
