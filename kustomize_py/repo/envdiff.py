"""Diffs between environments (two overlays) and between Git refs of one overlay, per resource.

Objects are paired by kind and the name they had before the overlay (so `grafana-staging` meets
`grafana-production`), generated ConfigMaps/Secrets across hash changes, and Secret values are
redacted by the sync layer's normalisation.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from kustomize_py.errors import KpyError


def _group(obj: dict[str, Any]) -> str:
    return str(obj.get("apiVersion") or "").rpartition("/")[0]


def _by_origin(resources: list[Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Objects keyed by (group, kind, name before the overlay); ambiguous keys are left out."""
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    seen: set[tuple[str, str, str]] = set()
    for res in resources:
        key = (_group(res.obj), str(res.obj.get("kind")), str(res.orig_name))
        if key in seen:
            out.pop(key, None)
        else:
            out[key] = res.obj
            seen.add(key)
    return out


def diff_resources(old: list[Any], new: list[Any], *, redact: bool = True) -> list[Any]:
    """Per-object diffs between two builds' Resources, paired by original name, then by key."""
    from kustomize_py.sync.normalize import UNCHANGED, diff_manifests, diff_objects

    a, b = _by_origin(old), _by_origin(new)
    paired = [k for k in b if k in a]
    out = [d for d in (diff_objects(a[k], b[k], redact=redact) for k in paired) if d.action != UNCHANGED]
    taken_old = {id(a[k]) for k in paired}
    taken_new = {id(b[k]) for k in paired}
    rest_old = [r.obj for r in old if id(r.obj) not in taken_old]
    rest_new = [r.obj for r in new if id(r.obj) not in taken_new]
    return out + diff_manifests(rest_old, rest_new, redact=redact)


def diff_overlays(a: str | os.PathLike[str], b: str | os.PathLike[str], *, redact: bool = True) -> list[Any]:
    """What changes from overlay `a` to overlay `b` (e.g. staging -> production): ResourceDiffs."""
    import kustomize_py

    return diff_resources(kustomize_py.build(a).resources, kustomize_py.build(b).resources, redact=redact)


def _git(top: Path, *args: str) -> bytes:
    done = subprocess.run(["git", *args], cwd=top, capture_output=True, check=False)
    if done.returncode != 0:
        raise KpyError(f"git {' '.join(args)} failed: {done.stderr.decode(errors='replace').strip()}", path=str(top))
    return done.stdout


def export_ref(top: Path, ref: str, dest: Path) -> None:
    """The tree of `ref` written into `dest` (git archive: no checkout, the work tree is untouched)."""
    data = _git(top, "archive", "--format=tar", ref)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")


def build_at_ref(path: str | os.PathLike[str], ref: str | None) -> list[Any]:
    """The Resources of overlay `path` as of Git `ref` (None: the working tree)."""
    import kustomize_py

    if ref is None:
        return kustomize_py.build(path).resources
    full = Path(path).resolve()
    top = Path(_git(full, "rev-parse", "--show-toplevel").decode().strip()).resolve()
    rel = full.relative_to(top)
    with tempfile.TemporaryDirectory(prefix="kpy-ref-") as tmp:
        export_ref(top, ref, Path(tmp))
        if not (Path(tmp) / rel).is_dir():
            raise KpyError(f"{rel.as_posix()} does not exist at {ref}", path=str(rel))
        return kustomize_py.build(Path(tmp) / rel).resources


def diff_refs(path: str | os.PathLike[str], ref_a: str, ref_b: str | None = None, *,
              redact: bool = True) -> list[Any]:
    """What changes in overlay `path` from Git `ref_a` to `ref_b` (None: the working tree)."""
    from kustomize_py.sync.normalize import diff_manifests

    old = [r.obj for r in build_at_ref(path, ref_a)]
    new = [r.obj for r in build_at_ref(path, ref_b)]
    return diff_manifests(old, new, redact=redact)
