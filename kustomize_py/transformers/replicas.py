"""`replicas:`: set the replica count of named workloads."""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

from kustomize_py.errors import TransformerError
from kustomize_py.fieldspecs import FieldSpec
from kustomize_py.fieldspecs.spec import SCALAR
from kustomize_py.resource import Resource


def set_replicas(resources: list[Resource], replica: dict[str, Any], specs: list[FieldSpec]) -> None:
    name = replica.get("name")
    count = replica.get("count", 0)
    if isinstance(count, bool) or not isinstance(count, int):
        try:
            count = int(str(count))
        except ValueError:
            raise TransformerError(f"replicas: count {count!r} is not an integer", field="replicas") from None

    def setter(parent: Any, key: Any) -> None:
        parent[key] = count

    found = False
    for spec in specs:
        for res in resources:
            if not any(i.name == name and spec.matches(i.group, i.version, i.kind) for i in res.all_ids()):
                continue
            found = True
            cur = res.id
            if spec.matches(cur.group, cur.version, cur.kind):
                spec.apply(res.obj, setter, SCALAR)
    if not found:
        gvks = " ".join(f"{s.kind or '[noKind]'}.{s.version or '[noVer]'}.{s.group or '[noGrp]'}" for s in specs)
        raise TransformerError(
            f"resource with name {name} does not match a config with the following GVK [{gvks}]"
        )
