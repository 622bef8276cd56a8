"""Job health, as gitops-engine pkg/health/health_job.go."""

from __future__ import annotations

from typing import Any

from kustomize_py.sync.health.status import DEGRADED, HEALTHY, PROGRESSING, SUSPENDED, Health, conditions


def job_health(obj: dict[str, Any]) -> Health:
    failed = complete = suspended = False
    message = fail_message = ""
    for cond in conditions(obj):
        kind = cond.get("type")
        if kind == "Failed":
            failed = complete = True
            fail_message = str(cond.get("message") or "")
        elif kind == "Complete":
            complete = True
            message = str(cond.get("message") or "")
        elif kind == "Suspended":
            complete = True
            message = str(cond.get("message") or "")
            suspended = suspended or cond.get("status") == "True"
    if not complete:
        return Health(PROGRESSING, message)
    if failed:
        return Health(DEGRADED, fail_message)
    if suspended:
        return Health(SUSPENDED, fail_message)
    return Health(HEALTHY, message)
