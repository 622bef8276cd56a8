"""A real cluster through the official `kubernetes` client (optional extra `kube`, imported lazily)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from typing import Any

from kustomize_py.errors import SyncError
from kustomize_py.sync.backends.base import ApplyError, BackendBase, ImmutableFieldError
from kustomize_py.sync.backends.kubectl import FIELD_MANAGER
from kustomize_py.sync.health import Health, health
from kustomize_py.sync.keys import APP_LABEL, ResourceKey, key_of, label_value

# Statuses list_owned skips: a resource type we may not list (RBAC), or one that went away meanwhile.
_SKIP_LIST = (403, 404, 405, 410)


def _configuration(context: str | None) -> Any:
    """The client configuration: the kubeconfig ($KUBECONFIG, else ~/.kube/config), or, when there is
    none and no context was asked for, the pod's service account (kpy running inside the cluster)."""
    from kubernetes import client, config

    cfg = client.Configuration()
    # Read $KUBECONFIG now: the client reads it once, when it is imported. It may list several files.
    files = os.environ.get("KUBECONFIG") or "~/.kube/config"
    present = any(os.path.exists(os.path.expanduser(f)) for f in files.split(os.pathsep) if f)
    try:
        if not present and context is None and os.environ.get("KUBERNETES_SERVICE_HOST"):
            config.load_incluster_config(client_configuration=cfg)
        else:
            config.load_kube_config(config_file=files, context=context, client_configuration=cfg)
    except config.ConfigException as err:
        where = f"context {context!r} of " if context else ""
        raise SyncError(f"cannot use {where}kubeconfig {files} (nor in-cluster config): {err}",
                        field="--backend") from None
    return cfg


def _dynamic_client(context: str | None) -> Any:
    try:
        from kubernetes import client, dynamic
    except ImportError:
        raise SyncError("the kube backend needs the `kubernetes` package: pip install 'kustomize_py[kube]'",
                        field="--backend") from None
    cfg = _configuration(context)
    try:
        return dynamic.DynamicClient(client.ApiClient(configuration=cfg))  # reads API discovery
    except Exception as err:
        raise SyncError(f"cannot reach the API server {cfg.host}: {_describe(err)}", field="--backend") from None


def _describe(err: Exception) -> str:
    """The API server's Status message when there is one (the body is a JSON Status), else the error."""
    status, body = getattr(err, "status", None), getattr(err, "body", None)
    if body:
        try:
            parsed = json.loads(body)
        except (TypeError, ValueError):
            parsed = None
        text = str(parsed.get("message") or body) if isinstance(parsed, dict) else str(body)
    else:
        text = str(getattr(err, "reason", "") or err) if status else str(err)
    return f"{status} {text[:500]}" if status else text[:500]


def _not_served(err: Exception) -> bool:
    """Discovery has no such kind (a CRD not installed yet): kubernetes.dynamic's ResourceNotFoundError."""
    return type(err).__name__ == "ResourceNotFoundError"


class KubeApiBackend(BackendBase):
    """Server-side apply through `DynamicClient`; `client` may be injected (tests use a fake)."""

    name = "kube"
    hooks = True
    track_label = True
    config_hash = True
    waits = True

    def __init__(self, context: str | None = None, *, client: Any = None, force_conflicts: bool = True,
                 delete_timeout: float = 120.0, sleep: Callable[[float], None] = time.sleep):
        self.client = client if client is not None else _dynamic_client(context)
        self.force_conflicts = force_conflicts
        self.delete_timeout = delete_timeout  # how long a forced replace waits for the old object to go
        self.sleep = sleep
        self._versions: dict[tuple[str, str], str] = {}

    def _resource(self, key: ResourceKey, api_version: str | None = None) -> Any:
        """The API resource for `key`: at `api_version`, the version last applied, or the preferred one."""
        api_version = api_version or self._versions.get((key.group, key.kind))
        if api_version or not key.group:
            # `group=""` would match every group (Event is also in events.k8s.io): name the version.
            return self.client.resources.get(api_version=api_version or "v1", kind=key.kind)
        found = self.client.resources.search(group=key.group, kind=key.kind)
        if not found:
            return self.client.resources.get(group=key.group, kind=key.kind)  # raises ResourceNotFoundError
        # A group served at several versions (a multi-version CRD) lists the kind once per version.
        return next((r for r in found if getattr(r, "preferred", False)), found[0])

    @staticmethod
    def _error(what: str, err: Exception) -> ApplyError:
        message = f"{what}: {_describe(err)}"
        return ImmutableFieldError(message) if "immutable" in message else ApplyError(message)

    @staticmethod
    def _dict(obj: Any) -> dict[str, Any]:
        return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)

    def get(self, key: ResourceKey, api_version: str | None = None) -> dict[str, Any] | None:
        try:
            resource = self._resource(key, api_version)
            return self._dict(self.client.get(resource, name=key.name, namespace=key.namespace or None))
        except Exception as err:
            if getattr(err, "status", None) == 404 or _not_served(err):
                return None
            raise self._error(f"get {key}", err) from None

    def annotate(self, key: ResourceKey, annotations: dict[str, str | None]) -> bool:
        """A JSON merge patch of metadata.annotations (no field ownership taken); None removes one."""
        try:
            resource = self._resource(key, None)
            self.client.patch(resource, name=key.name, namespace=key.namespace or None,
                              body={"metadata": {"annotations": annotations}},
                              content_type="application/merge-patch+json")
        except Exception as err:
            if getattr(err, "status", None) == 404 or _not_served(err):
                return False
            raise self._error(f"annotate {key}", err) from None
        return True

    def _listable(self) -> list[Any]:
        """One resource per (group, resource name) that can be listed and deleted, at its preferred version."""
        try:
            found = list(self.client.resources.search())
        except Exception as err:
            raise self._error("API discovery", err) from None
        chosen: dict[tuple[str, str], Any] = {}
        for res in found:
            # ResourceList entries (DeploymentList ...) forward to their base resource: skip them.
            if type(res).__name__ == "ResourceList":
                continue
            name, verbs = str(getattr(res, "name", "") or ""), getattr(res, "verbs", None) or []
            if not name or "/" in name or name == "events" or "list" not in verbs or "delete" not in verbs:
                continue
            slot = (str(getattr(res, "group", "") or ""), name)
            if slot not in chosen or getattr(res, "preferred", False) and not getattr(chosen[slot], "preferred", False):
                chosen[slot] = res
        return list(chosen.values())

    def list_owned(self, app: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        selector = f"{APP_LABEL}={label_value(app)}"
        for res in self._listable():
            try:
                items = self._dict(self.client.get(res, label_selector=selector)).get("items") or []
            except Exception as err:
                if getattr(err, "status", None) in _SKIP_LIST:
                    continue
                raise self._error(f"list {res.kind} of app {app}", err) from None
            for item in items:
                item.setdefault("apiVersion", res.group_version)
                item.setdefault("kind", res.kind)
                out.append(item)
        return out

    def apply(self, obj: dict[str, Any], *, dry_run: bool = False, force: bool = False, replace: bool = False,
              validate: bool = True) -> dict[str, Any]:
        key = key_of(obj)
        try:
            res = self._resource(key, obj["apiVersion"])
        except Exception as err:
            if _not_served(err):
                raise ApplyError(f"apply {key}: the server does not serve kind {key.kind} in "
                                 f"{obj['apiVersion']} (is its CRD installed?)") from None
            raise self._error(f"apply {key}", err) from None
        self._versions[(key.group, key.kind)] = obj["apiVersion"]
        kwargs: dict[str, Any] = {"body": obj, "name": key.name, "namespace": key.namespace or None,
                                  "field_manager": FIELD_MANAGER, "force_conflicts": self.force_conflicts}
        if dry_run:
            kwargs["dry_run"] = "All"
        if not validate:
            kwargs["query_params"] = [("fieldValidation", "Ignore")]  # the dynamic client has no named option
        if replace:
            live = self.get(key)
            if live is not None:
                body = {**obj, "metadata": {**obj.get("metadata", {}),
                                            "resourceVersion": live["metadata"].get("resourceVersion")}}
                put = {k: v for k, v in kwargs.items() if k in ("dry_run", "field_manager", "query_params")}
                try:
                    return self._dict(self.client.replace(res, body=body, name=key.name,
                                                          namespace=key.namespace or None, **put))
                except Exception as err:
                    error = self._error(f"replace {key}", err)
                    if not (force and isinstance(error, ImmutableFieldError)):
                        raise error from None
                    if dry_run:
                        return obj
        try:
            return self._dict(self.client.server_side_apply(res, **kwargs))
        except Exception as err:
            error = self._error(f"apply {key}", err)
            if not (force and isinstance(error, ImmutableFieldError)):
                raise error from None
            if dry_run:
                return obj  # a forced replace would go through; the server cannot dry-run it yet
        old = self.get(key)
        self.delete(key)
        self._wait_gone(key, str(((old or {}).get("metadata") or {}).get("uid") or ""))
        try:
            return self._dict(self.client.server_side_apply(res, **kwargs))
        except Exception as err:
            raise self._error(f"apply {key} after delete", err) from None

    def _wait_gone(self, key: ResourceKey, uid: str) -> None:
        """A foreground deletion finishes once the garbage collector removed the dependents: wait for it,
        or the re-apply would patch the old object (and hit the same immutable field)."""
        deadline, pause = time.monotonic() + self.delete_timeout, 0.05
        while True:
            live = self.get(key)
            if live is None or str((live.get("metadata") or {}).get("uid") or "") != uid:
                return
            if time.monotonic() >= deadline:
                raise ApplyError(f"replace {key}: the old object is still being deleted after "
                                 f"{self.delete_timeout:g}s (finalizers: {live['metadata'].get('finalizers')})")
            self.sleep(pause)
            pause = min(pause * 2, 1.0)

    def delete(self, key: ResourceKey, *, dry_run: bool = False, propagation: str = "foreground") -> bool:
        body: dict[str, Any] = {"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": propagation.capitalize()}
        if dry_run:
            body["dryRun"] = ["All"]
        try:
            self.client.delete(self._resource(key), name=key.name, namespace=key.namespace or None, body=body)
            return True
        except Exception as err:
            if getattr(err, "status", None) == 404 or _not_served(err):
                return False
            raise self._error(f"delete {key}", err) from None

    def health(self, key: ResourceKey) -> Health | None:
        return health(self.get(key))
