"""An Application's `ignoreDifferences`: fields left out of the in-sync check, the diff and (with
`RespectIgnoreDifferences=true`) the apply, as argo-cd and gitops-engine pkg/diff's ignore
normaliser do. `jsonPointers` are honoured, `jqPathExpressions` that are plain paths
(`.spec.replicas`, `.spec.template.spec.containers[].image`), and `managedFieldsManagers` (the
fields the live object's `metadata.managedFields` give to those managers, argo-cd's
ManagedFieldsManagers normaliser); any other jq expression is a warning."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from kustomize_py.errors import SyncError
from kustomize_py.sync.keys import ResourceKey

Path = tuple[str, ...]
EVERY = "*"  # a path step matching every item of a list (jq's `[]`)
_JQ_STEP = re.compile(r'\.([A-Za-z_][A-Za-z0-9_-]*)|\["((?:[^"\\]|\\.)*)"\]|\[(\d*)\]')


@dataclass(frozen=True)
class IgnoreRule:
    group: str
    kind: str
    name: str = ""
    namespace: str = ""
    paths: tuple[Path, ...] = ()
    unsupported: tuple[str, ...] = ()  # what kpy cannot honour, for the warning
    managers: tuple[str, ...] = ()  # managedFieldsManagers: their fields on the live object are ignored

    def matches(self, key: ResourceKey) -> bool:
        return (self.group in ("*", key.group) and self.kind in ("*", key.kind)
                and self.name in ("", key.name) and self.namespace in ("", key.namespace))


def pointer_path(pointer: str) -> Path:
    """RFC 6901: `/metadata/annotations/a~1b` -> ("metadata", "annotations", "a/b")."""
    if not pointer.startswith("/"):
        raise ValueError("a JSON pointer starts with /")
    return tuple(p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/"))


def jq_path(expr: str) -> Path | None:
    """A jq expression that is a plain path, as a path; None for anything richer (select, |, ...)."""
    text, out, pos = expr.strip(), [], 0
    if not text.startswith("."):
        return None
    while pos < len(text):
        match = _JQ_STEP.match(text, pos)
        if match is None:
            return None
        name, quoted, index = match.groups()
        out.append(name if name is not None else quoted if quoted is not None else index or EVERY)
        pos = match.end()
    return tuple(out) or None


def parse_rules(items: Any, source: str = "") -> tuple[IgnoreRule, ...]:
    if items is None:
        return ()
    if not isinstance(items, list):
        raise SyncError("ignoreDifferences must be a list", path=source or None, field="spec.ignoreDifferences")
    rules = []
    for i, item in enumerate(items):
        where = f"spec.ignoreDifferences[{i}]"
        if not isinstance(item, dict) or not item.get("kind"):
            raise SyncError("each ignoreDifferences entry needs a kind", path=source or None, field=where)
        paths, unsupported = [], []
        for pointer in item.get("jsonPointers") or []:
            try:
                paths.append(pointer_path(str(pointer)))
            except ValueError as err:
                raise SyncError(f"bad JSON pointer {pointer!r}: {err}", path=source or None,
                                field=f"{where}.jsonPointers") from None
        for expr in item.get("jqPathExpressions") or []:
            path = jq_path(str(expr))
            if path is None:
                unsupported.append(f"jqPathExpressions {expr!r} (only plain paths are supported)")
            else:
                paths.append(path)
        managers = tuple(str(m) for m in item.get("managedFieldsManagers") or [])
        rules.append(IgnoreRule(str(item.get("group") or ""), str(item["kind"]), str(item.get("name") or ""),
                                str(item.get("namespace") or ""), tuple(paths), tuple(unsupported), managers))
    return tuple(rules)


def paths_for(rules: tuple[IgnoreRule, ...], key: ResourceKey, live: dict[str, Any] | None = None) -> tuple[Path, ...]:
    """The ignored paths of the object `key`; managedFieldsManagers rules need its `live` copy."""
    out = [p for r in rules if r.matches(key) for p in r.paths]
    managers = {m for r in rules if r.matches(key) for m in r.managers}
    if managers and live is not None:
        out += managed_paths(live, managers)
    return tuple(out)


def managed_paths(live: dict[str, Any], managers: set[str]) -> list[Path]:
    """The leaf fields `metadata.managedFields` gives to any of `managers`, as paths into `live`
    (fieldsV1: `f:name` a field, `k:{...}` the list item with those keys, `v:...` the set item of
    that value, `i:N` an index; a list item is resolved to its index in `live`)."""
    import json

    out: list[Path] = []

    def walk(fields: Any, node: Any, trail: Path) -> None:
        if not isinstance(fields, dict):
            return
        leaves = [k for k in fields if k != "."]
        if not leaves and trail:
            out.append(trail)
            return
        for k in leaves:
            kind, _, rest = k.partition(":")
            child: Any = None
            step: str | None = None
            if kind == "f" and isinstance(node, dict) and rest in node:
                step, child = rest, node[rest]
            elif kind == "i" and isinstance(node, list) and rest.isdigit() and int(rest) < len(node):
                step, child = rest, node[int(rest)]
            elif kind in ("k", "v") and isinstance(node, list):
                try:
                    want = json.loads(rest)
                except ValueError:
                    continue
                for i, item in enumerate(node):
                    hit = (isinstance(item, dict) and isinstance(want, dict)
                           and all(item.get(a) == b for a, b in want.items())) if kind == "k" else item == want
                    if hit:
                        step, child = str(i), item
                        break
            if step is not None:
                walk(fields[k], child, trail + (step,))

    for entry in ((live.get("metadata") or {}).get("managedFields") or []):
        if isinstance(entry, dict) and entry.get("manager") in managers:
            walk(entry.get("fieldsV1") or {}, live, ())
    return out


def warnings(rules: tuple[IgnoreRule, ...], app: str) -> list[str]:
    return [f"app {app}: ignoreDifferences for {r.group + '/' if r.group else ''}{r.kind}: {u} is not honoured"
            for r in rules for u in r.unsupported]


def _walk(node: Any, path: Path, visit: Any, trail: Path = ()) -> None:
    """Call visit(parent, key, trail) for every place `path` names that exists in `node`."""
    if not path:
        return
    head, rest = path[0], path[1:]
    if isinstance(node, list):
        indexes = range(len(node)) if head == EVERY else [int(head)] if head.isdigit() and int(head) < len(node) else []
        for i in indexes:
            if rest:
                _walk(node[i], rest, visit, trail + (str(i),))
            else:
                visit(node, i, trail + (str(i),))
    elif isinstance(node, dict) and head in node:
        if rest:
            _walk(node[head], rest, visit, trail + (head,))
        else:
            visit(node, head, trail + (head,))


def strip(obj: dict[str, Any], paths: tuple[Path, ...]) -> dict[str, Any]:
    """A copy of `obj` without the fields at `paths` (list items named by index are left in place)."""
    if not paths:
        return obj
    out = copy.deepcopy(obj)
    for path in paths:
        _walk(out, path, lambda parent, k, _: parent.pop(k) if isinstance(parent, dict) else None)
    return out


def _get(node: Any, trail: Path) -> tuple[bool, Any]:
    for step in trail:
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
            node = node[int(step)]
        else:
            return False, None
    return True, node


def respect(desired: dict[str, Any], live: dict[str, Any], paths: tuple[Path, ...]) -> dict[str, Any]:
    """`desired` with the live values at ignored paths (RespectIgnoreDifferences=true): applying it
    leaves those fields as they are in the cluster."""
    out = copy.deepcopy(desired)
    for path in paths:
        def take(parent: Any, k: Any, trail: Path) -> None:
            found, value = _get(live, trail)
            if found:
                parent[k] = copy.deepcopy(value)
            elif isinstance(parent, dict):
                parent.pop(k)
        _walk(out, path, take)
        # A field only the live object has stays out of `desired`, so the apply leaves it alone.
    return out
