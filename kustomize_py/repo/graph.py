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

from kustomize_py.errors import KpyError, KustomizationError
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
    component: bool = False  # kind: Component (built only inside a kustomization, never alone)
    kustomization: bool = True  # False: a plain directory or Helm chart an Application deploys


@dataclass
class Graph:
    """Nodes by directory, and who includes whom."""

    nodes: dict[str, Node]
    included_by: dict[str, set[str]]
    deployed: set[str] = field(default_factory=set)  # paths an Application/Flux Kustomization deploys
    patterns: list[str] | None = None  # `.kpy.yaml` check.targets: what is deployable (None: convention)
    exclude: list[str] = field(default_factory=list)  # `.kpy.yaml` check.exclude

    @property
    def targets(self) -> list[str]:
        """What CI renders: overlays by convention (or `check.targets` globs), every kustomization nothing
        else includes, and every local path an Application or Flux Kustomization deploys; never a
        Component, never an excluded path."""
        from kustomize_py.repo.deployments import matches

        def wanted(p: str) -> bool:
            node = self.nodes[p]
            if matches(p, self.exclude) or node.component:
                return False
            if p in self.deployed:
                return True
            if self.patterns is not None:
                return node.kustomization and matches(p, self.patterns)
            return node.kustomization and (overlay_of(p) is not None or not self.included_by.get(p))
        return sorted(p for p in self.nodes if wanted(p))


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
            node.prefixes.add(target)  # a deleted base directory: the files that were in it count
    node.component = str(fields.get("kind") or "") == "Component"
    helm = fields.get("helmGlobals")
    if isinstance(helm, dict) and isinstance(helm.get("chartHome"), str):
        node.prefixes.add(_join(d, helm["chartHome"]))
    return node


def check_settings(config: dict[str, Any], path: str = ".kpy.yaml") -> tuple[list[str] | None, list[str]]:
    """`.kpy.yaml` check.targets (globs of deployable kustomizations) and check.exclude (globs)."""
    section = config.get("check") or {}
    if not isinstance(section, dict):
        raise KpyError("expected a mapping", path=path, field="check")
    out: list[list[str] | None] = []
    for name in ("targets", "exclude"):
        value = section.get(name)
        if value is not None and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
            raise KpyError("expected a list of path globs", path=path, field=f"check.{name}")
        out.append(None if value is None else [v.strip().strip("/").removeprefix("./") for v in value])
    return out[0], out[1] or []


def build_graph(root: Path, dirs: list[str] | None = None, *, deployments: list[Any] | None = None,
                config: dict[str, Any] | None = None) -> Graph:
    """The graph of every kustomization under `root`, plus the local paths its Applications, ApplicationSets
    and Flux Kustomizations deploy (`deployments`: as found by repo.deployments.discover, by default)."""
    from kustomize_py.repo.deployments import discover
    from kustomize_py.repo.discover import load_config

    root = Path(root)
    config = load_config(root) if config is None else config
    patterns, exclude = check_settings(config, str(root / ".kpy.yaml"))
    dirs = kustomization_dirs(root) if dirs is None else dirs
    nodes = {d: read_node(root, d) for d in dirs}
    deps = discover(root, config) if deployments is None else deployments
    deployed: set[str] = set()
    for dep in deps:
        path = dep.path
        if dep.local and path is not None and not matches_any(path, exclude):  # local: path is set
            deployed.add(path)
            if path not in nodes:
                nodes[path] = Node(path, prefixes={path}, kustomization=False)
    included_by: dict[str, set[str]] = {}
    for node in nodes.values():
        for dep in node.dirs:
            included_by.setdefault(dep, set()).add(node.path)
    return Graph(nodes, included_by, deployed, patterns, exclude)


def matches_any(path: str, patterns: list[str]) -> bool:
    from kustomize_py.repo.deployments import matches

    return matches(path, patterns)


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
