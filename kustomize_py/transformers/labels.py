"""`commonLabels`, `labels`, `commonAnnotations`: add key/value pairs at the field specs' maps."""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

from kustomize_py.errors import TransformerError
from kustomize_py.fieldspecs import FieldSpec
from kustomize_py.fieldspecs.spec import MAP, by_kind
from kustomize_py.resource import Resource


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

    matching = by_kind(specs)
    for res in resources:
        obj = res.obj
        rid = res.id
        for spec in matching(rid.group, rid.version, rid.kind):
            spec.apply(obj, setter, MAP)
