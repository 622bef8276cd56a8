"""PersistentVolumeClaim health, as gitops-engine pkg/health/health_pvc.go."""

from __future__ import annotations

from typing import Any

from kustomize_py.sync.health.status import DEGRADED, HEALTHY, PROGRESSING, UNKNOWN, Health, status_of

_PHASES = {"Lost": DEGRADED, "Pending": PROGRESSING, "Bound": HEALTHY}


def pvc_health(obj: dict[str, Any]) -> Health:
    phase = status_of(obj).get("phase")
    return Health(_PHASES.get(str(phase), UNKNOWN), "" if phase in _PHASES else f"claim phase {phase or 'unset'}")
