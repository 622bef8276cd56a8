"""Reading resource files into Resources, and the ordered collection with id-conflict checks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

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
    while queue:
        doc = queue.pop(0)
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
    for field in ("labels", "annotations"):
        value = (meta or {}).get(field)
        if value is not None and value != [] and not isinstance(value, dict):
            raise ResourceError(f"metadata.{field} must be a mapping of strings in object {_short(doc)}",
                                path=source, field=f"metadata.{field}")
    name = (meta or {}).get("name")
    # The reference checks the name's text: `name: 0` or `name: false` is a name, `name: ""` is not.
    if not name and not isinstance(name, (int, float)) and not (isinstance(kind, str) and kind.endswith("List")):
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
    """Resources in order, with the reference's rule that no two share an id."""

    def __init__(self, items: Iterable[Resource] = ()) -> None:
        self.items: list[Resource] = []
        self._keys: dict[tuple[str, ...], Resource] = {}
        self.append_all(items)

    def __iter__(self) -> Iterator[Resource]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def append(self, res: Resource) -> None:
        key = res.id.key()
        if key in self._keys:
            raise ResourceError(f"may not add resource with an already registered id: {res.id}")
        self._keys[key] = res
        self.items.append(res)

    def append_all(self, items: Iterable[Resource]) -> None:
        for res in items:
            self.append(res)

    def reindex(self) -> None:
        """Rebuild the id index after transformers renamed things in place (drops emptied objects)."""
        items = [r for r in self.items if r.obj]
        self.items, self._keys = [], {}
        self.append_all(items)

    def replace_items(self, items: list[Resource]) -> None:
        self.items, self._keys = [], {}
        self.append_all(items)

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
