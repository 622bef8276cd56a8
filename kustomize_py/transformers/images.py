"""`images:`: rewrite container image names, tags and digests."""

from __future__ import annotations

import re
from functools import lru_cache

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

from kustomize_py.fieldspecs import FieldSpec
from kustomize_py.fieldspecs.spec import by_kind
from kustomize_py.resource import Resource

_FIELDS = ("containers", "initContainers")


@lru_cache(maxsize=256)
def _matcher(name: str) -> re.Pattern[str] | _Plain | None:
    if not _SPECIAL.search(name):
        return _Plain(name)  # compiling costs ~0.3 ms an entry; `images:` may list a thousand
    try:
        return re.compile("^" + name + _TAIL)
    except re.error:
        return None


_TAIL = r"(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$"
_TAIL_RE = re.compile(_TAIL)


class _Plain:
    """`re.compile("^" + name + _TAIL)` for a name whose only special character is `.` (any
    character but a newline): the name part has the name's length, so no backtracking is needed."""

    __slots__ = ("name", "dots")

    def __init__(self, name: str) -> None:
        self.name = name
        self.dots = [j for j, ch in enumerate(name) if ch == "."]

    def match(self, value: str) -> bool:
        name = self.name
        n = len(name)
        head = value[:n]
        if len(head) < n:
            return False
        if self.dots:
            if any(head[j] == "\n" for j in self.dots):
                return False
            chars = list(head)
            for j in self.dots:
                chars[j] = "."
            head = "".join(chars)
        return head == name and _TAIL_RE.match(value, n) is not None


def split_image(image: str) -> tuple[str, str, str]:
    """`reg:5000/app:1.0@sha256:x` -> (`reg:5000/app`, `1.0`, `sha256:x`)."""
    slash = image.find("/")
    base = slash if slash > 0 else 0
    search = image[base:]
    at, colon = search.find("@"), search.find(":")
    if colon < 0 and at < 0:
        return image, "", ""
    if at >= 0 and (at < colon or colon < 0):
        return image[: base + at], "", image[base + at + 1:]
    if at >= 0 and colon >= 0:
        return image[: base + colon], image[base + colon + 1: base + at], image[base + at + 1:]
    return image[: base + colon], image[base + colon + 1:], ""


def new_image(value: str, spec: dict[str, Any]) -> str | None:
    """The rewritten image, or None when `spec` does not select `value`."""
    pattern = _matcher(str(spec.get("name") or ""))
    if pattern is None or not pattern.match(value):
        return None
    name, tag, digest = split_image(value)
    new_name, new_tag = _s(spec.get("newName")), _s(spec.get("newTag"))
    new_digest, tag_suffix = _s(spec.get("digest")), _s(spec.get("tagSuffix"))
    if new_name:
        name = new_name
    if new_tag and new_digest:
        tag, digest = new_tag, new_digest
    elif new_tag:
        tag, digest = new_tag, ""
    elif new_digest:
        tag, digest = "", new_digest
    elif tag_suffix:
        tag, digest = tag + tag_suffix, ""
    if tag:
        name += ":" + tag
    if digest:
        name += "@" + digest
    return name


def _s(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def set_images(resources: list[Resource], spec: dict[str, Any], specs: list[FieldSpec]) -> None:
    def update(parent: Any, key: Any) -> None:
        value = parent.get(key) if isinstance(parent, dict) else None
        if isinstance(value, str):
            out = new_image(value, spec)
            if out is not None:
                parent[key] = out

    matching = by_kind(specs)
    for res in resources:
        rid = res.id
        if rid.kind == "CustomResourceDefinition":
            continue
        _legacy_walk(res.obj, update)
        for fs in matching(rid.group, rid.version, rid.kind):
            fs.apply(res.obj, update, None)


def _legacy_walk(node: Any, update: Any) -> None:
    """Every `containers`/`initContainers` list anywhere in the object gets its images updated."""
    # (lists are walked here, not in a call of their own, and scalars not at all: most values are)
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, dict):
                _legacy_walk(value, update)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, (dict, list)):
                        _legacy_walk(item, update)
                if key in _FIELDS:
                    for item in value:
                        if isinstance(item, dict) and "image" in item:
                            update(item, "image")
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, (dict, list)):
                _legacy_walk(item, update)


def set_image_list(resources: list[Resource], images: list[dict[str, Any]], specs: list[FieldSpec]) -> None:
    """Several `images:` entries in one pass over the resources, with the result of running
    `set_images` for each entry in turn: every entry rewrites one image field at a time, and
    which fields an entry visits (and how often) does not depend on their values. For each field
    the entries that may match its value are looked up (`_EntryIndex`), not tried one by one."""
    index = _EntryIndex(images)
    matching = by_kind(specs)
    for res in resources:
        rid = res.id
        if rid.kind == "CustomResourceDefinition":
            continue
        visits: dict[tuple[int, Any], list[Any]] = {}

        def visit(parent: Any, key: Any) -> None:
            seen = visits.get((id(parent), key))
            if seen is None:
                visits[(id(parent), key)] = [parent, key, 1]
            else:
                seen[2] += 1

        _legacy_walk(res.obj, visit)
        for fs in matching(rid.group, rid.version, rid.kind):
            fs.apply(res.obj, visit, None)
        for parent, key, times in visits.values():
            value = parent.get(key) if isinstance(parent, dict) else None
            if isinstance(value, str):
                parent[key] = index.rewrite(value, times)


class _EntryIndex:
    """`images:` entries by name. An entry's name is a regular expression matched against the
    image's name part (then an optional `:tag` and `@sha256:digest`), so the name part ends at the
    end of the image or at a `:` or `@`. Names whose only special character is `.` (any one
    character) are filed by length and the positions of their dots: an image's name part is
    looked up by masking the same positions. Other names are tried on every image."""

    def __init__(self, images: list[dict[str, Any]]) -> None:
        self.images = images
        self.masked: dict[tuple[int, ...], dict[str, list[int]]] = {}
        self.wild: list[int] = []
        for i, spec in enumerate(images):
            name = str(spec.get("name") or "")
            if _SPECIAL.search(name.replace(".", "")):
                self.wild.append(i)
            else:
                mask = tuple(j for j, ch in enumerate(name) if ch == ".")
                self.masked.setdefault(mask, {}).setdefault(name, []).append(i)

    def _candidates(self, value: str) -> set[int]:
        found = set(self.wild)
        cuts = {len(value)} | {j for j, ch in enumerate(value) if ch in ":@"}
        for cut in cuts:
            head = value[:cut]
            for mask, names in self.masked.items():
                if mask and mask[-1] >= cut:
                    continue
                if mask:
                    chars = list(head)
                    for j in mask:
                        chars[j] = "."
                    key = "".join(chars)
                else:
                    key = head
                found.update(names.get(key, ()))
        return found

    def rewrite(self, value: str, times: int) -> str:
        """`value` after every entry in order, each applied `times` times."""
        after = -1
        while True:
            for i in sorted(j for j in self._candidates(value) if j > after):
                out = new_image(value, self.images[i])
                if out is not None:
                    for _ in range(times - 1):
                        value, out = out, new_image(out, self.images[i])
                        if out is None:
                            out = value
                            break
                    value, after = out, i
                    break
            else:
                return value


_SPECIAL = re.compile(r"[\^$*+?{}\[\]\\|()]")
