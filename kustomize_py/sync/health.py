"""Health of live objects from their status: built-in rules per kind and a generic Ready condition."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

HEALTHY, PROGRESSING, DEGRADED, SUSPENDED, MISSING, UNKNOWN = (
    "Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown")


@dataclass(frozen=True)
class Health:
    status: str
    message: str = ""

    @property
    def done(self) -> bool:
        """Nothing left to wait for (good or bad)."""
        return self.status in (HEALTHY, DEGRADED, SUSPENDED)


def _conditions(obj: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(c.get("type")): c for c in ((obj.get("status") or {}).get("conditions") or [])
            if isinstance(c, dict)}


def _observed(obj: dict[str, Any]) -> bool:
    """The controller has seen the latest spec (no generation means we cannot tell: assume yes)."""
    gen = (obj.get("metadata") or {}).get("generation")
    seen = (obj.get("status") or {}).get("observedGeneration")
    return gen is None or seen is None or int(seen) >= int(gen)


def _deployment(obj: dict[str, Any]) -> Health:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    if spec.get("paused"):
        return Health(SUSPENDED, "deployment is paused")
    progressing = _conditions(obj).get("Progressing") or {}
    if progressing.get("reason") == "ProgressDeadlineExceeded":
        return Health(DEGRADED, f"progress deadline exceeded: {progressing.get('message', '')}".strip())
    if not _observed(obj):
        return Health(PROGRESSING, "waiting for the rollout to be observed")
    want = int(spec.get("replicas", 1))
    updated, ready = int(status.get("updatedReplicas", 0)), int(status.get("availableReplicas", 0))
    total = int(status.get("replicas", 0))
    if updated < want:
        return Health(PROGRESSING, f"{updated} of {want} replicas updated")
    if total > updated:
        return Health(PROGRESSING, f"{total - updated} old replicas pending termination")
    if ready < updated:
        return Health(PROGRESSING, f"{ready} of {updated} updated replicas available")
    return Health(HEALTHY)


def _statefulset(obj: dict[str, Any]) -> Health:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    if not _observed(obj):
        return Health(PROGRESSING, "waiting for the statefulset spec to be observed")
    want = int(spec.get("replicas", 1))
    ready = int(status.get("readyReplicas", 0))
    if ready < want:
        return Health(PROGRESSING, f"{ready} of {want} pods ready")
    strategy = (spec.get("updateStrategy") or {}).get("type", "RollingUpdate")
    if strategy == "RollingUpdate" and status.get("updateRevision") != status.get("currentRevision"):
        return Health(PROGRESSING, "rolling update in progress")
    return Health(HEALTHY)


def _daemonset(obj: dict[str, Any]) -> Health:
    status = obj.get("status") or {}
    if not _observed(obj):
        return Health(PROGRESSING, "waiting for the daemonset spec to be observed")
    want = int(status.get("desiredNumberScheduled", 0))
    updated = int(status.get("updatedNumberScheduled", 0))
    available = int(status.get("numberAvailable", 0))
    if updated < want or available < want:
        return Health(PROGRESSING, f"{min(updated, available)} of {want} pods updated and available")
    return Health(HEALTHY)


def _job(obj: dict[str, Any]) -> Health:
    cond = _conditions(obj)
    if (cond.get("Failed") or {}).get("status") == "True":
        return Health(DEGRADED, str(cond["Failed"].get("message") or "job failed"))
    if (cond.get("Complete") or {}).get("status") == "True":
        return Health(HEALTHY)
    if (obj.get("spec") or {}).get("suspend"):
        return Health(SUSPENDED, "job is suspended")
    return Health(PROGRESSING, "job is running")


def _pvc(obj: dict[str, Any]) -> Health:
    phase = (obj.get("status") or {}).get("phase")
    if phase == "Bound":
        return Health(HEALTHY)
    if phase == "Lost":
        return Health(DEGRADED, "claim lost its volume")
    return Health(PROGRESSING, f"claim is {phase or 'Pending'}")


def _pod(obj: dict[str, Any]) -> Health:
    status = obj.get("status") or {}
    phase = status.get("phase")
    if phase == "Succeeded":
        return Health(HEALTHY, "pod completed")
    if phase == "Failed":
        return Health(DEGRADED, str(status.get("message") or "pod failed"))
    for cs in status.get("containerStatuses") or []:
        reason = ((cs.get("state") or {}).get("waiting") or {}).get("reason")
        if reason in ("CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError"):
            return Health(DEGRADED, f"container {cs.get('name')}: {reason}")
    if phase == "Running" and (_conditions(obj).get("Ready") or {}).get("status") == "True":
        return Health(HEALTHY)
    return Health(PROGRESSING, f"pod is {phase or 'Pending'}")


def _generic(obj: dict[str, Any]) -> Health | None:
    ready = _conditions(obj).get("Ready")
    if ready is None:
        return None
    if not _observed(obj):
        return Health(PROGRESSING, "waiting for the spec to be observed")
    if ready.get("status") == "True":
        return Health(HEALTHY)
    message = str(ready.get("message") or ready.get("reason") or "not ready")
    # kstatus treats a False Ready as still in progress; "Failed"-like reasons are final.
    failed = "fail" in str(ready.get("reason") or "").lower()
    return Health(DEGRADED if failed else PROGRESSING, message)


# (group, kind) -> rule; the table is the whole policy.
CHECKS: dict[tuple[str, str], Callable[[dict[str, Any]], Health]] = {
    ("apps", "Deployment"): _deployment,
    ("apps", "StatefulSet"): _statefulset,
    ("apps", "DaemonSet"): _daemonset,
    ("batch", "Job"): _job,
    ("", "PersistentVolumeClaim"): _pvc,
    ("", "Pod"): _pod,
}


def health(obj: dict[str, Any] | None) -> Health | None:
    """The object's health, None when it has no health check (it counts as healthy once applied)."""
    if obj is None:
        return Health(MISSING, "object does not exist")
    if (obj.get("metadata") or {}).get("deletionTimestamp"):
        return Health(PROGRESSING, "being deleted")
    group = str(obj.get("apiVersion") or "").rpartition("/")[0]
    check = CHECKS.get((group, str(obj.get("kind") or "")))
    return check(obj) if check else _generic(obj)
