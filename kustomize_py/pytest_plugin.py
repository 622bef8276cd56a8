"""A pytest plugin (entry point `pytest11`, loaded when kustomize_py is installed): fixtures that
build an overlay, or a tree held in memory, and find objects in the result.

    def test_prod_has_three_replicas(kustomize):
        result = kustomize.build("deploy/overlays/prod")
        assert kustomize.one(result, "Deployment", "prod-web")["spec"]["replicas"] == 3

    def test_prefix(kustomize):
        result = kustomize.build_tree({"kustomization.yaml": "namePrefix: a-\\nresources: [cm.yaml]\\n",
                                       "cm.yaml": CONFIGMAP})
        assert kustomize.names(result) == ["a-settings"]

Builds raise kustomize_py's errors as usual (`pytest.raises(LoadRestrictionError)`); warnings are
collected in `result.warnings`, not printed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import pytest

from kustomize_py.filesys import Symlink
from kustomize_py.options import BuildOptions
from kustomize_py.pipeline import BuildResult, build


class Kustomize:
    """What the `kustomize` fixture hands a test: builds with shared options, and lookups."""

    def __init__(self, options: BuildOptions | None = None) -> None:
        self.options = options or BuildOptions()

    def build(self, path: str | os.PathLike[str], **options: Any) -> BuildResult:
        """Build the kustomization directory `path` (keyword arguments: build()'s options)."""
        return build(path, options=self.options.replace(**options) if options else self.options)

    def build_tree(self, files: Mapping[str, str | bytes | Symlink], path: str = ".", **options: Any) -> BuildResult:
        """Build directory `path` of an in-memory tree {relative path: content}; no disk access."""
        return build(path, files=files, options=self.options.replace(**options) if options else self.options)

    @staticmethod
    def find(result: BuildResult, kind: str | None = None, name: str | None = None,
             namespace: str | None = None) -> list[dict[str, Any]]:
        """The objects of `result` with this kind, name and namespace (None matches any)."""
        out = []
        for obj in result.objects:
            meta = obj.get("metadata") or {}
            if ((kind is None or obj.get("kind") == kind) and (name is None or meta.get("name") == name)
                    and (namespace is None or meta.get("namespace") == namespace)):
                out.append(obj)
        return out

    def one(self, result: BuildResult, kind: str, name: str, namespace: str | None = None) -> dict[str, Any]:
        """The single object with this kind and name (and namespace); fails the test otherwise."""
        found = self.find(result, kind, name, namespace)
        if len(found) != 1:
            where = f" in namespace {namespace}" if namespace else ""
            present = ", ".join(f"{o.get('kind')}/{(o.get('metadata') or {}).get('name')}" for o in result.objects)
            pytest.fail(f"expected one {kind} {name!r}{where}, found {len(found)} (objects: {present})")
        return found[0]

    @staticmethod
    def names(result: BuildResult, kind: str | None = None) -> list[str]:
        """metadata.name of each object (of `kind`), in output order."""
        return [str((o.get("metadata") or {}).get("name")) for o in result.objects
                if kind is None or o.get("kind") == kind]


@pytest.fixture
def kustomize() -> Kustomize:
    """Build overlays or in-memory trees with kpy; see kustomize_py.pytest_plugin."""
    return Kustomize()
