"""The build, in Kustomize's order: accumulate resources, generate, run transformers, then (at the
top only) add name hashes, fix name references, resolve vars, drop local configs and sort."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

from kustomize_py.errors import KpyError, KustomizationError, LoadRestrictionError, YamlError, go_quote
from kustomize_py.fieldspecs.config import TransformerConfig, default_config, from_data
from kustomize_py.kustomization import Kustomization
from kustomize_py.kustomization import load as load_kustomization
from kustomize_py.loader import ROOT_ONLY, Loader
from kustomize_py.record import Record
from kustomize_py.resource import Resource
from kustomize_py.resources import ResourceList, from_documents
from kustomize_py.yaml.load import load_all, plain_copy


class BuildOptions(Record):
    __slots__ = _fields = ("load_restrictor", "enable_helm", "helm_command", "warn", "schema",
                           "schema_chosen", "crd_merge_keys", "helm_kube_version", "helm_api_versions",
                           "helm_debug", "reorder", "managed_by_label", "enable_alpha_plugins")

    def __init__(self, load_restrictor: str = ROOT_ONLY, enable_helm: bool = False, helm_command: str = "helm",
                 warn: Any = None, schema: Any = None, schema_chosen: bool = False,
                 crd_merge_keys: bool = False, *, helm_kube_version: str = "",
                 helm_api_versions: tuple[str, ...] = (), helm_debug: bool = False, reorder: str = "",
                 managed_by_label: bool = False, enable_alpha_plugins: bool = False) -> None:
        self.load_restrictor = load_restrictor
        self.enable_helm = enable_helm
        self.helm_command = helm_command
        self.warn = warn  # callable(str) for deprecation warnings; default: stderr
        self.schema = schema  # strategic-merge schema; the reference keeps one per build (`openapi:`)
        self.schema_chosen = schema_chosen  # set by an explicit `openapi:` field
        self.crd_merge_keys = crd_merge_keys  # kpy-only: merge custom-resource lists by the CRDs' list-map-keys
        # the reference's --helm-kube-version, --helm-api-versions and --helm-debug: defaults for
        # charts that set no kubeVersion/apiVersions of their own, debug for all (transformers/helm.py)
        self.helm_kube_version = helm_kube_version
        self.helm_api_versions: Any = helm_api_versions  # becomes helm's shared-array model on first use
        self.helm_debug = helm_debug
        # the reference's deprecated --reorder ("" when not given, "legacy" or "none") and
        # --enable-managedby-label; --enable-alpha-plugins (kpy runs no external plugin either way)
        self.reorder = reorder
        self.managed_by_label = managed_by_label
        self.enable_alpha_plugins = enable_alpha_plugins


class BuildResult(Record):
    """What a build produced: the resources in output order, as objects and as YAML."""

    __slots__ = _fields = ("resources", "warnings", "_yaml")

    def __init__(self, resources: list[Resource], warnings: list[str] | None = None,
                 yaml: str | None = None) -> None:
        self.resources = resources
        self.warnings: list[str] = [] if warnings is None else warnings
        self._yaml = yaml

    @property
    def objects(self) -> list[dict[str, Any]]:
        return [r.obj for r in self.resources]

    @property
    def yaml(self) -> str:
        if self._yaml is None:
            from kustomize_py.yaml import dump_all

            self._yaml = dump_all(self.objects)
        return self._yaml


class Accumulator(Record):
    """Resources gathered so far, with the transformer config and vars that came with them."""

    __slots__ = _fields = ("resources", "config", "vars")

    def __init__(self, resources: ResourceList | None = None, config: TransformerConfig | None = None,
                 vars: list[dict[str, Any]] | None = None) -> None:
        self.resources = ResourceList() if resources is None else resources
        self.config = TransformerConfig() if config is None else config
        self.vars: list[dict[str, Any]] = [] if vars is None else vars

    def merge(self, other: Accumulator) -> None:
        self.resources.append_all(other.resources)
        self.config = self.config.merge(other.config)
        self.add_vars(other.vars)

    def add_vars(self, new: list[dict[str, Any]]) -> None:
        """Keep vars (already bound to their resources); names must be unique."""
        names = {v.get("name") for v in self.vars}
        for var in new:
            if var.get("name") in names:
                raise KustomizationError(f"var '{var.get('name')}' already encountered")
            names.add(var.get("name"))
            self.vars.append(var)


class Target(Record):
    """One kustomization directory being built."""

    __slots__ = _fields = ("loader", "kustomization", "options", "build_metadata", "origin_path")

    def __init__(self, loader: Loader, kustomization: Kustomization, options: BuildOptions,
                 build_metadata: list[str], origin_path: str | None) -> None:
        self.loader = loader
        self.kustomization = kustomization
        self.options = options
        self.build_metadata = build_metadata  # the top kustomization's, as the reference propagates it down
        self.origin_path = origin_path  # path relative to the top, for origin annotations

    @property
    def tracking(self) -> bool:
        """The reference tracks origins whenever the top kustomization has any buildMetadata."""
        return bool(self.build_metadata)

    @property
    def file_name(self) -> str:
        return os.path.basename(self.kustomization.path)

    def configured_origin(self, api_version: str, kind: str) -> dict[str, Any]:
        """Origin of something configured in this kustomization file (a generator or transformer)."""
        configured_in = os.path.normpath(os.path.join(self.origin_path or "", self.file_name))
        return {"configuredIn": configured_in, "configuredBy": {"apiVersion": api_version, "kind": kind}}

    @classmethod
    def at(cls, loader: Loader, options: BuildOptions, build_metadata: list[str] | None = None,
           origin_path: str | None = None) -> Target:
        k = load_kustomization(loader)
        warn = options.warn or (lambda msg: print(msg, file=sys.stderr))
        for msg in k.warnings:
            warn(msg)
        meta = build_metadata if build_metadata is not None else list(k.get("buildMetadata", []))
        return cls(loader, k, options, meta, origin_path)

    # -- accumulation -------------------------------------------------------------------------

    def accumulate(self, ra: Accumulator | None = None) -> Accumulator:
        ra = ra if ra is not None else Accumulator()
        k = self.kustomization
        self._accumulate_resources(ra, k.get("resources", []))
        self._merge_configurations(ra)
        self._run_generators(ra)
        for path in k.get("components", []):
            try:
                ra = self._accumulate_component(ra, path)
            except KpyError as err:
                raise type(err)(f"accumulating components: {err.message}", path=err.path, field=err.field) from None
        self._run_transformers(ra)
        self._run_validators(ra)
        if k.get("vars"):
            from kustomize_py.transformers.vars import merge_vars

            merge_vars(ra, k.get("vars"), k.path)
        return ra

    def _accumulate_resources(self, ra: Accumulator, paths: list[str]) -> None:
        for path in paths:
            if _is_remote(path):
                self._accumulate_remote(ra, path)
                continue
            try:
                resources = self._read_resource_file(path)
            except _NotAFile as file_err:
                try:
                    self._accumulate_directory(ra, path, component=False)
                except KpyError as dir_err:
                    cause = file_err.cause
                    if file_err.malformed:
                        raise type(cause)(f"accumulating resources from '{path}': {cause.message}",
                                          path=cause.path, field=cause.field) from None
                    cls = type(cause) if isinstance(cause, LoadRestrictionError) else type(dir_err)
                    raise cls(f"accumulating resources: accumulation err='accumulating resources from "
                              f"'{path}': {cause.message}': {dir_err.message}",
                              path=dir_err.path or self.loader.root) from None
                continue
            ra.resources.append_all(resources)

    def _read_resource_file(self, path: str) -> list[Resource]:
        try:
            source, data = self.loader.read_resolved(path)
        except KpyError as err:
            raise _NotAFile(err, malformed=False) from None
        cached = _DOC_CACHE.get((source, data)) if _DOC_CACHE is not None else None
        if cached is not None:
            docs = plain_copy(cached, keep_marks=True)
        else:
            try:
                docs = load_all(data, source, folded=True)
            except YamlError as err:
                raise _NotAFile(err, malformed=True) from None
            if _DOC_CACHE is not None:
                _DOC_CACHE[(source, data)] = plain_copy(docs, keep_marks=True)
        resources = from_documents(docs, source, data)
        for res in resources:
            res.origin = self._origin_for(path)
        return resources

    def _origin_for(self, path: str) -> dict[str, Any] | None:
        if not self.tracking:
            return None
        base = self.origin_path or ""
        return {"path": os.path.normpath(os.path.join(base, path)) if base else path}

    def _accumulate_component(self, ra: Accumulator, path: str) -> Accumulator:
        """One `components:` entry; failures are worded (and %q-quoted) as the reference's."""
        if _is_remote(path):
            return self._accumulate_remote(ra, path, component=True)
        try:
            loader = self.loader.child(path)
        except KpyError as err:
            raise type(err)(f"loader.New {go_quote(err.message)}", path=err.path, field=err.field) from None
        try:
            return self._accumulate_directory(ra, path, component=True, loader=loader)
        except KpyError as err:
            raise type(err)(f"accumulateDirectory: {go_quote(err.message)}", path=err.path,
                            field=err.field) from None

    def _accumulate_directory(self, ra: Accumulator, path: str, component: bool,
                              loader: Loader | None = None) -> Accumulator:
        loader = loader or self.loader.child(path)
        origin = os.path.normpath(os.path.join(self.origin_path or "", path)) if self.origin_path or path else None
        try:
            sub = Target.at(loader, self.options, self.build_metadata, origin)
        except KpyError as err:
            raise type(err)(f"couldn't make target for path '{loader.root}': {err.message}", path=err.path) from None
        _set_openapi(sub)
        if component and not sub.kustomization.is_component:
            raise KustomizationError(
                f"expected kind 'Component' for path '{loader.root}' but got '{sub.kustomization.get('kind')}'")
        if not component and sub.kustomization.is_component:
            raise KustomizationError(f"expected kind != 'Component' for path '{loader.root}'")
        try:
            sub_ra = sub.accumulate(ra) if component else sub.accumulate()
        except KpyError as err:
            raise type(err)(f"recursed accumulation of path '{loader.root}': {err.message}", path=err.path,
                            field=err.field) from None
        if component:
            fresh = Accumulator(config=sub_ra.config)
            fresh.resources = sub_ra.resources
            fresh.vars = sub_ra.vars
            return fresh
        ra.merge(sub_ra)
        return ra

    def _accumulate_remote(self, ra: Accumulator, url: str, component: bool = False) -> Accumulator:
        from kustomize_py import remote

        return remote.accumulate(self, ra, url, component)

    def _merge_configurations(self, ra: Accumulator) -> None:
        from kustomize_py.yaml import load

        k = self.kustomization
        paths = k.get("configurations", [])
        if paths:
            # A configuration's spec replaces a default one with the same path that it narrows
            # (e.g. `metadata/name` for one kind only): the reference merges defaults into it.
            own = TransformerConfig()
            for path in paths:
                data = load(self.loader.read_bytes(path), self.loader.join(path))
                own = own.merge(from_data(data, self.loader.join(path)))
            own = own.merge(default_config())
        else:
            own = default_config()
        ra.config = ra.config.merge(own)
        crds = k.get("crds", [])
        if crds:
            from kustomize_py.transformers.crds import config_from_crds

            ra.config = ra.config.merge(config_from_crds(self.loader, crds))

    # -- generators, transformers, validators ---------------------------------------------------

    def _run_generators(self, ra: Accumulator) -> None:
        k = self.kustomization
        if k.get("configMapGenerator") or k.get("secretGenerator"):
            from kustomize_py.transformers.generate import run_builtin_generators

            run_builtin_generators(self, ra)
        if k.get("helmCharts") or k.get("helmChartInflationGenerator"):
            from kustomize_py.transformers.helm import run_helm

            run_helm(self, ra)
        if k.get("generators"):
            from kustomize_py.transformers.plugins import run_generator_plugins

            run_generator_plugins(self, ra)

    def _run_transformers(self, ra: Accumulator) -> None:
        from kustomize_py.transformers import builtin

        builtin.run_all(self, ra)
        if self.kustomization.get("transformers"):
            from kustomize_py.transformers.plugins import run_transformer_plugins

            run_transformer_plugins(self, ra)

    def _run_validators(self, ra: Accumulator) -> None:
        if self.kustomization.get("validators"):
            from kustomize_py.transformers.plugins import run_validator_plugins

            run_validator_plugins(self, ra)


# Parsed resource files by (real path, content), kept only while `shared_parse_cache()` is active
# (rendering many overlays that share bases); entries are copied on the way in and out.
_DOC_CACHE: dict[tuple[str, bytes], list[Any]] | None = None


class shared_parse_cache:
    """Within this block, a resource file read twice with the same bytes is parsed only once.

    A small context manager class rather than contextlib's decorator: contextlib is not
    otherwise imported by a plain build, and start-up time counts."""

    def __enter__(self) -> None:
        global _DOC_CACHE
        self.outer = _DOC_CACHE
        if self.outer is None:
            _DOC_CACHE = {}

    def __exit__(self, *exc: object) -> None:
        global _DOC_CACHE
        _DOC_CACHE = self.outer


class _NotAFile(Exception):
    def __init__(self, cause: KpyError, malformed: bool) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.malformed = malformed


# Every entry the reference fetches has a scheme (`https://`, `ssh://`, `file://`), a `user@` or
# `git::` prefix, or starts with `github.com`; anything else is a local path. Checking that first
# keeps the remote module (and urllib, ssl, http.client) out of ordinary local builds.
_REMOTE_PREFIXES = ("git::", "github.com", "gitlab.com", "bitbucket.org")


def _is_remote(path: str) -> bool:
    """`remote.is_remote(path)`, importing the remote module only when `path` could be remote."""
    if "://" not in path and "@" not in path and not path.lower().startswith(_REMOTE_PREFIXES):
        return False
    from kustomize_py import remote

    return remote.is_remote(path)


def _set_openapi(target: Target, top: bool = False) -> None:
    """Record a kustomization's `openapi:` schema for strategic merges (the reference keeps it global)."""
    if target.kustomization.get("openapi"):
        from kustomize_py.transformers.patch import set_openapi

        set_openapi(target, top)


def build(path: str | os.PathLike[str], *, load_restrictor: str = ROOT_ONLY, enable_helm: bool = False,
          helm_command: str = "helm", warn: Any = None, crd_merge_keys: bool = False,
          helm_kube_version: str = "", helm_api_versions: tuple[str, ...] = (),
          helm_debug: bool = False, reorder: str = "", managed_by_label: bool = False,
          enable_alpha_plugins: bool = False) -> BuildResult:
    """Build the kustomization at `path` exactly like `kustomize build` (v5.6.0).

    The helm_* settings are the reference's --helm-kube-version, --helm-api-versions and
    --helm-debug: when given they win over every chart's own kubeVersion, apiVersions and debug.
    `crd_merge_keys` (off by default, not in the reference): strategic-merge patches to custom
    resources merge lists by the `x-kubernetes-list-map-keys` of CRDs present in the build.
    """
    options = BuildOptions(load_restrictor, enable_helm, helm_command, warn, crd_merge_keys=crd_merge_keys,
                           helm_kube_version=helm_kube_version, helm_api_versions=tuple(helm_api_versions),
                           helm_debug=helm_debug, reorder=reorder, managed_by_label=managed_by_label,
                           enable_alpha_plugins=enable_alpha_plugins)
    if reorder not in ("", "legacy", "none"):
        raise KpyError(f"illegal flag value --reorder {reorder}; legal values: [legacy none]")
    warnings: list[str] = []
    if options.warn is None:
        options.warn = warnings.append
    loader: Loader
    if _is_remote(str(path)):
        from kustomize_py import remote

        loader = remote.open_root(str(path), warn=options.warn)
    else:
        loader = Loader.at(path, load_restrictor)
    top = Target.at(loader, options, origin_path="")
    _set_openapi(top, top=True)
    ra = top.accumulate()
    from kustomize_py.transformers import finish

    resources = finish.finish(top, ra)
    return BuildResult(resources, warnings)
