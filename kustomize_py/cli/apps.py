"""`kpy apps check|generate`: Argo CD Application coverage, and writing the missing Applications."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
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
    from kustomize_py.repo.apps import policy
    from kustomize_py.repo.deployments import discover

    deps = discover(root)
    rows = coverage(root, deps)
    missing = [r for r in rows if not r["apps"]]
    broken = policy(root, deps)
    others = [d for d in deps if d.type not in ("kustomize", "directory")]
    if args.format == "json":
        print(json.dumps({"overlays": rows, "missing": missing, "policy": broken,
                          "deployments": [d.to_dict() for d in deps]}, indent=2))
        return 1 if missing or broken else 0
    # Cut long lines only on a terminal (a pipe or CI log keeps them whole); policy lines never.
    width = shutil.get_terminal_size((100, 24)).columns if sys.stdout.isatty() else 10**6
    if not any(d.kind in ("Application", "ApplicationSet") for d in deps):
        print(f"no Argo CD Application or ApplicationSet under {root}: coverage is not checked "
              f"({len(deps)} other deployment(s) found)")
        rows, missing = [], []
    elif not rows:
        print(f"no overlays found in a layout kpy knows under {root} (<workload>/overlays/<env>, envs/<env>, "
              "or a path naming an environment); say where they are in .kpy.yaml, e.g. layout: \"apps/{env}\" "
              "or layout: \"{workload}/deploy/{env}\"")
    for r in rows:
        print(_fit(f"{'ok     ' if r['apps'] else 'MISSING'} {r['workload']:<20} {r['env']:<12} "
                   f"{', '.join(r['apps']) or '-'}", width))
    for d in others:
        what = {"helm-chart": "Helm chart", "helm": "local Helm chart",
                "other-repo": "deployed from another repository or artifact",
                "templated": "templated file (not rendered by kpy)", "missing": "MISSING PATH",
                "unresolved": "generator not resolvable here"}.get(d.type, d.type)
        print(_fit(f"{'note   ' if d.type != 'missing' else 'ERROR  '} {d.kind} {d.name} ({d.source}): {what}"
                   f"{' ' + d.detail if d.detail else ''}", width))
    for b in broken:
        print(f"POLICY  {b['app']} ({b['source']}): {b['env']}: {b['field']} is {b['actual']}, "
              f"expected {b['expected']}")
    return 1 if missing or broken else 0


def _fit(line: str, width: int) -> str:
    return line if len(line) <= width else line[: max(width - 1, 10)] + "…"
