"""`commonLabels`, `labels`, `commonAnnotations`: add key/value pairs at the field specs' maps."""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

from kustomize_py.errors import TransformerError
from kustomize_py.fieldspecs import FieldSpec
from kustomize_py.fieldspecs.spec import MAP
from kustomize_py.resource import Resource, split_api_version


def add_pairs(resources: list[Resource], pairs: dict[str, str], specs: list[FieldSpec]) -> None:
    """Set each pair (in sorted key order, as the reference does) in every map the specs reach."""
    if not pairs:
        return
    keys = sorted(pairs)

    def setter(parent: Any, key: Any) -> None:
        target = parent[key]
        if target is None:
            target = parent[key] = {}
        if not isinstance(target, dict):
            raise TransformerError(f"expected a map at {key!r} to add labels or annotations")
        for k in keys:
            target[k] = pairs[k]

    for res in resources:
        obj = res.obj
        group, version = split_api_version(res.api_version)
        kind = res.kind
        for spec in specs:
            if spec.matches(group, version, kind):
                spec.apply(obj, setter, MAP)
