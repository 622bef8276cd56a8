"""The one narrow protocol every sync backend speaks: plain dicts in and out."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from kustomize_py.errors import SyncError
from kustomize_py.sync.health import Health
from kustomize_py.sync.keys import ResourceKey


class ApplyError(SyncError):
    """The backend refused one object (invalid, conflict, forbidden, ...)."""


class ImmutableFieldError(ApplyError):
    """An update would change a field the API server never lets change (delete and recreate instead)."""


@runtime_checkable
class Backend(Protocol):
    """Where manifests go. Backends hold no planning logic; the engine drives them step by step.

    Attributes tell the planner and engine what the backend is like:
    `hooks`: runs hook phases (False for file-based backends, which write hooks as plain objects);
    `track_label`: wants the app label set so `list_owned` can filter by it;
    `config_hash`: the live copy has server defaults, so a config hash is recorded to notice removals;
    `waits`: health can change over time, so waves wait for it;
    `exact`: the live copy is exactly what was applied (files), so in-sync means equal.
    """

    name: str
    hooks: bool
    track_label: bool
    config_hash: bool
    waits: bool
    exact: bool

    def begin(self, app: str) -> None:
        """Called before anything else in a sync of `app` (file backends pick the app's folder)."""

    def get(self, key: ResourceKey, api_version: str | None = None) -> dict[str, Any] | None:
        """The live object, or None; with `api_version`, as served at that version (a backend that
        stores what was applied returns it as stored)."""

    def list_owned(self, app: str) -> list[dict[str, Any]]:
        """Every live object whose tracking annotation names `app` (the caller re-checks it)."""

    def apply(self, obj: dict[str, Any], *, dry_run: bool = False, force: bool = False, replace: bool = False,
              validate: bool = True) -> dict[str, Any]:
        """Server-side apply `obj` as field manager kpy; returns the resulting live object.

        Raises ImmutableFieldError when a field cannot change (unless `force`, which deletes and
        recreates), ApplyError for any other refusal. `replace`: replace the whole object (create it
        when missing) instead of applying (Argo CD's Replace=true); `validate=False`: the server
        does not validate the fields (Validate=false). File backends write the object either way.
        """

    def delete(self, key: ResourceKey, *, dry_run: bool = False, propagation: str = "foreground") -> bool:
        """Delete the object; False when it did not exist."""

    def health(self, key: ResourceKey) -> Health | None:
        """The live object's health (None: no health check, counts as healthy)."""

    def finish(self, app: str, message: str, *, dry_run: bool = False) -> str | None:
        """Called once at the end of a sync; returns a short note (say, a commit id) or None."""


class BackendBase:
    """Defaults for the optional parts of the protocol."""

    name = "base"
    hooks = True
    track_label = False
    config_hash = False
    waits = True
    exact = False
    allow_plaintext_secrets = False  # the git backend refuses to commit plain Secrets unless set

    def begin(self, app: str) -> None:
        return None

    def finish(self, app: str, message: str, *, dry_run: bool = False) -> str | None:
        return None
