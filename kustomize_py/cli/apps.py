"""`kpy apps check|generate`: Argo CD Application coverage, and writing the missing Applications."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("apps", help="Argo CD Application coverage for every workload x environment")
    p.add_argument("action", choices=["check", "generate"], help="check: report gaps; generate: write them")
    p.add_argument("root", nargs="?", default=".", help="repository root (default: .)")
    p.add_argument("--template", help="Application template (default: .kpy.yaml apps.template or "
                                      "argocd/application.yaml.tmpl)")
    p.add_argument("--dry-run", action="store_true", help="generate: print what would be written")
    p.add_argument("--format", choices=["text", "json"], default="text")


def run(args: argparse.Namespace) -> int:
    from kustomize_py.repo.apps import coverage, generate

    root = Path(args.root)
    if args.action == "generate":
        written = generate(root, template=args.template, dry_run=args.dry_run)
        if args.format == "json":
            print(json.dumps({"written": written, "dryRun": args.dry_run}, indent=2))
        else:
            verb = "would write" if args.dry_run else "wrote"
            for w in written:
                print(f"{verb} {w}")
            if not written:
                print("every overlay has an Application")
        return 0
    rows = coverage(root)
    missing = [r for r in rows if not r["apps"]]
    if args.format == "json":
        print(json.dumps({"overlays": rows, "missing": missing}, indent=2))
    else:
        for r in rows:
            print(f"{'ok     ' if r['apps'] else 'MISSING'} {r['workload']:<20} {r['env']:<12} "
                  f"{', '.join(r['apps']) or '-'}")
    return 1 if missing else 0
