"""Reading resource files into Resources, and the ordered collection with id-conflict checks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

from kustomize_py import work
from kustomize_py.errors import ResourceError
from kustomize_py.resource import ResId, Resource


def from_documents(docs: list[Any], source: str, data: str | bytes | None = None) -> list[Resource]:
    """Resources from parsed documents: validate metadata, expand `*List` kinds like the reference.
    `data`, the file's text when known, tells whether it holds a single document (see below)."""
    queue = list(docs)
    if data is not None and len(queue) == 1 and _is_function_wrapper(queue[0]) and _single_document(data):
        # The reference's reader unwraps a lone List/ResourceList holding `items` or
        # `functionConfig`: the items are the resources and the function config is dropped.
        queue = list(queue[0].get("items") or [])
    out: list[Resource] = []
    i = 0
    while i < len(queue):  # (a list's items are queued at the end)
        doc = queue[i]
        i += 1
        if doc is None or doc == {}:
            continue
        _validate(doc, source)
        if "metadata" not in doc:
            # Only nameless *List kinds get here; the reference prints them with `metadata: {}`.
            doc["metadata"] = {}
        kind = doc.get("kind")
        if isinstance(kind, str) and kind.endswith("List") and "items" in doc:
            items = doc["items"]
            if items is None:
                continue
            if not isinstance(items, list):
                raise ResourceError(f"expected array in {kind}/items, but found {type(items).__name__}", path=source)
            for item in items:
                if item is None or item == {}:
                    continue
                _validate(item, source)
                queue.append(item)
            continue
        out.append(Resource(doc, source=source))
    return out


def _is_function_wrapper(doc: Any) -> bool:
    return (isinstance(doc, dict) and doc.get("kind") in ("ResourceList", "List")
            and ("items" in doc or "functionConfig" in doc) and isinstance(doc.get("items") or [], list))


def _single_document(data: str | bytes) -> bool:
    """True when the reference's reader sees one document: no `---` line after the first line."""
    import re

    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    return re.search(r"\n---.*\n", text.replace("\r\n", "\n")) is None


def _validate(doc: Any, source: str) -> None:
    if not isinstance(doc, dict):
        raise ResourceError(f"expected a mapping (an object), got {type(doc).__name__}", path=source)
    kind = doc.get("kind")
    if not kind:
        raise ResourceError(f"missing kind in object {_short(doc)}", path=source)
    meta = doc.get("metadata")
    if meta is not None and not isinstance(meta, dict):
        raise ResourceError("metadata must be a mapping", path=source, field="metadata")
    if meta:
        for field in ("labels", "annotations"):
            value = meta.get(field)
            if value is not None and value != [] and not isinstance(value, dict):
                raise ResourceError(f"metadata.{field} must be a mapping of strings in object {_short(doc)}",
                                    path=source, field=f"metadata.{field}")
    name = (meta or {}).get("name")
    # The reference checks the name's text: `name: 0` or `name: false` is a name, `name: ""` is not,
    # and neither is a map or a list (they have no text).
    missing = isinstance(name, (dict, list)) or (not name and not isinstance(name, (int, float)))
    if missing and not (isinstance(kind, str) and kind.endswith("List")):
        raise ResourceError(f"missing metadata.name in object {_short(doc)}", path=source)
    # The reference's "empty item" check for null list items never fires (it inspects the wrong
    # type), so lists such as `[null, ~]` are accepted as they are.


def _short(doc: dict[str, Any]) -> str:
    meta = doc.get("metadata") or {}
    return f"{{kind: {doc.get('kind')!s}, name: {meta.get('name')!s}}}"


def go_string(value: Any) -> str:
    """How the reference renders a non-string scalar read back as a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return str(value)


class ResourceList:
    """Resources in order, with the reference's rule that no two share an id.

    Lookups by id, name, kind, label or annotation go through an index (`Lookup`), built on first
    use and then kept up to date: a transformer that changes a few resources reports them to
    `reindex(changed)`, which updates their entries instead of rebuilding everything."""

    def __init__(self, items: Iterable[Resource] = ()) -> None:
        self.items: list[Resource] = []
        self._keys: dict[tuple[str, ...], Resource] = {}  # current id key -> resource
        self._key_of: dict[int, tuple[str, ...]] = {}  # id(resource) -> its key in _keys
        self._lookup: Lookup | None = None
        self.append_all(items)

    def __iter__(self) -> Iterator[Resource]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def append(self, res: Resource) -> None:
        key = res.id_key()
        if key in self._keys:
            raise ResourceError(f"may not add resource with an already registered id: {res.id}")
        if work.counts is not None:
            work.add("indexed")
        self._keys[key] = res
        self._key_of[id(res)] = key
        self.items.append(res)
        if self._lookup is not None:
            self._lookup.add(res, len(self.items) - 1)

    def append_all(self, items: Iterable[Resource]) -> None:
        for res in items:
            self.append(res)

    def reindex(self, changed: Iterable[Resource] | None = None) -> None:
        """Rebuild the id index after transformers renamed things in place (drops emptied objects).

        `changed`, when given, holds every resource the transformer may have changed: only their
        entries are updated. An emptied or now colliding one takes the full rebuild, which drops
        it or raises the same error as before."""
        if changed is not None and self._update(changed):
            return
        if changed is None and self._unchanged():
            self._lookup = None  # as the rebuild would: values the lookup files may have changed
            return
        items = [r for r in self.items if r.obj]
        self.items, self._keys, self._key_of, self._lookup = [], {}, {}, None
        self.append_all(items)

    def _unchanged(self) -> bool:
        """True when no resource was emptied or took another id: a rebuild would make the same
        id index (most transformers change no id; ids are cached, so this check is cheap)."""
        key_of = self._key_of
        for res in self.items:
            if not res.obj or key_of.get(id(res)) != res.id_key():
                return False
        if work.counts is not None:
            work.add("indexed", len(self.items))
        return True

    def _update(self, changed: Iterable[Resource]) -> bool:
        """Update the entries of `changed`; False when only a full rebuild will do."""
        moved = []
        for res in {id(r): r for r in changed}.values():
            old = self._key_of.get(id(res))
            if not res.obj or old is None:
                return False
            if work.counts is not None:
                work.add("indexed")
            new = res.id_key()
            if new != old:
                moved.append((res, old, new))
            elif self._lookup is not None:
                self._lookup.refresh(res)
        for res, old, _ in moved:
            if self._keys.get(old) is res:
                del self._keys[old]
        for res, _, new in moved:
            if new in self._keys:
                return False
            self._keys[new] = res
            self._key_of[id(res)] = new
            if self._lookup is not None:
                self._lookup.refresh(res)
        return True

    def replace_items(self, items: list[Resource]) -> None:
        self.items, self._keys, self._key_of, self._lookup = [], {}, {}, None
        self.append_all(items)

    def replace(self, old: Resource, new: Resource) -> None:
        """Put `new` in `old`'s place (same position); its id must not collide with another's."""
        lookup = self.lookup()
        index = lookup.pos[id(old)]
        key = self._key_of.pop(id(old))
        del self._keys[key]
        lookup.remove(old)
        new_key = new.id_key()
        if new_key in self._keys:  # as replace_items would: the full rebuild raises it
            self.items[index] = new
            self.replace_items(list(self.items))
            return
        self.items[index] = new
        self._keys[new_key] = new
        self._key_of[id(new)] = new_key
        lookup.add(new, index)

    def by_any_id(self) -> dict[tuple[str, ...], list[Resource]]:
        """Index by every current and previous id key (for lookups that accept renamed objects)."""
        index: dict[tuple[str, ...], list[Resource]] = {}
        for res in self.items:
            seen = set()
            for rid in res.all_ids():
                key = rid.key()
                if key not in seen:
                    seen.add(key)
                    index.setdefault(key, []).append(res)
        return index

    def get_current(self, rid: ResId) -> Resource | None:
        return self._keys.get(rid.key())

    def lookup(self) -> Lookup:
        """The lookup index, built now if not yet."""
        if self._lookup is None:
            self._lookup = Lookup(self.items)
        return self._lookup

    def with_any_id(self, key: tuple[str, ...]) -> list[Resource]:
        """Resources having (now or before) the id key `key`, in order."""
        return self.lookup().ordered(self.lookup().by_key.get(key))

    def named(self, name: str) -> list[Resource]:
        """Resources having (now or before) the name `name`, in order."""
        return self.lookup().ordered(self.lookup().by_name.get(name))


class Lookup:
    """Multi-valued indexes over a resource list: every id key, name and kind each resource has
    had (current and previous), names sorted for prefix search (kept sorted as names come and go), and label or annotation values
    per key (built per key on first use). Candidates come out in list order; callers still test
    each one, so an index only has to hold a superset of the matches."""

    def __init__(self, items: list[Resource]) -> None:
        self.items = items
        self.pos: dict[int, int] = {}
        self.entries: dict[int, tuple[tuple[Any, ...], ...]] = {}
        self.by_key: dict[Any, dict[int, Resource]] = {}
        self.by_name: dict[Any, dict[int, Resource]] = {}
        self.by_kind: dict[Any, dict[int, Resource]] = {}
        self.sorted_names: list[str] | None = None
        # (field, key) -> (value -> resources with that exact string value, resources whose value
        # is not a plain string, id(resource) -> where it is filed)
        self.maps: dict[tuple[str, str], tuple[dict[str, dict[int, Resource]], dict[int, Resource],
                                               dict[int, Any]]] = {}
        for index, res in enumerate(items):
            self.add(res, index)

    def _facts(self, res: Resource) -> tuple[tuple[Any, ...], ...]:
        ids = res.all_ids()
        return (tuple({rid.key(): None for rid in ids}), tuple({rid.name: None for rid in ids}),
                tuple({rid.kind: None for rid in ids}))

    def add(self, res: Resource, index: int) -> None:
        self.pos[id(res)] = index
        facts = self.entries[id(res)] = self._facts(res)
        for table, values in zip((self.by_key, self.by_name, self.by_kind), facts):
            for value in values:
                bucket = table.get(value)
                if bucket is None:
                    bucket = table[value] = {}
                    if table is self.by_name and self.sorted_names is not None:
                        from bisect import insort  # only once a prefix search was made

                        insort(self.sorted_names, value)
                bucket[id(res)] = res
        for (field, key), filed in self.maps.items():
            self._file(res, field, key, filed)

    def remove(self, res: Resource) -> None:
        del self.pos[id(res)]
        facts = self.entries.pop(id(res))
        for table, values in zip((self.by_key, self.by_name, self.by_kind), facts):
            for value in values:
                bucket = table[value]
                del bucket[id(res)]
                if not bucket:
                    del table[value]
                    if table is self.by_name and self.sorted_names is not None:
                        from bisect import bisect_left

                        del self.sorted_names[bisect_left(self.sorted_names, value)]
        for filed in self.maps.values():
            self._unfile(res, filed)

    def refresh(self, res: Resource) -> None:
        """Update the entries of `res` after it changed in place."""
        index = self.pos[id(res)]
        if self._facts(res) != self.entries[id(res)]:
            self.remove(res)
            self.add(res, index)
        else:
            for (field, key), filed in self.maps.items():
                self._unfile(res, filed)
                self._file(res, field, key, filed)

    def ordered(self, bucket: dict[int, Resource] | None) -> list[Resource]:
        if not bucket:
            return []
        if work.counts is not None:
            work.add("examined", len(bucket))
        pos = self.pos
        return sorted(bucket.values(), key=lambda r: pos[id(r)])

    def with_name_prefix(self, prefix: str) -> dict[int, Resource]:
        """Resources that had a name starting with `prefix`."""
        from bisect import bisect_left

        if self.sorted_names is None:
            self.sorted_names = sorted(self.by_name)
        names = self.sorted_names
        out: dict[int, Resource] = {}
        for i in range(bisect_left(names, prefix), len(names)):
            if not names[i].startswith(prefix):
                break
            out.update(self.by_name[names[i]])
        return out

    def with_value(self, field: str, key: str, value: str) -> dict[int, Resource]:
        """Resources whose `metadata.<field>` (labels or annotations) may hold key=value."""
        filed = self.maps.get((field, key))
        if filed is None:
            filed = self.maps[(field, key)] = ({}, {}, {})
            for res in self.items:
                self._file(res, field, key, filed)
        exact, odd, _ = filed
        return {**exact.get(value, {}), **odd}

    @staticmethod
    def _file(res: Resource, field: str, key: str, filed: Any) -> None:
        exact, odd, where = filed
        m = (res.obj.get("metadata") or {}).get(field) if isinstance(res.obj, dict) else None
        if not isinstance(m, dict) or not m:
            return
        value = m.get(key)
        if value is None and key not in m:
            if all(k.__class__ is str for k in m):
                return
            value = odd  # a key that is not a string may read as `key`
        if value.__class__ is str:
            exact.setdefault(value, {})[id(res)] = res
            where[id(res)] = value
        else:  # compared by its text, which each caller works out its own way: always a candidate
            odd[id(res)] = res
            where[id(res)] = odd

    @staticmethod
    def _unfile(res: Resource, filed: Any) -> None:
        exact, odd, where = filed
        value = where.pop(id(res), None)
        if value is odd:
            del odd[id(res)]
        elif value is not None:
            bucket = exact[value]
            del bucket[id(res)]
            if not bucket:
                del exact[value]
