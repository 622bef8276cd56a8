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

PRE_SYNC, SYNC, POST_SYNC, SYNC_FAIL = "PreSync", "Sync", "PostSync", "SyncFail"
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


def hook_phases(obj: dict[str, Any]) -> list[str] | None:
    """The hook phases of `obj`: None for a plain resource, [] for one to leave out entirely.

    `Skip` and an annotation holding only unknown values both mean "not applied at all"
    (gitops-engine drops such objects); Helm hook annotations count only without Argo's.
    """
    ann = _annotations(obj)
    if HOOK_ANNOTATION in ann:
        values = _csv(ann[HOOK_ANNOTATION])
        return [v for v in values if v in PHASE_RANK]
    if HELM_HOOK in ann:
        phases = [_HELM_PHASES[v] for v in _csv(ann[HELM_HOOK]) if v in _HELM_PHASES]
        return sorted(set(phases), key=PHASE_RANK.__getitem__) or None
    return None


def hook_delete_policies(obj: dict[str, Any]) -> tuple[str, ...]:
    """Delete policies of a hook; Argo CD's default is BeforeHookCreation."""
    ann = _annotations(obj)
    if HOOK_DELETE_ANNOTATION in ann:
        found = [v for v in _csv(ann[HOOK_DELETE_ANNOTATION]) if v in DELETE_POLICIES]
    else:
        found = [_HELM_DELETE[v] for v in _csv(ann.get(HELM_DELETE)) if v in _HELM_DELETE]
    return tuple(found) or (BEFORE_HOOK_CREATION,)


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


def prune_disabled(obj: dict[str, Any]) -> str | None:
    """Why `obj` must never be pruned, or None. Flux's marker works as a label or annotation."""
    opts = sync_options(obj)
    if opts.get("Prune", "").lower() == "false":
        return "Prune=false"
    labels = (obj.get("metadata") or {}).get("labels") or {}
    if str(_annotations(obj).get(FLUX_PRUNE, labels.get(FLUX_PRUNE, ""))).lower() == "disabled":
        return f"{FLUX_PRUNE}: disabled"
    return None


def delete_disabled(obj: dict[str, Any]) -> bool:
    """`Delete=false`: keep the object when its whole app is deleted with cascade."""
    return sync_options(obj).get("Delete", "").lower() == "false"
