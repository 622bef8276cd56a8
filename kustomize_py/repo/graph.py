"""The file dependency graph of every kustomization in a repo: which files and bases each one reads.

Every field that names a file counts, including the ones other tools forget: generator `envs`/`env`
and `files` (`key=path`), `configurations`, `crds`, `openapi.path`, `replacements[].path`,
transformer/generator/validator files, and Helm values files.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kustomize_py.errors import KustomizationError
from kustomize_py.kustomization import FILE_NAMES
from kustomize_py.remote import is_remote
from kustomize_py.repo.discover import kustomization_dirs, overlay_of


@dataclass
class Node:
    """One kustomization directory and what it reads, all as repo-relative '/'-separated paths."""

    path: str
    files: set[str] = field(default_factory=set)  # files it reads (existing or not)
    dirs: set[str] = field(default_factory=set)  # bases, components, plugin directories
    prefixes: set[str] = field(default_factory=set)  # plain directories read whole (chartHome, ...)
    error: str | None = None  # unreadable kustomization: any file under its directory counts


@dataclass
class Graph:
    """Nodes by directory, and who includes whom."""

    nodes: dict[str, Node]
    included_by: dict[str, set[str]]

    @property
    def targets(self) -> list[str]:
        """What CI renders: overlays by convention, plus every kustomization nothing else includes."""
        return sorted(p for p in self.nodes if overlay_of(p) or not self.included_by.get(p))


def _join(base: str, entry: str) -> str:
    joined = posixpath.normpath(posixpath.join(base, entry.strip()))
    return "." if joined in ("", ".") else joined


def _is_inline(entry: Any) -> bool:
    # Inline patches and plugin configs are YAML text in the list, not file names.
    return not isinstance(entry, str) or "\n" in entry or entry.lstrip().startswith(("{", "apiVersion:"))


def _file_entries(k: dict[str, Any]) -> list[str]:
    """Every file-or-directory name a kustomization's fields mention (relative to it)."""
    out: list[str] = []
    for name in ("resources", "bases", "components", "configurations", "crds", "transformers",
                 "generators", "validators", "patchesStrategicMerge"):
        out += [e for e in k.get(name) or [] if not _is_inline(e)]
    for name in ("patches", "patchesJson6902", "replacements"):
        out += [e["path"] for e in k.get(name) or [] if isinstance(e, dict) and isinstance(e.get("path"), str)]
    for name in ("configMapGenerator", "secretGenerator"):
        for gen in k.get(name) or []:
            if not isinstance(gen, dict):
                continue
            for f in gen.get("files") or []:
                out.append(str(f).split("=", 1)[1] if "=" in str(f) else str(f))
            out += [str(e) for e in gen.get("envs") or []]
            if gen.get("env"):
                out.append(str(gen["env"]))
    openapi = k.get("openapi")
    if isinstance(openapi, dict) and isinstance(openapi.get("path"), str):
        out.append(openapi["path"])
    for chart in k.get("helmCharts") or []:
        if isinstance(chart, dict):
            out += [v for v in [chart.get("valuesFile")] + list(chart.get("additionalValuesFiles") or [])
                    if isinstance(v, str)]
    return [e for e in out if e and not is_remote(e)]


def read_fields(path: Path) -> dict[str, Any]:
    """The kustomization's fields, normalised like the loader when it validates, else as written."""
    from kustomize_py.kustomization import from_dict
    from kustomize_py.yaml import load

    raw = load(path.read_bytes(), str(path))
    if not isinstance(raw, dict):
        raise KustomizationError("expected a mapping of fields", path=str(path))
    try:
        return dict(from_dict(dict(raw), str(path)).fields)
    except Exception:
        return raw


def read_node(root: Path, d: str) -> Node:
    """The dependencies of the kustomization in directory `d` (relative to `root`)."""
    node = Node(d)
    names = [n for n in FILE_NAMES if (root / d / n).is_file()]
    node.files.update(_join(d, n) for n in FILE_NAMES)  # adding a second one breaks it, too
    try:
        fields = read_fields(root / d / names[0])
    except Exception as err:
        node.error = str(err)
        node.prefixes.add(d)
        return node
    for entry in _file_entries(fields):
        target = _join(d, entry)
        full = root / target
        if any((full / n).is_file() for n in FILE_NAMES):
            node.dirs.add(target)
        elif full.is_dir():
            node.prefixes.add(target)
        else:
            node.files.add(target)
    helm = fields.get("helmGlobals")
    if isinstance(helm, dict) and isinstance(helm.get("chartHome"), str):
        node.prefixes.add(_join(d, helm["chartHome"]))
    return node


def build_graph(root: Path, dirs: list[str] | None = None) -> Graph:
    """The graph of every kustomization under `root`."""
    root = Path(root)
    dirs = kustomization_dirs(root) if dirs is None else dirs
    nodes = {d: read_node(root, d) for d in dirs}
    included_by: dict[str, set[str]] = {}
    for node in nodes.values():
        for dep in node.dirs:
            included_by.setdefault(dep, set()).add(node.path)
    return Graph(nodes, included_by)


def _under(path: str, prefix: str) -> bool:
    return prefix == "." or path == prefix or path.startswith(prefix + "/")


def directly_affected(graph: Graph, changed: list[str]) -> set[str]:
    """Kustomizations that read one of the `changed` files themselves."""
    out: set[str] = set()
    for node in graph.nodes.values():
        for f in changed:
            if f in node.files or any(_under(f, p) for p in node.prefixes):
                out.add(node.path)
                break
    return out


def affected(graph: Graph, changed: list[str]) -> set[str]:
    """Kustomizations that read a changed file, directly or through bases and components."""
    todo = list(directly_affected(graph, [posixpath.normpath(f) for f in changed]))
    seen = set(todo)
    while todo:
        for parent in graph.included_by.get(todo.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen
