"""What the directory and git backends share: one YAML file per object, named from its key."""

from __future__ import annotations

import re
from typing import Any

from kustomize_py.sync.keys import ResourceKey

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
CLUSTER_DIR = "_cluster"


def relpath(key: ResourceKey) -> str:
    """`<namespace|_cluster>/<kind>[.<group>]-<name>.yaml`, lower-case kind as kubectl spells resources."""
    kind = key.kind.lower() + (f".{key.group}" if key.group else "")
    folder = key.namespace or CLUSTER_DIR
    return f"{_UNSAFE.sub('_', folder)}/{_UNSAFE.sub('_', kind)}-{_UNSAFE.sub('_', key.name)}.yaml"


def render(obj: dict[str, Any]) -> bytes:
    from kustomize_py.yaml import dump

    return dump(obj).encode()


def parse(data: bytes, source: str) -> dict[str, Any] | None:
    from kustomize_py.yaml import load

    obj = load(data, source)
    return obj if isinstance(obj, dict) else None
