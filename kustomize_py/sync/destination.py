"""Which backend an app may be synced to: its Argo CD `destination.server`/`destination.name`
matched against the backend, through `.kpy.yaml`'s `clusters:` (name -> server and backend)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kustomize_py.errors import SyncError

CLUSTER_BACKENDS = ("kubectl", "kube")


def clusters(root: Path) -> dict[str, dict[str, str]]:
    """`.kpy.yaml` `clusters: {NAME: {server: URL, backend: SPEC}}`, checked."""
    from kustomize_py.repo.discover import CONFIG_FILE, load_config

    raw = load_config(root).get("clusters") or {}
    where = str(Path(root) / CONFIG_FILE)
    if not isinstance(raw, dict):
        raise SyncError("clusters: expected a mapping of cluster names", path=where, field="clusters")
    out = {}
    for name, entry in raw.items():
        if not isinstance(entry, dict) or not entry.get("backend"):
            raise SyncError(f"cluster {name}: needs a backend (and optionally a server URL)", path=where,
                            field=f"clusters.{name}.backend")
        out[str(name)] = {"server": str(entry.get("server") or ""), "backend": str(entry["backend"])}
    return out


def check(app: Any, backend_spec: str, root: Path) -> str | None:
    """Refuse a backend that is not the app's destination; a warning when it cannot be verified.

    A mapped destination must use its mapped backend; an unmapped one is accepted only when the
    backend's kubeconfig context has the destination's name.
    """
    kind, _, context = backend_spec.partition(":")
    if kind not in CLUSTER_BACKENDS or not (app.server or app.cluster):
        return None
    wanted = f"destination {' '.join(p for p in (app.cluster, app.server) if p)}"
    table = clusters(root)
    for name, entry in table.items():
        if (app.cluster and app.cluster == name) or (app.server and app.server == entry["server"]):
            if entry["backend"] != backend_spec:
                raise SyncError(f"app {app.name}: {wanted} is cluster {name}, synced through backend "
                                f"{entry['backend']}, not {backend_spec}", path=app.source or None,
                                field="spec.destination")
            return None
    if context:
        if context == app.cluster:
            return None
        raise SyncError(f"app {app.name}: {wanted} does not match backend {backend_spec} (context {context}); "
                        "map the destination to a backend under clusters: in .kpy.yaml",
                        path=app.source or None, field="spec.destination")
    return (f"app {app.name}: {wanted} cannot be checked against backend {backend_spec} (the kubeconfig's "
            "current context); map it under clusters: in .kpy.yaml")
