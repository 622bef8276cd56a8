"""Runs a plan against a backend: dry run first, then wave by wave with health waits; reports every object."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from kustomize_py.errors import KpyError
from kustomize_py.sync import options as sync_opts
from kustomize_py.sync import order
from kustomize_py.sync.backends.base import ApplyError, Backend
from kustomize_py.sync.health import DEGRADED, HEALTHY, MISSING, SUSPENDED, UNKNOWN, Health
from kustomize_py.sync.keys import ResourceKey, crd_scopes, key_of, tracked_app
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
    sync_options: dict[str, str] = field(default_factory=dict)  # the Application's syncOptions
    allow_empty: bool = False  # an empty render may prune every object of the app
    ignore_differences: tuple[Any, ...] = ()  # the Application's ignoreDifferences (sync/ignore.py)


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
    """The report of one sync: one result per object and phase (a later outcome replaces an earlier one)."""

    app: str
    backend: str
    phase: str = SUCCEEDED
    message: str = ""
    dry_run: bool = False
    results: list[ObjectResult] = field(default_factory=list)
    note: str | None = None  # e.g. the commit the git backend made
    warnings: list[str] = field(default_factory=list)
    retryable: bool = False  # a failure that running the sync again may get past (a timeout)

    @property
    def ok(self) -> bool:
        return self.phase == SUCCEEDED

    def record(self, r: ObjectResult) -> None:
        """Add `r`, replacing the earlier result of the same object in the same phase."""
        for i, old in enumerate(self.results):
            if old.key == r.key and old.phase == r.phase:
                self.results[i] = r
                return
        self.results.append(r)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    def summary(self) -> str:
        names = ("created", "configured", "replaced", "recreated", "unchanged", "pruned", "failed", "not-run", "extraneous",
                 "prune-skipped", "would-create", "would-configure", "would-prune", "would-delete", "deleted", "orphaned", "kept")
        parts = [f"{self.count(n)} {n}" for n in names if self.count(n)]
        return ", ".join(parts) or "nothing to do"

    def to_dict(self) -> dict[str, Any]:
        return {"app": self.app, "backend": self.backend, "phase": self.phase, "message": self.message,
                "dryRun": self.dry_run, "summary": self.summary(), "note": self.note,
                "warnings": list(self.warnings), "retryable": self.retryable,
                "results": [r.to_dict() for r in self.results]}


Progress = Callable[[ObjectResult], None]


def plan_options(app: str, backend: Backend, options: SyncOptions) -> PlanOptions:
    return PlanOptions(app=app, namespace=options.namespace, prune=options.prune,
                       hooks=getattr(backend, "hooks", True), track_label=getattr(backend, "track_label", False),
                       config_hash=getattr(backend, "config_hash", False), exact=getattr(backend, "exact", False),
                       create_namespace=options.create_namespace, revision=options.revision,
                       started=int(time.time()) if getattr(backend, "hooks", True) else 0,
                       sync_options=dict(options.sync_options), ignore=tuple(options.ignore_differences))


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


def _step_options(step: Step, options: SyncOptions) -> dict[str, str]:
    return sync_opts.effective(options.sync_options, step.desired if step.desired is not None else step.live)


def _apply_kwargs(step: Step, options: SyncOptions) -> dict[str, Any]:
    """How to apply one object (gitops-engine sync_context.go applyObject): Replace=true replaces
    (for a CRD or Namespace, a plain update: replacing them could delete every custom resource or the
    whole namespace, so Force never applies to them); Force=true lets an immutable field change
    delete and recreate the object; Validate=false turns server validation off."""
    opts = _step_options(step, options)
    crd_or_ns = step.key.kind == "CustomResourceDefinition" or (step.key.group, step.key.kind) == ("", "Namespace")
    force = (options.force or sync_opts.enabled(opts, "Force")) and not crd_or_ns
    return {"force": force, "replace": sync_opts.enabled(opts, "Replace"),
            "validate": not sync_opts.disabled(opts, "Validate")}


def _needs_same_sync(p: Plan) -> set[ResourceKey]:
    """Objects a server cannot dry-run yet: their namespace or CRD is created by this same sync."""
    new_ns = {s.key.name for s in p.steps if s.key.kind == "Namespace" and s.key.group == "" and s.change == CREATE}
    new_kinds = crd_scopes([s.desired for s in p.steps if s.desired and s.change == CREATE]) | {
        (str((s.desired.get("spec") or {}).get("group")), str(((s.desired.get("spec") or {}).get("names") or {}).get("kind")))
        for s in p.steps if s.desired and s.key.kind == "CustomResourceDefinition" and s.change == CREATE}
    return {s.key for s in p.steps if s.key.namespace in new_ns or (s.key.group, s.key.kind) in new_kinds}


def _result(step: Step, status: str, message: str = "", health: str = "") -> ObjectResult:
    return ObjectResult(step.key, status, step.action, step.phase, step.wave, message, health)


def _recreated_hook(step: Step) -> bool:
    """A hook whose previous run's object is deleted before it is created again (BeforeHookCreation,
    the default; gitops-engine sync_task.go deleteBeforeCreation)."""
    return step.action == HOOK and step.live is not None and order.BEFORE_HOOK_CREATION in step.delete_policies


def _describe(err: BaseException) -> str:
    return str(err) if isinstance(err, KpyError) else f"{type(err).__name__}: {err}"


def option_warnings(app: str, desired: list[dict[str, Any]], options: SyncOptions) -> list[str]:
    """Every sync option, of the app or of an object, that kpy does not honour as Argo CD would."""
    from kustomize_py.sync.ignore import warnings as ignore_warnings

    out = sync_opts.warnings(options.sync_options, f"app {app}") + ignore_warnings(options.ignore_differences, app)
    for obj in desired:
        if isinstance(obj, dict):
            out += sync_opts.warnings(sync_opts.of_object(obj), str(key_of(obj)))
    return out


def _shared(p: Plan, app: str) -> list[str]:
    """Argo CD's SharedResourceWarning: a desired object whose live copy another app tracks."""
    out = []
    for step in p.steps:
        owner = tracked_app(step.live) if step.live is not None and step.action == APPLY else None
        if owner and owner != app:
            out.append(f"SharedResourceWarning: {step.key} is part of applications {app} and {owner}")
    return out


def sync(app: str, desired: list[dict[str, Any]], backend: Backend, options: SyncOptions = SyncOptions(),
         progress: Progress | None = None, *, clock: Callable[[], float] = time.monotonic,
         sleep: Callable[[float], None] = time.sleep) -> SyncResult:
    """Sync `desired` into `backend` as app `app`; never raises for a backend failure (see the result).

    One call is one whole operation (what Argo CD reaches by calling Sync() until it is done): it
    can be called again for the next iteration of a watch loop.
    """
    emit = progress or (lambda r: None)
    result = SyncResult(app, getattr(backend, "name", type(backend).__name__), dry_run=options.dry_run)
    propagation = options.sync_options.get("PrunePropagationPolicy", options.propagation).lower()

    def add(r: ObjectResult) -> None:
        result.record(r)
        emit(r)

    popts = plan_options(app, backend, options)
    # A bad manifest is the user's error: raise it before touching the backend.
    result.warnings = option_warnings(app, prepare(desired, popts), options)
    try:
        p = plan(desired, read_live(app, desired, backend, popts), popts)
    except Exception as err:  # noqa: BLE001 - a backend failure becomes a report, never a traceback
        result.phase, result.message = FAILED, f"reading the live state failed: {_describe(err)}"
        result.retryable = True
        _sync_fail_hooks_without_live(app, desired, backend, options, add, clock, sleep)
        _finish(app, backend, result)
        return result
    result.warnings += list(getattr(backend, "warnings", [])) + p.warnings + _shared(p, app)
    runnable = [s for s in p.steps if s.phase != order.SYNC_FAIL]
    fail_hooks = [s for s in p.steps if s.phase == order.SYNC_FAIL]

    # gitops-engine FailOnSharedResource: refuse before anything changes.
    shared = [w for w in result.warnings if w.startswith("SharedResourceWarning")]
    if shared and sync_opts.enabled(options.sync_options, "FailOnSharedResource"):
        result.phase = FAILED
        result.message = "FailOnSharedResource=true and " + shared[0].split(": ", 1)[1] + "; nothing was changed"
        for step in runnable:
            add(_result(step, "not-run"))
        return result
    # An empty render never wipes an app out, unless the app allows it (argo-cd's allowEmpty).
    applies = [s for s in p.steps if s.action in (APPLY, HOOK)]
    prunes = [s for s in p.steps if s.action == PRUNE]
    if prunes and not [s for s in applies if s.action == APPLY and not _created_namespace(s)] \
            and not options.allow_empty:
        result.phase = FAILED
        result.message = (f"the render is empty: refusing to prune all {len(prunes)} object(s) of app {app} "
                          "(set syncPolicy.automated.allowEmpty to allow it); nothing was changed")
        for step in runnable:
            add(_result(step, "not-run"))
        return result

    # 0. gitops-engine sync_context.go: the namespace CreateNamespace=true adds is created for real
    # first, so that the objects in it can be dry-run like any other.
    made_ns = [s for s in runnable if _created_namespace(s) and s.change == CREATE]
    if made_ns and not options.dry_run and not getattr(backend, "exact", False):
        step = made_ns[0]
        try:
            backend.apply(step.to_apply)
        except Exception as err:  # noqa: BLE001
            add(_result(step, "failed", _describe(err)))
            result.phase, result.message = FAILED, f"the namespace failed to apply: {_describe(err)}"
            _finish(app, backend, result)
            return result
        add(_result(step, "created"))
        runnable = [s for s in runnable if s is not step]
        p.steps = [s for s in p.steps if s is not step]

    # 1. Dry-run everything that would change; any refusal stops the sync before it changes anything.
    # A cluster cannot dry-run what needs a namespace or CRD of this same sync; files can.
    skip_dry = set() if getattr(backend, "exact", False) else _needs_same_sync(p)
    errors: dict[ResourceKey, str] = {}
    for step in runnable:
        if step.action in (APPLY, HOOK) and step.change != UNCHANGED and step.key not in skip_dry:
            kwargs = _apply_kwargs(step, options)
            if _recreated_hook(step):
                kwargs["force"] = True  # the previous run's hook is deleted first: check the new one as a create
            try:
                backend.apply(step.to_apply, dry_run=True, **kwargs)
            except KpyError as err:
                if _missing_kind(err) and sync_opts.enabled(_step_options(step, options), "SkipDryRunOnMissingResource"):
                    continue  # gitops-engine: the CRD is expected to arrive; the real apply will tell
                errors[step.key] = str(err)
            except Exception as err:  # noqa: BLE001
                errors[step.key] = _describe(err)
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
            result.phase = FAILED
            result.message = f"dry run failed for {len(errors)} object(s); " + (
                "only the namespace was created" if made_ns and not options.dry_run and not getattr(
                    backend, "exact", False) else "nothing was changed")
        else:
            result.message = "dry run: nothing was changed"
        return result

    # 2. Wave by wave: hook clean-up, applies; then wait for health; prunes last.
    ran_hooks: dict[ResourceKey, Step] = {}
    failure = ""
    groups = [list(g) for _, g in groupby(runnable, key=lambda s: (s.phase, s.wave, s.action == PRUNE))]
    done = 0
    ctx = _Run(backend, options, add, ran_hooks, clock, sleep, propagation)
    for group in groups:
        failure = ctx.run_group(group)
        if not failure and options.wait and getattr(backend, "waits", True):
            failure = ctx.wait(group)
        done += 1
        if failure:
            break
    if failure:
        for group in groups[done:]:
            for step in group:
                add(_result(step, "not-run", "an earlier wave failed"))
        result.phase, result.message = FAILED, failure
        result.retryable = ctx.retryable
        if fail_hooks and getattr(backend, "hooks", True):
            for group in [list(g) for _, g in groupby(fail_hooks, key=lambda s: s.wave)]:
                if ctx.run_group(group):
                    break
                if options.wait and ctx.wait(group):
                    break
    else:
        result.message = "all waves applied and healthy" if getattr(backend, "waits", True) else "all objects written"
    _extraneous(p, add)
    _cleanup_hooks(ran_hooks, result.ok, backend, propagation)
    _finish(app, backend, result)
    return result


def _created_namespace(step: Step) -> bool:
    from kustomize_py.sync.plan import CREATE_NAMESPACE

    return step.reason == CREATE_NAMESPACE


_MISSING_KIND = ("no matches for kind", "doesn't have a resource type", "does not serve kind",
                 "could not find the requested resource")


def _missing_kind(err: KpyError) -> bool:
    return any(m in str(err) for m in _MISSING_KIND)


def _new_uid(before: dict[str, Any] | None, after: Any) -> bool:
    """Whether an apply left a different object (a new uid): it was deleted and created again."""
    old = ((before or {}).get("metadata") or {}).get("uid")
    new = ((after if isinstance(after, dict) else {}).get("metadata") or {}).get("uid")
    return bool(old and new and old != new)


def _finish(app: str, backend: Backend, result: SyncResult) -> None:
    try:
        result.note = backend.finish(app, commit_message(app, result), dry_run=False)
    except Exception as err:  # noqa: BLE001
        result.phase = FAILED
        result.message = (result.message + "; " if result.message else "") + f"finishing failed: {_describe(err)}"


def _sync_fail_hooks_without_live(app: str, desired: list[dict[str, Any]], backend: Backend, options: SyncOptions,
                                  add: Callable[[ObjectResult], None], clock: Callable[[], float],
                                  sleep: Callable[[float], None]) -> None:
    """When the live state cannot be read, still run the SyncFail hooks (as Argo CD does on failure)."""
    if not getattr(backend, "hooks", True):
        return
    try:
        p = plan(desired, [], plan_options(app, backend, options))
    except KpyError:
        return
    hooks = [s for s in p.steps if s.phase == order.SYNC_FAIL]
    ctx = _Run(backend, options, add, {}, clock, sleep, options.propagation)
    for group in [list(g) for _, g in groupby(hooks, key=lambda s: s.wave)]:
        if ctx.run_group(group) or (options.wait and ctx.wait(group)):
            break


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


@dataclass
class _Run:
    """Running waves against one backend."""

    backend: Backend
    options: SyncOptions
    add: Callable[[ObjectResult], None]
    hooks: dict[ResourceKey, Step]
    clock: Callable[[], float]
    sleep: Callable[[float], None]
    propagation: str
    retryable: bool = False

    def run_group(self, group: list[Step]) -> str:
        """Apply one wave; returns a failure message, or "" when every object went through."""
        for i, step in enumerate(group):
            try:
                status = self._one(step)
            except Exception as err:  # noqa: BLE001 - any backend failure is this object's failure
                self.add(_result(step, "failed", _describe(err)))
                for rest in group[i + 1:]:
                    self.add(_result(rest, "not-run", "an earlier object in this wave failed"))
                if step.action == HOOK:
                    self.hooks[step.key] = step
                return f"{step.key}: {_describe(err)}"
            self.add(_result(step, status))
        return ""

    def _one(self, step: Step) -> str:
        if step.action == PRUNE:
            self.backend.delete(step.key, propagation=self.propagation)
            return "pruned"
        if step.change == UNCHANGED:
            return "unchanged"
        kwargs = _apply_kwargs(step, self.options)
        if _recreated_hook(step):
            # gitops-engine sync_context.go: delete the previous run's hook, wait until it is gone, then create.
            self.backend.delete(step.key, propagation="foreground")
            self._wait_gone(step)
        applied = self.backend.apply(step.to_apply, **kwargs)
        if step.key.kind == "CustomResourceDefinition" and getattr(self.backend, "waits", True):
            self._wait_established(step)
        if step.action == HOOK:
            self.hooks[step.key] = step
            return "created"
        if step.change != CREATE and _new_uid(step.live, applied):
            return "recreated"  # Force=true / --force: the backend deleted the object and created it again
        if kwargs["replace"] and step.change != CREATE:
            return "replaced" if not (step.key.kind == "CustomResourceDefinition" or step.key.kind == "Namespace") \
                else "configured"
        return "created" if step.change == CREATE else "configured"

    def _wait_established(self, step: Step) -> None:
        """Custom resources of a CRD can only be applied once it is Established (gitops-engine
        sync_context.go ensureCRDReady); the CRD's custom resources come right after it."""
        deadline = self.clock() + self.options.timeout
        while True:
            h = self.backend.health(step.key)
            if h is None or h.status == HEALTHY:
                return
            if h.status == DEGRADED:
                raise ApplyError(f"{step.key}: {h.message}")
            if self.clock() >= deadline:
                self.retryable = True
                raise ApplyError(f"{step.key}: not Established after {self.options.timeout:g}s")
            self.sleep(self.options.poll_interval)

    def _wait_gone(self, step: Step) -> None:
        deadline = self.clock() + self.options.timeout
        while self.backend.get(step.key) is not None:
            if self.clock() >= deadline:
                raise ApplyError(f"{step.key}: the previous hook is still being deleted after "
                                 f"{self.options.timeout:g}s")
            self.sleep(self.options.poll_interval)

    def wait(self, group: list[Step]) -> str:
        """Poll health of the wave's objects until all are done; Degraded, Missing or a timeout fails the wave."""
        pending = {s.key: s for s in group if s.action != PRUNE}
        deadline = self.clock() + self.options.timeout
        last: dict[ResourceKey, Health] = {}
        while pending:
            for key in list(pending):
                try:
                    h = self.backend.health(key)
                except Exception as err:  # noqa: BLE001
                    self.add(_result(pending[key], "failed", f"reading health failed: {_describe(err)}"))
                    self.retryable = True
                    return f"{key}: reading health failed: {_describe(err)}"
                if h is None or h.status in (HEALTHY, SUSPENDED):
                    del pending[key]
                elif h.status in (DEGRADED, MISSING, UNKNOWN):
                    self.add(_result(pending[key], "failed", f"{h.status}: {h.message}".rstrip(": "), h.status))
                    return f"{key} is {h.status}: {h.message}".rstrip(": ")
                else:
                    last[key] = h
            if not pending:
                break
            if self.clock() >= deadline:
                key, h = next((k, last[k]) for k in pending if k in last)
                self.add(_result(pending[key], "failed", f"timed out after {self.options.timeout:g}s: {h.message}",
                                 h.status))
                self.retryable = True
                return f"timed out waiting for {len(pending)} object(s) to be healthy, first {key}: {h.message}"
            self.sleep(self.options.poll_interval)
        return ""


def _cleanup_hooks(hooks: dict[ResourceKey, Step], succeeded: bool, backend: Backend, propagation: str) -> None:
    """Delete the hooks whose policy matches the whole operation's outcome: HookSucceeded when the
    sync succeeded, HookFailed when it failed (gitops-engine sync_context.go deleteHooks)."""
    policy = order.HOOK_SUCCEEDED if succeeded else order.HOOK_FAILED
    for key, step in hooks.items():
        if policy in step.delete_policies:
            try:
                backend.delete(key, propagation=propagation)
            except Exception:  # noqa: BLE001 - a hook left behind is replaced by the next sync (BeforeHookCreation)
                pass


def commit_message(app: str, result: SyncResult) -> str:
    """A commit message a reviewer can read: the counts, then every changed object."""
    head = f"kpy sync {app}: {result.summary()}"
    if not result.ok:
        head += " (partial: sync failed)"
    lines = [f"{r.status:<11} {r.key}" for r in result.results
             if r.status in ("created", "configured", "replaced", "recreated", "pruned", "failed")]
    return head + "\n\n" + "\n".join(lines) + "\n" if lines else head + "\n"


def delete_app(app: str, backend: Backend, policy: str = "orphan", *, propagation: str = "foreground",
               progress: Progress | None = None, app_options: dict[str, str] | None = None,
               dry_run: bool = False) -> SyncResult:
    """Delete app `app`'s objects only when `policy` is "cascade" (objects with Delete=false stay).

    Like Argo CD's cascading deletion (argo-cd app deletion: Delete=false keeps an object); kpy
    never infers the cascade itself, the caller says which policy and why.
    """
    from kustomize_py.sync.plan import delete_app_plan

    emit = progress or (lambda r: None)
    result = SyncResult(app, getattr(backend, "name", "?"), dry_run=dry_run)

    def add(r: ObjectResult) -> None:
        result.record(r)
        emit(r)

    try:
        backend.begin(app)
        p = delete_app_plan(backend.list_owned(app), app, policy, app_options)
    except Exception as err:  # noqa: BLE001
        if isinstance(err, KpyError) and getattr(err, "field", None) == "deletionPolicy":
            raise
        result.phase, result.message = FAILED, f"reading the live state failed: {_describe(err)}"
        return result
    for i, step in enumerate(p.steps):
        if dry_run:
            add(_result(step, "would-delete"))
            continue
        try:
            backend.delete(step.key, propagation=propagation)
        except Exception as err:  # noqa: BLE001
            add(_result(step, "failed", _describe(err)))
            for rest in p.steps[i + 1:]:
                add(_result(rest, "not-run", "an earlier deletion failed"))
            result.phase, result.message = FAILED, f"{step.key}: {_describe(err)}"
            break
        add(_result(step, "deleted"))
    for extra in p.extraneous:
        add(ObjectResult(extra.key, "orphaned" if policy == "orphan" else "kept", PRUNE, message=extra.reason))
    if result.ok:
        result.message = f"deletion policy {policy}" + (" (dry run: nothing was deleted)" if dry_run else "")
    if not dry_run:
        _finish(app, backend, result)
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
    from kustomize_py.sync.ignore import strip

    old: list[dict[str, Any]] = []
    new: list[dict[str, Any]] = []
    for step in p.steps:
        if step.action == APPLY and step.change != UNCHANGED:  # in sync, even if written another way
            want = _display(strip(step.to_apply, step.ignored))
            new.append(want)
            if step.live is not None:
                old.append(project(_display(strip(step.live, step.ignored)), want))
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
