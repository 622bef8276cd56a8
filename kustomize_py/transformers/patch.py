"""`patches`, `patchesStrategicMerge`, `patchesJson6902`: loading patches, choosing their targets,
and applying them with the strategic-merge or JSON 6902 engine."""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

from kustomize_py.errors import KpyError, PatchError, YamlError, go_quote
from kustomize_py.resource import Resource

if TYPE_CHECKING:
    from kustomize_py.pipeline import Accumulator, Target


# -- the merge schema (kustomization `openapi:`; the reference keeps one for the whole build) ------

def set_openapi(target: Target, top: bool = False) -> None:
    """Use the schema a kustomization's `openapi:` names: a `path:` to swagger JSON/YAML, or the
    built-in `version:`. The top kustomization's choice wins; a base's applies only if none was made."""
    from kustomize_py.merge import SchemaIndex
    from kustomize_py.yaml import load

    spec = target.kustomization.get("openapi") or {}
    path, version = spec.get("path"), spec.get("version")
    if path and version:
        raise PatchError("builtin version and custom schema provided, cannot use both",
                         path=target.kustomization.path, field="openapi")
    if version and version != "v1.21.2":
        raise PatchError(f"the specified OpenAPI version is not built in: {version!r} (built in: v1.21.2)",
                         path=target.kustomization.path, field="openapi")
    if not (path or version) or (target.options.schema_chosen and not top):
        return
    if path:
        doc = load(target.loader.read_bytes(path), target.loader.join(path))
        custom = SchemaIndex.from_openapi(doc, str(path))
        # Only the custom file's kinds are known, but its `$ref`s may name built-in definitions.
        builtin = SchemaIndex.builtin()
        target.options.schema = SchemaIndex({**builtin.definitions, **custom.definitions}, custom.kinds)
    else:
        target.options.schema = SchemaIndex.builtin()
    target.options.schema_chosen = True


def _schema(target: Target) -> Any:
    if target.options.schema is None:
        from kustomize_py.merge import SchemaIndex

        target.options.schema = SchemaIndex.builtin()
    return target.options.schema


# -- reading patches ----------------------------------------------------------------------------

def _patch_resources(text: str | bytes, source: str, nulls_delete: bool = False) -> list[Resource]:
    """The patch documents of `text`. With `nulls_delete` (`patches:`), a null annotation value is
    a deletion; under the deprecated `patchesStrategicMerge` the reference keeps its text instead
    (`~`, `null`, "" are set as annotations), like any resource's."""
    from kustomize_py.resources import from_documents
    from kustomize_py.yaml import load_all

    docs = load_all(text, source, folded=True)
    for doc in docs:
        _patch_annotations(doc, nulls_delete)
    return from_documents(docs, source)


def _patch_annotations(doc: Any, nulls_delete: bool) -> None:
    """Null annotation values, which the loader keeps as their text: back to null (a deletion) for
    `patches:`; for `patchesStrategicMerge` text to set, even when blank (no longer a blank mark)."""
    from kustomize_py.yaml.load import BlankNullMap, RawScalar

    meta = doc.get("metadata") if isinstance(doc, dict) else None
    if not isinstance(meta, dict) or not isinstance(ann := meta.get("annotations"), dict):
        return
    if nulls_delete:
        for key, value in ann.items():
            if value.__class__ is RawScalar and value.parsed is None:
                ann[key] = None
    elif isinstance(ann, BlankNullMap):
        meta["annotations"] = dict(ann)


def _text(target: Target, entry: dict[str, Any], what: str) -> tuple[str, str]:
    """(patch text, source description) of a `patches`-style entry."""
    patch = entry.get("patch")
    path = entry.get("path")
    patch = patch.strip() if isinstance(patch, str) else patch
    if not patch and not path:
        raise PatchError(f"must specify one of patch and path in {what}", path=target.kustomization.path)
    if patch and path:
        raise PatchError(f"patch and path can't be set at the same time in {what}", path=target.kustomization.path)
    if patch:
        if not isinstance(patch, str):
            raise PatchError("patch must be a string (use `patch: |-`)", path=target.kustomization.path,
                             field=what)
        return patch, target.kustomization.path
    try:
        data = target.loader.read_text(str(path))
    except KpyError as err:
        raise PatchError(f"failed to get the patch file from path({path}): {err}",
                         path=target.kustomization.path) from None
    return data, target.loader.join(str(path))


# -- strategic merge ----------------------------------------------------------------------------

def _schema_for(target: Target, ra: Accumulator) -> Any:
    """The merge schema; with the kpy-only `crd_merge_keys` option, extended by the list map keys
    of the CustomResourceDefinitions present in the build (the reference never does this)."""
    schema = _schema(target)
    if not target.options.crd_merge_keys:
        return schema
    crds = [r.obj for r in ra.resources.items if r.kind == "CustomResourceDefinition"]
    if not crds:
        return schema
    from kustomize_py.merge import schema_from_crd_objects

    return schema.with_openapi(schema_from_crd_objects(crds), "<CRDs in the build>")


def _apply_smp(target: Target, res: Resource, patch: Resource, schema: Any = None) -> bool:
    """Patch `res` in place; False when the patch deleted it."""
    from kustomize_py.merge import strategic_merge

    name, ns, kind = res.name, res.namespace, res.kind
    # The reference writes the name and namespace back as their text in an untagged scalar, which
    # reads as what it was: `name: 007` stays the number 7 (matched as "007"), not the string.
    meta = res.obj.get("metadata")
    written = (meta.get("name"), meta.get("namespace")) if isinstance(meta, dict) else (None, None)
    name_value = written[0] if _non_string(written[0]) else name
    ns_value = written[1] if _non_string(written[1]) else ns
    if patch.allow_name_change or patch.allow_kind_change:
        res.store_previous_id()
    body = dict(patch.obj)
    body["apiVersion"] = res.api_version
    try:
        merged = strategic_merge(res.obj, body, schema if schema is not None else _schema(target))
    except PatchError as err:
        raise PatchError(err.message, path=patch.source, field=err.field) from None
    if merged is None or merged == {}:
        res.obj = {}
        return False
    res.obj = merged
    if not patch.allow_kind_change:
        res.obj["kind"] = kind
    if not patch.allow_name_change:
        res.set_name(name_value)
    res.set_namespace(ns_value if ns else ns)
    return True


def _non_string(value: Any) -> bool:
    return value is not None and not isinstance(value, (str, dict, list))


def _find_by_id(ra: Accumulator, patch: Resource, what: str | None = None, field: str | None = None) -> Resource:
    """The one resource a strategic-merge patch names; `what` prefixes the failure (the reference
    says nothing more for `patchesStrategicMerge`, so there the field only says where)."""
    found = ra.resources.with_any_id(patch.org_id().key())
    if len(found) == 1:
        return found[0]
    kind = "multiple matches" if found else "no matches"
    prefix = f"{what}: " if what else ""
    raise PatchError(f"{prefix}{kind} for Id {patch.org_id()}; failed to find unique target for patch "
                     f"{patch.org_id()}", path=patch.source, field=field)


def apply_strategic_merge_files(target: Target, ra: Accumulator, entries: list[str],
                                patches: list[Resource] | None = None) -> list[Resource]:
    """`patchesStrategicMerge`: each entry is a file, or inline YAML (possibly several documents);
    `patches` when already configured (read) by `configure_strategic_merge_files`. Keeps the
    index up to date itself (returns no further changed resources)."""
    if patches is None:
        patches = configure_strategic_merge_files(target, entries)
    for patch in patches:
        res = _find_by_id(ra, patch, field="patchesStrategicMerge")
        _apply_smp(target, res, patch, _schema_for(target, ra))
        ra.resources.reindex([res])
    return []


def configure_strategic_merge_files(target: Target, entries: list[str]) -> list[Resource]:
    """The patches of `patchesStrategicMerge`, read and parsed (the reference's configuration step)."""
    patches: list[Resource] = []
    for entry in entries:
        try:
            inline = _patch_resources(entry, target.kustomization.path) if "\n" in entry or ":" in entry else None
        except (YamlError, KpyError):
            inline = None
        if inline:
            patches.extend(inline)
            continue
        source = target.loader.join(entry)
        try:
            data = target.loader.read_bytes(entry)
        except KpyError as err:
            from kustomize_py.yaml import dump

            raise type(err)(f"trouble configuring builtin PatchStrategicMergeTransformer with config: "
                            f"`\n{dump({'paths': list(entries)})}`: {err.message}",
                            path=target.kustomization.path, field="patchesStrategicMerge") from None
        patches.extend(_patch_resources(data, source))
    if not patches:
        raise PatchError("patch appears to be empty", path=target.kustomization.path, field="patchesStrategicMerge")
    return patches


PatchConfig = tuple  # (JSON ops or None, strategic-merge patches, source, shown source)


def configure_patch(target: Target, entry: Any) -> PatchConfig:
    """One PatchTransformer configured: its patch read and parsed, or the reference's failure."""
    if not isinstance(entry, dict):
        raise PatchError("patches entries must be mappings with path or patch",
                         path=target.kustomization.path, field="patches")
    try:
        return _patch_transformer_config(target, entry)
    except KpyError as err:
        # the reference fails while configuring its plugin, and shows that configuration
        raise type(err)(f"trouble configuring builtin PatchTransformer with config: "
                        f"`\n{_patch_config_text(entry)}`: {err.message}",
                        path=target.kustomization.path, field="patches") from None


def apply_patch_config(target: Target, ra: Accumulator, entry: dict[str, Any],
                       configured: PatchConfig | None = None) -> list[Resource]:
    """One PatchTransformer: {path|patch, target, options}. Keeps the index up to date itself
    (returns no further changed resources)."""
    from kustomize_py.selector import select

    ops, patches, source, shown = configured or configure_patch(target, entry)
    options = entry.get("options") or {}
    sel = entry.get("target")
    if ops is not None:
        if sel is None:
            raise PatchError(f"must specify a target for JSON patch {shown}", path=source)
        chosen = select(ra.resources, sel)
        for res in chosen:
            if not ops:  # a mapping with no resource in it, taken for a JSON patch
                raise PatchError("json: cannot unmarshal object into Go value of type jsonpatch.Patch", path=source)
            res.store_previous_id()
            _apply_json(res, ops, source)
        ra.resources.reindex(chosen)
        return []
    for p in patches:
        p.allow_name_change = bool(options.get("allowNameChange"))
        p.allow_kind_change = bool(options.get("allowKindChange"))
    if sel is not None:
        if len(patches) > 1:
            raise PatchError("Multiple Strategic-Merge Patches in one `patches` entry is not allowed to set "
                             "`patches.target` field", path=source)
        chosen = select(ra.resources, sel)
        for res in chosen:
            _apply_smp(target, res, patches[0], _schema_for(target, ra))
        ra.resources.reindex(chosen)
        return []
    for p in patches:
        res = _find_by_id(ra, p, f"no resource matches strategic merge patch {go_quote(str(p.org_id()))}")
        _apply_smp(target, res, p, _schema_for(target, ra))
        ra.resources.reindex([res])
    return []


def _starts_with_plain_scalar(text: Any) -> bool:
    """True when the first line that is not blank or a comment starts with a letter or digit:
    the first document is then a mapping or a scalar (or no YAML), never a JSON6902 op list,
    and is_json6902 need not parse it (a few hundred microseconds a patch)."""
    if not isinstance(text, str):
        return False
    for line in text.splitlines():
        line = line.lstrip(" \t")
        if line and not line.startswith("#"):
            return line[0].isalnum()
    return False


def _patch_transformer_config(target: Target, entry: dict[str, Any]
                              ) -> tuple[list[dict[str, Any]] | None, list[Resource], str, str]:
    """(JSON ops or None, strategic-merge patches, source, shown source) of a `patches` entry.

    Like the reference, the text is read both ways: it must be exactly one of a JSON6902 op list
    and strategic-merge documents; nothing at all (`[]`, `null`, a comment) is both.
    """
    from kustomize_py.merge import is_json6902

    patch, path = entry.get("patch"), entry.get("path")
    patch = patch.strip() if isinstance(patch, str) else patch
    if not patch and not path:
        raise PatchError(f"must specify one of patch and path in\n{_patch_config_text(entry).rstrip()}")
    if patch and path:
        raise PatchError(f"patch and path can't be set at the same time\n{_patch_config_text(entry).rstrip()}")
    if patch and not isinstance(patch, str):
        raise PatchError("patch must be a string (use `patch: |-`)")
    text, source = _text(target, entry, "patches")
    shown = f"[patch: {go_quote(patch)}]" if patch else f"[path: {go_quote(str(path))}]"
    if not _starts_with_plain_scalar(text) and is_json6902(text):
        try:
            ops = _json_ops(text, source)
        except KpyError:
            raise PatchError(f"unable to parse SM or JSON patch from {shown}") from None
        if not ops:
            raise PatchError(f"illegally qualifies as both an SM and JSON patch: {shown}")
        return ops, [], source, shown
    try:
        patches = _patch_resources(text, source, nulls_delete=True)
    except KpyError:
        raise PatchError(f"unable to parse SM or JSON patch from {shown}") from None
    if not patches:
        if _first_document_is_mapping(text):
            return [], [], source, shown  # no strategic-merge document: the reference tries JSON
        raise PatchError(f"illegally qualifies as both an SM and JSON patch: {shown}")
    return None, patches, source, shown


def _first_document_is_mapping(text: str) -> bool:
    import yaml

    try:
        doc = next(iter(yaml.load_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))), None)
    except yaml.YAMLError:
        return False
    return isinstance(doc, dict)


def _patch_config_text(entry: dict[str, Any]) -> str:
    """A `patches` entry as the reference prints its plugin configuration: known, non-empty
    fields, keys sorted (it goes through JSON on its way to YAML)."""
    from kustomize_py.yaml import dump

    config: dict[str, Any] = {}
    if isinstance(entry.get("options"), dict) and entry["options"]:
        config["options"] = {str(k): entry["options"][k] for k in sorted(entry["options"], key=str)}
    for key in ("patch", "path"):
        if entry.get(key):
            config[key] = entry[key]
    if isinstance(entry.get("target"), dict):
        config["target"] = {k: str(entry["target"][k]) for k in sorted(_SELECTOR_FIELDS) if entry["target"].get(k)}
    return dump(config)


# -- JSON 6902 ----------------------------------------------------------------------------------

def _json_ops(text: str, source: str) -> list[dict[str, Any]]:
    from kustomize_py.transformers.json6902 import parse_json6902

    return parse_json6902(text, source)


def _apply_json(res: Resource, ops: list[dict[str, Any]], source: str) -> None:
    from kustomize_py.transformers.json6902 import apply_json6902

    meta = res.obj.get("metadata")
    # The reference keeps its build bookkeeping (previous ids, affixes, generator behaviour, origin)
    # as annotations while building, so `add /metadata/annotations/x` works on a resource that
    # has none of its own; an empty map stands in for them and goes again if still empty.
    stand_in = False
    if isinstance(meta, dict):
        if meta.get("annotations") is None and _has_build_annotations(res):
            stand_in = True
            meta["annotations"] = {}
        elif isinstance(meta.get("annotations"), dict):
            _annotations_through_json(meta["annotations"])
    res.obj = apply_json6902(res.obj, ops, source)
    meta = res.obj.get("metadata")
    if stand_in and isinstance(meta, dict) and meta.get("annotations") == {}:
        del meta["annotations"]


def _annotations_through_json(ann: dict[str, Any]) -> None:
    """Non-string annotation values kept as source text (`x:`, `y: ~`, `z: 0x10`) print as their
    values after the reference's JSON round trip ("null", "null", "16")."""
    from kustomize_py.resources import go_string
    from kustomize_py.yaml.load import RawScalar

    for key, value in ann.items():
        if value.__class__ is RawScalar:
            ann[key] = go_string(value.parsed)


def _has_build_annotations(res: Resource) -> bool:
    return bool(res.prev or res.prefixes or res.suffixes or res.needs_hash or res.behavior or res.origin
                or res.transformations or res.refvar_names)


def apply_json6902_entries(target: Target, ra: Accumulator, entries: list[dict[str, Any]]) -> None:
    """`patchesJson6902`: {target, path|patch}; the target must name a resource."""
    for entry in entries:
        apply_json6902_configured(ra, configure_json6902(target, entry))


def configure_json6902(target: Target, entry: Any) -> tuple[Any, list[dict[str, Any]], str]:
    """One PatchJson6902Transformer configured: (target selector, operations, source)."""
    if not isinstance(entry, dict):
        raise PatchError("patchesJson6902 entries must be mappings", path=target.kustomization.path)
    sel = entry.get("target") or {}
    try:
        ops, source = _json6902_config(target, entry, sel)
    except KpyError as err:
        # the reference fails while configuring its plugin, and shows that configuration
        raise type(err)(f"trouble configuring builtin PatchJson6902Transformer with config: "
                        f"`\n{_json6902_config_text(entry, sel)}`: {err.message}",
                        path=target.kustomization.path, field="patchesJson6902") from None
    return sel, ops, source


def apply_json6902_configured(ra: Accumulator, configured: tuple[Any, list[dict[str, Any]], str]) -> list[Resource]:
    """Keeps the index up to date itself (returns no further changed resources)."""
    from kustomize_py.selector import select

    sel, ops, source = configured
    chosen = select(ra.resources, sel)
    for res in chosen:
        _apply_json(res, ops, source)
    ra.resources.reindex(chosen)
    return []


def _json6902_config(target: Target, entry: dict[str, Any], sel: Any) -> tuple[list[dict[str, Any]], str]:
    """(operations, source) of one `patchesJson6902` entry, checked in the reference's order."""
    if not isinstance(sel, dict) or not sel.get("name"):
        raise PatchError("must specify the target name")
    path, inline = entry.get("path"), entry.get("patch") or entry.get("jsonOp")
    if not path and not inline:
        raise PatchError("empty file path and empty jsonOp")
    if path and inline:
        raise PatchError("must specify a file path or jsonOp, not both")
    if path:
        text, source = target.loader.read_text(str(path)), target.loader.join(str(path))
        if not text:
            raise PatchError(f"patch file '{path}' empty seems to be empty")
    else:
        text, source = str(inline), target.kustomization.path
    ops = _json_ops(text, source)
    if not ops:
        shown = text if text.startswith("[") else "[]"  # YAML is shown as the JSON it converts to
        raise PatchError(f"patch appears to be empty; file={path or ''}, JsonOp={shown}")
    return ops, source


_SELECTOR_FIELDS = ("group", "version", "kind", "name", "namespace", "labelSelector", "annotationSelector")


def _json6902_config_text(entry: dict[str, Any], sel: Any) -> str:
    """The plugin configuration as the reference prints it: known, non-empty fields, keys sorted
    (it goes through JSON on its way to YAML)."""
    from kustomize_py.yaml import dump

    config: dict[str, Any] = {}
    inline = entry.get("patch") or entry.get("jsonOp")
    if inline:
        config["jsonOp"] = str(inline)
    if entry.get("path"):
        config["path"] = str(entry["path"])
    if isinstance(entry.get("target"), dict):
        config["target"] = {k: str(sel[k]) for k in sorted(_SELECTOR_FIELDS) if sel.get(k)}
    return dump(config)
