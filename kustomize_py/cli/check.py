"""`kpy check [ROOT]`: render every overlay and report what would break in the cluster."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("check", help="render every overlay; report build errors, plaintext Secrets, "
                                     "broken SealedSecrets, missing Applications, risky deletions and removals")
    p.add_argument("root", nargs="?", default=".", help="repository root (default: .)")
    p.add_argument("--files", nargs="*", metavar="FILE",
                   help="only check what these changed files affect (pre-commit passes staged files); "
                        "files deleted in the index (or between PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF) "
                        "count too")
    p.add_argument("--base", metavar="REF",
                   help="only check what changed since REF (working tree against REF, deletions included)")
    p.add_argument("--allow-secret", action="append", default=[], metavar="NAME",
                   help="a Secret name allowed in plain text (repeatable; also .kpy.yaml check.allowSecrets)")
    p.add_argument("--allow-removal", action="append", default=[], metavar="NAME",
                   help="an Application/Kustomization name or target path whose removal is intended "
                        "(repeatable; also .kpy.yaml check.allowRemovals and KPY_ALLOW_REMOVALS)")
    p.add_argument("--enable-helm", action="store_true", default=None,
                   help="inflate helmCharts with the helm binary (also .kpy.yaml check.enableHelm)")
    p.add_argument("--helm-command", default=None, help="helm binary to use (default: helm)")
    p.add_argument("--format", choices=["text", "json"], default="text")


def _deletions(root: Path) -> tuple[list[str], str]:
    """Files deleted by what is being committed or pushed, and the ref they are read at."""
    from kustomize_py.errors import KpyError
    from kustomize_py.repo.gitrefs import changes

    from_ref, to_ref = os.environ.get("PRE_COMMIT_FROM_REF"), os.environ.get("PRE_COMMIT_TO_REF")
    try:
        if from_ref and to_ref:  # pre-push: the pushed range
            return sorted(f for f, s in changes(root, from_ref, to_ref).items() if s == "D"), from_ref
        return sorted(f for f, s in changes(root, "HEAD", cached=True).items() if s == "D"), "HEAD"
    except KpyError:
        return [], "HEAD"  # not a Git work tree, or no commit yet: nothing can have been deleted


def run(args: argparse.Namespace) -> int:
    import sys

    from kustomize_py.errors import KpyError
    from kustomize_py.repo.affected import normalise_paths
    from kustomize_py.repo.check import format_text, run_checks
    from kustomize_py.repo.gitrefs import changes

    root = Path(args.root).resolve()
    files, deleted, base = None, None, "HEAD"
    if args.files is not None and args.base:
        raise KpyError("give --files or --base, not both", field="--base")
    if args.files is not None:
        files = normalise_paths(root, args.files)
        deleted, base = _deletions(root)
    elif args.base:
        found = changes(root, args.base)
        files = sorted(f for f, s in found.items() if s != "D")
        deleted, base = sorted(f for f, s in found.items() if s == "D"), args.base

    progress = None
    if sys.stderr.isatty():
        def progress(done: int, total: int, target: str) -> None:
            sys.stderr.write(f"\r\033[Kchecking {done}/{total} {target[-50:]}")
            if done == total:
                sys.stderr.write("\r\033[K")
            sys.stderr.flush()
    report = run_checks(root, files=files, allow_secrets=args.allow_secret, on_progress=progress,
                        deleted=deleted, base=base, allow_removals=args.allow_removal,
                        enable_helm=args.enable_helm, helm_command=args.helm_command)
    if args.format == "json":
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(format_text(report), end="")
    return 0 if report.ok else 1
