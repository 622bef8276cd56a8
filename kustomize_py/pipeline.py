"""The build, in Kustomize's order: accumulate resources, generate, run transformers, then (at the
top only) add name hashes, fix name references, resolve vars, drop local configs and sort."""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    from kustomize_py.cache import ParseCache
    from kustomize_py.filesys import FileSystem, Symlink
    from kustomize_py.options import LoadRestrictor

from kustomize_py.errors import (
    GeneratorError,
    KpyError,
    KustomizationError,
    LoadRestrictionError,
    RemoteError,
    YamlError,
    go_quote,
)
from kustomize_py.fieldspecs.config import TransformerConfig, default_config, from_data
from kustomize_py.filesys import DiskFS, MemoryFS
from kustomize_py.kustomization import Kustomization
from kustomize_py.kustomization import load as load_kustomization
from kustomize_py.loader import Loader
from kustomize_py.options import BuildOptions, BuildState, remote_allowed, remote_refused
from kustomize_py.record import Record
from kustomize_py.resource import Resource
from kustomize_py.resources import ResourceList, from_documents
from kustomize_py.yaml.load import load_all


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


_NO_CONFIG = TransformerConfig()  # shared: configs are never changed in place


class Accumulator(Record):
    """Resources gathered so far, with the transformer config and vars that came with them."""

    __slots__ = _fields = ("resources", "config", "vars")

    def __init__(self, resources: ResourceList | None = None, config: TransformerConfig | None = None,
                 vars: list[dict[str, Any]] | None = None) -> None:
        self.resources = ResourceList() if resources is None else resources
        self.config = _NO_CONFIG if config is None else config
        self.vars: list[dict[str, Any]] = [] if vars is None else vars

    def merge(self, other: Accumulator) -> None:
        if self.resources.items:
            self.resources.append_all(other.resources)
        else:  # the first base (an overlay's only one, say): its list as it is, not indexed again
            self.resources = other.resources
        self.config = self.config.merge(other.config)
        self.add_vars(other.vars)

    def add_vars(self, new: list[dict[str, Any]]) -> None:
        """Keep vars (already bound to their resources); names must be unique."""
        if not new:  # most bases: no set of the names so far for each
            return
        names = {v.get("name") for v in self.vars}
        for var in new:
            if var.get("name") in names:
                raise KustomizationError(f"var '{var.get('name')}' already encountered")
            names.add(var.get("name"))
            self.vars.append(var)


class Target(Record):
    """One kustomization directory being built."""

    __slots__ = _fields = ("loader", "kustomization", "options", "build_metadata", "origin_path")

    def __init__(self, loader: Loader, kustomization: Kustomization, options: BuildState,
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
    def at(cls, loader: Loader, options: BuildState | BuildOptions, build_metadata: list[str] | None = None,
           origin_path: str | None = None) -> Target:
        state = BuildState.of(options)
        k = load_kustomization(loader)
        for msg in k.warnings:
            state.warn(msg)
        meta = build_metadata if build_metadata is not None else list(k.get("buildMetadata", []))
        return cls(loader, k, state, meta, origin_path)

    # -- accumulation -------------------------------------------------------------------------

    def accumulate(self, ra: Accumulator | None = None) -> Accumulator:
        try:
            return self._accumulate(ra if ra is not None else Accumulator())
        except KpyError as err:  # a failure with no place of its own is this kustomization's
            raise err.locate(path=self.kustomization.path)

    def _accumulate(self, ra: Accumulator) -> Accumulator:
        k = self.kustomization
        self._accumulate_resources(ra, k.get("resources", []))
        self._merge_configurations(ra)
        self._run_generators(ra)
        for path in k.get("components", []):
            try:
                ra = self._accumulate_component(ra, path)
            except KpyError as err:
                raise self._at_entry(err, "components", path).reworded(
                    f"accumulating components: {err.message}") from None
        self._run_transformers(ra)
        self._run_validators(ra)
        if k.get("vars"):
            from kustomize_py.transformers.vars import merge_vars

            try:
                merge_vars(ra, k.get("vars"), k.path)
            except KpyError as err:
                raise err.locate(path=k.path, field="vars")
        return ra

    def _accumulate_resources(self, ra: Accumulator, paths: list[str]) -> None:
        for path in paths:
            if _is_remote(path):
                self._accumulate_remote(ra, path)
                continue
            # Like the reference, an entry is tried as a file, then as a directory. A directory
            # always fails as a file, and that failure is only part of the message when it fails
            # as a directory too: it is not made (an exception per base) unless needed. So an
            # entry is opened as a directory first, unless it is named like a resource file;
            # either way the outcome and the error are the first's, as only one can succeed.
            file_err = None
            loader = None if path.endswith(_FILE_SUFFIXES) else self._child_or_none(path)
            if loader is None:
                try:
                    resources = self._read_resource_file(path)
                except _NotAFile as err:
                    file_err = err
                else:
                    ra.resources.append_all(resources)
                    continue
            try:
                self._accumulate_directory(ra, path, component=False, loader=loader)
            except KpyError as dir_err:
                file_err = file_err or self._file_failure(path)
                if file_err is None:  # it became a readable file meanwhile
                    raise
                cause = file_err.cause
                if file_err.malformed:
                    raise cause.reworded(f"accumulating resources from '{path}': {cause.message}") from None
                cls = type(cause) if isinstance(cause, LoadRestrictionError) else type(dir_err)
                raise self._at_entry(dir_err, "resources", path).reworded(
                    f"accumulating resources: accumulation err='accumulating resources from "
                    f"'{path}': {cause.message}': {dir_err.message}", cls,
                    default_path=self.loader.root) from None

    def _child_or_none(self, path: str) -> Loader | None:
        """A loader at directory `path`, or None (its error is raised again when it is tried)."""
        try:
            return self.loader.child(path)
        except KpyError:
            return None

    def _file_failure(self, path: str) -> _NotAFile | None:
        """Why `path` cannot be read as a resource file (None: it can)."""
        try:
            self._read_resource_file(path)
        except _NotAFile as err:
            return err
        return None

    def _at_entry(self, err: KpyError, field: str, entry: str) -> KpyError:
        """`err` placed at the `field` entry `entry` of this kustomization, unless it came from
        deeper down (a file of its own; a directory without its kustomization file is placed here)."""
        if err.path is None or (err.field is None and self.loader.fs.is_dir(err.path)):
            line, column = _position(self.loader.fs, self.kustomization.path, field, entry)
            err.locate(path=self.kustomization.path, field=field, line=line, column=column)
        return err

    def _read_resource_file(self, path: str) -> list[Resource]:
        try:
            source, data = self.loader.read_resolved(path)
        except KpyError as err:
            raise _NotAFile(err, malformed=False) from None
        cache = self.options.cache
        docs = cache.get(source, data) if cache is not None else None
        if docs is None:
            try:
                docs = load_all(data, source, folded=True)
            except YamlError as err:
                raise _NotAFile(err, malformed=True) from None
            if cache is not None:
                cache.put(source, data, docs)
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
            raise err.reworded(f"loader.New {go_quote(err.message)}") from None
        try:
            return self._accumulate_directory(ra, path, component=True, loader=loader)
        except KpyError as err:
            raise err.reworded(f"accumulateDirectory: {go_quote(err.message)}") from None

    def _accumulate_directory(self, ra: Accumulator, path: str, component: bool,
                              loader: Loader | None = None) -> Accumulator:
        loader = loader or self.loader.child(path)
        origin = None  # origins are tracked only with the top's buildMetadata
        if self.tracking and (self.origin_path or path):
            origin = os.path.normpath(os.path.join(self.origin_path or "", path))
        try:
            sub = Target.at(loader, self.options, self.build_metadata, origin)
        except KpyError as err:
            raise err.reworded(f"couldn't make target for path '{loader.root}': {err.message}",
                               keep_field=False) from None
        _set_openapi(sub)
        if component and not sub.kustomization.is_component:
            raise KustomizationError(
                f"expected kind 'Component' for path '{loader.root}' but got '{sub.kustomization.get('kind')}'")
        if not component and sub.kustomization.is_component:
            raise KustomizationError(f"expected kind != 'Component' for path '{loader.root}'")
        try:
            sub_ra = sub.accumulate(ra) if component else sub.accumulate()
        except KpyError as err:
            raise err.reworded(f"recursed accumulation of path '{loader.root}': {err.message}") from None
        if component:
            fresh = Accumulator(config=sub_ra.config)
            fresh.resources = sub_ra.resources
            fresh.vars = sub_ra.vars
            return fresh
        ra.merge(sub_ra)
        return ra

    def _accumulate_remote(self, ra: Accumulator, url: str, component: bool = False) -> Accumulator:
        from kustomize_py import remote

        if not remote_allowed(self.options, self.loader.fs):
            field = "components" if component else "resources"
            line, column = _position(self.loader.fs, self.kustomization.path, field, url)
            raise RemoteError(remote_refused(remote.redact(url), self.loader.fs), path=self.kustomization.path,
                              field=field, line=line, column=column)
        return remote.accumulate(self, ra, url, component)

    def _merge_configurations(self, ra: Accumulator) -> None:
        k = self.kustomization
        paths = k.get("configurations", [])
        if paths:
            from kustomize_py.yaml import load

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

            if self.options.enable_helm and self.loader.fs.in_memory:
                raise GeneratorError("helm charts are inflated by the helm program, which reads them from disk: "
                                     "build this kustomization from a directory", path=k.path,
                                     field="helmCharts" if k.get("helmCharts") else "helmChartInflationGenerator")
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


_FILE_SUFFIXES = (".yaml", ".yml", ".json")


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


def _position(fs: FileSystem, path: str, field: str | None, entry: str | None = None) -> tuple[int | None, int | None]:
    """(line, column) of `field` (or of its list entry `entry`) in the file `path`, when found."""
    if not field:
        return None, None
    try:
        data = fs.read_bytes(path)
    except OSError:
        return None, None
    from kustomize_py.locate import find

    return find(data, field, entry) or (None, None)


def _place(err: KpyError, fs: FileSystem) -> KpyError:
    """Add the line and column of the error's field, when its file says where that is."""
    if err.line is None and err.path and err.field:
        line, column = _position(fs, err.path, err.field)
        err.locate(line=line, column=column)
    return err


def build(path: str | os.PathLike[str], *, files: Mapping[str, str | bytes | Symlink] | MemoryFS | None = None,
          options: BuildOptions | None = None, cache: ParseCache | None = None,
          load_restrictor: LoadRestrictor | None = None, enable_helm: bool | None = None,
          helm_command: str | None = None, helm_kube_version: str | None = None,
          helm_api_versions: tuple[str, ...] | list[str] | None = None, helm_debug: bool | None = None,
          crd_merge_keys: bool | None = None, reorder: str | None = None,
          managed_by_label: bool | None = None, enable_alpha_plugins: bool | None = None,
          allow_remote: bool | None = None, warn: Callable[[str], None] | None = None) -> BuildResult:
    """Build the kustomization at `path` exactly like `kustomize build` (v5.6.0).

    `files`: build from memory instead of disk: a mapping of relative paths to file contents
    (str or bytes, or `filesys.Symlink`), in which `path` names a directory; nothing is read
    from disk. `options`: a BuildOptions (every option is documented there); each keyword
    argument after it is a shorthand that overrides that one option (None: left as `options`
    has it). `cache`: a ParseCache
    shared with other builds (resource files read again with the same bytes are not re-parsed).
    """
    shorthands = {name: value for name, value in (
        ("load_restrictor", load_restrictor), ("enable_helm", enable_helm), ("helm_command", helm_command),
        ("helm_kube_version", helm_kube_version), ("helm_api_versions", helm_api_versions),
        ("helm_debug", helm_debug), ("crd_merge_keys", crd_merge_keys), ("reorder", reorder),
        ("managed_by_label", managed_by_label), ("enable_alpha_plugins", enable_alpha_plugins),
        ("allow_remote", allow_remote), ("warn", warn)) if value is not None}
    opts = (options or BuildOptions()).replace(**shorthands) if shorthands else (options or BuildOptions())
    fs: FileSystem = DiskFS.for_build() if files is None else files if isinstance(files, MemoryFS) else MemoryFS(files)
    warnings: list[str] = []
    state = BuildState(opts, opts.warn or warnings.append, cache)
    try:
        resources = _build(str(path) if fs.in_memory else path, state, fs)
    except KpyError as err:
        raise _place(err, fs) from None
    except RecursionError:  # worded as the command line has always printed it
        raise YamlError("input is nested too deeply") from None
    return BuildResult(resources, warnings)


def _build(path: str | os.PathLike[str], state: BuildState, fs: FileSystem) -> list[Resource]:
    loader: Loader
    if _is_remote(str(path)):
        if not remote_allowed(state, fs):
            from kustomize_py.remote import redact

            raise RemoteError(remote_refused(redact(str(path)), fs))
        from kustomize_py import remote

        loader = remote.open_root(str(path), warn=state.warn)
    else:
        loader = Loader.at(path, state.load_restrictor, fs)
    try:
        top = Target.at(loader, state, origin_path="")
    except KpyError as err:
        raise err.locate(path=loader.root)
    try:
        _set_openapi(top, top=True)
        ra = top.accumulate()
        from kustomize_py.transformers import finish

        return finish.finish(top, ra)
    except KpyError as err:
        raise err.locate(path=top.kustomization.path)
