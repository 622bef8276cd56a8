"""`kpy check [ROOT]`: render every overlay and report what would break in the cluster."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("check", help="render every overlay; report build errors, plaintext Secrets, "
                                     "broken SealedSecrets, missing Applications, risky deletion settings")
    p.add_argument("root", nargs="?", default=".", help="repository root (default: .)")
    p.add_argument("--files", nargs="*", metavar="FILE",
                   help="only check overlays these changed files affect (pre-commit passes staged files)")
    p.add_argument("--allow-secret", action="append", default=[], metavar="NAME",
                   help="a Secret name allowed in plain text (repeatable; also .kpy.yaml check.allowSecrets)")
    p.add_argument("--format", choices=["text", "json"], default="text")


def run(args: argparse.Namespace) -> int:
    from kustomize_py.repo.affected import normalise_paths
    from kustomize_py.repo.check import format_text, run_checks

    root = Path(args.root).resolve()
    files = None if args.files is None else normalise_paths(root, args.files)
    import sys

    progress = None
    if sys.stderr.isatty():
        def progress(done: int, total: int, target: str) -> None:
            sys.stderr.write(f"\r\033[Kchecking {done}/{total} {target[-50:]}")
            if done == total:
                sys.stderr.write("\r\033[K")
            sys.stderr.flush()
    report = run_checks(root, files=files, allow_secrets=args.allow_secret, on_progress=progress)
    if args.format == "json":
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(format_text(report), end="")
    return 0 if report.ok else 1
