"""`kustomize edit add ...`: append resources, components, patches, labels, annotations,
generators, transformers, buildMetadata options, ConfigMap and Secret generators."""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

from kustomize_py.edit.common import (
    Result,
    build_metadata_options,
    edit,
    glob_or_remote,
    glob_patterns,
    go_list,
    key_values,
    namespace_equal,
)
from kustomize_py.edit.kustfile import find
from kustomize_py.errors import EditError, KpyError

PATCH_TARGET_FIELDS = ("group", "version", "kind", "name", "namespace", "annotationSelector",
                       "labelSelector")
BEHAVIORS = ("create", "merge", "replace")


def _append_paths(directory: str, field: str, what: str, paths: list[str],
                  skip_self: bool = True) -> Result:
    self_name = os.path.basename(find(directory))

    def change(k: dict[str, Any], warnings: list[str]) -> None:
        items = k.setdefault(field, [])
        for p in paths:
            if skip_self and p == self_name:
                continue
            if p in items:
                warnings.append(f"{what} {p} already in kustomization file")
                continue
            items.append(p)

    return edit(directory, change)


def add_resource(directory: str, *paths: str, no_verify: bool = False) -> Result:
    """`edit add resource`: glob patterns (or remote targets) appended to `resources`."""
    if not paths:
        raise EditError("must specify a resource file")
    found = glob_or_remote(directory, list(paths), no_verify)
    if not found:
        return Result(find(directory), False, [])
    return _append_paths(directory, "resources", "resource", found)


def add_component(directory: str, *paths: str) -> Result:
    """`edit add component`: glob patterns appended to `components`."""
    if not paths:
        raise EditError("must specify a component file")
    found = glob_or_remote(directory, list(paths))
    if not found:
        return Result(find(directory), False, [])
    return _append_paths(directory, "components", "component", found)


def add_base(directory: str, paths: str) -> Result:
    """`edit add base a,b`: existing directories appended to `resources`; duplicates fail."""

    def change(k: dict[str, Any], warnings: list[str]) -> None:
        items = k.setdefault("resources", [])
        for p in paths.split(","):
            if not os.path.lexists(os.path.join(directory, p)):
                raise EditError(f"{p} does not exist")
            if p in items:
                raise EditError(f"base {p} already in kustomization file")
            items.append(p)

    return edit(directory, change)


def _files_field(directory: str, field: str, what: str, patterns: list[str]) -> Result:
    warnings: list[str] = []
    found = glob_patterns(directory, patterns, warnings)
    if not found:  # kustomize stops here, before looking for the kustomization
        return Result(os.path.join(directory, "kustomization.yaml"), False, warnings)
    result = _append_paths(directory, field, what, found, skip_self=False)
    result.warnings[:0] = warnings
    return result


def add_generator(directory: str, *paths: str) -> Result:
    """`edit add generator`: generator plugin config files appended to `generators`."""
    if not paths:
        raise EditError("must specify a yaml file which contains a generator plugin resource")
    return _files_field(directory, "generators", "generator", list(paths))


def add_transformer(directory: str, *paths: str) -> Result:
    """`edit add transformer`: transformer plugin config files appended to `transformers`."""
    if not paths:
        raise EditError("must specify a yaml file which contains a transformer plugin resource")
    return _files_field(directory, "transformers", "transformer", list(paths))


def patch_entry(path: str = "", patch: str = "", **target: str) -> dict[str, Any]:
    """A `patches` item from the flags; an all-empty target is no target."""
    unknown = set(target) - set(PATCH_TARGET_FIELDS)
    if unknown:
        raise EditError(f"unknown patch target field(s): {', '.join(sorted(unknown))}")
    entry: dict[str, Any] = {}
    if path:
        entry["path"] = path
    if patch:
        entry["patch"] = patch
    sel = {f: v for f, v in target.items() if v}
    if sel:
        entry["target"] = sel
    return entry


def same_patch(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """kustomize's Patch.Equals: path, patch, target and options all equal."""
    return (a.get("path", "") == b.get("path", "") and a.get("patch", "") == b.get("patch", "")
            and _selector(a.get("target")) == _selector(b.get("target"))
            and a.get("options") == b.get("options"))


def _selector(target: dict[str, str] | None) -> dict[str, str] | None:
    # a target is compared as Go compares the struct: empty fields equal absent ones, but a
    # target written as {} is not the same as no target
    return None if target is None else {f: v for f, v in target.items() if v}


def add_patch(directory: str, path: str = "", patch: str = "", **target: str) -> Result:
    """`edit add patch --path|--patch [--kind ...]`: one item appended to `patches`."""
    if patch and path:
        raise EditError("patch and path can't be set at the same time")
    if not patch and not path:
        raise EditError("must provide either patch or path")
    new = patch_entry(path, patch, **target)

    def change(k: dict[str, Any], warnings: list[str]) -> bool | None:
        for p in k.get("patches") or []:
            if same_patch(p, new):
                warnings.append(f"patch {p!r} already in kustomization file")
                return False
        k.setdefault("patches", []).append(new)
        return None

    return edit(directory, change)


def _put(m: dict[str, str], key: str, value: str, kind: str, force: bool) -> None:
    if key in m and not force:
        raise EditError(f"{kind} {key} already in kustomization file. Use --force to override.")
    m[key] = value


def add_annotation(directory: str, *pairs: str, force: bool = False) -> Result:
    """`edit add annotation k:v ...`: into `commonAnnotations`; existing keys need `force`."""
    if not pairs:
        raise EditError("must specify annotation")
    values = key_values(list(pairs), "annotation")

    def change(k: dict[str, Any], warnings: list[str]) -> None:
        m = k.setdefault("commonAnnotations", {})
        for key, v in values.items():
            _put(m, key, v, "annotation", force)

    return edit(directory, change)


def add_label(directory: str, *pairs: str, force: bool = False, without_selector: bool = False,
              include_templates: bool = False) -> Result:
    """`edit add label k:v ...`: into `commonLabels`, or with `without_selector` into a `labels`
    entry without selectors (kustomize's rules for picking the entry, quirks included)."""
    if not pairs:
        raise EditError("must specify label")
    if not without_selector and include_templates:
        raise EditError("--without-selector flag must be specified for --include-templates to work")
    values = key_values(list(pairs), "label")

    def change(k: dict[str, Any], warnings: list[str]) -> None:
        if not without_selector:
            m = k.setdefault("commonLabels", {})
            for key, v in values.items():
                _put(m, key, v, "label", force)
            return
        labels = k.setdefault("labels", [])

        def matching() -> dict[str, Any] | None:
            for entry in labels:
                if (not entry.get("includeSelectors")
                        and bool(entry.get("includeTemplates")) == include_templates):
                    return entry
            return None

        fresh: dict[str, Any] = {"pairs": {}, "includeTemplates": include_templates}
        for key, v in values.items():
            entry = matching()
            if entry is not None:
                _put(entry.setdefault("pairs", {}), key, v, "label", force)
                continue
            # kustomize writes every pair into the new entry here, so a later key finds itself
            # already present (and fails without --force).
            for kk, vv in values.items():
                _put(fresh["pairs"], kk, vv, "label", force)
            labels.append(fresh)

    return edit(directory, change)


def add_build_metadata(directory: str, options: str) -> Result:
    """`edit add buildmetadata a,b`: options appended; one already present fails."""
    opts = build_metadata_options([options] if isinstance(options, str) else list(options))

    def change(k: dict[str, Any], warnings: list[str]) -> None:
        items = k.setdefault("buildMetadata", [])
        for o in opts:
            if o in items:
                raise EditError(f"buildMetadata option {o} already in kustomization file")
            items.append(o)

    return edit(directory, change)


def _expand_file_sources(directory: str, sources: list[str], warnings: list[str]) -> list[str]:
    from kustomize_py.edit.common import glob

    out: list[str] = []
    for source in sources:
        parts = source.split("=")
        key, pattern = (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])
        found = glob(directory, pattern)
        if not found:
            warnings.append(f"{pattern} has no match")
        if key:
            if len(found) != 1:
                raise EditError(f"failed to expand file source: 'pattern '{pattern}' catches files "
                                f"{go_list(found)}, should catch only one")
            out.append(f"{key}={found[0]}")
        else:
            out.extend(found)
    return out


def _add_generator_entry(directory: str, field: str, what: str, name: list[str] | str,
                         files: list[str], literals: list[str], env_file: str,
                         disable_name_suffix_hash: bool, behavior: str, namespace: str,
                         secret_type: str | None) -> Result:
    names = [name] if isinstance(name, str) else list(name)
    warnings: list[str] = []
    files = _expand_file_sources(directory, files, warnings)
    if len(names) != 1:
        raise EditError("failed to validate flags: name must be specified once")
    if not env_file and not files and not literals:
        raise EditError("failed to validate flags: at least from-env-file, or from-file or "
                        "from-literal must be set")
    if env_file and (files or literals):
        raise EditError("failed to validate flags: from-env-file cannot be combined with "
                        "from-file or from-literal")
    if behavior and behavior not in BEHAVIORS:
        raise EditError('failed to validate flags: invalid behavior: must be one of "create", '
                        '"merge", or "replace"')

    def change(k: dict[str, Any], log: list[str]) -> None:
        log.extend(warnings)
        entries = k.setdefault(field, [])
        args = next((e for e in entries if e.get("name", "") == names[0]
                     and namespace_equal(e.get("namespace"), namespace)), None)
        if args is None:
            args = {"name": names[0]}
            if namespace:
                args["namespace"] = namespace
            if secret_type:
                args["type"] = secret_type
            entries.append(args)
        if literals:
            args["literals"] = list(args.get("literals") or []) + literals
        if files:
            args["files"] = list(args.get("files") or []) + files
        if env_file:
            args["envs"] = list(args.get("envs") or []) + [env_file]
        if disable_name_suffix_hash:
            args["options"] = {"disableNameSuffixHash": True}
        if behavior:
            args["behavior"] = behavior
        args["options"] = _merge_global_options(args.get("options"), k.get("generatorOptions"))
        _check_generates(directory, what, args, secret_type is not None)

    return edit(directory, change)


def _merge_global_options(local: dict[str, Any] | None, glob: dict[str, Any] | None
                          ) -> dict[str, Any] | None:
    """kustomize folds the kustomization's generatorOptions into the entry it writes."""
    if glob is None:
        return local
    local = dict(local or {})
    for field in ("labels", "annotations"):
        if field not in local:
            if glob.get(field) is not None:
                local[field] = dict(glob[field])
        else:
            for key, v in (glob.get(field) or {}).items():
                local[field].setdefault(key, v)
    for flag in ("disableNameSuffixHash", "immutable"):
        if glob.get(flag):
            local[flag] = True
    return local


def _check_generates(directory: str, what: str, args: dict[str, Any], secret: bool) -> None:
    """The entry must generate (files readable, literals well formed), as kustomize checks."""
    from kustomize_py.loader import Loader

    loader = Loader.at(directory)
    try:
        if secret:
            from kustomize_py.generators.secret import make_secret

            make_secret(args, loader)
        else:
            from kustomize_py.generators.configmap import make_configmap

            make_configmap(args, loader)
    except KpyError as err:
        raise EditError(f"failed to create {what}: {err.message}") from None


def add_configmap(directory: str, name: str, *, files: Sequence[str] = (), literals: Sequence[str] = (),
                  env_file: str = "", disable_name_suffix_hash: bool = False, behavior: str = "",
                  namespace: str = "") -> Result:
    """`edit add configmap NAME --from-literal/--from-file/--from-env-file ...`."""
    return _add_generator_entry(directory, "configMapGenerator", "configmap", name, list(files),
                                list(literals), env_file, disable_name_suffix_hash, behavior,
                                namespace, None)


def add_secret(directory: str, name: str, *, files: Sequence[str] = (), literals: Sequence[str] = (),
               env_file: str = "", disable_name_suffix_hash: bool = False, secret_type: str = "Opaque",
               namespace: str = "") -> Result:
    """`edit add secret NAME --from-literal/--from-file/--from-env-file [--type]`."""
    return _add_generator_entry(directory, "secretGenerator", "secret", name, list(files),
                                list(literals), env_file, disable_name_suffix_hash, "", namespace,
                                secret_type)


__all__ = ["add_annotation", "add_base", "add_build_metadata", "add_component", "add_configmap",
           "add_generator", "add_label", "add_patch", "add_resource", "add_secret",
           "add_transformer"]
