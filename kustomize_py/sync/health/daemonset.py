"""DaemonSet health, as gitops-engine pkg/health/health_daemonset.go."""

from __future__ import annotations

from typing import Any

from kustomize_py.sync.health.status import (
    HEALTHY, PROGRESSING, Health, generation, number, observed_generation, spec_of, status_of,
)


def daemonset_health(obj: dict[str, Any]) -> Health:
    status = status_of(obj)
    name = (obj.get("metadata") or {}).get("name", "")
    if generation(obj) > observed_generation(obj):
        return Health(PROGRESSING, "Waiting for rollout to finish: observed daemon set generation less than "
                                   "desired generation")
    want = number(status.get("desiredNumberScheduled"))
    updated, available = number(status.get("updatedNumberScheduled")), number(status.get("numberAvailable"))
    if (spec_of(obj).get("updateStrategy") or {}).get("type") == "OnDelete":
        return Health(HEALTHY, f"daemon set {updated} out of {want} new pods have been updated")
    if updated < want:
        return Health(PROGRESSING, f'Waiting for daemon set "{name}" rollout to finish: {updated} out of {want} new '
                                   "pods have been updated...")
    if available < want:
        return Health(PROGRESSING, f'Waiting for daemon set "{name}" rollout to finish: {available} of {want} '
                                   "updated pods are available...")
    return Health(HEALTHY)
