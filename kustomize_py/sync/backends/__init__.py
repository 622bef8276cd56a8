"""Sync backends; `open_backend("kubectl:ctx")` turns a CLI spec into one (modules load on demand)."""

from __future__ import annotations

from pathlib import Path

from kustomize_py.errors import SyncError
from kustomize_py.sync.backends.base import ApplyError, Backend, BackendBase, ImmutableFieldError

__all__ = ["ApplyError", "Backend", "BackendBase", "ImmutableFieldError", "open_backend"]


def open_backend(spec: str, *, base: Path | None = None):  # -> Backend
    """memory[:STATE.json] | directory:PATH | git:REPO@BRANCH | kubectl[:CONTEXT] | kube[:CONTEXT]."""
    kind, _, arg = spec.partition(":")
    base = base or Path.cwd()
    if kind == "memory":
        from kustomize_py.sync.backends.memory import MemoryBackend

        return MemoryBackend(state_file=(base / arg) if arg else None)
    if kind == "directory":
        if not arg:
            raise SyncError("directory backend needs a path: directory:PATH", field="--backend")
        from kustomize_py.sync.backends.directory import DirectoryBackend

        return DirectoryBackend(base / arg)
    if kind == "git":
        repo, at, branch = arg.rpartition("@")
        if not at or not repo or not branch:
            raise SyncError("git backend needs git:REPO@BRANCH", field="--backend")
        from kustomize_py.sync.backends.git import GitBackend

        return GitBackend(base / repo, branch)
    if kind == "kubectl":
        from kustomize_py.sync.backends.kubectl import KubectlBackend

        return KubectlBackend(context=arg or None)
    if kind == "kube":
        from kustomize_py.sync.backends.kube_api import KubeApiBackend

        return KubeApiBackend(context=arg or None)
    raise SyncError(f"unknown backend {spec!r} (memory, directory:PATH, git:REPO@BRANCH, kubectl[:CONTEXT], "
                    "kube[:CONTEXT])", field="--backend")
