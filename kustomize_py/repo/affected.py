"""Which overlays a set of changed files (or a Git range) affects, through the dependency graph."""

from __future__ import annotations

import subprocess
from pathlib import Path

from kustomize_py.errors import KpyError
from kustomize_py.repo.graph import Graph, affected, build_graph


def git(root: Path, *args: str) -> str:
    """The output of a git command run in `root`; failures become a KpyError naming the command."""
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise KpyError("git is not installed") from None
    if done.returncode != 0:
        raise KpyError(f"git {' '.join(args)} failed: {done.stderr.strip()}", path=str(root))
    return done.stdout


def git_toplevel(start: Path) -> Path:
    return Path(git(start, "rev-parse", "--show-toplevel").strip())


def changed_files(root: Path, base: str, head: str | None = None) -> list[str]:
    """Files changed between `base` and `head` (default: the working tree, untracked files included).

    Paths are relative to `root`; renames count as a deletion and an addition, so both sides show.
    """
    top = git_toplevel(root)
    args = ["diff", "--name-only", "--no-renames", "-z", base] + ([head] if head else [])
    names = [n for n in git(top, *args).split("\0") if n]
    if head is None:
        names += [n for n in git(top, "ls-files", "--others", "--exclude-standard", "-z").split("\0") if n]
    prefix = Path(root).resolve().relative_to(top.resolve()).as_posix()
    if prefix in ("", "."):
        return sorted(set(names))
    return sorted({n[len(prefix) + 1:] for n in names if n.startswith(prefix + "/")})


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
    """The overlays (and top-level kustomizations) to re-render for repo-relative `changed` files."""
    graph = graph or build_graph(Path(root))
    hit = affected(graph, changed)
    return [t for t in graph.targets if t in hit]


def ci_matrix(targets: list[str]) -> dict[str, list[dict[str, str]]]:
    """A GitHub Actions style matrix: {"include": [{"overlay": PATH}, ...]}."""
    return {"include": [{"overlay": t} for t in targets]}
