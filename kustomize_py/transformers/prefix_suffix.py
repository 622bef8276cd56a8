"""`namePrefix` / `nameSuffix`: rename resources (and other name fields named by field specs)."""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

from kustomize_py.fieldspecs import FieldSpec
from kustomize_py.fieldspecs.spec import SCALAR, by_kind
from kustomize_py.resource import Resource
from kustomize_py.yaml.scalars import text_of

# Kinds whose names a prefix or suffix never touches.
_SKIP = (("", "CustomResourceDefinition"), ("apiregistration.k8s.io", "APIService"), ("", "Namespace"))


_SKIP_GROUP = {k: g for g, k in _SKIP}  # (each kind once)


def _skipped(group: str, kind: str) -> bool:
    g = _SKIP_GROUP.get(kind)
    return g is not None and (not g or g == group)


def add_affix(resources: list[Resource], specs: list[FieldSpec], *, prefix: str = "", suffix: str = "") -> None:
    """Apply one prefix or one suffix (the reference runs them as two transformers)."""
    affix = prefix or suffix
    if not affix:
        return

    def setter(parent: Any, key: Any) -> None:
        value = parent[key]
        # The affix joins the scalar's text: `name: 007` becomes "p-007".
        parent[key] = prefix + (value if isinstance(value, str) else text_of(value)) + suffix

    matching = by_kind(specs)
    for res in resources:
        org = res.org_id()
        if _skipped(org.group, org.kind):
            continue
        for spec in matching(org.group, org.version, org.kind):
            if spec.path == "metadata/name":
                if prefix:
                    res.prefixes.append(prefix)
                else:
                    res.suffixes.append(suffix)
                res.touched_annotations = True
                res.store_previous_id()
            cur = res.id
            if spec.matches(cur.group, cur.version, cur.kind):
                spec.apply(res.obj, setter, SCALAR)
