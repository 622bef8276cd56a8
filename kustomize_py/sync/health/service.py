"""Service and Ingress health, as gitops-engine pkg/health/health_service.go and health_ingress.go:
a LoadBalancer Service or an Ingress is Progressing until the load balancer reports an address."""

from __future__ import annotations

from typing import Any

from kustomize_py.sync.health.status import HEALTHY, PROGRESSING, Health, spec_of, status_of


def _has_address(obj: dict[str, Any]) -> bool:
    return bool((status_of(obj).get("loadBalancer") or {}).get("ingress"))


def service_health(obj: dict[str, Any]) -> Health:
    if spec_of(obj).get("type") == "LoadBalancer" and not _has_address(obj):
        return Health(PROGRESSING, "waiting for the load balancer's address")
    return Health(HEALTHY)


def ingress_health(obj: dict[str, Any]) -> Health:
    return Health(HEALTHY) if _has_address(obj) else Health(PROGRESSING, "waiting for the load balancer's address")
