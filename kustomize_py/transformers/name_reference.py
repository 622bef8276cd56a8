"""Name references: after renames (prefix, suffix, hash, patches), point every field that names
another object at that object's new name.

Candidates are looked up through an index by previous name, so the pass is linear in the number
of resources (the reference scans every resource for every referring field).
"""

from __future__ import annotations

from collections import defaultdict

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

from kustomize_py.errors import TransformerError
from kustomize_py.fieldspecs import FieldSpec
from kustomize_py.resource import CLUSTER_NS, ResId, Resource
from kustomize_py.yaml.scalars import text_of


class _Info:
    """What the selection rules need to know about one resource, computed once."""

    __slots__ = ("res", "cur", "prev", "cluster", "cur_ns", "org_ns", "raw_ns", "name", "kind")

    def __init__(self, res: Resource) -> None:
        self.res = res
        self.cur = res.id
        self.prev = res.prev_ids()
        self.cluster = self.cur.cluster_scoped
        self.cur_ns = self.cur.effective_namespace
        org = self.prev[0] if self.prev else self.cur
        self.org_ns = org.effective_namespace
        self.raw_ns = self.cur.namespace
        self.name = self.cur.name
        self.kind = self.cur.kind


def _selected(rid: ResId, group: str, version: str, kind: str) -> bool:
    return (not group or rid.group == group) and (not version or rid.version == version) and (not kind or rid.kind == kind)


def _same_ending(a: list[str], b: list[str]) -> bool:
    if len(a) > len(b):
        a, b = b, a
    if not a:
        return len(b) == 0
    return b[len(b) - len(a):] == a


def _affixes_equal(x: Resource, y: Resource, allow_empty: bool) -> bool:
    if allow_empty:
        p_ok = not x.prefixes or not y.prefixes or _same_ending(x.prefixes, y.prefixes)
        s_ok = not x.suffixes or not y.suffixes or _same_ending(x.suffixes, y.suffixes)
        return p_ok and s_ok
    return _same_ending(x.prefixes, y.prefixes) and _same_ending(x.suffixes, y.suffixes)


def fix_references(resources: list[Resource], config: Any, referrers: set[int] | None = None) -> None:
    """Point referring fields at the renamed objects. `referrers`, when given, holds the id() of
    the only resources whose fields are fixed (every resource is still a candidate)."""
    backrefs = config.name_reference
    if not backrefs or not resources:
        return
    infos = [_Info(r) for r in resources]
    by_prev_name: dict[str, list[_Info]] = defaultdict(list)
    for info in infos:
        seen = set()
        for pid in info.prev:
            if pid.name not in seen:
                seen.add(pid.name)
                by_prev_name[pid.name].append(info)
    # current effective namespace -> original effective namespaces found there (for map referrals)
    org_ns_by_cur: dict[str, set[str]] = defaultdict(set)
    org_ns_by_raw: dict[str, set[str]] = defaultdict(set)
    for info in infos:
        org_ns_by_cur[info.cur_ns].add(info.org_ns)
        org_ns_by_raw[info.raw_ns].add(info.org_ns)
    ctx = _Context(by_prev_name, org_ns_by_cur, org_ns_by_raw)
    # Which (target, field spec) pairs apply depends only on the referrer's original
    # group/version/kind: worked out once per kind, not once per resource.
    plans: dict[tuple[str, str, str], list[tuple[tuple[str, str, str], FieldSpec]]] = {}
    walkers: dict[str, FieldSpec] = {}
    for info in infos:
        if referrers is not None and id(info.res) not in referrers:
            continue
        org = info.prev[0] if info.prev else info.cur
        gvk = (org.group, org.version, org.kind)
        plan = plans.get(gvk)
        if plan is None:
            plan = plans[gvk] = [
                ((ref["group"], ref["version"], ref["kind"]), walkers.setdefault(spec.path, FieldSpec(spec.path)))
                for ref in backrefs for spec in ref["fieldSpecs"]
                if _selected(org, spec.group, spec.version, spec.kind)]
        for target, walker in plan:
            _apply(ctx, info, target, walker)


class _Context:
    def __init__(self, by_prev_name: dict[str, list[_Info]], org_ns_by_cur: dict[str, set[str]],
                 org_ns_by_raw: dict[str, set[str]]) -> None:
        self.by_prev_name = by_prev_name
        self.org_ns_by_cur = org_ns_by_cur
        self.org_ns_by_raw = org_ns_by_raw


def _apply(ctx: _Context, referrer: _Info, target: tuple[str, str, str], spec: FieldSpec) -> None:
    """Point the fields `spec` (a path-only walker) finds in `referrer` at `target` objects."""
    rb_ns = _role_binding_namespaces(referrer)
    role_ref = _role_ref_gvk(referrer) if spec.path.endswith("roleRef/name") else None

    def in_subset(c: _Info) -> bool:
        if referrer.cluster or c.cluster:
            return True
        if c.cur_ns == referrer.cur_ns:
            return True
        return c.raw_ns in rb_ns and c.kind == "ServiceAccount"

    def candidates_for(name: str, ns_filter: str | None) -> list[_Info]:
        out = []
        for c in ctx.by_prev_name.get(name, ()):
            if not in_subset(c):
                continue
            if ns_filter is not None and not ns_filter_ok(c, ns_filter):
                continue
            if not any(_selected(p, *target) for p in c.prev):
                continue
            if role_ref is not None and not any(_selected(p, role_ref[0], "", role_ref[1]) for p in c.prev):
                continue
            out.append(c)
        return out

    use_org_cache: dict[str, bool] = {}

    def ns_filter_ok(c: _Info, ns: str) -> bool:
        use_org = use_org_cache.get(ns)
        if use_org is None:
            use_org = _subset_has_org_ns(ctx, referrer, rb_ns, ns)
            use_org_cache[ns] = use_org
        return (c.org_ns if use_org else c.cur_ns) == ns

    def select(name: str, ns_filter: str | None, by_ns: bool) -> Resource | None:
        cands = candidates_for(name, ns_filter)
        if len(cands) == 1:
            return cands[0].res
        cands = [c for c in cands if _affixes_equal(c.res, referrer.res, True)]
        if len(cands) > 1:
            cands = [c for c in cands if _affixes_equal(c.res, referrer.res, False)]
        if len(cands) == 1:
            return cands[0].res
        if not cands:
            return None
        first = cands[0].res
        if all(c.res.name == first.name and (not by_ns or c.res.namespace == first.namespace) for c in cands):
            return first
        ids = ", ".join(str(c.cur) for c in cands)
        raise TransformerError(f"found multiple possible referrals: {ids}", path=referrer.res.source,
                               field=spec.path)

    def set_scalar(parent: Any, key: Any) -> None:
        old = parent[key]
        # The reference matches any scalar by its text, so `name: true` finds a Secret "true".
        if not isinstance(old, (str, int, float)):
            return
        old = _as_str(old)
        referral = select(old, None, False)
        if referral is not None and referral.name != old:
            parent[key] = referral.name

    def set_mapping(node: dict[str, Any]) -> None:
        if "name" not in node:
            raise TransformerError("path config error; no 'name' field in node", path=referrer.res.source,
                                   field=spec.path)
        ns_value = node.get("namespace") if "namespace" in node else None
        ns_filter = None if ns_value is None and "namespace" not in node else _as_str(ns_value)
        old = _as_str(node.get("name"))
        referral = select(old, ns_filter, True)
        if referral is None:
            return
        if referral.name == old and referral.namespace == "":
            return
        node["name"] = referral.name
        if referral.namespace:
            node["namespace"] = referral.namespace

    def setter(parent: Any, key: Any) -> None:
        value = parent[key]
        if value is None:
            return
        if isinstance(value, dict):
            set_mapping(value)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if item is None:
                    continue
                if isinstance(item, dict):
                    set_mapping(item)
                elif isinstance(item, list):
                    raise TransformerError("expected either a string or a map of string",
                                           path=referrer.res.source, field=spec.path)
                else:
                    set_scalar(value, i)
        else:
            set_scalar(parent, key)

    spec.apply(referrer.res.obj, setter, None)


def _as_str(v: Any) -> str:
    # A referring field is matched by the scalar's text: `007` finds "007", not "7".
    return text_of(v)


def _subset_has_org_ns(ctx: _Context, referrer: _Info, rb_ns: set[str], ns: str) -> bool:
    """Does any candidate the referrer could see have `ns` as its original namespace?"""
    if referrer.cluster:
        return any(ns in s for s in ctx.org_ns_by_cur.values())
    if ns in ctx.org_ns_by_cur.get(referrer.cur_ns, ()) or ns in ctx.org_ns_by_cur.get(CLUSTER_NS, ()):
        return True
    return any(ns in ctx.org_ns_by_raw.get(r, ()) for r in rb_ns)


def _role_binding_namespaces(referrer: _Info) -> set[str]:
    if referrer.kind != "RoleBinding":
        return set()
    out: set[str] = set()
    subjects = referrer.res.obj.get("subjects")
    if not isinstance(subjects, list):
        return out
    for s in subjects:
        if isinstance(s, dict) and "namespace" in s and s.get("kind") == "ServiceAccount":
            ns = s["namespace"]
            if not isinstance(ns, str):
                raise TransformerError(f"Invalid Input: namespace is blank for resource \"{referrer.cur}\"")
            out.add(ns)
    return out


def _role_ref_gvk(referrer: _Info) -> tuple[str, str] | None:
    role_ref = referrer.res.obj.get("roleRef")
    if not isinstance(role_ref, dict) or "apiGroup" not in role_ref or "kind" not in role_ref:
        return None
    return (_as_str(role_ref.get("apiGroup")), _as_str(role_ref.get("kind")))
