"""`kustomize create`: write a new kustomization.yaml from flags and, optionally, the resources
found in the directory."""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

from kustomize_py.edit.common import Result, glob_or_remote, key_values_csv
from kustomize_py.edit.kustfile import FILE_NAMES, atomic_replace, render
from kustomize_py.errors import EditError, KpyError


def _is_resource_file(path: str) -> bool:
    """kustomize lists a file when it parses as Kubernetes objects (an empty file counts)."""
    from kustomize_py.yaml.load import load_all

    try:
        with open(path, "rb") as f:
            docs = load_all(f.read(), path)
    except (OSError, KpyError, ValueError):
        return False
    for doc in docs:
        if doc is None:
            continue
        if not isinstance(doc, dict) or not doc.get("kind") or not isinstance(doc.get("kind"), str):
            return False
    return True


def detect_resources(directory: str, recursive: bool = False) -> list[str]:
    """Files under `directory` that hold Kubernetes objects, and with `recursive` the
    subdirectories holding a kustomization (not searched further), in walk order."""
    found: list[str] = []

    def walk(rel: str) -> None:
        here = os.path.join(directory, rel) if rel else directory
        for name in sorted(os.listdir(here)):
            path = os.path.join(rel, name) if rel else name
            full = os.path.join(directory, path)
            if os.path.isdir(full):
                if not recursive:
                    continue
                if any(os.path.exists(os.path.join(full, n)) for n in FILE_NAMES):
                    found.append(path)
                    continue
                walk(path)
            elif _is_resource_file(full):
                found.append(path)

    walk("")
    return found


def create(directory: str = ".", *, resources: str = "", namespace: str = "", nameprefix: str = "",
           namesuffix: str = "", labels: str = "", annotations: str = "", autodetect: bool = False,
           recursive: bool = False) -> Result:
    """`kustomize create`: a new kustomization.yaml in `directory`; an existing one fails."""
    listed = glob_or_remote(directory, resources.split(",")) if resources else []
    if any(os.path.lexists(os.path.join(directory, n)) for n in FILE_NAMES):
        raise EditError("kustomization file already exists")
    if autodetect:
        for path in detect_resources(directory, recursive):
            if path not in listed:
                listed.append(path)
    k: dict[str, Any] = {"kind": "Kustomization", "apiVersion": "kustomize.config.k8s.io/v1beta1",
                         "resources": listed, "namespace": namespace, "namePrefix": nameprefix,
                         "nameSuffix": namesuffix,
                         "commonAnnotations": key_values_csv(annotations, "annotation"),
                         "commonLabels": key_values_csv(labels, "label")}
    path = os.path.join(directory, "kustomization.yaml")
    atomic_replace(path, render(k).encode("utf-8"), new=True)
    return Result(path, True, [])


__all__ = ["create", "detect_resources"]
