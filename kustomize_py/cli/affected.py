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
                   help="text: one overlay a line, removed ones marked '(removed)'; json: details (added, removed); "
                        "matrix: {\"include\": [{\"overlay\": ...}]} without the removed ones")


def run(args: argparse.Namespace) -> int:
    from kustomize_py.errors import KpyError
    from kustomize_py.repo.affected import affected_between, affected_targets, ci_matrix, normalise_paths

    root = Path(args.root).resolve()
    if args.files is not None:
        if args.head:
            raise KpyError("--head goes with --base, not --files", field="--head")
        files = {f: "M" for f in normalise_paths(root, args.files)}
        rows = [{"path": t, "status": "changed"} for t in affected_targets(root, sorted(files))]
    elif args.base:
        files, rows = affected_between(root, args.base, args.head)
    else:
        raise KpyError("give --base REF (and optionally --head REF), or --files", field="--base")
    if args.format == "json":
        print(json.dumps({"changed": sorted(files), "files": dict(sorted(files.items())),
                          "overlays": [r["path"] for r in rows if r["status"] != "removed"],
                          "added": [r["path"] for r in rows if r["status"] == "added"],
                          "removed": [r["path"] for r in rows if r["status"] == "removed"],
                          "targets": rows, **ci_matrix(rows)}, indent=2))
    elif args.format == "matrix":
        print(json.dumps(ci_matrix(rows)))
    else:
        for r in rows:
            print(r["path"] if r["status"] != "removed" else f"{r['path']} (removed)")
    return 0
