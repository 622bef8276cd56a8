"""`kpy affected --base REF [--head REF]`: the overlays a change touches, for CI to render only those."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("affected", help="overlays affected by the files changed between two Git refs")
    p.add_argument("root", nargs="?", default=".", help="repository root (default: .)")
    p.add_argument("--base", help="the ref to compare with (e.g. origin/main)")
    p.add_argument("--head", help="the other ref (default: the working tree)")
    p.add_argument("--files", nargs="*", metavar="FILE", help="changed files, instead of --base/--head")
    p.add_argument("--format", choices=["text", "json", "matrix"], default="text",
                   help="text: one overlay a line; json: details; matrix: {\"include\": [{\"overlay\": ...}]}")


def run(args: argparse.Namespace) -> int:
    from kustomize_py.errors import KpyError
    from kustomize_py.repo.affected import (
        affected_targets,
        changed_files,
        ci_matrix,
        normalise_paths,
    )

    root = Path(args.root).resolve()
    if args.files is not None:
        changed = normalise_paths(root, args.files)
    elif args.base:
        changed = changed_files(root, args.base, args.head)
    else:
        raise KpyError("give --base REF (and optionally --head REF), or --files", field="--base")
    targets = affected_targets(root, changed)
    if args.format == "json":
        print(json.dumps({"changed": changed, "overlays": targets, **ci_matrix(targets)}, indent=2))
    elif args.format == "matrix":
        print(json.dumps(ci_matrix(targets)))
    else:
        for t in targets:
            print(t)
    return 0
