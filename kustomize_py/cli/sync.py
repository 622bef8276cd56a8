"""`kpy sync`, `kpy status` and `kpy diff`: sync apps (Argo CD Applications or overlays) to a backend."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

_MINE = ("sync", "status", "diff")
_STATUS_WORDS = {"created": "created", "configured": "configured", "recreated": "recreated", "unchanged": "unchanged",
                 "pruned": "pruned", "failed": "FAILED", "not-run": "not run"}


def _common(p: argparse.ArgumentParser, *, many: bool = False) -> None:
    if many:
        p.add_argument("targets", nargs="*", metavar="APP|OVERLAY",
                       help="app names or overlay directories (default: every app in the repo)")
    else:
        p.add_argument("target", metavar="APP|OVERLAY|FILE",
                       help="an Application name, an overlay directory, or a file of rendered manifests (- for stdin)")
    p.add_argument("--backend", default=os.environ.get("KPY_BACKEND", "kubectl"),
                   help="memory[:STATE.json] | directory:PATH | git:REPO@BRANCH | kubectl[:CONTEXT] | "
                        "kube[:CONTEXT] (default: $KPY_BACKEND or kubectl)")
    p.add_argument("--repo", help="repository root holding the apps (default: the enclosing git work tree)")
    p.add_argument("--app-name", help="app name for an overlay or manifest file (default: from its path)")
    p.add_argument("--namespace", default="", help="namespace for namespaced objects without one (overlays)")
    p.add_argument("--format", choices=["text", "json"], default="text", help="output format (json for CI)")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from kustomize_py.cli import COMMANDS

    # The dispatcher calls register once per COMMANDS entry naming this module, in order, and adds
    # placeholders for the others; so each call adds the first of our subcommands not yet there.
    names = [n for n in COMMANDS if n in _MINE and COMMANDS[n] == "sync" and n not in sub.choices][:1]
    if "sync" in names:
        p = sub.add_parser("sync", help="apply an app's rendered manifests through a backend, in wave order")
        _common(p)
        p.add_argument("--dry-run", action="store_true", help="validate and report, change nothing")
        p.add_argument("--prune", action="store_true",
                       help="delete this app's objects that are no longer desired (also when the Application "
                            "sets syncPolicy.automated.prune)")
        p.add_argument("--allow-empty", action="store_true",
                       help="let an empty render prune every object of the app (syncPolicy.automated.allowEmpty)")
        p.add_argument("--allow-plaintext-secrets", action="store_true",
                       help="git backend: commit plain Secrets (by default refused: seal them with `kpy seal`)")
        p.add_argument("--force", action="store_true", help="delete and recreate objects whose immutable fields change")
        p.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for each wave to be healthy")
        p.add_argument("--no-wait", action="store_true", help="do not wait for health between waves")
        _watch_flags(p)
        p.add_argument("--pause-argocd", action="store_true",
                       help="with --watch: set argocd.argoproj.io/skip-reconcile on the live Application while "
                            "watching, so Argo CD does not revert kpy's changes (removed on exit, Ctrl-C included)")
    if "status" in names:
        p = sub.add_parser("status", help="per app: in sync, out of sync, missing or extraneous objects")
        _common(p, many=True)
        p.add_argument("--exit-code", action="store_true", help="exit 1 when an app is out of sync")
    if "diff" in names:
        p = sub.add_parser("diff", help="what `kpy sync` would change; or two overlays (promotion), or one "
                                        "overlay at Git refs (Secret values redacted)")
        _common(p)
        p.add_argument("other", nargs="?", metavar="OVERLAY_B",
                       help="compare TARGET with this overlay instead of with the backend")
        p.add_argument("--ref", action="append", default=[], metavar="REF",
                       help="compare TARGET at Git REF (twice: REF_A..REF_B) instead of with the backend")
        p.add_argument("--color", choices=["auto", "always", "never"], default="auto",
                       help="colour the diff (auto: only on a terminal)")
        p.add_argument("--exit-code", action="store_true", help="exit 1 when there are differences")
        _watch_flags(p)


def _watch_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--watch", action="store_true",
                   help="run again whenever a file the app's kustomization reads changes (Ctrl-C to stop)")
    p.add_argument("--watch-poll", action="store_true",
                   help="with --watch: poll file times instead of using the watchfiles package")


def _load(args: argparse.Namespace, target: str, root: Path, cache: Any = None) -> tuple[Any, list[dict[str, Any]]]:
    """The app and its desired manifests: a file of manifests is read, anything else is rendered
    (with `cache`, a watch session's WatchCache, when given)."""
    from kustomize_py.sync import apps

    if target == "-" or Path(target).is_file():
        from kustomize_py.yaml import load_all

        text = sys.stdin.read() if target == "-" else Path(target).read_text()
        name = args.app_name or ("stdin" if target == "-" else Path(target).stem)
        app = apps.Application(name=name, path=target, namespace=args.namespace, kind="manifests", source=target)
        docs = [d for d in load_all(text, target) if isinstance(d, dict)]
        items = [i for d in docs for i in (d.get("items") or [] if d.get("kind") == "List" else [d])]
        return app, items
    app = apps.resolve(target, root, name=args.app_name, namespace=args.namespace)
    return app, apps.render(app, root, cache=cache)


def _options(args: argparse.Namespace, app: Any) -> Any:
    from kustomize_py.sync.engine import SyncOptions

    memory = args.backend.split(":", 1)[0] == "memory"
    return SyncOptions(prune=getattr(args, "prune", False) or app.prune, dry_run=getattr(args, "dry_run", False),
                       wait=not getattr(args, "no_wait", False), timeout=getattr(args, "timeout", 300.0),
                       poll_interval=0.0 if memory else 2.0, force=getattr(args, "force", False),
                       namespace=app.namespace, create_namespace=app.create_namespace, revision=app.revision,
                       sync_options=dict(app.sync_options), ignore_differences=app.ignore_differences,
                       allow_empty=getattr(args, "allow_empty", False) or app.allow_empty)


def _root(args: argparse.Namespace) -> Path:
    from kustomize_py.sync.apps import repo_root

    return Path(args.repo).resolve() if args.repo else repo_root(Path.cwd())


def run(args: argparse.Namespace) -> int:
    from kustomize_py.sync.backends import open_backend

    if args.command == "diff" and (args.other or args.ref):
        if args.watch:
            from kustomize_py.errors import KpyError

            raise KpyError("--watch compares an app with the backend; it cannot be combined with a second "
                           "overlay or --ref")
        from kustomize_py.cli import envdiff

        args.overlays = [args.target, *([args.other] if args.other else [])]
        return envdiff.run(args)
    root = _root(args)
    backend = open_backend(args.backend)
    if getattr(args, "allow_plaintext_secrets", False):
        backend.allow_plaintext_secrets = True
    if getattr(args, "watch", False):
        from kustomize_py.cli.watching import watch_app

        if args.command == "diff":
            return watch_app(args, root, backend, lambda cache: _diff(args, root, backend, cache))
        return watch_app(args, root, backend,
                         lambda cache: sync_once(args, root, backend, progress_printer(args.format), cache),
                         lambda result: print_report(result, args.format))
    for flag in ("pause_argocd", "watch_poll"):
        if getattr(args, flag, False):
            from kustomize_py.errors import KpyError

            name = "--" + flag.replace("_", "-")
            raise KpyError(f"{name} only applies while a --watch runs; add --watch")
    if args.command == "sync":
        return _sync(args, root, backend)
    if args.command == "diff":
        return _diff(args, root, backend)
    return _status(args, root, backend)


def _line(r: Any) -> str:
    text = f"  {_STATUS_WORDS.get(r.status, r.status):<15} {r.key}"
    if r.wave:
        text += f"  (wave {r.wave})"
    if r.phase != "Sync":
        text += f"  [{r.phase}]"
    if r.message and r.status not in ("not-run",):
        text += f": {r.message}"
    return text


def sync_once(args: argparse.Namespace, root: Path, backend: Any, progress: Any = None, cache: Any = None) -> Any:
    """One sync of `args.target`: render, plan, apply; the SyncResult (a watch loop calls this again)."""
    from kustomize_py.sync.engine import sync

    from kustomize_py.sync.destination import check

    app, desired = _load(args, args.target, root, cache)
    unverified = check(app, args.backend, root)
    if progress is not None:
        mode = " (dry run)" if args.dry_run else ""
        print(f"syncing {app.name} ({len(desired)} objects) to {args.backend}{mode}", file=sys.stderr)
    result = sync(app.name, desired, backend, _options(args, app), progress)
    if unverified:
        result.warnings.insert(0, unverified)
    return result


def print_report(result: Any, fmt: str) -> None:
    """The summary of a sync or deletion: text (warnings to stderr) or JSON."""
    if fmt != "text":
        print(json.dumps(result.to_dict(), indent=2))
        return
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    note = f" [{result.note[:12]}]" if result.note else ""
    print(f"{result.app}: {result.phase}{note}: {result.summary()}. {result.message}")
    if not result.ok and not result.dry_run:
        applied = [r for r in result.results if r.status in ("created", "configured", "replaced", "recreated", "pruned")]
        hint = ("Re-running `kpy sync` may get further." if result.retryable
                else "Fix the cause above, then sync again.")
        print(f"applied before the failure: {len(applied)}; not applied: "
              f"{result.count('not-run') + result.count('failed')}. {hint}")


def progress_printer(fmt: str) -> Any:
    return (lambda r: print(_line(r), file=sys.stderr, flush=True)) if fmt == "text" else None


def _sync(args: argparse.Namespace, root: Path, backend: Any) -> int:
    result = sync_once(args, root, backend, progress_printer(args.format))
    print_report(result, args.format)
    return 0 if result.ok else 1


def _colour(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def _diff(args: argparse.Namespace, root: Path, backend: Any, cache: Any = None) -> int:
    from kustomize_py.sync.engine import make_plan, plan_diff
    from kustomize_py.sync.normalize import render_diffs

    app, desired = _load(args, args.target, root, cache)
    diffs = plan_diff(make_plan(app.name, desired, backend, _options(args, app)))
    if args.format == "json":
        print(json.dumps({"app": app.name, "diffs": [d.to_dict() for d in diffs]}, indent=2))
    else:
        sys.stdout.write(render_diffs(diffs, colour=_colour(args.color)))
    return 1 if diffs and args.exit_code else 0


def _status(args: argparse.Namespace, root: Path, backend: Any) -> int:
    from kustomize_py.errors import KpyError
    from kustomize_py.sync.apps import load_applications
    from kustomize_py.sync.engine import app_status, make_plan

    targets = args.targets or [a.name for a in load_applications(root)]
    report: list[dict[str, Any]] = []
    for target in targets:
        entry: dict[str, Any] = {"app": target}
        try:
            app, desired = _load(args, target, root)
            entry["app"] = app.name
            objects = app_status(make_plan(app.name, desired, backend, _options(args, app)), backend)
            entry["objects"] = [o.to_dict() for o in objects]
            counts = {s: sum(1 for o in objects if o.status == s)
                      for s in ("synced", "out-of-sync", "missing", "extraneous")}
            entry["counts"] = counts
            entry["status"] = "Synced" if counts["synced"] == len(objects) else "OutOfSync"
        except KpyError as err:
            entry["status"], entry["error"] = "Unknown", str(err)
        report.append(entry)
    if args.format == "json":
        print(json.dumps({"apps": report}, indent=2))
    else:
        for entry in report:
            if "error" in entry:
                print(f"{entry['app']}: Unknown: {entry['error']}")
                continue
            summary = ", ".join(f"{n} {s}" for s, n in entry["counts"].items() if n)
            print(f"{entry['app']}: {entry['status']} ({summary or 'no objects'})")
            for o in entry["objects"]:
                if o["status"] != "synced":
                    print(f"  {o['status']:<12} {o['kind']} {o['namespace'] + '/' if o['namespace'] else ''}{o['name']}")
    out_of_sync = any(e["status"] != "Synced" for e in report)
    return 1 if out_of_sync and args.exit_code else 0
