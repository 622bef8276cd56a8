"""Render every overlay under a repository root in one process, sharing the parsing of common bases.

Which directories are overlays: every kustomization directory under the root (a directory holding
`kustomization.yaml`, `kustomization.yml` or `Kustomization`, skipping hidden directories) that is
not a Component and that no other kustomization under the root names in its `resources`,
`components` or `bases`. So `apps/web/overlays/prod` is an overlay while `apps/web/base` (used by
the overlays) is not; a lone kustomization nobody includes is its own overlay.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kustomize_py.errors import KpyError

if TYPE_CHECKING:
    from kustomize_py.pipeline import BuildResult

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
Progress = Callable[[int, int, Path], None]  # (done, total, overlay just finished)


def _kustomization_file(directory: Path) -> Path | None:
    for name in KUSTOMIZATION_FILES:
        candidate = directory / name
        if candidate.is_file():
            return candidate
    return None


def _read_fields(path: Path) -> dict[str, Any]:
    from kustomize_py.yaml import load

    try:
        data = load(path.read_bytes(), str(path))
    except (KpyError, OSError):
        return {}  # a broken kustomization is still an overlay; its build reports the error
    return data if isinstance(data, dict) else {}


def find_overlays(root: str | os.PathLike[str]) -> list[Path]:
    """The overlays under `root` (rule in the module docstring), sorted by path."""
    top = Path(root).resolve()
    if not top.is_dir():
        raise KpyError(f"'{root}' is not a directory")
    found: dict[Path, dict[str, Any]] = {}
    for dirpath, dirnames, _ in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        directory = Path(dirpath)
        kfile = _kustomization_file(directory)
        if kfile is not None:
            found[directory] = _read_fields(kfile)
    referenced: set[Path] = set()
    for directory, fields in found.items():
        for key in ("resources", "components", "bases"):
            entries = fields.get(key)
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, str) and "://" not in entry and not entry.startswith("git@"):
                    referenced.add((directory / entry).resolve())
    return sorted(d for d, fields in found.items()
                  if d not in referenced and fields.get("kind") != "Component")


def output_name(root: Path, overlay: Path) -> str:
    """One output file per overlay: its path under the root with `/` turned into `__`
    (`apps/web/overlays/prod` -> `apps__web__overlays__prod.yaml`)."""
    rel = overlay.resolve().relative_to(root.resolve()).as_posix()
    return ("root" if rel == "." else rel.replace("/", "__")) + ".yaml"


def _build_one(overlay: Path, options: dict[str, Any]) -> BuildResult | KpyError:
    from kustomize_py.pipeline import build

    try:
        result = build(overlay, **options)
        result.yaml  # render here, so worker processes hand back finished text
        return result
    except KpyError as err:
        return err
    except RecursionError:
        return KpyError("structure too deeply nested", path=str(overlay))


def _build_chunk(overlays: list[Path], options: dict[str, Any]) -> list[BuildResult | KpyError]:
    from kustomize_py.pipeline import shared_parse_cache

    with shared_parse_cache():
        return [_build_one(ov, options) for ov in overlays]


def build_all(root: str | os.PathLike[str], *, jobs: int = 1, on_progress: Progress | None = None,
              **build_options: Any) -> dict[Path, BuildResult | KpyError]:
    """Build every overlay under `root`; the value is the build or the error it raised (one failing
    overlay does not stop the others). Files read by several overlays are parsed once per process.
    `build_options` are `build()`'s keyword options (load_restrictor, enable_helm, ...)."""
    from kustomize_py.pipeline import shared_parse_cache

    overlays = find_overlays(root)
    options: dict[str, Any] = {"warn": lambda _msg: None, **build_options}
    results: dict[Path, BuildResult | KpyError] = {}
    total = len(overlays)
    if jobs <= 1 or total <= 1:
        with shared_parse_cache():
            for overlay in overlays:
                results[overlay] = _build_one(overlay, options)
                if on_progress:
                    on_progress(len(results), total, overlay)
        return results
    return _build_parallel(overlays, options, jobs, on_progress)


def _build_parallel(overlays: list[Path], options: dict[str, Any], jobs: int,
                    on_progress: Progress | None) -> dict[Path, BuildResult | KpyError]:
    """Split overlays into chunks by their parent directory (siblings usually share a base, so
    they land in the same worker and share its parse cache) and build chunks in processes."""
    import concurrent.futures as cf
    import multiprocessing

    options = {k: v for k, v in options.items() if k != "warn"}  # lambdas do not pickle
    groups: dict[Path, list[Path]] = {}
    for ov in overlays:
        groups.setdefault(ov.parent, []).append(ov)
    results: dict[Path, BuildResult | KpyError] = {}
    ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        futures = {pool.submit(_build_chunk, chunk, options): chunk for chunk in groups.values()}
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
