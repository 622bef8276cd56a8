"""`replacements:` / ReplacementTransformer: copy a field of one resource into fields of others."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from kustomize_py import work
from kustomize_py.errors import KpyError, TransformerError
from kustomize_py.resource import CLUSTER_NS, DEFAULT_NS, ResId, Resource, is_cluster_scoped
from kustomize_py.transformers import fieldpath as fp
from kustomize_py.transformers.fieldpath import field

if TYPE_CHECKING:
    from kustomize_py.loader import Loader

DEFAULT_FIELD_PATH = "metadata.name"


# -- configuration -----------------------------------------------------------------------------


def load_replacements(loader: Loader, entries: list[Any], source: str | None = None) -> list[dict[str, Any]]:
    """Inline replacements as they are; `path:` entries read (one replacement or a list of them)."""
    from kustomize_py.yaml import load

    out: list[dict[str, Any]] = []
    for entry in entries or []:
        if not isinstance(entry, dict):
            raise TransformerError("a replacement must be a mapping", path=source, field="replacements")
        path = field(entry, "path")
        if path:
            if field(entry, "source") is not None or field(entry, "targets"):
                raise TransformerError("cannot specify both path and inline replacement", path=source,
                                       field="replacements")
            try:
                data = load(loader.read_bytes(str(path)), loader.join(str(path)))
            except KpyError as err:
                from kustomize_py.yaml import dump

                # the reference fails while configuring its plugin, and shows that configuration
                raise err.reworded(f"trouble configuring builtin ReplacementTransformer with config: "
                                   f"`\n{dump({'Replacements': list(entries)})}`: {err.message}") from None
            if isinstance(data, list):
                for item in data:
                    out.append(item if isinstance(item, dict) else {})
            elif isinstance(data, dict):
                out.append(data)
            else:
                kind = "invalid" if data is None else type(data).__name__
                raise TransformerError(
                    f"unsupported replacement type encountered within replacement path: {kind}", path=str(path))
        else:
            out.append(entry)
    return out


def _selector_id(sel: Any) -> ResId:
    """The ResId part of a source/target selector (empty fields select anything)."""
    group, version = str(field(sel, "group") or ""), str(field(sel, "version") or "")
    return ResId(group, version, str(field(sel, "kind") or ""), str(field(sel, "name") or ""),
                 str(field(sel, "namespace") or ""))


def _options(data: Any) -> dict[str, Any]:
    opts = field(data, "options")
    if opts is None:
        return {}
    if not isinstance(opts, dict):
        raise TransformerError("replacement options must be a mapping")
    index = field(opts, "index", 0) or 0
    if isinstance(index, bool) or not isinstance(index, int):
        raise TransformerError(f"replacement options.index must be an integer, got {index!r}")
    return {"delimiter": str(field(opts, "delimiter") or ""), "index": index,
            "create": bool(field(opts, "create", False))}


# -- selection ---------------------------------------------------------------------------------


def selected_by(rid: ResId, sel: ResId) -> bool:
    """The reference's exact (non-regex) id selection: empty selector fields match anything."""
    return ((not sel.name or sel.name == rid.name)
            and (not sel.namespace or _effective_ns(sel) == _effective_ns(rid))
            and (not sel.group or sel.group == rid.group)
            and (not sel.version or sel.version == rid.version)
            and (not sel.kind or sel.kind == rid.kind))


def _effective_ns(rid: ResId) -> str:
    if is_cluster_scoped(rid.api_version, rid.kind):
        return CLUSTER_NS
    return rid.namespace or DEFAULT_NS


def _id_is_empty(rid: ResId) -> bool:
    return not any(rid)


def selector_text(sel: ResId) -> str:
    return str(sel)


def _source_text(src: Any) -> str:
    parts = [str(_selector_id(src))]
    path = field(src, "fieldPath")
    if path:
        parts.append(str(path))
    opts = _options(src)
    if opts and (opts["delimiter"] or opts["create"]):
        parts.append(f"{opts['delimiter']}({opts['index']}), create={'true' if opts['create'] else 'false'}")
    return ":".join(parts)


def _candidates(resources: Any, sel: ResId, select: Any = None) -> Any:
    """The resources worth testing against `sel` (and the label selector of `select`): from a
    ResourceList's index by name, label `key=value` or kind when the selector gives one; else
    all of them."""
    lookup = getattr(resources, "lookup", None)
    if lookup is not None and len(resources):
        from kustomize_py.selector import _equality

        labels = ""
        if select is not None:
            # bad selector text fails as when the first resource was tested, even with no candidate
            label_selector_matches(str(field(select, "annotationSelector") or ""), {})
            labels = str(field(select, "labelSelector") or "")
            label_selector_matches(labels, {})

        index = lookup()
        pair = _equality(labels) if labels else None
        if sel.name:
            return index.ordered(index.by_name.get(sel.name))
        if pair is not None:
            return index.ordered(index.with_value("labels", *pair))
        if sel.kind:
            return index.ordered(index.by_kind.get(sel.kind))
    if work.counts is not None:
        work.add("examined", len(resources))
    return resources


def _select_source(resources: Any, src: Any) -> Resource:
    sel = _selector_id(src)
    found: Resource | None = None
    for res in _candidates(resources, sel):
        if any(selected_by(rid, sel) for rid in res.all_ids()):
            if found is not None:
                raise TransformerError(f"multiple matches for selector {_source_text(src)}")
            found = res
    if found is None:
        raise TransformerError(f"nothing selected by {_source_text(src)}")
    return found


# -- label and annotation selectors ----------------------------------------------------------------


def label_selector_matches(expr: str, labels: dict[str, Any]) -> bool:
    """Does `labels` satisfy the selector text `expr` (empty text selects everything)?"""
    from kustomize_py.selector import parse_label_selector

    predicate = parse_label_selector(expr)
    if predicate is None:
        return True
    return predicate({str(k): fp.scalar_text(v) for k, v in labels.items()})


def _matches_anno_and_labels(res: Resource, sel: Any) -> bool:
    anno = str(field(sel, "annotationSelector") or "")
    labels = str(field(sel, "labelSelector") or "")
    return label_selector_matches(anno, res.annotations()) and label_selector_matches(labels, res.labels())


def _target_selected(res: Resource, target: Any) -> bool:
    select = field(target, "select")
    rejects = field(target, "reject") or []
    if not _matches_anno_and_labels(res, select):
        return False
    for rej in rejects:
        if not field(rej, "annotationSelector") and not field(rej, "labelSelector"):
            continue
        if _matches_anno_and_labels(res, rej):
            return False
    ids = res.all_ids()
    sel = _selector_id(select)
    if not any(selected_by(rid, sel) for rid in ids):
        return False
    for rej in rejects:
        rej_id = _selector_id(rej)
        if _id_is_empty(rej_id):
            continue
        if any(selected_by(rid, rej_id) for rid in ids):
            return False
    return True


# -- applying ----------------------------------------------------------------------------------


def apply_replacements(resources: Any, replacements: Iterable[Any], source: str | None = None) -> list[Resource]:
    """Run the replacements over `resources` (a list, or a ResourceList whose index is used and
    kept up to date); returns the resources changed, for the id checks."""
    touched: dict[int, Resource] = {}
    refresh = resources.lookup().refresh if hasattr(resources, "lookup") else None
    for rep in replacements:
        src, targets = field(rep, "source"), field(rep, "targets")
        if src is None or targets is None:
            raise TransformerError("replacements must specify a source and at least one target", path=source)
        value = _source_value(resources, src)
        for target in targets:
            changed = _apply_target(resources, value, target)
            touched.update(changed)
            if refresh is not None:  # a target's name or labels may have changed
                for res in changed.values():
                    refresh(res)
    for res in touched.values():
        _settle_annotations(res)
        fp.settle(res.obj)
    return list(touched.values())


def _settle_annotations(res: Resource) -> None:
    """Created annotation values keep their text: the reference re-sets a resource's annotations
    from their source text when the build ends, so `0x10` written there prints "0x10", not "16"."""
    from kustomize_py.yaml.load import RawScalar

    meta = res.obj.get("metadata")
    ann = meta.get("annotations") if isinstance(meta, dict) else None
    if not isinstance(ann, dict):
        return
    for key, value in ann.items():
        if isinstance(value, fp.Untagged):
            text = str.__str__(value)
            parsed = fp.resolve_plain(text)[1]
            ann[key] = text if isinstance(parsed, str) else RawScalar(text, parsed)


def _parsed_values(node: Any) -> Any:
    """`node` with each annotation's source text (RawScalar) replaced by its parsed value: outside
    metadata.annotations the reference prints what the text means (`0x10` is 16, `~` is null)."""
    from kustomize_py.yaml.load import RawScalar

    if node.__class__ is RawScalar:
        return node.parsed
    if isinstance(node, dict):
        return {key: _parsed_values(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_parsed_values(value) for value in node]
    return node


def _source_value(resources: list[Resource], src: Any) -> Any:
    res = _select_source(resources, src)
    path = str(field(src, "fieldPath") or DEFAULT_FIELD_PATH)
    try:
        value = fp.lookup(res.obj, fp.split_path(path))
    except KpyError as err:
        raise TransformerError(f"error looking up replacement source: {err.message}") from None
    if value is fp.MISSING or value is None or value == {} or value == []:
        raise TransformerError(f"fieldPath `{path}` is missing for replacement source {_selector_id(src)}")
    opts = _options(src)
    if not opts.get("delimiter"):
        return value
    if isinstance(value, (dict, list)):
        raise TransformerError("delimiter option can only be used with scalar nodes")
    pieces = fp.scalar_text(value).split(opts["delimiter"])
    index = opts["index"]
    if index >= len(pieces) or index < 0:
        raise TransformerError(f"options.index {index} is out of bounds for value {fp.scalar_text(value)}")
    return _Retagged(value, pieces[index])


class _Retagged:
    """A scalar whose text was cut by a delimiter while it keeps the type of the original node."""

    __slots__ = ("original", "text")

    def __init__(self, original: Any, text: str) -> None:
        self.original, self.text = original, text

    def resolve(self) -> Any:
        return fp.retyped(self.original, self.text)


def _text(value: Any) -> str:
    return value.text if isinstance(value, _Retagged) else fp.scalar_text(value)


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return fp.MAP
    if isinstance(value, list):
        return fp.SEQ
    return fp.SCALAR


def _apply_target(resources: Any, value: Any, target: Any) -> dict[int, Resource]:
    select = field(target, "select")
    if select is None:
        raise TransformerError("target must specify resources to select")
    paths = field(target, "fieldPaths") or [DEFAULT_FIELD_PATH]
    opts = _options(target)
    touched = {}
    for res in _candidates(resources, _selector_id(select), select):
        if _target_selected(res, target):
            touched[id(res)] = res
            _copy_to(res, value, [str(p) for p in paths], opts)
    return touched


def _copy_to(res: Resource, value: Any, paths: list[str], opts: dict[str, Any]) -> None:
    create = _kind(value) if opts.get("create") else None
    for path in paths:
        what = "find or create" if create else "find"
        try:
            locations = fp.match(res.obj, fp.split_path(path), create)
        except KpyError as err:
            raise TransformerError(f'unable to {what} field "{path}" in replacement target: {err.message}') from None
        locations = [loc for loc in locations if loc[0] is not None]
        if not locations:
            raise TransformerError(f'unable to {what} field "{path}" in replacement target')
        for loc in locations:
            # A whole map or list keeps annotation texts only when it becomes the annotations.
            whole = isinstance(value, (dict, list))
            into_annotations = loc[0] is res.obj.get("metadata") and loc[1] == "annotations"
            _set_value(loc, _parsed_values(value) if whole and not into_annotations else value, opts)


def _set_value(loc: fp.Location, value: Any, opts: dict[str, Any]) -> None:
    current = fp.get_at(loc)
    scalar_target = not isinstance(current, (dict, list))
    delimiter = opts.get("delimiter")
    if delimiter:
        if not scalar_target:
            raise TransformerError("delimiter option can only be used with scalar nodes")
        pieces = fp.scalar_text(current).split(delimiter)
        text = _text(value)
        index = opts["index"]
        if index < 0:
            pieces.insert(0, text)
        elif index >= len(pieces):
            pieces.append(text)
        else:
            pieces[index] = text
        value = _Retagged(value.original if isinstance(value, _Retagged) else value, delimiter.join(pieces))
    if scalar_target:
        # A scalar target keeps its type and takes only the text of the value.
        fp.set_at(loc, fp.retyped(current, _text(value)))
    elif isinstance(value, _Retagged):
        fp.set_at(loc, value.resolve())
    else:
        fp.set_at(loc, copy.deepcopy(value))
