"""Parsed resource files, shared by the builds that are given the same cache object.

There is no module-global cache: a build parses with no cache unless one is passed
(`build(..., cache=ParseCache())`); `build_all()` makes one per call. Entries are keyed by the
file's real path and its bytes, and copied on the way in and out, so builds sharing a cache (also
from several threads) never see each other's changes to the parsed documents.

kpy --watch can key entries by path and `FileSystem.stat` instead, to skip reading unchanged files.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any


class ParseCache:
    """Documents parsed from resource files, by (real path, content)."""

    __slots__ = ("_docs",)

    def __init__(self) -> None:
        self._docs: dict[tuple[str, bytes], list[Any]] = {}

    def get(self, path: str, data: bytes) -> list[Any] | None:
        """A private copy of the documents parsed from `data` at `path`, or None."""
        from kustomize_py.yaml.load import plain_copy

        cached = self._docs.get((path, data))
        return None if cached is None else plain_copy(cached, keep_marks=True)

    def put(self, path: str, data: bytes, docs: list[Any]) -> None:
        from kustomize_py.yaml.load import plain_copy

        self._docs[(path, data)] = plain_copy(docs, keep_marks=True)

    def __len__(self) -> int:
        return len(self._docs)

    def __repr__(self) -> str:
        return f"ParseCache({len(self._docs)} files)"
