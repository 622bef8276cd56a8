"""Health statuses and the small readers every per-kind check shares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# gitops-engine pkg/health/health.go: the status codes, most healthy first.
HEALTHY, SUSPENDED, PROGRESSING, MISSING, DEGRADED, UNKNOWN = (
    "Healthy", "Suspended", "Progressing", "Missing", "Degraded", "Unknown")


@dataclass(frozen=True)
class Health:
    status: str
    message: str = ""

    @property
    def done(self) -> bool:
        """Nothing left to wait for (good or bad)."""
        return self.status in (HEALTHY, DEGRADED, SUSPENDED)


def status_of(obj: dict[str, Any]) -> dict[str, Any]:
    status = obj.get("status")
    return status if isinstance(status, dict) else {}


def spec_of(obj: dict[str, Any]) -> dict[str, Any]:
    spec = obj.get("spec")
    return spec if isinstance(spec, dict) else {}


def number(value: Any, default: int = 0) -> int:
    """An integer field as Go's typed structs read it: missing or malformed is the zero value."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def conditions(obj: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in status_of(obj).get("conditions") or [] if isinstance(c, dict)]


def condition(obj: dict[str, Any], kind: str) -> dict[str, Any] | None:
    """The first condition of type `kind`, as the Go helpers pick it."""
    return next((c for c in conditions(obj) if c.get("type") == kind), None)


def generation(obj: dict[str, Any]) -> int:
    return number((obj.get("metadata") or {}).get("generation"))


def observed_generation(obj: dict[str, Any]) -> int:
    return number(status_of(obj).get("observedGeneration"))


def version_of(obj: dict[str, Any]) -> str:
    return str(obj.get("apiVersion") or "").rpartition("/")[2]
