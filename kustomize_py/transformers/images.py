"""`images:`: rewrite container image names, tags and digests."""

from __future__ import annotations

import re
from functools import lru_cache

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

from kustomize_py.fieldspecs import FieldSpec
from kustomize_py.resource import Resource, split_api_version

_FIELDS = ("containers", "initContainers")


@lru_cache(maxsize=256)
def _matcher(name: str) -> re.Pattern[str] | None:
    try:
        return re.compile("^" + name + r"(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$")
    except re.error:
        return None


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

    for res in resources:
        if res.kind == "CustomResourceDefinition":
            continue
        _legacy_walk(res.obj, update)
        group, version = split_api_version(res.api_version)
        for fs in specs:
            if fs.matches(group, version, res.kind):
                fs.apply(res.obj, update, None)


def _legacy_walk(node: Any, update: Any) -> None:
    """Every `containers`/`initContainers` list anywhere in the object gets its images updated."""
    if isinstance(node, dict):
        for key, value in node.items():
            _legacy_walk(value, update)
            if key in _FIELDS and isinstance(value, list):
                for item in value:
                    if isinstance(item, dict) and "image" in item:
                        update(item, "image")
    elif isinstance(node, list):
        for item in node:
            _legacy_walk(item, update)
