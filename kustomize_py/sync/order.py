"""Sync ordering rules as data: hook phases, delete policies, sync waves and Argo CD's kind order."""

from __future__ import annotations

from typing import Any

HOOK_ANNOTATION = "argocd.argoproj.io/hook"
HOOK_DELETE_ANNOTATION = "argocd.argoproj.io/hook-delete-policy"
WAVE_ANNOTATION = "argocd.argoproj.io/sync-wave"
SYNC_OPTIONS_ANNOTATION = "argocd.argoproj.io/sync-options"
FLUX_PRUNE = "kustomize.toolkit.fluxcd.io/prune"
HELM_HOOK = "helm.sh/hook"
HELM_WEIGHT = "helm.sh/hook-weight"
HELM_DELETE = "helm.sh/hook-delete-policy"

PRE_SYNC, SYNC, POST_SYNC, SYNC_FAIL, SKIP = "PreSync", "Sync", "PostSync", "SyncFail", "Skip"
PHASE_RANK: dict[str, int] = {PRE_SYNC: -1, SYNC: 0, POST_SYNC: 1, SYNC_FAIL: 2}

HOOK_SUCCEEDED, HOOK_FAILED, BEFORE_HOOK_CREATION = "HookSucceeded", "HookFailed", "BeforeHookCreation"
DELETE_POLICIES = (HOOK_SUCCEEDED, HOOK_FAILED, BEFORE_HOOK_CREATION)

_HELM_PHASES = {"pre-install": PRE_SYNC, "pre-upgrade": PRE_SYNC,
                "post-install": POST_SYNC, "post-upgrade": POST_SYNC}
_HELM_DELETE = {"before-hook-creation": BEFORE_HOOK_CREATION, "hook-succeeded": HOOK_SUCCEEDED,
                "hook-failed": HOOK_FAILED}

# Argo CD's (Helm's install) kind order; every kind not listed, custom kinds included, sorts after.
KIND_ORDER: tuple[str, ...] = (
    "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
    "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
    "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
    "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList",
    "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController",
    "ReplicaSet", "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob",
    "IngressClass", "Ingress", "APIService",
)
_KIND_RANK = {kind: i - len(KIND_ORDER) for i, kind in enumerate(KIND_ORDER)}


def kind_rank(kind: str) -> int:
    """Negative for known kinds in install order, 0 for every other kind."""
    return _KIND_RANK.get(kind, 0)


def _annotations(obj: dict[str, Any]) -> dict[str, Any]:
    return (obj.get("metadata") or {}).get("annotations") or {}


def _csv(value: Any) -> list[str]:
    return [part.strip() for part in str(value or "").split(",") if part.strip()]


def _helm_hook(ann: dict[str, Any]) -> bool:
    # gitops-engine pkg/sync/hook/helm/hook.go: Helm marks CRDs `crd-install`, and those are no hooks.
    return HELM_HOOK in ann and str(ann[HELM_HOOK]) != "crd-install"


def hook_phases(obj: dict[str, Any]) -> list[str] | None:
    """The hook phases of `obj`: None for a plain resource, [] for one to leave out entirely.

    As gitops-engine pkg/sync/hook/hook.go: with `argocd.argoproj.io/hook` the object is a hook;
    `Skip` as its only value leaves it out; when none of its values is known, Helm's types count
    (pkg/sync/hook/helm/type.go: pre-install/pre-upgrade -> PreSync, post-install/post-upgrade ->
    PostSync). A Helm hook of any other type (test, pre-delete, post-delete, pre-rollback, ...) is a
    hook with no sync phase: never applied by a sync.
    """
    ann = _annotations(obj)
    if HOOK_ANNOTATION not in ann and not _helm_hook(ann):
        return None
    types = [v for v in _csv(ann.get(HOOK_ANNOTATION)) if v in PHASE_RANK or v == SKIP]
    if not types and HELM_HOOK in ann:
        types = sorted({_HELM_PHASES[v] for v in _csv(ann[HELM_HOOK]) if v in _HELM_PHASES},
                       key=PHASE_RANK.__getitem__)
    if types == [SKIP]:
        return []
    return [t for t in types if t in PHASE_RANK]


def unsynced_hook_types(obj: dict[str, Any]) -> list[str]:
    """Hook types of `obj` that no sync runs (Helm's test, pre-delete, ...), to name in reports."""
    ann = _annotations(obj)
    argo = [v for v in _csv(ann.get(HOOK_ANNOTATION)) if v not in PHASE_RANK and v != SKIP]
    helm = [v for v in _csv(ann.get(HELM_HOOK)) if v not in _HELM_PHASES] if _helm_hook(ann) else []
    return argo + helm


def hook_delete_policies(obj: dict[str, Any]) -> tuple[str, ...]:
    """Delete policies of a hook: Argo CD's and Helm's together; BeforeHookCreation when neither is
    given (gitops-engine pkg/sync/hook/delete_policy.go)."""
    ann = _annotations(obj)
    found = [v for v in _csv(ann.get(HOOK_DELETE_ANNOTATION)) if v in DELETE_POLICIES]
    found += [_HELM_DELETE[v] for v in _csv(ann.get(HELM_DELETE)) if v in _HELM_DELETE]
    return tuple(dict.fromkeys(found)) or (BEFORE_HOOK_CREATION,)


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def wave_of(obj: dict[str, Any]) -> int:
    """`argocd.argoproj.io/sync-wave`, else `helm.sh/hook-weight`, else 0 (invalid values count as missing)."""
    ann = _annotations(obj)
    for name in (WAVE_ANNOTATION, HELM_WEIGHT):
        wave = _int(ann.get(name))
        if wave is not None:
            return wave
    return 0


def sync_options(obj: dict[str, Any]) -> dict[str, str]:
    """`argocd.argoproj.io/sync-options: Prune=false,Delete=false` as {"Prune": "false", ...}."""
    return parse_options(_csv(_annotations(obj).get(SYNC_OPTIONS_ANNOTATION)))


def parse_options(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        name, _, value = str(item).partition("=")
        out[name.strip()] = value.strip()
    return out


def prune_disabled(obj: dict[str, Any], app_options: dict[str, str] | None = None) -> str | None:
    """Why `obj` must never be pruned, or None: `Prune=false` (the object's annotation, else the app's
    syncOptions; gitops-engine sync_context.go pruneObject), `Prune=confirm` (kpy never waits for a
    confirmation, so it never prunes such an object), or Flux's marker as a label or annotation."""
    opts = {**(app_options or {}), **sync_options(obj)}
    if opts.get("Prune", "").lower() in ("false", "confirm"):
        return f"Prune={opts['Prune'].lower()}"
    labels = (obj.get("metadata") or {}).get("labels") or {}
    if str(_annotations(obj).get(FLUX_PRUNE, labels.get(FLUX_PRUNE, ""))).lower() == "disabled":
        return f"{FLUX_PRUNE}: disabled"
    return None


def delete_disabled(obj: dict[str, Any], app_options: dict[str, str] | None = None) -> str | None:
    """Why `obj` survives a cascading app deletion: `Delete=false` (or `Delete=confirm`, which kpy
    never receives), on the object or the app."""
    opts = {**(app_options or {}), **sync_options(obj)}
    value = opts.get("Delete", "").lower()
    return f"Delete={value}" if value in ("false", "confirm") else None
