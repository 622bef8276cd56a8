"""What a change removes: overlays and deployable targets, and the Applications, ApplicationSets and Flux
Kustomizations whose removal makes the GitOps controller delete what they deployed.

These are errors unless allowed by name or path (`--allow-removal`, `.kpy.yaml` check.allowRemovals, or
the KPY_ALLOW_REMOVALS environment variable for one commit: `KPY_ALLOW_REMOVALS=web-prod git commit`).
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from typing import Any

from kustomize_py.kustomization import FILE_NAMES
from kustomize_py.repo.issues import ERROR, WARNING, Issue

ENV_ALLOW = "KPY_ALLOW_REMOVALS"


def allowed(names: set[str]) -> set[str]:
    """The allowed names and paths, with the environment's comma-separated list ('*': all)."""
    extra = {n.strip() for n in os.environ.get(ENV_ALLOW, "").split(",") if n.strip()}
    return names | extra


def old_deployments(root: Path, base: str, files: list[str]) -> list[Any]:
    """The deployments the given files declared at `base`."""
    from kustomize_py.repo.deployments import from_object, own_urls
    from kustomize_py.repo.discover import load_config
    from kustomize_py.repo.gitrefs import show
    from kustomize_py.yaml import load_all

    urls = own_urls(root, load_config(root))
    out = []
    for name in files:
        if not name.endswith((".yaml", ".yml", ".json")):
            continue
        data = show(root, base, name)
        if not data or not any(m in data for m in (b"argoproj.io", b"fluxcd.io", b"kustomize-py/")):
            continue
        try:
            docs = load_all(data, name)
        except Exception:
            continue  # a template: what it declared is not knowable here
        for doc in docs:
            out += from_object(root, doc, name, urls)
    return out


def _danger(dep: Any) -> str | None:
    if dep.kind == "Application" and dep.cascade_finalizer:
        return "it carries the resources finalizer: Argo CD deletes everything it deployed"
    if dep.kind == "Application" and dep.prune:
        return "if an app-of-apps prunes it, what it deployed is left unmanaged or deleted"
    if dep.kind == "ApplicationSet":
        return "Argo CD deletes the Applications it generated (and, with their finalizers, their resources)"
    if dep.kind == "Kustomization" and dep.prune:
        return "Flux garbage-collects everything it applied (prune: true)"
    return None


def removed_targets(root: Path, base: str, deleted: list[str], graph: Any) -> list[str]:
    """Targets at `base` that a deleted kustomization file removes (read in base's own tree)."""
    gone = sorted({posixpath.dirname(f) or "." for f in deleted if posixpath.basename(f) in FILE_NAMES})
    gone = [d for d in gone if not (d in graph.nodes and graph.nodes[d].kustomization)]
    if not gone:
        return []
    from kustomize_py.repo.affected import _graph
    from kustomize_py.repo.deployments import own_urls
    from kustomize_py.repo.discover import load_config
    from kustomize_py.repo.gitrefs import tree_at

    with tree_at(root, base) as old_root:
        old = _graph(old_root, own_urls(root, load_config(root)))
    return [d for d in gone if d in old.targets]


def removed_issues(root: Path, base: str, changed: list[str], deleted: list[str], graph: Any,
                   deployments: list[Any], allow: set[str]) -> list[Issue]:
    """Issues for the targets and deployments that the change from `base` removes."""
    from kustomize_py.errors import KpyError
    from kustomize_py.repo.gitrefs import changes

    ok = allowed(allow)
    issues = []
    now = {(d.kind, d.name) for d in deployments}
    try:  # one diff, so a long list of unchanged files (pre-commit --all-files) costs no git show each
        differing = set(changes(root, base))
    except KpyError:
        return []  # not a Git work tree or no commit yet: nothing was removed
    changed = sorted((set(changed) & differing) | set(deleted))
    hint = f"(intended? allow it: --allow-removal NAME, check.allowRemovals, or {ENV_ALLOW}=NAME)"
    seen: set[tuple[str, str]] = set()
    for dep in old_deployments(root, base, changed):
        key = (dep.kind, dep.name)
        if key in now or key in seen or dep.kind == "FluxCluster":
            continue
        seen.add(key)
        danger = _danger(dep)
        if "*" in ok or dep.name in ok or (dep.path and dep.path in ok):
            continue
        issues.append(Issue("app-removed", f"{dep.kind} {dep.name} is removed: "
                            f"{danger or 'what it deployed is no longer managed'} {hint}", None, dep.source,
                            ERROR if danger else WARNING))
    for target in removed_targets(root, base, deleted, graph):
        if "*" in ok or target in ok:
            continue
        still = [d for d in deployments if d.path == target]
        if still:
            issues.append(Issue("target-removed", f"{target} is removed but {still[0].kind} {still[0].name} "
                                "still deploys it", target, still[0].source, ERROR))
        else:
            issues.append(Issue("target-removed", f"{target} is removed: whatever deployed it deletes its "
                                f"resources {hint}", target, target, ERROR))
    return issues
