"""`patches`, `patchesStrategicMerge`, `patchesJson6902`: selecting targets and applying patches."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kustomize_py.errors import PatchError

if TYPE_CHECKING:
    from kustomize_py.loader import Loader
    from kustomize_py.pipeline import Accumulator, Target

_OPENAPI: dict[str, Any] = {}


def reset_openapi() -> None:
    _OPENAPI.clear()


def set_openapi(loader: Loader, openapi: dict[str, Any]) -> None:
    _OPENAPI["loader"] = loader
    _OPENAPI["spec"] = openapi


def apply_strategic_merge_files(target: Target, ra: Accumulator, entries: list[str]) -> None:
    raise PatchError("patchesStrategicMerge is not supported yet", path=target.kustomization.path)


def apply_patches(target: Target, ra: Accumulator, entries: list[dict[str, Any]]) -> None:
    raise PatchError("patches is not supported yet", path=target.kustomization.path)


def apply_json6902_entries(target: Target, ra: Accumulator, entries: list[dict[str, Any]]) -> None:
    raise PatchError("patchesJson6902 is not supported yet", path=target.kustomization.path)
