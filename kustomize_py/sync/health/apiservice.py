"""APIService health, as gitops-engine pkg/health/health_apiservice.go: the Available condition."""

from __future__ import annotations

from typing import Any

from kustomize_py.sync.health.status import HEALTHY, PROGRESSING, Health, condition


def apiservice_health(obj: dict[str, Any]) -> Health:
    available = condition(obj, "Available")
    if available is None:
        return Health(PROGRESSING, "Waiting to be processed")
    message = f"{available.get('reason', '')}: {available.get('message', '')}"
    return Health(HEALTHY if available.get("status") == "True" else PROGRESSING, message)
