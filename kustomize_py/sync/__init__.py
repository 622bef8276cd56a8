"""The sync layer: plan desired manifests against a backend and apply them in Argo CD's order.

Names load on first use, so importing this package stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Application": "apps", "load_applications": "apps", "parse_application": "apps", "resolve": "apps",
    "plan": "plan", "Plan": "plan", "PlanOptions": "plan", "Step": "plan", "delete_app_plan": "plan",
    "diff_manifests": "normalize", "diff_objects": "normalize", "render_diffs": "normalize",
    "ResourceDiff": "normalize", "normalize": "normalize",
    "health": "health", "Health": "health",
    "sync": "engine", "SyncOptions": "engine", "SyncResult": "engine", "ObjectResult": "engine",
    "delete_app": "engine", "plan_diff": "engine", "app_status": "engine", "make_plan": "engine",
    "ResourceKey": "keys", "key_of": "keys", "tracking_id": "keys",
    "open_backend": "backends",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(name)
    return getattr(importlib.import_module(f"kustomize_py.sync.{module}"), name)
