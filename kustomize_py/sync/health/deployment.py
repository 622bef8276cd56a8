"""Deployment health, as gitops-engine pkg/health/health_deployment.go."""

from __future__ import annotations

from typing import Any

from kustomize_py.sync.health.status import (
    DEGRADED, HEALTHY, PROGRESSING, SUSPENDED, Health, condition, generation, number, observed_generation, spec_of,
    status_of,
)


def deployment_health(obj: dict[str, Any]) -> Health:
    spec, status = spec_of(obj), status_of(obj)
    name = (obj.get("metadata") or {}).get("name", "")
    if spec.get("paused"):
        return Health(SUSPENDED, "Deployment is paused")
    if generation(obj) > observed_generation(obj):
        return Health(PROGRESSING, "Waiting for rollout to finish: observed deployment generation less than "
                                   "desired generation")
    progressing = condition(obj, "Progressing") or {}
    updated, total = number(status.get("updatedReplicas")), number(status.get("replicas"))
    available = number(status.get("availableReplicas"))
    if progressing.get("reason") == "ProgressDeadlineExceeded":
        return Health(DEGRADED, f'Deployment "{name}" exceeded its progress deadline')
    if "replicas" in spec and updated < number(spec.get("replicas")):
        return Health(PROGRESSING, f"Waiting for rollout to finish: {updated} out of {number(spec.get('replicas'))} "
                                   "new replicas have been updated...")
    if total > updated:
        return Health(PROGRESSING, f"Waiting for rollout to finish: {total - updated} old replicas are pending "
                                   "termination...")
    if available < updated:
        return Health(PROGRESSING, f"Waiting for rollout to finish: {available} of {updated} updated replicas are "
                                   "available...")
    return Health(HEALTHY)
