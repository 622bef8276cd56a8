"""A field spec (which kinds, which path) and the walk that applies a setter at that path."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import attrgetter

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

from kustomize_py.errors import TransformerError
from kustomize_py.record import FrozenRecord

# What a walk creates at the end of a path when the spec says `create: true`.
SCALAR = "scalar"
MAP = "map"

if TYPE_CHECKING:
    Setter = Callable[[Any, Any], None]  # (parent container, key or index) -> None


_SPLIT_CACHE: dict[str, tuple[str, ...]] = {}


def _parts(path: str) -> tuple[str, ...]:
    """split_path as a tuple, computed once per distinct path (hundreds of specs share a few)."""
    parts = _SPLIT_CACHE.get(path)
    if parts is None:
        parts = _SPLIT_CACHE[path] = tuple(split_path(path))
    return parts


def split_path(path: str) -> list[str]:
    """Split `a/b/c` on `/`, honouring `\\/` as an escaped slash inside a field name."""
    parts = path.split("/")
    if len(parts) > 1 and parts[0] == "":
        parts = parts[1:]
    out = [parts[0]]
    for p in parts[1:]:
        if out[-1].endswith("\\"):
            out[-1] = out[-1][:-1] + "/" + p
        else:
            out.append(p)
    return out


class FieldSpec(FrozenRecord):
    """Where a transformer acts: a path inside objects of a group/version/kind (empty = any)."""

    __slots__ = ("path", "group", "version", "kind", "create", "parts", "plain", "key")
    _fields = ("path", "group", "version", "kind", "create")  # the others derive from these

    path: str
    group: str
    version: str
    kind: str
    create: bool
    parts: tuple[str, ...]
    plain: int
    key: tuple[str, str, str, str, bool]  # the fields' values, for memo keys

    def __init__(self, path: str, group: str = "", version: str = "", kind: str = "",
                 create: bool = False) -> None:
        set_ = object.__setattr__
        set_(self, "path", path)
        set_(self, "group", group)
        set_(self, "version", version)
        set_(self, "kind", kind)
        set_(self, "create", create)
        parts = _parts(path)
        set_(self, "parts", parts)
        # how many leading steps are plain field names (no `[]`, not empty)
        set_(self, "plain", _plain_steps(parts))
        set_(self, "key", (path, group, version, kind, create))

    def matches(self, group: str, version: str, kind: str) -> bool:
        return (
            (not self.kind or self.kind == kind)
            and (not self.group or self.group == group)
            and (not self.version or self.version == version)
        )

    def selects_same(self, other: FieldSpec) -> bool:
        """The reference's 'effectively equal': same path, and `other`'s gvk selected by this one."""
        return self.path == other.path and (
            (not other.group or self.group == other.group)
            and (not other.version or self.version == other.version)
            and (not other.kind or self.kind == other.kind)
        )

    def apply(self, obj: dict[str, Any], setter: Setter, create_kind: str | None = None) -> None:
        """Call `setter(parent, key)` for every field this spec reaches in `obj`."""
        create = self.create and create_kind is not None
        parts = self.parts
        last = len(parts) - 1
        node: Any = obj
        parent: Any = None
        key: Any = None
        # Down the plain steps through mappings in a loop (the common case, ~4x faster than the
        # recursion); a list, a `[]` or empty step, or a non-mapping goes on in `_walk` from there.
        i = 0
        for i in range(self.plain):
            if node.__class__ is not dict:
                break
            name = parts[i]
            if create:
                if node.get(name) is None:
                    node[name] = ("" if create_kind == SCALAR else {}) if i == last else {}
            elif name not in node:
                return
            parent, key, node = node, name, node[name]
        else:
            i = self.plain
            if i > last:
                setter(parent, key)
                return
        _walk(node, parts, i, setter, create, create_kind, parent, key)


def _walk(node: Any, parts: tuple[str, ...], i: int, setter: Setter, create: bool,
          create_kind: str | None, parent: Any, key: Any) -> None:
    # A loop down mappings, recursing only into list items.
    n = len(parts)
    while True:
        if i == n:
            setter(parent, key)
            return
        if node is None:
            return
        if isinstance(node, list):
            for idx, item in enumerate(node):
                _walk(item, parts, i, setter, create, create_kind, node, idx)
            return
        if not isinstance(node, dict):
            raise TransformerError("expected sequence or mapping node", field="/".join(parts))
        name = parts[i]
        is_seq = name.endswith("[]")
        if is_seq:
            name = name[:-2]
        if not name:
            raise TransformerError("cannot set or create an empty field name", field="/".join(parts))
        if not create or is_seq:
            if name not in node:
                return
            if is_seq and node[name] is None:
                # the reference turns a null it walks through as a list into an empty one:
                # `containers:` with nothing prints `containers: []` once images are set
                node[name] = []
        elif node.get(name) is None:
            last = i == n - 1
            node[name] = ("" if create_kind == SCALAR else {}) if last else {}
        parent, key, node = node, name, node[name]
        i += 1


class PathSet:
    """Path-only specs walked together, to find which of them can do anything in an object:
    `reaching(obj)` gives the index of every spec whose walk (without `create`) would call its
    setter or raise; the others would find nothing. One walk of the shared prefixes instead of
    one walk per spec (a Deployment is the referrer of 16 name-reference paths, and has 1 or 2).

    Only for paths of plain steps none of which is a prefix of another (`usable`): then a setter
    run for one spec never changes what another's walk finds."""

    __slots__ = ("trie", "usable")

    def __init__(self, specs: Iterable[FieldSpec]) -> None:
        # a trie node: (children by step name, specs ending here, specs below)
        self.trie: tuple[dict[str, Any], list[int], list[int]] = ({}, [], [])
        paths = [spec.parts for spec in specs]
        self.usable = all(spec_plain == len(parts) for spec_plain, parts in
                          zip((_plain_steps(p) for p in paths), paths)) and not any(
            a != b and b[:len(a)] == a for a in set(paths) for b in set(paths))
        for index, parts in enumerate(paths):
            node = self.trie
            node[2].append(index)
            for name in parts:
                node = node[0].setdefault(name, ({}, [], []))
                node[2].append(index)
            node[1].append(index)

    def reaching(self, obj: Any) -> set[int]:
        out: set[int] = set()
        _reach(obj, self.trie, out)
        return out


def _plain_steps(parts: tuple[str, ...]) -> int:
    return next((i for i, p in enumerate(parts) if not p or p.endswith("[]")), len(parts))


def _reach(node: Any, trie: tuple[dict[str, Any], list[int], list[int]], out: set[int]) -> None:
    """`_walk` for every spec of a trie node at once, noting the specs that get somewhere."""
    while True:  # a loop down mappings, recursing where the trie or the data branches
        children, ends, _ = trie
        if ends:
            out.update(ends)  # at the end of a path the setter is called, whatever is there
        if not children or node is None:
            return
        if isinstance(node, list):
            for item in node:
                _reach(item, trie, out)
        elif isinstance(node, dict):
            if len(children) == 1:
                for name, sub in children.items():
                    if name not in node:
                        return
                    node, trie = node[name], sub
                continue
            for name, sub in children.items():
                if name in node:
                    _reach(node[name], sub, out)
        else:
            for sub in children.values():
                out.update(sub[2])  # their walks raise here
        return


_KEY = attrgetter("key")
# Spec lists seen (by their specs' values) -> what was worked out for them. Kustomization
# directories mostly share their configuration: with 1,000 of them the same lists come back.
_BY_KIND: dict[tuple[Any, ...], dict[tuple[str, str, str], tuple[FieldSpec, ...]]] = {}
_MERGED: dict[tuple[Any, ...], tuple[FieldSpec, ...]] = {}
_MEMO_SIZE = 256


def by_kind(specs: Iterable[FieldSpec]) -> Callable[[str, str, str], tuple[FieldSpec, ...]]:
    """(group, version, kind) -> the specs matching it, in order; worked out once per kind (a
    transformer asks for every resource, and a build has few kinds) and spec list."""
    specs = tuple(specs)
    key = tuple(map(_KEY, specs))
    cache = _BY_KIND.get(key)
    if cache is None:
        if len(_BY_KIND) >= _MEMO_SIZE:
            _BY_KIND.clear()
        cache = _BY_KIND[key] = {}

    def get(group: str, version: str, kind: str) -> tuple[FieldSpec, ...]:
        found = cache.get((group, version, kind))
        if found is None:
            found = cache[(group, version, kind)] = tuple(s for s in specs if s.matches(group, version, kind))
        return found

    return get


def parse_specs(items: Iterable[Any], source: str = "<builtin>") -> list[FieldSpec]:
    """FieldSpecs from the YAML form (`path`, `group`, `version`, `kind`, `create`)."""
    out = []
    for item in items or []:
        if not isinstance(item, dict) or "path" not in item:
            raise TransformerError(f"invalid field spec {item!r}: needs a path", path=source)
        out.append(
            FieldSpec(
                path=str(item["path"]),
                group=str(item.get("group") or ""),
                version=str(item.get("version") or ""),
                kind=str(item.get("kind") or ""),
                create=bool(item.get("create", False)),
            )
        )
    return out


def merge_specs(base: list[FieldSpec], extra: Iterable[FieldSpec]) -> list[FieldSpec]:
    """Add specs not already present; the reference rejects the same spec with a different `create`."""
    extra = tuple(extra)
    key = (tuple(map(_KEY, base)), tuple(map(_KEY, extra)))
    found = _MERGED.get(key)
    if found is None:
        if len(_MERGED) >= _MEMO_SIZE:
            _MERGED.clear()
        found = _MERGED[key] = tuple(_merge_specs(base, extra))
    return list(found)


def _merge_specs(base: list[FieldSpec], extra: tuple[FieldSpec, ...]) -> list[FieldSpec]:
    out = list(base)
    by_path: dict[str, list[FieldSpec]] = {}  # only specs with the same path can be the same spec
    for spec in out:
        by_path.setdefault(spec.path, []).append(spec)
    for spec in extra:
        peers = by_path.setdefault(spec.path, [])
        same = next((s for s in peers if s.selects_same(spec)), None)
        if same is None:
            out.append(spec)
            peers.append(spec)
        elif same.create != spec.create:
            raise TransformerError(f"conflicting fieldspecs for path {spec.path!r}")
    return out
