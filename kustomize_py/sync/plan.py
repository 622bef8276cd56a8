"""The pure planner: desired and live manifests in, an ordered list of steps out (no I/O)."""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import Any

from kustomize_py.errors import SyncError
from kustomize_py.sync import ignore, order
from kustomize_py.sync.keys import (
    APP_LABEL,
    TRACKING_ANNOTATION,
    ResourceKey,
    crd_scopes,
    is_cluster_scoped,
    key_of,
    label_value,
    tracked_app,
    tracking_id,
)
from kustomize_py.sync.normalize import normalize

CONFIG_HASH_ANNOTATION = "kustomize-py/config-hash"
CREATE_NAMESPACE = "CreateNamespace=true"  # the reason of the step that creates the app's namespace

APPLY, PRUNE, HOOK = "apply", "prune", "hook"
CREATE, UPDATE, UNCHANGED, DELETE = "create", "update", "unchanged", "delete"


@dataclass(frozen=True)
class PlanOptions:
    """What the planner needs to know about the app and the backend."""

    app: str
    namespace: str = ""  # given to namespaced objects that have none (Application destination)
    prune: bool = False
    hooks: bool = True  # False: hooks are written like any object (rendered-manifests backends)
    track_label: bool = False  # also set the app label (for backends that list by label)
    config_hash: bool = False  # record a hash of the applied config (backends that add defaults)
    exact: bool = False  # live copies are exactly what was applied (files): compare for equality
    create_namespace: bool = False  # CreateNamespace=true: add the destination namespace
    revision: str = ""  # source revision, used to name generateName hooks
    started: int = 0  # operation start (unix seconds), used to name generateName hooks
    sync_options: dict[str, str] = field(default_factory=dict)  # the Application's syncOptions
    ignore: tuple[Any, ...] = ()  # the Application's ignoreDifferences (sync/ignore.py IgnoreRule)


@dataclass(frozen=True)
class Step:
    """One thing to do. `desired` is the object to apply, `live` what the backend holds now."""

    action: str  # apply | prune | hook
    change: str  # create | update | unchanged | delete
    phase: str
    wave: int
    key: ResourceKey
    desired: dict[str, Any] | None = None
    live: dict[str, Any] | None = None
    delete_policies: tuple[str, ...] = ()
    reason: str = ""
    ignored: tuple[tuple[str, ...], ...] = ()  # ignoreDifferences paths that apply to this object

    @property
    def to_apply(self) -> dict[str, Any]:
        """`desired`, which apply and hook steps always have."""
        if self.desired is None:
            raise SyncError(f"{self.action} step for {self.key} has no object to apply")
        return self.desired

    @property
    def to_prune(self) -> dict[str, Any]:
        """`live`, which prune steps always have."""
        if self.live is None:
            raise SyncError(f"{self.action} step for {self.key} has no live object")
        return self.live

    def to_dict(self) -> dict[str, Any]:
        return {"action": self.action, "change": self.change, "phase": self.phase, "wave": self.wave,
                "group": self.key.group, "kind": self.key.kind, "namespace": self.key.namespace,
                "name": self.key.name, **({"reason": self.reason} if self.reason else {})}


@dataclass(frozen=True)
class Extraneous:
    """A live object of this app that is no longer desired and will not be pruned."""

    key: ResourceKey
    live: dict[str, Any]
    reason: str


@dataclass
class Plan:
    app: str
    steps: list[Step] = field(default_factory=list)
    extraneous: list[Extraneous] = field(default_factory=list)
    skipped: list[ResourceKey] = field(default_factory=list)  # hooks marked Skip or unknown
    warnings: list[str] = field(default_factory=list)

    @property
    def changes(self) -> list[Step]:
        """Steps that change something (hooks always run, so they count)."""
        return [s for s in self.steps if s.change != UNCHANGED and s.phase != order.SYNC_FAIL]

    @property
    def in_sync(self) -> bool:
        return not any(s.action == APPLY and s.change != UNCHANGED for s in self.steps) and not any(
            s.action == PRUNE for s in self.steps) and not self.extraneous


def config_hash(obj: dict[str, Any], ignored: tuple[tuple[str, ...], ...] = ()) -> str:
    """A short, stable hash of what we apply (so removed fields are noticed against a defaulted live object);
    fields under ignoreDifferences do not count."""
    from kustomize_py.sync.ignore import strip

    clean = normalize(strip(obj, ignored), keep_tracking=False)
    meta = clean.get("metadata") or {}
    (meta.get("annotations") or {}).pop(CONFIG_HASH_ANNOTATION, None)
    if meta.get("annotations") == {}:
        del meta["annotations"]
    if clean.get("kind") == "Secret" and "/" not in str(clean.get("apiVersion", "v1")):
        # A hash of a Secret's values on a live object would let anyone who can read the object's
        # metadata confirm a guessed value. Hash the key names only; values are compared directly.
        for section in ("data", "stringData"):
            if isinstance(clean.get(section), dict):
                clean[section] = dict.fromkeys(clean[section], "")
    text = json.dumps(clean, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _set_metadata(obj: dict[str, Any], section: str, name: str, value: str) -> None:
    meta = obj.setdefault("metadata", {})
    if not isinstance(meta.get(section), dict):
        meta[section] = {}
    meta[section][name] = value


class CreatedNamespace(dict):
    """The destination Namespace that `CreateNamespace=true` adds. Like Argo CD, the app creates it
    when missing but does not track it: several apps may share it, and none prunes it."""


def prepare(objs: list[dict[str, Any]], options: PlanOptions) -> list[dict[str, Any]]:
    """Copies of `objs` with the destination namespace filled in and this app's tracking metadata."""
    extra_scopes = crd_scopes(objs)
    out = []
    for raw in objs:
        if not isinstance(raw, dict) or not raw.get("kind") or not raw.get("apiVersion"):
            raise SyncError("every manifest needs apiVersion and kind", field="kind")
        obj = copy.deepcopy(raw)
        key = key_of(obj)
        if not key.name:
            raise SyncError(f"{key.kind} without metadata.name or generateName", field="metadata.name")
        if is_cluster_scoped(key.group, key.kind, extra_scopes):
            obj["metadata"].pop("namespace", None)
        elif not key.namespace and options.namespace:
            obj["metadata"]["namespace"] = options.namespace
        out.append(obj)
    if options.create_namespace and options.namespace:
        names = {key_of(o) for o in out}
        if ResourceKey("", "Namespace", "", options.namespace) not in names:
            out.insert(0, CreatedNamespace(apiVersion="v1", kind="Namespace", metadata={"name": options.namespace}))
    return out


def _track(obj: dict[str, Any], options: PlanOptions, ignored: tuple[tuple[str, ...], ...] = ()) -> dict[str, Any]:
    _set_metadata(obj, "annotations", TRACKING_ANNOTATION, tracking_id(options.app, key_of(obj)))
    if options.track_label:
        _set_metadata(obj, "labels", APP_LABEL, label_value(options.app))
    if options.config_hash:
        _set_metadata(obj, "annotations", CONFIG_HASH_ANNOTATION, config_hash(obj, ignored))
    return obj


def _numeric_equal(a: Any, b: Any) -> bool:
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return False


def contains(live: Any, desired: Any) -> bool:
    """Whether `live` holds every field `desired` sets, with the same value (server defaults ignored)."""
    if isinstance(desired, dict):
        return isinstance(live, dict) and all(
            contains(live.get(k), v) for k, v in desired.items() if not (v is None and k not in live))
    if isinstance(desired, list):
        return isinstance(live, list) and len(live) == len(desired) and all(
            contains(a, b) for a, b in zip(live, desired))
    if desired == live:
        return True
    # The server prints some numbers as strings and vice versa (ports), and quantities in canonical
    # form (`cpu: 0.5` comes back as `500m`, `1024Mi` as `1Gi`).
    if isinstance(desired, (int, float, str)) and not isinstance(desired, bool):
        from kustomize_py.sync import quantity

        return _numeric_equal(desired, live) or quantity.equal(desired, live)
    return False


def project(live: Any, desired: Any) -> Any:
    """`live` cut down to the shape of `desired`, so a diff shows what we set rather than defaults."""
    if isinstance(desired, dict) and isinstance(live, dict):
        return {k: project(live[k], desired[k]) if k in desired else live[k]
                for k in live if k in desired}
    if isinstance(desired, list) and isinstance(live, list) and len(desired) == len(live):
        return [project(a, b) for a, b in zip(live, desired)]
    return live


def in_sync(desired: dict[str, Any], live: dict[str, Any], options: PlanOptions,
            ignored: tuple[tuple[str, ...], ...] = (),
            hashed: tuple[tuple[str, ...], ...] | None = None) -> bool:
    """`hashed`: the ignored paths the recorded config hash was made without (the rules' own
    paths; not the ones managedFieldsManagers read off the live object, which vary)."""
    from kustomize_py.sync.ignore import strip

    want, have = normalize(strip(desired, ignored)), normalize(strip(live, ignored))
    if options.exact:
        return want == have
    if options.config_hash:
        recorded = ((live.get("metadata") or {}).get("annotations") or {}).get(CONFIG_HASH_ANNOTATION)
        if recorded is not None and recorded != config_hash(desired, ignored if hashed is None else hashed):
            return False
    return contains(have, want)


def _hook_name(obj: dict[str, Any], phase: str, options: PlanOptions) -> dict[str, Any]:
    meta = obj["metadata"]
    if meta.get("name") or not meta.get("generateName"):
        return obj
    obj = copy.deepcopy(obj)
    suffix = f"{options.revision[:7]}-{phase}-{options.started}".lower().lstrip("-")
    obj["metadata"]["name"] = f"{meta['generateName']}{suffix}"
    return obj


def _sort_key(step: Step) -> tuple[int, int, int, str]:
    return (order.PHASE_RANK[step.phase], step.wave, order.kind_rank(step.key.kind), step.key.name)


def _bubble_up(steps: list[Step]) -> list[Step]:
    """Move each Namespace and CRD ahead of the first step that needs it, taking that step's phase and wave."""
    steps = list(steps)
    for i in range(len(steps)):
        step = steps[i]
        if step.action == PRUNE or step.desired is None:
            continue
        if step.key.group == "" and step.key.kind == "Namespace":
            needs = lambda s, ns=step.key.name: s.key.namespace == ns
        elif step.key.kind == "CustomResourceDefinition":
            spec = step.desired.get("spec") or {}
            gk = (str(spec.get("group") or ""), str((spec.get("names") or {}).get("kind") or ""))
            needs = lambda s, gk=gk: (s.key.group, s.key.kind) == gk
        else:
            continue
        first = next((j for j in range(i) if steps[j].action != PRUNE and needs(steps[j])), None)
        if first is not None:
            moved = replace(step, phase=steps[first].phase, wave=steps[first].wave)
            del steps[i]
            steps.insert(first, moved)
    return steps


def plan(desired: list[dict[str, Any]], live: list[dict[str, Any]], options: PlanOptions) -> Plan:
    """Ordered steps that take `live` to `desired`.

    Order: phase (PreSync, Sync, PostSync, SyncFail) -> sync wave -> kind order -> name, with
    Namespaces and CRDs moved ahead of their first user. Prunes come last in the Sync phase, in
    reverse order, so nothing is deleted before every wave has been applied and is healthy.
    """
    result = Plan(options.app)
    live_by_key = {key_of(o): o for o in live}
    wanted: set[ResourceKey] = set()
    steps: list[Step] = []
    for obj in prepare(desired, options):
        phases = order.hook_phases(obj) if options.hooks else None
        key = key_of(obj)
        if phases == []:
            result.skipped.append(key)
            never = order.unsynced_hook_types(obj)
            if never:
                result.warnings.append(f"{key}: hook type {', '.join(never)} is never run by a sync; "
                                       "the object is not applied")
            continue
        if isinstance(obj, CreatedNamespace):
            if key not in live_by_key:
                steps.append(Step(APPLY, CREATE, order.SYNC, order.wave_of(obj), key, dict(obj), None,
                                  reason=CREATE_NAMESPACE))
            continue
        if phases is None:
            wanted.add(key)
            current = live_by_key.get(key)
            static = ignore.paths_for(options.ignore, key)
            ignored = ignore.paths_for(options.ignore, key, current)  # + managedFieldsManagers' fields
            if ignored and current is not None and \
                    options.sync_options.get("RespectIgnoreDifferences", "").lower() == "true":
                obj = ignore.respect(obj, current, ignored)  # argo-cd: keep the live values at ignored paths
            obj = _track(obj, options, static)
            change = CREATE if current is None else UNCHANGED if in_sync(obj, current, options, ignored,
                                                                          static) else UPDATE
            owner = tracked_app(current) if current else None
            reason = f"taking over from app {owner}" if owner and owner != options.app else ""
            steps.append(Step(APPLY, change, order.SYNC, order.wave_of(obj), key, obj, current, reason=reason,
                              ignored=ignored))
            continue
        for phase in phases:
            hook = _track(_hook_name(obj, phase, options), options)
            hkey = key_of(hook)
            wanted.add(hkey)
            steps.append(Step(HOOK, CREATE, phase, order.wave_of(hook), hkey, hook, live_by_key.get(hkey),
                              delete_policies=order.hook_delete_policies(hook)))
    steps = _bubble_up(sorted(steps, key=_sort_key))

    prunes: list[Step] = []
    for key, obj in live_by_key.items():
        if key in wanted or tracked_app(obj) != options.app:
            continue
        if order.hook_phases(obj):
            continue  # hooks are cleaned up by their delete policies, never pruned
        blocked = order.prune_disabled(obj, options.sync_options)
        if not options.prune or blocked:
            result.extraneous.append(Extraneous(key, obj, blocked or "prune is off"))
            continue
        prunes.append(Step(PRUNE, DELETE, order.SYNC, order.wave_of(obj), key, None, obj))
    prunes.sort(key=_sort_key, reverse=True)
    last_sync = max((i for i, s in enumerate(steps) if order.PHASE_RANK[s.phase] <= 0), default=-1)
    result.steps = steps[: last_sync + 1] + prunes + steps[last_sync + 1:]
    return result


def delete_app_plan(live: list[dict[str, Any]], app: str, policy: str,
                    app_options: dict[str, str] | None = None) -> Plan:
    """What deleting app `app` does to its objects: nothing unless `policy` is "cascade".

    Orphaning is the default on purpose: the Argo CD finalizer trap (a lost or re-created app
    record wiping a whole environment) comes from cascading being implicit.
    """
    if policy not in ("orphan", "cascade"):
        raise SyncError(f"unknown deletion policy {policy!r} (orphan or cascade)", field="deletionPolicy")
    result = Plan(app)
    owned = [o for o in live if tracked_app(o) == app]
    deletes: list[Step] = []
    for obj in owned:
        key = key_of(obj)
        if policy == "orphan":
            result.extraneous.append(Extraneous(key, obj, "deletion policy is orphan"))
        elif order.delete_disabled(obj, app_options):
            result.extraneous.append(Extraneous(key, obj, str(order.delete_disabled(obj, app_options))))
        else:
            deletes.append(Step(PRUNE, DELETE, order.SYNC, order.wave_of(obj), key, None, obj))
    result.steps = sorted(deletes, key=_sort_key, reverse=True)
    return result
