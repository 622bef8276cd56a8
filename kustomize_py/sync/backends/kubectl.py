"""A real cluster through the `kubectl` binary: server-side apply as field manager kpy, JSON back."""

from __future__ import annotations

import json
import os
import re
import subprocess
from typing import Any

from kustomize_py.sync.backends.base import ApplyError, BackendBase, ImmutableFieldError
from kustomize_py.sync.health import Health, health
from kustomize_py.sync.keys import APP_LABEL, ResourceKey, key_of, label_value

FIELD_MANAGER = "kpy"
_IMMUTABLE = re.compile(r"field is immutable|immutable field|may not change once set|Forbidden: updates to", re.IGNORECASE)
_NOT_FOUND = re.compile(r"NotFound|not found|the server doesn't have a resource type", re.IGNORECASE)


def _write_flags(dry_run: bool, validate: bool) -> list[str]:
    """The flags `apply` and `replace` share: a server-side dry run, and Validate=false."""
    return (["--dry-run=server"] if dry_run else []) + ([] if validate else ["--validate=false"])


def resource_arg(key: ResourceKey, api_version: str | None = None) -> str:
    """`Deployment.apps` / `ConfigMap`: a kind kubectl resolves without knowing the version; with a
    group's `api_version`, `Kind.version.group`, which kubectl serves at that version."""
    version = (api_version or "").partition("/")[2]
    if key.group and version:
        return f"{key.kind}.{version}.{key.group}"
    return f"{key.kind}.{key.group}" if key.group else key.kind


class KubectlBackend(BackendBase):
    """Runs `kubectl` (from PATH) with the user's kubeconfig and an optional `--context`."""

    name = "kubectl"
    hooks = True
    track_label = True  # `list_owned` filters by label: kubectl cannot select by annotation
    config_hash = True
    waits = True

    def __init__(self, context: str | None = None, *, kubeconfig: str | None = None,
                 binary: str = "kubectl", force_conflicts: bool = True, timeout: float = 120):
        self.context = context
        self.kubeconfig = kubeconfig
        self.binary = binary
        self.force_conflicts = force_conflicts
        self.timeout = timeout
        self.warnings: list[str] = []

    def _base(self) -> list[str]:
        cmd = [self.binary]
        if self.kubeconfig:
            cmd += ["--kubeconfig", self.kubeconfig]
        if self.context:
            cmd += ["--context", self.context]
        return cmd

    def _run(self, args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        try:
            return subprocess.run(self._base() + args, input=stdin, capture_output=True, text=True,
                                  timeout=self.timeout, env=os.environ.copy(), check=False)
        except FileNotFoundError:
            raise ApplyError(f"{self.binary} not found on PATH", field="--backend") from None
        except subprocess.TimeoutExpired:
            raise ApplyError(f"kubectl {args[0]} timed out after {self.timeout:.0f}s") from None

    @staticmethod
    def _fail(what: str, proc: subprocess.CompletedProcess[str]) -> ApplyError:
        # kubectl's stderr never echoes Secret data (apply errors name fields, not values).
        message = f"{what}: {proc.stderr.strip() or f'exit code {proc.returncode}'}"
        return ImmutableFieldError(message) if _IMMUTABLE.search(proc.stderr) else ApplyError(message)

    def _ns_args(self, key: ResourceKey) -> list[str]:
        return ["--namespace", key.namespace] if key.namespace else []

    # --- the protocol ---------------------------------------------------------------------
    def get(self, key: ResourceKey, api_version: str | None = None) -> dict[str, Any] | None:
        proc = self._run(["get", resource_arg(key, api_version), key.name, *self._ns_args(key), "-o", "json",
                          "--ignore-not-found"])
        if proc.returncode != 0:
            if _NOT_FOUND.search(proc.stderr):
                return None
            raise self._fail(f"get {key}", proc)
        return json.loads(proc.stdout) if proc.stdout.strip() else None

    def annotate(self, key: ResourceKey, annotations: dict[str, str | None]) -> bool:
        """`kubectl annotate --overwrite` (a merge patch: no field ownership taken); None removes one."""
        pairs = [f"{name}-" if value is None else f"{name}={value}" for name, value in annotations.items()]
        proc = self._run(["annotate", "--overwrite", resource_arg(key, None), key.name, *self._ns_args(key), *pairs])
        if proc.returncode != 0:
            if _NOT_FOUND.search(proc.stderr):
                return False
            raise self._fail(f"annotate {key}", proc)
        return True

    def list_owned(self, app: str) -> list[dict[str, Any]]:
        proc = self._run(["api-resources", "--verbs=list,delete", "-o", "name"])
        kinds = [r for r in proc.stdout.split() if r and r != "events" and not r.startswith("events.")]
        if proc.returncode != 0:
            # One aggregated API that does not answer (metrics.k8s.io, say) makes kubectl fail after
            # printing every other resource type: go on with those and say what was left out.
            if not kinds or "unable to retrieve the complete list" not in proc.stderr:
                raise self._fail("api-resources", proc)
            detail = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
            self.warnings.append(f"kubectl api-resources: some API groups are unavailable, their objects are "
                                 f"not listed (so never pruned): {detail}")
        if not kinds:
            return []
        proc = self._run(["get", ",".join(kinds), "--all-namespaces", "-l", f"{APP_LABEL}={label_value(app)}",
                          "-o", "json", "--ignore-not-found"])
        if proc.returncode != 0:
            raise self._fail(f"list objects of app {app}", proc)
        return list((json.loads(proc.stdout) if proc.stdout.strip() else {}).get("items") or [])

    def apply(self, obj: dict[str, Any], *, dry_run: bool = False, force: bool = False, replace: bool = False,
              validate: bool = True) -> dict[str, Any]:
        key = key_of(obj)
        if replace and self.get(key) is not None:
            return self._replace(key, obj, dry_run=dry_run, force=force, validate=validate)
        args = ["apply", "--server-side", f"--field-manager={FIELD_MANAGER}", "-o", "json", "-f", "-",
                *_write_flags(dry_run, validate)]
        if self.force_conflicts:
            args.insert(2, "--force-conflicts")
        proc = self._run(args, stdin=json.dumps(obj))
        if proc.returncode != 0:
            err = self._fail(f"apply {key}", proc)
            if not (force and isinstance(err, ImmutableFieldError)):
                raise err
            if dry_run:
                return obj  # a forced replace would succeed; nothing to show yet
            self.delete(key, propagation="foreground", wait=True)
            proc = self._run(args, stdin=json.dumps(obj))
            if proc.returncode != 0:
                raise self._fail(f"apply {key} after delete", proc)
        return json.loads(proc.stdout) if proc.stdout.strip() else obj

    def _replace(self, key: ResourceKey, obj: dict[str, Any], *, dry_run: bool, force: bool,
                 validate: bool) -> dict[str, Any]:
        """`kubectl replace` (Argo CD's Replace=true); with `force`, kubectl deletes and recreates."""
        args = ["replace", f"--field-manager={FIELD_MANAGER}", "-o", "json", "-f", "-"]
        if force and not dry_run:
            args.append("--force")
        args += _write_flags(dry_run, validate)
        proc = self._run(args, stdin=json.dumps(obj))
        if proc.returncode != 0:
            err = self._fail(f"replace {key}", proc)
            if dry_run and force and isinstance(err, ImmutableFieldError):
                return obj
            raise err
        return json.loads(proc.stdout) if proc.stdout.strip() else obj

    def delete(self, key: ResourceKey, *, dry_run: bool = False, propagation: str = "foreground",
               wait: bool = False) -> bool:
        args = ["delete", resource_arg(key), key.name, *self._ns_args(key), "--ignore-not-found",
                f"--cascade={propagation}", f"--wait={'true' if wait else 'false'}", "-o", "name"]
        if dry_run:
            args.append("--dry-run=server")
        proc = self._run(args)
        if proc.returncode != 0:
            raise self._fail(f"delete {key}", proc)
        return bool(proc.stdout.strip())

    def health(self, key: ResourceKey) -> Health | None:
        return health(self.get(key))
