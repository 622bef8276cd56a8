"""StatefulSet health, as gitops-engine pkg/health/health_statefulset.go."""

from __future__ import annotations

from typing import Any

from kustomize_py.sync.health.status import (
    HEALTHY, PROGRESSING, Health, generation, number, observed_generation, spec_of, status_of,
)


def statefulset_health(obj: dict[str, Any]) -> Health:
    spec, status = spec_of(obj), status_of(obj)
    seen = observed_generation(obj)
    if seen == 0 or generation(obj) > seen:
        return Health(PROGRESSING, "Waiting for statefulset spec update to be observed...")
    ready, updated = number(status.get("readyReplicas")), number(status.get("updatedReplicas"))
    replicas = number(spec.get("replicas")) if "replicas" in spec else None
    if replicas is not None and ready < replicas:
        return Health(PROGRESSING, f"Waiting for {replicas - ready} pods to be ready...")
    strategy = spec.get("updateStrategy") or {}
    rolling = strategy.get("rollingUpdate")
    if strategy.get("type") == "RollingUpdate" and rolling is not None:
        if replicas is not None and isinstance(rolling, dict) and "partition" in rolling:
            want = replicas - number(rolling.get("partition"))
            if updated < want:
                return Health(PROGRESSING, f"Waiting for partitioned roll out to finish: {updated} out of {want} "
                                           "new pods have been updated...")
        return Health(HEALTHY, f"partitioned roll out complete: {updated} new pods have been updated...")
    if strategy.get("type") == "OnDelete":
        return Health(HEALTHY, f"statefulset has {ready} ready pods")
    if status.get("updateRevision", "") != status.get("currentRevision", ""):
        return Health(PROGRESSING, f"waiting for statefulset rolling update to complete {updated} pods at revision "
                                   f"{status.get('updateRevision', '')}...")
    return Health(HEALTHY, f"statefulset rolling update complete {number(status.get('currentReplicas'))} pods at "
                           f"revision {status.get('currentRevision', '')}...")
