"""`kpy tree [ROOT]`: workloads x environments, and what each overlay changes."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("tree", help="the repo as a workload x environment matrix, with each overlay's changes")
    p.add_argument("root", nargs="?", default=".", help="repository root (default: .)")
    p.add_argument("--format", choices=["text", "json"], default="text")


def run(args: argparse.Namespace) -> int:
    from kustomize_py.repo.tree import format_text, repo_tree

    tree = repo_tree(Path(args.root))
    print(json.dumps(tree, indent=2) if args.format == "json" else format_text(tree), end="\n" if args.format == "json" else "")
    return 0
