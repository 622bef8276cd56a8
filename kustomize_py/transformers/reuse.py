"""Reusing a kustomization's transformer results between the builds of one watch session.

A watch rebuilds after every save, and usually only one file changed. The built-in transformers
that act on each object on its own (namespace, prefix, suffix, labels, annotations, images,
replicas) give an object the same result whenever the object, its bookkeeping and the
kustomization are the same as in the last build. So a kustomization that uses only those keeps,
per object, the state it had going in and coming out (pickled: exact, types and kept texts
included); in the next build an object that goes in byte for byte the same comes out as it came
out last time, and only the others go through the transformers.

Nothing here guesses: the kustomization and its transformer config must be equal, each object's
input is compared in full, and on any error (a failing transformer, ids that now collide) every
object is put back as it went in and the ordinary pass runs, raising what it raises.
"""

from __future__ import annotations

import io
import pickle

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

    from kustomize_py.pipeline import Accumulator, Target
    from kustomize_py.resource import Resource

# The transformers whose effect on an object depends on that object alone.
PER_OBJECT = frozenset({"NamespaceTransformer", "PrefixTransformer", "SuffixTransformer", "LabelTransformer",
                        "AnnotationsTransformer", "ImageTagTransformer", "ReplicaCountTransformer"})
# The kustomization fields that configure them, and those that configure any other.
_OWN = ("namespace", "namePrefix", "nameSuffix", "labels", "commonLabels", "commonAnnotations", "images",
        "replicas")
_OTHERS = ("patchesStrategicMerge", "patches", "patchesJson6902", "replacements")
# Everything a Resource holds besides its object.
_BOOK = ("source", "prev", "prefixes", "suffixes", "needs_hash", "behavior", "origin", "transformations",
         "refvar_names", "allow_name_change", "allow_kind_change", "touched_annotations", "original")


# What pickling something unexpected (or nested past the recursion limit) raises: no reuse then.
_UNPICKLABLE = (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError)


def _canonical(value: Any) -> bytes:
    """`value` pickled without the memo ("fast" mode): equal values give equal bytes whether or
    not the same string (or map) object appears twice in them."""
    out = io.BytesIO()
    pickler = pickle.Pickler(out, pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(value)
    return out.getvalue()


def _state(res: Resource) -> bytes:
    """The object and its bookkeeping, as they go into a step."""
    return _canonical((res.obj, [getattr(res, f) for f in _BOOK]))


def _restore(res: Resource, state: bytes) -> None:
    obj, book = pickle.loads(state)
    res.obj = obj
    for field, value in zip(_BOOK, book):
        setattr(res, field, value)


def _result(res: Resource, state_in: bytes) -> bytes:
    """What a step left: the object, and only the bookkeeping fields it changed."""
    _, before = pickle.loads(state_in)
    changed = {f: v for f, old, v in zip(_BOOK, before, (getattr(res, f) for f in _BOOK)) if v != old}
    return pickle.dumps((res.obj, changed), pickle.HIGHEST_PROTOCOL)


def _apply(res: Resource, result: bytes) -> None:
    obj, changed = pickle.loads(result)
    res.obj = obj
    for field, value in changed.items():
        setattr(res, field, value)


class PassMemo:
    """What each kustomization's transformer pass did to each object in the last build.

    Tables are keyed by kustomization file and by how many times this build has run it (a
    component can be used twice); `rotate()` after a build keeps only what that build used."""

    __slots__ = ("_tables", "_used", "_runs", "reused", "ran", "last")

    def __init__(self) -> None:
        self._tables: dict[tuple[str, int], _Table] = {}
        self._used: dict[tuple[str, int], _Table] = {}
        self._runs: dict[str, int] = {}
        self.reused = 0  # objects taken from the memo, and objects transformed, in this build
        self.ran = 0
        self.last = (0, 0)  # (reused, ran) of the last build rotated out

    def table(self, path: str, setup: bytes) -> _Table:
        """The table of the kustomization `path` (or of a step such as name references) for this
        build, emptied if `setup` (what else its results depend on) is not what it was."""
        run = self._runs.get(path, 0)
        self._runs[path] = run + 1
        table = self._tables.get((path, run))
        if table is None or table.setup != setup:
            table = _Table(setup)
        self._used[(path, run)] = table
        return table

    def abandon(self) -> None:
        """A build failed: keep the last good build's tables for the next one."""
        self._used, self._runs = {}, {}
        self.reused = self.ran = 0

    def rotate(self) -> None:
        """End of a build: forget the tables (and entries) it did not use."""
        for table in self._used.values():
            table.rotate()
        self._tables, self._used, self._runs = self._used, {}, {}
        self.last = (self.reused, self.ran)
        self.reused = self.ran = 0


class _Table:
    __slots__ = ("setup", "entries", "seen")

    def __init__(self, setup: bytes) -> None:
        self.setup = setup
        self.entries: dict[tuple[Any, ...], tuple[bytes, bytes]] = {}  # key -> (state in, _result)
        self.seen: dict[tuple[Any, ...], tuple[bytes, bytes]] = {}

    def split(self, items: list[Resource], inputs: list[bytes]
              ) -> tuple[list[tuple[Any, ...]], list[tuple[Resource, bytes]], list[Resource]]:
        """(keys, hits as (resource, its result last time), misses): a hit goes in as it did then."""
        keys = [(res.source, res.id_key()) for res in items]
        hits, misses = [], []
        for res, key, state in zip(items, keys, inputs):
            entry = self.entries.get(key)
            if entry is not None and entry[0] == state:
                hits.append((res, entry[1]))
            else:
                misses.append(res)
        return keys, hits, misses

    def record(self, items: list[Resource], keys: list[tuple[Any, ...]], inputs: list[bytes]) -> None:
        """After a step that went through: each object's input and (for misses) its new result."""
        for res, key, state in zip(items, keys, inputs):
            entry = self.entries.get(key)
            self.seen[key] = entry if entry is not None and entry[0] == state else (state, _result(res, state))

    def rotate(self) -> None:
        self.entries, self.seen = self.seen, {}


def eligible(target: Target) -> bool:
    k = target.kustomization
    return (not target.tracking and any(k.get(f) for f in _OWN)
            and not any(k.get(f) for f in _OTHERS))


def run(target: Target, ra: Accumulator, memo: PassMemo) -> bool:
    """The built-in transformer pass of `target` on `ra`, reusing the memo's results; False
    (nothing changed) when this kustomization's pass cannot be reused and must run as usual."""
    from kustomize_py.errors import KpyError
    from kustomize_py.pipeline import Accumulator
    from kustomize_py.resources import ResourceList
    from kustomize_py.transformers.builtin import steps

    if not eligible(target):
        return False
    items = ra.resources.items
    try:
        setup = _canonical((target.kustomization.fields, ra.config))
        inputs = [_state(res) for res in items]
    except _UNPICKLABLE:
        return False
    table = memo.table(target.kustomization.path, setup)
    keys, hits, misses = table.split(items, inputs)
    try:
        partial = Accumulator(ResourceList(misses), ra.config, ra.vars)
        todo = steps(target, partial)
        if any(kind not in PER_OBJECT for kind, _ in todo):
            return False
        for res, out in hits:
            _apply(res, out)
        for _, action in todo:
            partial.resources.reindex(action())
        ra.resources.reindex()  # ids must still be unique across hits and misses
    except KpyError:
        # put everything back as it went in: the ordinary pass raises what it raises
        for res, state in zip(items, inputs):
            _restore(res, state)
        ra.resources.replace_items(list(items))  # a failed reindex may have left the list half built
        return False
    table.record(items, keys, inputs)
    memo.reused += len(hits)
    memo.ran += len(misses)
    return True


_RENAMING = ("metadata/name", "metadata/namespace")


def fix_references(resources: list[Resource], config: Any, memo: PassMemo) -> None:
    """Name references (transformers/name_reference.py), reusing last build's result for each
    referring object that goes in the same, when every object's ids, previous ids and affixes (all
    a reference is resolved from) are the same too. A referring field at `metadata/name` or
    `metadata/namespace` would rename a candidate while the pass runs: then it runs as usual."""
    from kustomize_py.errors import KpyError
    from kustomize_py.transformers import name_reference

    backrefs = config.name_reference
    if not backrefs or not resources or any(
            spec.path in _RENAMING for ref in backrefs for spec in ref["fieldSpecs"]):
        name_reference.fix_references(resources, config)
        return
    # repr, not pickle: equal texts must give equal bytes whether or not two objects share them
    context = repr(([(r.source, r.id, r.prev, r.prefixes, r.suffixes) for r in resources],
                    backrefs)).encode()
    try:
        inputs = [_state(res) for res in resources]
    except _UNPICKLABLE:
        name_reference.fix_references(resources, config)
        return
    table = memo.table("<name references>", context)
    keys, hits, misses = table.split(resources, inputs)
    try:
        for res, out in hits:
            _apply(res, out)
        name_reference.fix_references(resources, config, referrers={id(res) for res in misses})
    except KpyError:
        for res, state in zip(resources, inputs):
            _restore(res, state)
        name_reference.fix_references(resources, config)  # raises what a fresh build raises
        return
    table.record(resources, keys, inputs)
    memo.reused += len(hits)
    memo.ran += len(misses)
