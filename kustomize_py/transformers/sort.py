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
    ids = [r.id for r in resources]
    order = legacy_order(ids, ranks) if _key_sort_agrees(ids) else legacy_order_compared(ids, ranks)
    return [resources[i] for i in order]


def _gvk_str(i: ResId) -> str:
    return f"{i.group or '~G'}_{i.version or '~V'}_{i.kind or '~K'}"


def _id_str(i: ResId) -> str:
    return f"{i.gvk_string()}|{i.namespace or '~X'}|{i.name or '~N'}"


def _key_sort_agrees(ids: list[ResId]) -> bool:
    """Does a sort by (rank, gvk string, id string) give the comparison's order? Yes unless two
    kinds have one gvk text (the comparison calls them equal) or Namespaces of several groups
    are present (it orders some of those backwards)."""
    gvks = {(i.group, i.version, i.kind) for i in ids}
    if len({_gvk_str(i) for i in ids}) != len(gvks):
        return False
    return sum(1 for g in gvks if g[2] == "Namespace") <= 1


def legacy_order(ids: list[ResId], ranks: dict[str, int]) -> list[int]:
    """Positions in the legacy order, by a sort key (~5x faster than the comparison)."""
    keys = [(ranks.get(i.kind, 0), _gvk_str(i), _id_str(i)) for i in ids]
    return sorted(range(len(ids)), key=keys.__getitem__)


def legacy_order_compared(ids: list[ResId], ranks: dict[str, int]) -> list[int]:
    """Positions in the legacy order, by the reference's comparison itself."""

    def cmp(a: int, b: int) -> int:
        x, y = ids[a], ids[b]
        if (x.group, x.version, x.kind) != (y.group, y.version, y.kind):
            rx, ry = ranks.get(x.kind, 0), ranks.get(y.kind, 0)
            if rx != ry:
                return -1 if rx < ry else 1
            sx, sy = _gvk_str(x), _gvk_str(y)
            if x.kind == "Namespace" and y.kind == "Namespace" and (not x.group or not y.group):
                return -1 if sx > sy else (1 if sx < sy else 0)
            return -1 if sx < sy else (1 if sx > sy else 0)
        kx, ky = _id_str(x), _id_str(y)
        return -1 if kx < ky else (1 if kx > ky else 0)

    return sorted(range(len(ids)), key=cmp_to_key(cmp))
