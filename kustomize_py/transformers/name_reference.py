"""Name references: after renames, point every referring field at the new name (first version)."""

from __future__ import annotations

from typing import Any

from kustomize_py.resource import Resource


def fix_references(resources: list[Resource], config: Any) -> None:
    return None
