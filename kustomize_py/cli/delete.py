"""`kpy delete APP`: an app's objects are orphaned (left in place) unless a cascade is asked for,
by `--cascade`, the app's deletion policy, or Argo CD's resources finalizer on the Application."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

_FINALIZER = "resources-finalizer.argocd.argoproj.io"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("delete", help="delete an app: orphan its objects (default) or cascade-delete them")
    p.add_argument("target", metavar="APP|OVERLAY", help="an Application name or an overlay directory")
    p.add_argument("--backend", default=os.environ.get("KPY_BACKEND", "kubectl"),
                   help="memory[:STATE.json] | directory:PATH | git:REPO@BRANCH | kubectl[:CONTEXT] | kube[:CONTEXT]")
    p.add_argument("--repo", help="repository root holding the apps (default: the enclosing git work tree)")
    p.add_argument("--app-name", help="app name for an overlay directory (default: from its path)")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--cascade", action="store_true", help="delete the app's objects (Delete=false ones stay)")
    how.add_argument("--orphan", action="store_true",
                     help="leave the objects in place even when the Application carries Argo CD's finalizer")
    p.add_argument("--dry-run", action="store_true", help="report what would be deleted, delete nothing")
    p.add_argument("--format", choices=["text", "json"], default="text", help="output format")


def decide(app: Any, *, cascade: bool = False, orphan: bool = False) -> tuple[str, str, str]:
    """(policy, propagation, why): orphan unless asked, or the app itself says cascade."""
    if cascade:
        return "cascade", "foreground", "asked with --cascade"
    if orphan:
        return "orphan", "foreground", "asked with --orphan"
    if app.deletion_policy == "cascade":
        return "cascade", "foreground", f"the app's deletion policy is cascade ({app.source})"
    if app.has_cascade_finalizer:
        # argo-cd: the finalizer means a foreground cascade, its `/background` form a background one.
        background = any(f == f"{_FINALIZER}/background" for f in app.finalizers)
        return ("cascade", "background" if background else "foreground",
                f"the Application carries the finalizer {_FINALIZER}{'/background' if background else ''}")
    return "orphan", "foreground", "the default; pass --cascade to delete the objects"


def delete_once(args: argparse.Namespace, root: Path, backend: Any, progress: Any = None) -> tuple[Any, str]:
    """One app deletion; (result, why the policy was chosen)."""
    from kustomize_py.sync.apps import resolve
    from kustomize_py.sync.engine import delete_app

    app = resolve(args.target, root, name=args.app_name)
    policy, propagation, why = decide(app, cascade=args.cascade, orphan=args.orphan)
    result = delete_app(app.name, backend, policy, propagation=propagation, progress=progress,
                        app_options=dict(app.sync_options), dry_run=args.dry_run)
    result.message = f"{result.message}: {why}" if result.ok else result.message
    return result, why


def run(args: argparse.Namespace) -> int:
    from kustomize_py.cli.sync import _root, print_report, progress_printer
    from kustomize_py.sync.backends import open_backend

    root = _root(args)
    backend = open_backend(args.backend)
    result, _ = delete_once(args, root, backend, progress_printer(args.format))
    print_report(result, args.format)
    return 0 if result.ok else 1
