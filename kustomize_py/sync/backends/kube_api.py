"""A real cluster through the official `kubernetes` client (optional extra `kube`, imported lazily)."""

from __future__ import annotations

from typing import Any

from kustomize_py.errors import SyncError
from kustomize_py.sync.backends.base import ApplyError, BackendBase, ImmutableFieldError
from kustomize_py.sync.backends.kubectl import FIELD_MANAGER
from kustomize_py.sync.health import Health, health
from kustomize_py.sync.keys import APP_LABEL, ResourceKey, key_of, label_value


def _dynamic_client(context: str | None) -> Any:
    try:
        from kubernetes import config, dynamic
        from kubernetes.client import api_client
    except ImportError:
        raise SyncError("the kube backend needs the `kubernetes` package: pip install 'kustomize_py[kube]'",
                        field="--backend") from None
    return dynamic.DynamicClient(api_client.ApiClient(configuration=config.new_client_from_config(
        context=context).configuration))


class KubeApiBackend(BackendBase):
    """Server-side apply through `DynamicClient`; `client` may be injected (tests use a fake)."""

    name = "kube"
    hooks = True
    track_label = True
    config_hash = True
    waits = True

    def __init__(self, context: str | None = None, *, client: Any = None, force_conflicts: bool = True):
        self.client = client if client is not None else _dynamic_client(context)
        self.force_conflicts = force_conflicts
        self._versions: dict[tuple[str, str], str] = {}

    def _resource(self, key: ResourceKey, api_version: str | None = None) -> Any:
        api_version = api_version or self._versions.get((key.group, key.kind))
        kwargs = {"api_version": api_version} if api_version else {"group": key.group}
        return self.client.resources.get(kind=key.kind, **kwargs)

    @staticmethod
    def _error(what: str, err: Exception) -> ApplyError:
        status, body = getattr(err, "status", None), str(getattr(err, "body", "") or err)
        message = f"{what}: {status or ''} {body[:500]}".strip()
        return ImmutableFieldError(message) if "immutable" in body else ApplyError(message)

    @staticmethod
    def _dict(obj: Any) -> dict[str, Any]:
        return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)

    def get(self, key: ResourceKey) -> dict[str, Any] | None:
        try:
            return self._dict(self.client.get(self._resource(key), name=key.name, namespace=key.namespace or None))
        except Exception as err:
            if getattr(err, "status", None) == 404 or type(err).__name__ in ("NotFoundError", "ResourceNotFoundError"):
                return None
            raise self._error(f"get {key}", err) from None

    def list_owned(self, app: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        selector = f"{APP_LABEL}={label_value(app)}"
        for res in self.client.resources.search():
            verbs = getattr(res, "verbs", None) or []
            if "list" not in verbs or "delete" not in verbs or "/" in str(getattr(res, "name", "")):
                continue
            try:
                items = self._dict(self.client.get(res, label_selector=selector)).get("items") or []
            except Exception:
                continue
            for item in items:
                item.setdefault("apiVersion", res.group_version)
                item.setdefault("kind", res.kind)
                out.append(item)
        return out

    def apply(self, obj: dict[str, Any], *, dry_run: bool = False, force: bool = False) -> dict[str, Any]:
        key = key_of(obj)
        self._versions[(key.group, key.kind)] = obj["apiVersion"]
        res = self._resource(key, obj["apiVersion"])
        kwargs: dict[str, Any] = {"body": obj, "name": key.name, "namespace": key.namespace or None,
                                  "field_manager": FIELD_MANAGER, "force_conflicts": self.force_conflicts}
        if dry_run:
            kwargs["dry_run"] = "All"
        try:
            return self._dict(self.client.server_side_apply(res, **kwargs))
        except Exception as err:
            error = self._error(f"apply {key}", err)
            if not (force and isinstance(error, ImmutableFieldError)) or dry_run:
                raise error from None
        self.delete(key)
        try:
            return self._dict(self.client.server_side_apply(res, **kwargs))
        except Exception as err:
            raise self._error(f"apply {key} after delete", err) from None

    def delete(self, key: ResourceKey, *, dry_run: bool = False, propagation: str = "foreground") -> bool:
        body: dict[str, Any] = {"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": propagation.capitalize()}
        if dry_run:
            body["dryRun"] = ["All"]
        try:
            self.client.delete(self._resource(key), name=key.name, namespace=key.namespace or None, body=body)
            return True
        except Exception as err:
            if getattr(err, "status", None) == 404 or type(err).__name__ == "NotFoundError":
                return False
            raise self._error(f"delete {key}", err) from None

    def health(self, key: ResourceKey) -> Health | None:
        return health(self.get(key))
