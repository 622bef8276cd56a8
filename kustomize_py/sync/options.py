"""Argo CD sync options, parsed once and consulted by name: the Application's `syncOptions` and an
object's `argocd.argoproj.io/sync-options` annotation (which wins), as gitops-engine
pkg/sync/common/types.go names them.

Every option is either honoured, or reported by `warnings()` with what kpy does instead: an option
kpy does not know, or cannot honour, is never silently dropped.
"""

from __future__ import annotations

from typing import Any

from kustomize_py.errors import SyncError
from kustomize_py.sync.order import SYNC_OPTIONS_ANNOTATION, parse_options

# name -> accepted values (lower case). From gitops-engine common/types.go and Argo CD's sync-options docs.
KNOWN: dict[str, frozenset[str]] = {
    "Prune": frozenset({"true", "false", "confirm"}),
    "Delete": frozenset({"true", "false", "confirm"}),
    "PruneLast": frozenset({"true", "false"}),
    "PrunePropagationPolicy": frozenset({"foreground", "background", "orphan"}),
    "Replace": frozenset({"true", "false"}),
    "Force": frozenset({"true", "false"}),
    "ServerSideApply": frozenset({"true", "false"}),
    "ApplyOutOfSyncOnly": frozenset({"true", "false"}),
    "FailOnSharedResource": frozenset({"true", "false"}),
    "RespectIgnoreDifferences": frozenset({"true", "false"}),
    "SkipDryRunOnMissingResource": frozenset({"true", "false"}),
    "Validate": frozenset({"true", "false"}),
    "CreateNamespace": frozenset({"true", "false"}),
    "ClientSideApplyMigration": frozenset({"true", "false"}),
}
# Options that only mean something for the whole Application (argo-cd reads them from syncOptions).
APP_ONLY = frozenset({"CreateNamespace", "PrunePropagationPolicy", "FailOnSharedResource",
                      "RespectIgnoreDifferences", "ApplyOutOfSyncOnly"})
# (name, value) kpy cannot do as Argo CD does, and what it does instead.
UNHONOURED: dict[tuple[str, str], str] = {
    ("Prune", "confirm"): "kpy prunes only with --prune (or automated.prune); it never waits for a confirmation",
    ("Delete", "confirm"): "`kpy delete` deletes only with --cascade; it never waits for a confirmation",
    ("ServerSideApply", "false"): "kpy always uses server-side apply",
    ("ApplyOutOfSyncOnly", "false"): "kpy always applies only the objects that are out of sync",
    ("PruneLast", "false"): "kpy always prunes after every wave is applied and healthy",
    ("ClientSideApplyMigration", "true"): "kpy has no client-side apply state to migrate",
    ("ClientSideApplyMigration", "false"): "kpy has no client-side apply state to migrate",
}


def parse(items: list[str], source: str = "", field: str = "spec.syncPolicy.syncOptions") -> dict[str, str]:
    """`["Prune=false", ...]` as {"Prune": "false"}; a known option with a bad value is an error."""
    out = parse_options(items)
    for name, value in out.items():
        allowed = KNOWN.get(name)
        if allowed is not None and value.lower() not in allowed:
            raise SyncError(f"sync option {name}={value}: expected one of {', '.join(sorted(allowed))}",
                            path=source or None, field=field)
    return out


def warnings(opts: dict[str, str], where: str) -> list[str]:
    """Why each option in `opts` is not honoured as Argo CD would (`where` names the app or object)."""
    out = []
    for name, value in opts.items():
        if name not in KNOWN:
            out.append(f"{where}: unknown sync option {name}{'=' + value if value else ''} is ignored")
        elif (name, value.lower()) in UNHONOURED:
            out.append(f"{where}: sync option {name}={value} is not honoured: {UNHONOURED[name, value.lower()]}")
    return out


def of_object(obj: dict[str, Any]) -> dict[str, str]:
    return parse_options([p.strip() for p in str(((obj.get("metadata") or {}).get("annotations") or {}).get(
        SYNC_OPTIONS_ANNOTATION) or "").split(",") if p.strip()])


def effective(app: dict[str, str], obj: dict[str, Any] | None) -> dict[str, str]:
    """App-level options overridden by the object's own annotation (as gitops-engine does per resource)."""
    merged = {k: v for k, v in app.items() if k not in APP_ONLY}
    if obj is not None:
        merged.update(of_object(obj))
    return merged


def enabled(opts: dict[str, str], name: str) -> bool:
    return opts.get(name, "").lower() == "true"


def disabled(opts: dict[str, str], name: str) -> bool:
    return opts.get(name, "").lower() == "false"
