"""Pod health, as gitops-engine pkg/health/health_pod.go.

A Pod that runs to completion (restartPolicy Never or OnFailure, the usual hook) is Progressing
while it runs and is never marked Degraded for a waiting container: the image may still arrive.
"""

from __future__ import annotations

from typing import Any

from kustomize_py.sync.health.status import (
    DEGRADED, HEALTHY, PROGRESSING, UNKNOWN, Health, condition, spec_of, status_of,
)


def _bad_wait(reason: str) -> bool:
    return reason.startswith("Err") or reason.endswith("Error") or reason.endswith("BackOff")


def _fail_message(container: dict[str, Any]) -> str:
    done = (container.get("state") or {}).get("terminated")
    if not isinstance(done, dict):
        return ""
    if done.get("message"):
        return str(done["message"])
    if done.get("reason") == "OOMKilled":
        return "OOMKilled"
    code = done.get("exitCode") or 0
    return f'container "{container.get("name", "")}" failed with exit code {code}' if code else ""


def pod_health(obj: dict[str, Any]) -> Health:
    status = status_of(obj)
    # The API server defaults restartPolicy to Always; a manifest without it means that.
    restart = spec_of(obj).get("restartPolicy") or "Always"
    message = str(status.get("message") or "")
    containers = [c for c in status.get("containerStatuses") or [] if isinstance(c, dict)]
    if restart == "Always":
        waits = [((c.get("state") or {}).get("waiting") or {}) for c in containers]
        bad = [w for w in waits if isinstance(w, dict) and w and _bad_wait(str(w.get("reason") or ""))]
        if bad:
            return Health(DEGRADED, ", ".join(str(w.get("message") or "") for w in bad))
    phase = status.get("phase")
    if phase == "Pending":
        return Health(PROGRESSING, message)
    if phase == "Succeeded":
        return Health(HEALTHY, message)
    if phase == "Failed":
        if message:
            return Health(DEGRADED, message)
        inits = [c for c in status.get("initContainerStatuses") or [] if isinstance(c, dict)]
        return Health(DEGRADED, next((m for m in map(_fail_message, inits + containers) if m), ""))
    if phase == "Running":
        if restart == "Always":
            if (condition(obj, "Ready") or {}).get("status") == "True":
                return Health(HEALTHY, message)
            if any((c.get("lastState") or {}).get("terminated") for c in containers):
                return Health(DEGRADED, message)
            return Health(PROGRESSING, message)
        if restart in ("OnFailure", "Never"):
            return Health(PROGRESSING, message)
    return Health(UNKNOWN, message)
