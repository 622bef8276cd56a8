"""Argo Workflow health, as gitops-engine pkg/health/health_argo.go: the workflow's phase."""

from __future__ import annotations

from typing import Any

from kustomize_py.sync.health.status import DEGRADED, HEALTHY, PROGRESSING, UNKNOWN, Health, status_of

_PHASES = {"": PROGRESSING, "Pending": PROGRESSING, "Running": PROGRESSING, "Succeeded": HEALTHY,
           "Failed": DEGRADED, "Error": DEGRADED}


def workflow_health(obj: dict[str, Any]) -> Health:
    status = status_of(obj)
    return Health(_PHASES.get(str(status.get("phase") or ""), UNKNOWN), str(status.get("message") or ""))
