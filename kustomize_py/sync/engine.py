"""Runs a plan against a backend: dry run first, then wave by wave with health waits; reports every object."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from kustomize_py.errors import KpyError
from kustomize_py.sync import order
from kustomize_py.sync.backends.base import Backend
from kustomize_py.sync.health import DEGRADED, HEALTHY, MISSING, SUSPENDED, Health
from kustomize_py.sync.keys import ResourceKey, crd_scopes, key_of
from kustomize_py.sync.normalize import ResourceDiff, diff_manifests, normalize
from kustomize_py.sync.plan import (
    APPLY,
    CONFIG_HASH_ANNOTATION,
    CREATE,
    HOOK,
    PRUNE,
    UNCHANGED,
    Plan,
    PlanOptions,
    Step,
    plan,
    prepare,
    project,
)

SUCCEEDED, FAILED = "Succeeded", "Failed"


@dataclass(frozen=True)
class SyncOptions:
    prune: bool = False
    dry_run: bool = False
    wait: bool = True  # wait for each wave to be healthy before the next one
    timeout: float = 300.0  # per wave, seconds
    poll_interval: float = 2.0
    force: bool = False  # delete and recreate on immutable-field errors (per object: Force=true)
    namespace: str = ""
    create_namespace: bool = False
    revision: str = ""
    propagation: str = "foreground"


@dataclass
class ObjectResult:
    """What happened to one object: created, configured, unchanged, pruned, failed, not-run, ..."""

    key: ResourceKey
    status: str
    action: str = APPLY
    phase: str = order.SYNC
    wave: int = 0
    message: str = ""
    health: str = ""

    def to_dict(self) -> dict[str, Any]:
        out = {"group": self.key.group, "kind": self.key.kind, "namespace": self.key.namespace,
               "name": self.key.name, "status": self.status, "action": self.action, "phase": self.phase,
               "wave": self.wave}
        if self.message:
            out["message"] = self.message
        if self.health:
            out["health"] = self.health
        return out


@dataclass
class SyncResult:
    app: str
    backend: str
    phase: str = SUCCEEDED
    message: str = ""
    dry_run: bool = False
    results: list[ObjectResult] = field(default_factory=list)
    note: str | None = None  # e.g. the commit the git backend made

    @property
    def ok(self) -> bool:
        return self.phase == SUCCEEDED

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    def summary(self) -> str:
        names = ("created", "configured", "unchanged", "pruned", "failed", "not-run", "extraneous",
                 "prune-skipped", "would-create", "would-configure", "would-prune")
        parts = [f"{self.count(n)} {n}" for n in names if self.count(n)]
        return ", ".join(parts) or "nothing to do"

    def to_dict(self) -> dict[str, Any]:
        return {"app": self.app, "backend": self.backend, "phase": self.phase, "message": self.message,
                "dryRun": self.dry_run, "summary": self.summary(), "note": self.note,
                "results": [r.to_dict() for r in self.results]}


Progress = Callable[[ObjectResult], None]


def plan_options(app: str, backend: Backend, options: SyncOptions) -> PlanOptions:
    return PlanOptions(app=app, namespace=options.namespace, prune=options.prune,
                       hooks=getattr(backend, "hooks", True), track_label=getattr(backend, "track_label", False),
                       config_hash=getattr(backend, "config_hash", False), exact=getattr(backend, "exact", False),
                       create_namespace=options.create_namespace, revision=options.revision,
                       started=int(time.time()) if getattr(backend, "hooks", True) else 0)


def read_live(app: str, desired: list[dict[str, Any]], backend: Backend, popts: PlanOptions) -> list[dict[str, Any]]:
    """The app's owned objects plus the live copy of every desired object it does not own yet."""
    backend.begin(app)
    live = {key_of(o): o for o in backend.list_owned(app)}
    for obj in prepare(desired, popts):
        key = key_of(obj)
        current = live.get(key)
        if current is None and (obj.get("metadata") or {}).get("name"):
            found = backend.get(key)
            if found is not None:
                live[key] = found
        elif current is not None and obj.get("apiVersion") and current.get("apiVersion") != obj["apiVersion"]:
            # Listed at the server's preferred version; the manifest names another one (a CRD
            # served at several versions): compare with the object as served at the manifest's.
            found = backend.get(key, api_version=str(obj["apiVersion"]))
            if found is not None:
                live[key] = found
    return list(live.values())


def make_plan(app: str, desired: list[dict[str, Any]], backend: Backend, options: SyncOptions) -> Plan:
    popts = plan_options(app, backend, options)
    return plan(desired, read_live(app, desired, backend, popts), popts)


def _force(step: Step, options: SyncOptions) -> bool:
    opts = order.sync_options(step.desired or {})
    return options.force or opts.get("Force", "").lower() == "true" or opts.get("Replace", "").lower() == "true"


def _needs_same_sync(p: Plan) -> set[ResourceKey]:
    """Objects a server cannot dry-run yet: their namespace or CRD is created by this same sync."""
    new_ns = {s.key.name for s in p.steps if s.key.kind == "Namespace" and s.key.group == "" and s.change == CREATE}
    new_kinds = crd_scopes([s.desired for s in p.steps if s.desired and s.change == CREATE]) | {
        (str((s.desired.get("spec") or {}).get("group")), str(((s.desired.get("spec") or {}).get("names") or {}).get("kind")))
        for s in p.steps if s.desired and s.key.kind == "CustomResourceDefinition" and s.change == CREATE}
    return {s.key for s in p.steps if s.key.namespace in new_ns or (s.key.group, s.key.kind) in new_kinds}


def _result(step: Step, status: str, message: str = "", health: str = "") -> ObjectResult:
    return ObjectResult(step.key, status, step.action, step.phase, step.wave, message, health)


def sync(app: str, desired: list[dict[str, Any]], backend: Backend, options: SyncOptions = SyncOptions(),
         progress: Progress | None = None, *, clock: Callable[[], float] = time.monotonic,
         sleep: Callable[[float], None] = time.sleep) -> SyncResult:
    """Sync `desired` into `backend` as app `app`; never raises for a per-object failure (see the result)."""
    emit = progress or (lambda r: None)
    result = SyncResult(app, getattr(backend, "name", type(backend).__name__), dry_run=options.dry_run)
    p = make_plan(app, desired, backend, options)
    runnable = [s for s in p.steps if s.phase != order.SYNC_FAIL]
    fail_hooks = [s for s in p.steps if s.phase == order.SYNC_FAIL]

    def add(r: ObjectResult) -> None:
        result.results.append(r)
        emit(r)

    # 1. Dry-run everything that would change; any refusal stops the sync before it changes anything.
    skip_dry = _needs_same_sync(p)
    errors: dict[ResourceKey, str] = {}
    for step in runnable:
        if step.action in (APPLY, HOOK) and step.change != UNCHANGED and step.key not in skip_dry:
            try:
                backend.apply(step.to_apply, dry_run=True, force=_force(step, options))
            except KpyError as err:
                errors[step.key] = str(err)
    if errors or options.dry_run:
        for step in runnable:
            if step.key in errors:
                add(_result(step, "failed", "dry run: " + errors[step.key]))
            elif errors:
                add(_result(step, "not-run"))
            else:
                add(_result(step, _would(step)))
        _extraneous(p, add)
        if errors:
            result.phase, result.message = FAILED, f"dry run failed for {len(errors)} object(s); nothing was changed"
        else:
            result.message = "dry run: nothing was changed"
        return result

    # 2. Wave by wave: prunes, hook clean-up, applies; then wait for health.
    hook_outcome: dict[ResourceKey, tuple[Step, bool]] = {}
    failure = ""
    groups = [list(g) for _, g in groupby(runnable, key=lambda s: (s.phase, s.wave, s.action == PRUNE))]
    done = 0
    for group in groups:
        failure = _run_group(group, backend, options, add, hook_outcome)
        if not failure and options.wait and getattr(backend, "waits", True):
            failure = _wait(group, backend, options, add, hook_outcome, clock, sleep)
        done += 1
        if failure:
            break
    if failure:
        for group in groups[done:]:
            for step in group:
                add(_result(step, "not-run", "an earlier wave failed"))
        result.phase, result.message = FAILED, failure
        if fail_hooks and getattr(backend, "hooks", True):
            for group in [list(g) for _, g in groupby(fail_hooks, key=lambda s: s.wave)]:
                if _run_group(group, backend, options, add, hook_outcome):
                    break
                if options.wait and _wait(group, backend, options, add, hook_outcome, clock, sleep):
                    break
    else:
        result.message = "all waves applied and healthy" if getattr(backend, "waits", True) else "all objects written"
    _extraneous(p, add)
    _cleanup_hooks(hook_outcome, backend, options)
    result.note = backend.finish(app, commit_message(app, result), dry_run=False)
    return result


def _would(step: Step) -> str:
    if step.action == PRUNE:
        return "would-prune"
    if step.change == UNCHANGED:
        return "unchanged"
    return "would-create" if step.change == CREATE else "would-configure"


def _extraneous(p: Plan, add: Callable[[ObjectResult], None]) -> None:
    for extra in p.extraneous:
        status = "extraneous" if extra.reason == "prune is off" else "prune-skipped"
        add(ObjectResult(extra.key, status, PRUNE, order.SYNC, order.wave_of(extra.live), extra.reason))


def _run_group(group: list[Step], backend: Backend, options: SyncOptions, add: Callable[[ObjectResult], None],
               hooks: dict[ResourceKey, tuple[Step, bool]]) -> str:
    """Apply one wave; returns a failure message, or "" when every object went through."""
    for i, step in enumerate(group):
        try:
            if step.action == PRUNE:
                backend.delete(step.key, propagation=options.propagation)
                add(_result(step, "pruned"))
                continue
            if step.change == UNCHANGED:
                add(_result(step, "unchanged"))
                continue
            if step.action == HOOK and step.live is not None and order.BEFORE_HOOK_CREATION in step.delete_policies:
                backend.delete(step.key, propagation="foreground")
            backend.apply(step.to_apply, force=_force(step, options))
            if step.action == HOOK:
                hooks[step.key] = (step, True)
            add(_result(step, "created" if step.change == CREATE or step.action == HOOK else "configured"))
        except KpyError as err:
            if step.action == HOOK:
                hooks[step.key] = (step, False)
            add(_result(step, "failed", str(err)))
            for rest in group[i + 1:]:
                add(_result(rest, "not-run", "an earlier object in this wave failed"))
            return f"{step.key}: {err}"
    return ""


def _wait(group: list[Step], backend: Backend, options: SyncOptions, add: Callable[[ObjectResult], None],
          hooks: dict[ResourceKey, tuple[Step, bool]], clock: Callable[[], float],
          sleep: Callable[[float], None]) -> str:
    """Poll health of the wave's objects until all are done; Degraded, Missing or a timeout fails the wave."""
    pending = {s.key: s for s in group if s.action != PRUNE}
    deadline = clock() + options.timeout
    last: dict[ResourceKey, Health] = {}
    while pending:
        for key in list(pending):
            h = backend.health(key)
            if h is None or h.status in (HEALTHY, SUSPENDED):
                del pending[key]
            elif h.status in (DEGRADED, MISSING):
                step = pending[key]
                if step.action == HOOK:
                    hooks[key] = (step, False)
                add(_result(step, "failed", f"{h.status}: {h.message}".rstrip(": "), h.status))
                return f"{key} is {h.status}: {h.message}".rstrip(": ")
            else:
                last[key] = h
        if not pending:
            break
        if clock() >= deadline:
            key, h = next((k, last[k]) for k in pending if k in last)
            step = pending[key]
            add(_result(step, "failed", f"timed out after {options.timeout:g}s: {h.message}", h.status))
            return f"timed out waiting for {len(pending)} object(s) to be healthy, first {key}: {h.message}"
        sleep(options.poll_interval)
    return ""


def _cleanup_hooks(hooks: dict[ResourceKey, tuple[Step, bool]], backend: Backend, options: SyncOptions) -> None:
    for key, (step, ok) in hooks.items():
        policy = order.HOOK_SUCCEEDED if ok else order.HOOK_FAILED
        if policy in step.delete_policies:
            try:
                backend.delete(key, propagation=options.propagation)
            except KpyError:
                pass  # a hook left behind is reported by the next sync's BeforeHookCreation


def commit_message(app: str, result: SyncResult) -> str:
    """A commit message a reviewer can read: the counts, then every changed object."""
    head = f"kpy sync {app}: {result.summary()}"
    if not result.ok:
        head += " (partial: sync failed)"
    lines = [f"{r.status:<11} {r.key}" for r in result.results
             if r.status in ("created", "configured", "pruned", "failed")]
    return head + "\n\n" + "\n".join(lines) + "\n" if lines else head + "\n"


def delete_app(app: str, backend: Backend, policy: str = "orphan", *, propagation: str = "foreground",
               progress: Progress | None = None) -> SyncResult:
    """Delete app `app`'s objects only when `policy` is "cascade" (objects with Delete=false stay)."""
    from kustomize_py.sync.plan import delete_app_plan

    emit = progress or (lambda r: None)
    backend.begin(app)
    p = delete_app_plan(backend.list_owned(app), app, policy)
    result = SyncResult(app, getattr(backend, "name", "?"))
    for step in p.steps:
        backend.delete(step.key, propagation=propagation)
        result.results.append(_result(step, "pruned"))
        emit(result.results[-1])
    for extra in p.extraneous:
        result.results.append(ObjectResult(extra.key, "orphaned", PRUNE, message=extra.reason))
        emit(result.results[-1])
    result.message = f"deletion policy {policy}"
    result.note = backend.finish(app, f"kpy delete {app}: {result.summary()}\n")
    return result


def _display(obj: dict[str, Any]) -> dict[str, Any]:
    out = normalize(obj, keep_tracking=False)
    ann = (out.get("metadata") or {}).get("annotations")
    if ann is not None:
        ann.pop(CONFIG_HASH_ANNOTATION, None)
        if not ann:
            out["metadata"].pop("annotations")
    labels = (out.get("metadata") or {}).get("labels")
    if labels is not None:
        from kustomize_py.sync.keys import APP_LABEL

        labels.pop(APP_LABEL, None)
        if not labels:
            out["metadata"].pop("labels")
    return out


def plan_diff(p: Plan, *, include_extraneous: bool = True) -> list[ResourceDiff]:
    """What a sync would change, per object: live (cut to the fields we set) against desired, redacted."""
    old: list[dict[str, Any]] = []
    new: list[dict[str, Any]] = []
    for step in p.steps:
        if step.action == APPLY:
            want = _display(step.to_apply)
            new.append(want)
            if step.live is not None:
                old.append(project(_display(step.live), want))
        elif step.action == PRUNE:
            old.append(_display(step.to_prune))
    if include_extraneous:
        old.extend(_display(e.live) for e in p.extraneous)
    return diff_manifests(old, new)


@dataclass
class ObjectStatus:
    key: ResourceKey
    status: str  # synced | out-of-sync | missing | extraneous
    health: str = ""

    def to_dict(self) -> dict[str, str]:
        out = {"group": self.key.group, "kind": self.key.kind, "namespace": self.key.namespace,
               "name": self.key.name, "status": self.status}
        if self.health:
            out["health"] = self.health
        return out


def app_status(p: Plan, backend: Backend | None = None) -> list[ObjectStatus]:
    """Each object of the app: synced, out-of-sync, missing (not created yet) or extraneous (to prune)."""
    out = []
    for step in p.steps:
        if step.action == APPLY:
            status = "missing" if step.change == CREATE else "synced" if step.change == UNCHANGED else "out-of-sync"
        elif step.action == PRUNE:
            status = "extraneous"
        else:
            continue
        h = backend.health(step.key) if backend is not None and status != "missing" and step.action == APPLY else None
        out.append(ObjectStatus(step.key, status, h.status if h else ""))
    out.extend(ObjectStatus(e.key, "extraneous") for e in p.extraneous)
    return out
