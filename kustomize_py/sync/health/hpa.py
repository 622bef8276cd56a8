"""HorizontalPodAutoscaler health, as gitops-engine pkg/health/health_hpa.go.

autoscaling/v1 keeps its conditions as JSON in an annotation; v2, v2beta1 and v2beta2 in status.
"""

from __future__ import annotations

import json
from typing import Any

from kustomize_py.sync.health.status import DEGRADED, HEALTHY, PROGRESSING, UNKNOWN, Health, conditions, version_of

V1_CONDITIONS = "autoscaling.alpha.kubernetes.io/conditions"
_WAITING = Health(PROGRESSING, "Waiting to Autoscale")
_DEGRADED = {("AbleToScale", "FailedGetScale"), ("AbleToScale", "FailedUpdateScale"),
             ("ScalingActive", "FailedGetResourceMetric"), ("ScalingActive", "InvalidSelector")}
_HEALTHY_TYPES = ("AbleToScale", "ScalingLimited")


def _judge(conds: list[dict[str, Any]]) -> Health:
    for cond in conds:
        if (cond.get("type"), cond.get("reason")) in _DEGRADED:
            return Health(DEGRADED, str(cond.get("message") or ""))
        if cond.get("type") in _HEALTHY_TYPES and cond.get("status") == "True":
            return Health(HEALTHY, str(cond.get("message") or ""))
    return _WAITING


def hpa_health(obj: dict[str, Any]) -> Health:
    if version_of(obj) != "v1":
        return _judge(conditions(obj))
    raw = ((obj.get("metadata") or {}).get("annotations") or {}).get(V1_CONDITIONS)
    if raw is None:
        return _WAITING
    try:
        conds = json.loads(str(raw))
    except ValueError as err:
        return Health(UNKNOWN, f"failed to read the {V1_CONDITIONS} annotation: {err}")
    if not isinstance(conds, list):
        return Health(UNKNOWN, f"the {V1_CONDITIONS} annotation is not a list")
    return _judge([c for c in conds if isinstance(c, dict)]) if conds else _WAITING
