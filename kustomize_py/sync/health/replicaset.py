"""ReplicaSet health, as gitops-engine pkg/health/health_replicaset.go."""

from __future__ import annotations

from typing import Any

from kustomize_py.sync.health.status import (
    DEGRADED, HEALTHY, PROGRESSING, Health, condition, generation, number, observed_generation, spec_of, status_of,
)


def replicaset_health(obj: dict[str, Any]) -> Health:
    if generation(obj) > observed_generation(obj):
        return Health(PROGRESSING, "Waiting for rollout to finish: observed replica set generation less than "
                                   "desired generation")
    failure = condition(obj, "ReplicaFailure")
    if failure is not None and failure.get("status") == "True":
        return Health(DEGRADED, str(failure.get("message") or ""))
    spec = spec_of(obj)
    available = number(status_of(obj).get("availableReplicas"))
    if "replicas" in spec and available < number(spec.get("replicas")):
        return Health(PROGRESSING, f"Waiting for rollout to finish: {available} out of {number(spec['replicas'])} "
                                   "new replicas are available...")
    return Health(HEALTHY)
