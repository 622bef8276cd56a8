"""Which overlays a set of changed files (or a Git range) affects, through the dependency graph.

Between two refs, each side is read at its own ref: an overlay is `changed` or `added` from the head's
graph, and `removed` when it was a target at the base and is not one any more (a deleted or renamed
overlay, the change after which Argo CD prunes). Any edit to a file counts, comments included: the
answer is conservative, never short.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kustomize_py.repo.gitrefs import changes, git, toplevel, tree_at
from kustomize_py.repo.graph import Graph, affected, build_graph

__all__ = ["git", "git_toplevel", "changed_files", "normalise_paths", "affected_targets", "affected_between",
           "ci_matrix"]


def git_toplevel(start: Path) -> Path:
    return toplevel(start)


def changed_files(root: Path, base: str, head: str | None = None) -> list[str]:
    """Files changed between `base` and `head` (default: the working tree, untracked files included);
    a rename counts as a deletion and an addition, so both sides show."""
    return sorted(changes(root, base, head))


def normalise_paths(root: Path, files: list[str]) -> list[str]:
    """Changed file names (absolute, or relative to the current directory) as repo-relative paths."""
    root = Path(root).resolve()
    out = []
    for f in files:
        p = Path(f)
        full = (p if p.is_absolute() else Path.cwd() / p).resolve()
        try:
            out.append(full.relative_to(root).as_posix())
        except ValueError:
            continue  # outside the repo: cannot affect it
    return sorted(set(out))


def affected_targets(root: Path, changed: list[str], graph: Graph | None = None) -> list[str]:
    """The targets (overlays, top-level kustomizations, deployed paths) that read a changed file."""
    graph = graph or build_graph(Path(root))
    hit = affected(graph, changed)
    return [t for t in graph.targets if t in hit]


def classify(old: Graph | None, new: Graph, changed: list[str]) -> list[dict[str, str]]:
    """[{"path", "status"}]: new-graph targets that read a changed file (added when they were not a
    target before), then old-graph targets that read one and are gone (removed)."""
    new_targets = set(new.targets)
    old_targets = set(old.targets) if old is not None else set()
    rows = [{"path": t, "status": "changed" if old is None or t in old_targets else "added"}
            for t in affected_targets(Path("."), changed, new)]
    if old is not None:
        rows += [{"path": t, "status": "removed"} for t in affected_targets(Path("."), changed, old)
                 if t not in new_targets]
    return sorted(rows, key=lambda r: r["path"])


def affected_between(root: Path, base: str, head: str | None = None) -> tuple[dict[str, str], list[dict[str, str]]]:
    """({file: status}, [{"path", "status"}]) for the change from `base` to `head` (None: working tree)."""
    from kustomize_py.repo.deployments import own_urls
    from kustomize_py.repo.discover import load_config

    root = Path(root).resolve()
    changed = changes(root, base, head)
    if not changed:
        return changed, []
    urls = own_urls(root, load_config(root))
    with tree_at(root, head) as new_root:
        new = _graph(new_root, urls)
    with tree_at(root, base) as old_root:
        old = _graph(old_root, urls)
    return changed, classify(old, new, sorted(changed))


def _graph(root: Path, urls: tuple[set[str], bool]) -> Graph:
    from kustomize_py.repo.deployments import discover
    from kustomize_py.repo.discover import load_config

    config = load_config(root)
    return build_graph(root, config=config, deployments=discover(root, config, urls=urls))


def ci_matrix(targets: list[Any]) -> dict[str, list[dict[str, str]]]:
    """A GitHub Actions style matrix: {"include": [{"overlay": PATH}, ...]} (removed ones left out:
    there is nothing to render)."""
    rows = [t if isinstance(t, dict) else {"path": t, "status": "changed"} for t in targets]
    return {"include": [{"overlay": r["path"]} for r in rows if r["status"] != "removed"]}
