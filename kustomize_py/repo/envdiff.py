"""Diffs between environments (two overlays) and between Git refs of one overlay, per resource.

Objects are paired by kind and the name they had before the overlay (so `grafana-staging` meets
`grafana-production`), generated ConfigMaps/Secrets across hash changes, and Secret values are
redacted by the sync layer's normalisation.
"""

from __future__ import annotations

import os
import subprocess
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


def summarise_sealed(obj: dict[str, Any]) -> dict[str, Any]:
    """A SealedSecret with each ciphertext replaced by its length and digest (resealing shows as a change
    of digest, never as kilobytes of base64)."""
    import copy
    import hashlib

    if obj.get("kind") != "SealedSecret" or not isinstance((obj.get("spec") or {}).get("encryptedData"), dict):
        return obj
    out = copy.deepcopy(obj)
    data = out["spec"]["encryptedData"]
    for key, value in data.items():
        text = str(value)
        data[key] = f"(ciphertext, {len(text)} chars, sha256:{hashlib.sha256(text.encode()).hexdigest()[:12]})"
    return out


class _Plain:
    """A manifest read from a plain directory, shaped like a build's Resource for pairing."""

    def __init__(self, obj: dict[str, Any]):
        self.obj = obj
        self.orig_name = str((obj.get("metadata") or {}).get("name") or "")


def build_dir(path: Path) -> list[Any]:
    """The resources a directory deploys: its kustomization's build, or for a plain directory (a Flux
    `clusters/<env>` folder) what Flux's generated kustomization would include: every manifest below it,
    sub-directories with a kustomization built whole."""
    import kustomize_py
    from kustomize_py.kustomization import FILE_NAMES
    from kustomize_py.yaml import load_all

    if any((path / n).is_file() for n in FILE_NAMES):
        return [_with_sealed(r) for r in kustomize_py.build(path).resources]
    out: list[Any] = []
    for dirpath, dirnames, filenames in os.walk(path):
        here = Path(dirpath)
        dirnames.sort()
        if here != path and any((here / n).is_file() for n in FILE_NAMES):
            out += [_with_sealed(r) for r in kustomize_py.build(here).resources]
            dirnames[:] = []
            continue
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in sorted(filenames):
            if name.endswith((".yaml", ".yml", ".json")):
                out += [_Plain(summarise_sealed(d)) for d in load_all((here / name).read_bytes(), str(here / name))
                        if isinstance(d, dict) and d.get("apiVersion") and d.get("kind")]
    return out


def _with_sealed(res: Any) -> Any:
    if res.obj.get("kind") != "SealedSecret":
        return res
    plain = _Plain(summarise_sealed(res.obj))
    plain.orig_name = str(res.orig_name)
    return plain


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
    return diff_resources(build_dir(Path(a)), build_dir(Path(b)), redact=redact)


def _toplevel(path: Path) -> Path:
    """The Git work tree holding `path`, found from its nearest existing folder (it may be gone)."""
    probe = path
    while not probe.is_dir() and probe != probe.parent:
        probe = probe.parent
    from kustomize_py.repo.gitrefs import toplevel

    return toplevel(probe)


def build_at_ref(path: str | os.PathLike[str], ref: str | None) -> list[Any] | None:
    """The Resources of overlay `path` as of Git `ref` (None: the working tree); None when the overlay
    does not exist there (added or removed between the refs)."""
    from kustomize_py.repo.gitrefs import check_ref, tree_at

    full = Path(os.path.abspath(path))
    if ref is None:
        return build_dir(full) if full.is_dir() else None
    top = _toplevel(full)
    check_ref(top, ref)
    rel = full.relative_to(top)
    with tree_at(top, ref) as tree:
        if not (tree / rel).is_dir():
            return None
        return build_dir(tree / rel)


def diff_refs(path: str | os.PathLike[str], ref_a: str, ref_b: str | None = None, *,
              redact: bool = True) -> list[Any]:
    """What changes in overlay `path` from Git `ref_a` to `ref_b` (None: the working tree); an overlay that
    exists on one side only diffs against nothing (everything added, or everything removed)."""
    from kustomize_py.sync.normalize import diff_manifests

    old = build_at_ref(path, ref_a)
    new = build_at_ref(path, ref_b)
    if old is None and new is None:
        raise KpyError(f"does not exist at {ref_a} nor at {ref_b or 'the working tree'}", path=str(path))
    return diff_manifests([r.obj for r in old or []], [r.obj for r in new or []], redact=redact)


def presence(path: str | os.PathLike[str], ref_a: str, ref_b: str | None = None) -> str | None:
    """'added' or 'removed' when the overlay exists at only one of the refs, else None."""
    full = Path(os.path.abspath(path))
    top = _toplevel(full)
    rel = full.relative_to(top).as_posix()

    def exists(ref: str | None) -> bool:
        if ref is None:
            return full.is_dir()
        done = subprocess.run(["git", "cat-file", "-e", f"{ref}:{rel}"], cwd=top, capture_output=True, check=False)
        return done.returncode == 0
    a, b = exists(ref_a), exists(ref_b)
    return None if a == b else "added" if b else "removed"
