"""Edit kustomization files as `kustomize edit` and `kustomize create` do, byte for byte:
`from kustomize_py.edit import set_image; set_image("overlays/prod", "app", new_tag="1.2")`.
Each function works on the kustomization in the directory it is given, writes atomically and
returns a Result (path, changed, warnings); bad arguments raise EditError."""

from __future__ import annotations

from kustomize_py.edit.add import (
    add_annotation,
    add_base,
    add_build_metadata,
    add_component,
    add_configmap,
    add_generator,
    add_label,
    add_patch,
    add_resource,
    add_secret,
    add_transformer,
)
from kustomize_py.edit.common import Result
from kustomize_py.edit.create import create
from kustomize_py.edit.fix import fix
from kustomize_py.edit.kustfile import ConcurrentEditError
from kustomize_py.edit.remove import (
    remove_annotation,
    remove_build_metadata,
    remove_configmap,
    remove_label,
    remove_patch,
    remove_resource,
    remove_secret,
    remove_transformer,
)
from kustomize_py.edit.set import (
    set_annotation,
    set_build_metadata,
    set_configmap,
    set_image,
    set_image_overlays,
    set_label,
    set_nameprefix,
    set_namespace,
    set_namesuffix,
    set_replicas,
    set_secret,
)

__all__ = [
    "ConcurrentEditError", "Result", "add_annotation", "add_base", "add_build_metadata",
    "add_component", "add_configmap", "add_generator", "add_label", "add_patch", "add_resource",
    "add_secret", "add_transformer", "create", "fix", "remove_annotation", "remove_build_metadata",
    "remove_configmap", "remove_label", "remove_patch", "remove_resource", "remove_secret",
    "remove_transformer", "set_annotation", "set_build_metadata", "set_configmap", "set_image",
    "set_image_overlays", "set_label", "set_nameprefix", "set_namespace", "set_namesuffix",
    "set_replicas", "set_secret",
]
