"""Health of live objects: gitops-engine's built-in checks, one module per kind, plus a generic
`Ready` condition check for kinds gitops-engine leaves without one (kpy's addition).

`builtin(obj)` is exactly gitops-engine's `GetResourceHealth` without overrides (pkg/health/health.go);
`health(obj)` adds the Ready-condition check and Missing for an absent object.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kustomize_py.sync.health.apiservice import apiservice_health
from kustomize_py.sync.health.daemonset import daemonset_health
from kustomize_py.sync.health.deployment import deployment_health
from kustomize_py.sync.health.hpa import hpa_health
from kustomize_py.sync.health.job import job_health
from kustomize_py.sync.health.pod import pod_health
from kustomize_py.sync.health.pvc import pvc_health
from kustomize_py.sync.health.replicaset import replicaset_health
from kustomize_py.sync.health.service import ingress_health, service_health
from kustomize_py.sync.health.statefulset import statefulset_health
from kustomize_py.sync.health.status import (
    DEGRADED, HEALTHY, MISSING, PROGRESSING, SUSPENDED, UNKNOWN, Health, condition, generation,
    observed_generation,
)
from kustomize_py.sync.health.workflow import workflow_health

__all__ = ["CHECKS", "DEGRADED", "HEALTHY", "HOOK_FINALIZER", "Health", "MISSING", "PROGRESSING", "SUSPENDED",
           "UNKNOWN", "builtin", "health", "worse"]

HOOK_FINALIZER = "argocd.argoproj.io/hook-finalizer"
ORDER = (HEALTHY, SUSPENDED, PROGRESSING, MISSING, DEGRADED, UNKNOWN)

Check = Callable[[dict[str, Any]], Health]
# (group, kind) -> check; the dispatch of GetHealthCheckFunc, as data. Each check also accepts
# versions gitops-engine refuses (it errors on an unknown apps/v1beta2 Deployment, for one): the
# fields it reads have not changed between versions.
CHECKS: dict[tuple[str, str], Check] = {
    ("apps", "Deployment"): deployment_health,
    ("apps", "StatefulSet"): statefulset_health,
    ("apps", "ReplicaSet"): replicaset_health,
    ("apps", "DaemonSet"): daemonset_health,
    ("extensions", "Ingress"): ingress_health,
    ("networking.k8s.io", "Ingress"): ingress_health,
    ("argoproj.io", "Workflow"): workflow_health,
    ("apiregistration.k8s.io", "APIService"): apiservice_health,
    ("", "Service"): service_health,
    ("", "PersistentVolumeClaim"): pvc_health,
    ("", "Pod"): pod_health,
    ("batch", "Job"): job_health,
    ("autoscaling", "HorizontalPodAutoscaler"): hpa_health,
}


def worse(current: str, new: str) -> bool:
    """Whether `new` is a worse status than `current` (gitops-engine's IsWorse)."""
    rank = {s: i for i, s in enumerate(ORDER)}
    return rank.get(new, 0) > rank.get(current, 0)


def builtin(obj: dict[str, Any]) -> Health | None:
    """gitops-engine's built-in health of `obj`; None for a kind it has no check for."""
    meta = obj.get("metadata") or {}
    if meta.get("deletionTimestamp") and HOOK_FINALIZER not in (meta.get("finalizers") or []):
        return Health(PROGRESSING, "Pending deletion")
    group = str(obj.get("apiVersion") or "").rpartition("/")[0]
    check = CHECKS.get((group, str(obj.get("kind") or "")))
    return check(obj) if check else None


def _crd_established(obj: dict[str, Any]) -> Health | None:
    """kpy's addition: a CRD serves its kind once Established (gitops-engine's ensureCRDReady waits for it)."""
    if str(obj.get("apiVersion") or "").rpartition("/")[0] != "apiextensions.k8s.io" or \
            obj.get("kind") != "CustomResourceDefinition":
        return None
    names = condition(obj, "NamesAccepted")
    if names is not None and names.get("status") == "False":
        return Health(DEGRADED, str(names.get("message") or "names not accepted"))
    established = condition(obj, "Established")
    if established is not None and established.get("status") == "True":
        return Health(HEALTHY)
    return Health(PROGRESSING, "waiting for the CRD to be Established")


def _ready_condition(obj: dict[str, Any]) -> Health | None:
    """kpy's addition, kstatus-like: an object with a `Ready` condition is healthy when it is True."""
    ready = condition(obj, "Ready")
    if ready is None:
        return None
    if generation(obj) and observed_generation(obj) and observed_generation(obj) < generation(obj):
        return Health(PROGRESSING, "waiting for the spec to be observed")
    if ready.get("status") == "True":
        return Health(HEALTHY, str(ready.get("message") or ""))
    message = str(ready.get("message") or ready.get("reason") or "not ready")
    # A False Ready is still in progress; "Failed"-like reasons are final.
    failed = "fail" in str(ready.get("reason") or "").lower()
    return Health(DEGRADED if failed else PROGRESSING, message)


def health(obj: dict[str, Any] | None) -> Health | None:
    """The object's health: Missing when absent, gitops-engine's check, else the Ready condition;
    None when there is nothing to judge (the object counts as healthy once applied, as in Argo CD)."""
    if obj is None:
        return Health(MISSING, "object does not exist")
    found = builtin(obj)
    if found is None:
        found = _crd_established(obj)
    return found if found is not None else _ready_condition(obj)
