"""Output order: the reference's legacy kind order (the default) or first-in-first-out."""

from __future__ import annotations

from functools import cmp_to_key

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

from kustomize_py.errors import KustomizationError
from kustomize_py.resource import ResId, Resource

ORDER_FIRST = ["Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition", "ServiceAccount",
               "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ConfigMap",
               "Secret", "Endpoints", "Service", "LimitRange", "PriorityClass", "PersistentVolume",
               "PersistentVolumeClaim", "Deployment", "StatefulSet", "CronJob", "PodDisruptionBudget"]
ORDER_LAST = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]


def sort_resources(resources: list[Resource], options: dict[str, Any] | None) -> list[Resource]:
    if options is None:
        options = {"order": "legacy"}
    order = options.get("order")
    legacy = options.get("legacySortOptions")
    if order not in ("fifo", "legacy"):
        raise KustomizationError("the field 'sortOptions.order' must be one of [fifo, legacy]").locate(
            field="sortOptions.order" if order is not None else "sortOptions")
    if order == "fifo":
        if legacy is not None:
            raise KustomizationError(
                "the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'"
            ).locate(field="sortOptions.legacySortOptions")
        return resources
    legacy = legacy or {"orderFirst": ORDER_FIRST, "orderLast": ORDER_LAST}
    first = legacy.get("orderFirst") or []
    last = legacy.get("orderLast") or []
    ranks = {kind: i - len(first) for i, kind in enumerate(first)}
    ranks.update({kind: 1 + i for i, kind in enumerate(last)})
    keyed = [(r.id, r) for r in resources]

    def gvk_str(i: ResId) -> str:
        return f"{i.group or '~G'}_{i.version or '~V'}_{i.kind or '~K'}"

    def cmp(a: tuple[ResId, Resource], b: tuple[ResId, Resource]) -> int:
        x, y = a[0], b[0]
        if (x.group, x.version, x.kind) != (y.group, y.version, y.kind):
            rx, ry = ranks.get(x.kind, 0), ranks.get(y.kind, 0)
            if rx != ry:
                return -1 if rx < ry else 1
            sx, sy = gvk_str(x), gvk_str(y)
            if x.kind == "Namespace" and y.kind == "Namespace" and (not x.group or not y.group):
                return -1 if sx > sy else (1 if sx < sy else 0)
            return -1 if sx < sy else (1 if sx > sy else 0)
        kx = f"{x.gvk_string()}|{x.namespace or '~X'}|{x.name or '~N'}"
        ky = f"{y.gvk_string()}|{y.namespace or '~X'}|{y.name or '~N'}"
        return -1 if kx < ky else (1 if kx > ky else 0)

    gvks = {(i.group, i.version, i.kind) for i, _ in keyed}
    strs = {f"{g or '~G'}_{v or '~V'}_{k or '~K'}" for g, v, k in gvks}
    if len(strs) == len(gvks) and sum(1 for g in gvks if g[2] == "Namespace") <= 1:
        # Then `cmp` orders by (rank, gvk string, id string), a key sort gives the same order
        # ~5x faster; else (two kinds with one text, or Namespaces of several groups, which it
        # orders backwards) the comparison itself is needed.
        keyed.sort(key=lambda e: (ranks.get(e[0].kind, 0), gvk_str(e[0]),
                                  f"{e[0].gvk_string()}|{e[0].namespace or '~X'}|{e[0].name or '~N'}"))
    else:
        keyed.sort(key=cmp_to_key(cmp))
    return [r for _, r in keyed]
