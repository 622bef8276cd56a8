"""The options of a build (`BuildOptions`, public and immutable) and the state one build shares
between its kustomization directories (`BuildState`, private to that build).

A BuildOptions object can serve any number of builds at once, from any number of threads: each
build copies it into a fresh BuildState, and only that is ever written to.
"""

from __future__ import annotations

from kustomize_py.loader import NONE, ROOT_ONLY
from kustomize_py.record import FrozenRecord, Record

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Literal

    from kustomize_py.cache import ParseCache
    from kustomize_py.filesys import FileSystem

    LoadRestrictor = Literal["LoadRestrictionsRootOnly", "LoadRestrictionsNone"]

# (name, default) of every option, in the order the docs list them
OPTION_DEFAULTS: tuple[tuple[str, object], ...] = (
    ("load_restrictor", ROOT_ONLY),
    ("enable_helm", False),
    ("helm_command", "helm"),
    ("helm_kube_version", ""),
    ("helm_api_versions", ()),
    ("helm_debug", False),
    ("crd_merge_keys", False),
    ("reorder", ""),
    ("managed_by_label", False),
    ("enable_alpha_plugins", False),
    ("allow_remote", None),
    ("warn", None),
)
OPTION_NAMES = tuple(name for name, _ in OPTION_DEFAULTS)


class BuildOptions(FrozenRecord):
    """Every option of `build()` and `build_all()`, with `kpy build`'s defaults.

    - load_restrictor: "LoadRestrictionsRootOnly" (files must lie inside their kustomization's
      directory) or "LoadRestrictionsNone".
    - enable_helm, helm_command: inflate `helmCharts` by running helm (builds from disk only).
    - helm_kube_version, helm_api_versions, helm_debug: the reference's --helm-kube-version,
      --helm-api-versions and --helm-debug: defaults for charts that set no kubeVersion or
      apiVersions of their own (a chart's own win); debug applies to every chart.
    - crd_merge_keys: kpy only: strategic-merge patches to custom resources merge lists by the
      `x-kubernetes-list-map-keys` of the CRDs in the build.
    - reorder: the reference's deprecated --reorder: "" (not given), "legacy" or "none".
    - managed_by_label: the reference's --enable-managedby-label (app.kubernetes.io/managed-by).
    - enable_alpha_plugins: the reference's --enable-alpha-plugins (it also enables helm); kpy
      runs no external plugin either way and says so when a kustomization needs one.
    - allow_remote: whether remote bases and resources may be fetched. None (the default):
      yes for a build from disk, no for an in-memory build.
    - warn: called with each warning; None collects them in `BuildResult.warnings`.
    """

    __slots__ = _fields = OPTION_NAMES

    load_restrictor: LoadRestrictor
    enable_helm: bool
    helm_command: str
    helm_kube_version: str
    helm_api_versions: tuple[str, ...]
    helm_debug: bool
    crd_merge_keys: bool
    reorder: str
    managed_by_label: bool
    enable_alpha_plugins: bool
    allow_remote: bool | None
    warn: Callable[[str], None] | None

    def __init__(self, *, load_restrictor: LoadRestrictor = "LoadRestrictionsRootOnly", enable_helm: bool = False,
                 helm_command: str = "helm", helm_kube_version: str = "",
                 helm_api_versions: tuple[str, ...] | list[str] = (), helm_debug: bool = False,
                 crd_merge_keys: bool = False, reorder: str = "", managed_by_label: bool = False,
                 enable_alpha_plugins: bool = False, allow_remote: bool | None = None,
                 warn: Callable[[str], None] | None = None) -> None:
        if load_restrictor not in (ROOT_ONLY, NONE):  # a caller's mistake, like an unknown keyword
            raise ValueError(f"unknown load restrictor {load_restrictor!r}; use one of {ROOT_ONLY}, {NONE}")
        if reorder not in ("", "legacy", "none"):  # worded as the reference's flag check
            from kustomize_py.errors import KpyError

            raise KpyError(f"illegal flag value --reorder {reorder}; legal values: [legacy none]")
        values = {"load_restrictor": load_restrictor, "enable_helm": enable_helm, "helm_command": helm_command,
                  "helm_kube_version": helm_kube_version, "helm_api_versions": tuple(helm_api_versions),
                  "helm_debug": helm_debug, "crd_merge_keys": crd_merge_keys, "reorder": reorder,
                  "managed_by_label": managed_by_label, "enable_alpha_plugins": enable_alpha_plugins,
                  "allow_remote": allow_remote, "warn": warn}
        for name in OPTION_NAMES:
            object.__setattr__(self, name, values[name])

    def __reduce__(self) -> tuple[Any, ...]:  # frozen slots: pickled (for build_all's workers) by value
        return (_restore, ({name: getattr(self, name) for name in OPTION_NAMES},))

    def replace(self, **changes: Any) -> BuildOptions:
        """A copy with `changes` applied (keyword shorthands of build() go through here)."""
        unknown = sorted(set(changes) - set(OPTION_NAMES))
        if unknown:
            raise TypeError(f"unknown build option(s): {', '.join(unknown)}")
        values = {name: getattr(self, name) for name in OPTION_NAMES}
        values.update(changes)
        return BuildOptions(**values)


def _restore(values: dict[str, Any]) -> BuildOptions:
    return BuildOptions(**values)


class BuildState(Record):
    """One build's copy of its options, plus what the build learns as it goes (the
    strategic-merge schema an `openapi:` field selects, helm's shared flag array) and its parse
    cache. Transformers read the options from here (`target.options.enable_helm`)."""

    __slots__ = _fields = (*OPTION_NAMES, "schema", "schema_chosen", "cache")

    load_restrictor: str
    enable_helm: bool
    helm_command: str
    helm_kube_version: str
    helm_api_versions: Any  # becomes helm's shared-array model on first use (transformers/helm.py)
    helm_debug: bool
    crd_merge_keys: bool
    reorder: str
    managed_by_label: bool
    enable_alpha_plugins: bool
    allow_remote: bool | None
    warn: Callable[[str], None]
    schema: Any  # strategic-merge schema; the reference keeps one per build (`openapi:`)
    schema_chosen: bool  # set by an explicit `openapi:` field
    cache: ParseCache | None

    def __init__(self, options: BuildOptions, warn: Callable[[str], None],
                 cache: ParseCache | None = None) -> None:
        for name in OPTION_NAMES:
            setattr(self, name, getattr(options, name))
        self.warn = warn
        self.schema = None
        self.schema_chosen = False
        self.cache = cache

    @classmethod
    def of(cls, options: BuildOptions | BuildState | None = None) -> BuildState:
        """A fresh state for `options` (warnings to stderr unless options.warn says otherwise)."""
        if isinstance(options, BuildState):
            return options
        options = options or BuildOptions()
        return cls(options, options.warn or _to_stderr)


def _to_stderr(message: str) -> None:
    import sys

    print(message, file=sys.stderr)


def remote_allowed(state: BuildState | BuildOptions, fs: FileSystem) -> bool:
    """Whether this build may fetch remote URLs: `allow_remote` when set, otherwise only a build
    from disk (an in-memory build is hermetic unless the caller says otherwise)."""
    return state.allow_remote if state.allow_remote is not None else not fs.in_memory


def remote_refused(url: str, fs: FileSystem) -> str:
    """The words of a refused remote `url` (pass it redacted)."""
    why = "an in-memory build fetches nothing unless allow_remote=True" if fs.in_memory else "allow_remote=False"
    return f"remote '{url}' refused: {why}"
