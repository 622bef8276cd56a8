"""Replay a repository's history and measure `kpy affected` against the reference.

For each commit and its first parent, the truth is the reference (`kubectl kustomize`, Kustomize v5.6.0):
a target is affected iff its rendered output (or its error) changed, or it exists on one side only.
The prediction is what `kpy affected --base parent --head commit` computes (`classify` over the
graphs of both trees). Targets are the kustomizations kpy would
render at either commit (plain directories an Application deploys are left out: the reference cannot
render them). A target whose build fails at both commits has no truth (a file generated at bootstrap,
a remote base offline) and is counted apart. Prints precision and recall, and the misses.

Renders are cached on disk by what they can read: the overlay's path and the Git tree hashes of the
top-level folders its folder's kustomizations reach with `../` (closed over those folders), plus the
root's own files. This key is computed from the text of the files, not from kpy's dependency graph, so
the graph under test does not decide what is re-rendered. A run stops after --time-limit seconds.

    python scripts/affected_replay.py /path/to/clone --commits 50 --cache /tmp/replay-cache
"""

from __future__ import annotations

import argparse
import hashlib
import json
import posixpath
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REFERENCE = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33"
_UP = re.compile(r"""(?:^|[\s"'=\-:\[,])((?:\.\./)+[^\s"',\]#]*)""", re.M)
_KFILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def top_trees(repo: Path, commit: str) -> dict[str, str]:
    """{top-level entry: its object hash} at `commit` ('' holds the hash of the root's own files)."""
    out: dict[str, str] = {}
    files = []
    for line in git(repo, "ls-tree", commit).splitlines():
        meta, name = line.split("\t", 1)
        kind, obj = meta.split()[1:3]
        if kind == "tree":
            out[name] = obj
        else:
            files.append(f"{name}:{obj}")
    out[""] = hashlib.sha256("\n".join(files).encode()).hexdigest()
    return out


def top_of(path: str) -> str:
    """The top-level entry a repo-relative path lies in ('' for the root itself)."""
    return "" if path in ("", ".") else path.split("/", 1)[0]


def reach(tree: Path) -> dict[str, set[str]]:
    """Top-level folder -> the top-level folders its kustomization files point into with ../ paths."""
    edges: dict[str, set[str]] = {}
    for kfile in (p for name in _KFILES for p in tree.rglob(name)):
        rel = kfile.relative_to(tree).as_posix()
        top = top_of(posixpath.dirname(rel) or ".")
        text = kfile.read_text(errors="replace")
        for m in _UP.finditer(text):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), m.group(1)))
            if target.startswith(".."):
                continue
            edges.setdefault(top, set()).add(top_of(target))
    return edges


def closure(top: str, edges: dict[str, set[str]], everything: set[str]) -> set[str]:
    if top == "":
        return set(everything)  # a kustomization at the root may read any folder without ../
    seen, todo = {top, ""}, [top]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def cache_key(target: str, top: str, tops: dict[str, str], edges: dict[str, set[str]]) -> str:
    """The target and the hashes of every top-level entry it can read."""
    reachable = sorted(closure(top, edges, set(tops)))
    return target + "|" + ",".join(f"{n}={tops.get(n, '-')}" for n in reachable)


def render(tree: Path, path: str, cache: Path, key: str) -> str:
    """The reference's output (or 'ERROR: ' + its message) for `path` in `tree`, cached by `key`."""
    slot = cache / f"{hashlib.sha256(key.encode()).hexdigest()}.json"
    if slot.is_file():
        return str(json.loads(slot.read_text())["out"])
    if not (tree / path).is_dir():
        out = "ABSENT"
    else:
        done = subprocess.run([REFERENCE, "kustomize", str(tree / path)], capture_output=True, text=True,
                              timeout=120, check=False)
        out = done.stdout if done.returncode == 0 else "ERROR: " + done.stderr.replace(str(tree), "<tree>")
    slot.write_text(json.dumps({"key": key, "out": out}))
    return out


class Trees:
    """Each commit's tree exported once and its kpy graph built once (a commit is the parent of the next)."""

    def __init__(self, repo: Path):
        from kustomize_py.repo.deployments import own_urls
        from kustomize_py.repo.discover import load_config

        self.repo = repo
        self.urls = own_urls(repo, load_config(repo))
        self.held: dict[str, tuple[tempfile.TemporaryDirectory[str], Any]] = {}

    def get(self, commit: str) -> tuple[Path, Any]:
        from kustomize_py.repo.affected import _graph

        if commit not in self.held:
            tmp = tempfile.TemporaryDirectory(prefix="kpy-replay-")
            data = subprocess.run(["git", "archive", commit], cwd=self.repo, capture_output=True, check=True).stdout
            subprocess.run(["tar", "-x", "-C", tmp.name], input=data, check=True)
            self.held[commit] = (tmp, _graph(Path(tmp.name), self.urls))
        tmp, graph = self.held[commit]
        return Path(tmp.name), graph

    def keep(self, commits: set[str]) -> None:
        for c in [c for c in self.held if c not in commits]:
            self.held.pop(c)[0].cleanup()


def kustomization_targets(graph: Any) -> set[str]:
    return {t for t in graph.targets if graph.nodes[t].kustomization}


def main() -> int:
    from kustomize_py.repo.affected import classify
    from kustomize_py.repo.gitrefs import changes

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("repo", type=Path)
    ap.add_argument("--commits", type=int, default=50)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "kpy-affected-replay")
    ap.add_argument("--time-limit", type=float, default=1800.0, help="seconds; stop replaying after this")
    args = ap.parse_args()
    repo = args.repo.resolve()
    args.cache.mkdir(parents=True, exist_ok=True)
    commits = git(repo, "rev-list", "--first-parent", f"--max-count={args.commits}", "HEAD").split()
    start = time.monotonic()
    trees = Trees(repo)
    tp = fp = fn = pairs = skipped = 0
    misses: list[str] = []
    for commit in commits:
        if time.monotonic() - start > args.time_limit:
            print(f"time limit reached after {pairs} commit(s)", file=sys.stderr)
            break
        parents = git(repo, "rev-list", "--parents", "-n", "1", commit).split()[1:]
        if not parents:
            continue
        parent = parents[0]
        changed = changes(repo, parent, commit)
        old_tree, old_graph = trees.get(parent)
        new_tree, new_graph = trees.get(commit)
        trees.keep({parent, commit})
        rows = classify(old_graph, new_graph, sorted(changed)) if changed else []
        universe = kustomization_targets(old_graph) | kustomization_targets(new_graph)
        truth: set[str] = set()
        undecided: set[str] = set()
        tops_a, tops_b = top_trees(repo, parent), top_trees(repo, commit)
        edges_a, edges_b = reach(old_tree), reach(new_tree)
        for t in sorted(universe):
            top = top_of(t)
            key_a = cache_key(t, top, tops_a, edges_a)
            key_b = cache_key(t, top, tops_b, edges_b)
            if key_a == key_b:
                continue  # nothing it can read differs between the two commits
            out_a = render(old_tree, t, args.cache, key_a)
            out_b = render(new_tree, t, args.cache, key_b)
            if out_a.startswith("ERROR") and out_b.startswith("ERROR"):
                undecided.add(t)  # broken on both sides (a missing file, no network): no truth
            elif out_a != out_b:
                truth.add(t)
        predicted = {r["path"] for r in rows if r["path"] in universe} - undecided
        skipped += len(undecided)
        pairs += 1
        tp += len(predicted & truth)
        fp += len(predicted - truth)
        fn += len(truth - predicted)
        for t in sorted(truth - predicted):
            misses.append(f"missed {t} at {commit[:10]}")
        for t in sorted(predicted - truth):
            misses.append(f"extra  {t} at {commit[:10]}")
    trees.keep(set())
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(json.dumps({"repo": repo.name, "commits": pairs, "true_positives": tp, "false_positives": fp,
                      "false_negatives": fn, "broken_on_both_sides": skipped,
                      "precision": round(precision, 3), "recall": round(recall, 3),
                      "seconds": round(time.monotonic() - start)}, indent=2))
    for m in misses[:40]:
        print(m)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
