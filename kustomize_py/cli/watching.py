"""The `--watch` forms of the commands: `kpy build DIR --watch`, `kpy diff ... --watch`,
`kpy sync ... --watch`. Each wraps one run of the command in kustomize_py.watch.loop."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kustomize_py.errors import KpyError

SKIP_RECONCILE = "argocd.argoproj.io/skip-reconcile"

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    from kustomize_py.watch import Deps, Watcher


def _watcher(args: argparse.Namespace) -> Watcher:
    from kustomize_py.watch import Watcher

    watcher = Watcher(use_watchfiles=False if getattr(args, "watch_poll", False) else None)
    watcher.install_signal_handlers()
    return watcher


def _deps_of(paths: list[str], output: str | None = None) -> Any:
    """The dependencies of every kustomization in `paths`; the command's own output never counts."""
    from kustomize_py.watch import Deps, DepsCache, dependencies

    exclude = frozenset({os.path.realpath(output)} if output else ())

    def deps(cache: DepsCache) -> Deps:
        out = Deps(frozenset(), exclude=exclude)
        for path in paths:
            if os.path.isfile(path):  # a manifest file, or the file defining an Application
                out = out | Deps(frozenset({os.path.realpath(path)}))
            else:
                out = out | dependencies(path, cache)
        return out

    return deps


def _ms(start: float) -> str:
    return f"{(time.perf_counter() - start) * 1000:.0f} ms"


def watch_build(args: argparse.Namespace, options: dict[str, Any]) -> int:
    """`kpy build DIR --watch [-o OUT]`: the first render as usual, then what changed at each save.

    Without -o the first render goes to standard output and later renders print only their changes;
    with -o every render is written (atomically) and files of objects that disappeared from a
    directory output are removed (only files this watch wrote). `options` are build()'s keywords
    from the command line."""
    from kustomize_py.output import write_output
    from kustomize_py.pipeline import BuildResult, build
    from kustomize_py.watch import TextCache, WatchCache, loop, object_changes

    if args.all_root:
        raise KpyError("--watch builds one kustomization directory; it cannot be combined with --all")
    if not os.path.isdir(args.path):
        raise KpyError(f"--watch needs a kustomization directory: '{args.path}' is not a directory")
    cache = WatchCache()  # an unchanged file is never parsed twice in a session
    texts = TextCache()  # nor an unchanged object emitted twice
    colour = sys.stdout.isatty()
    state: dict[str, Any] = {"objects": None, "written": set()}

    def once() -> None:
        start = time.perf_counter()
        try:
            result = build(args.path, warn=lambda m: print(m, file=sys.stderr), cache=cache, **options)
            cache.sweep()
            objects = result.objects
            result = BuildResult(result.resources, result.warnings, yaml=texts.stream(objects))
            if args.output:
                written = set(write_output(result, args.output))
                if os.path.isdir(args.output):
                    for stale in sorted(state["written"] - written):
                        try:
                            os.unlink(stale)
                        except FileNotFoundError:
                            pass
                state["written"] = written
        except KpyError as err:
            cache.failed()
            print(f"Error: {err}", file=sys.stderr, flush=True)
            print(f"build failed after {_ms(start)}; watching for the next change", file=sys.stderr, flush=True)
            return
        previous = state["objects"]
        state["objects"] = objects
        if previous is None:
            if not args.output:
                sys.stdout.write(result.yaml)
            else:
                print(f"wrote {len(objects)} objects to {args.output}", flush=True)
        else:
            summary, diff = object_changes(previous, objects, colour=colour)
            sys.stdout.write(f"{summary}\n{diff}")
            sys.stdout.flush()
        print(f"built {len(objects)} objects in {_ms(start)}", file=sys.stderr, flush=True)

    return loop(once, _deps_of([args.path], args.output), _watcher(args))


def _app_paths(args: argparse.Namespace, root: Path) -> tuple[Any, list[str]]:
    """The app `args.target` names, and what its watch depends on: its kustomization directory and
    the file that defines the Application (its sync options count too)."""
    from kustomize_py.sync import apps

    target = args.target
    if target == "-":
        raise KpyError("--watch needs an app, an overlay directory or a manifest file, not standard input")
    if os.path.isfile(target):
        return None, [target]
    app = apps.resolve(target, root, name=args.app_name, namespace=args.namespace)
    paths = [str(root / app.path)]
    if app.kind != "overlay" and app.source:
        source = app.source if os.path.isabs(app.source) else str(root / app.source)
        paths.append(source)
    return app, paths


def _live_application(app: Any, root: Path) -> Any:
    """The ResourceKey of the Application object `app` came from (namespace argocd by default)."""
    from kustomize_py.sync.keys import ResourceKey
    from kustomize_py.yaml import load_all

    source = Path(app.source) if os.path.isabs(app.source) else root / app.source
    namespace = "argocd"
    try:
        for doc in load_all(source.read_text(), str(source)):
            meta = doc.get("metadata") if isinstance(doc, dict) else None
            if isinstance(meta, dict) and doc.get("kind") == "Application" and meta.get("name") == app.name:
                namespace = str(meta.get("namespace") or "argocd")
                break
    except (OSError, KpyError):
        pass
    return ResourceKey("argoproj.io", "Application", namespace, app.name)


def _argocd_guard(args: argparse.Namespace, app: Any, root: Path, backend: Any) -> Any:
    """Before a watching sync: say when Argo CD would revert what kpy applies, and with
    --pause-argocd pause the live Application; returns a function that undoes the pause."""
    def nothing() -> None:
        return None

    if app is None or app.kind != "argocd":
        if getattr(args, "pause_argocd", False):
            print("warning: --pause-argocd: the target is not an Argo CD Application; nothing to pause",
                  file=sys.stderr)
        return nothing
    key = _live_application(app, root)
    live = backend.get(key)
    automated = ((live or {}).get("spec") or {}).get("syncPolicy", {}).get("automated") if live else None
    self_heal = bool((automated or {}).get("selfHeal")) if live else app.self_heal
    paused = str(((live or {}).get("metadata") or {}).get("annotations", {}).get(SKIP_RECONCILE, "")) == "true"
    if not args.pause_argocd:
        if self_heal and not paused:
            print(f"warning: Application {app.name} has automated sync with selfHeal: Argo CD will revert what "
                  f"kpy applies here. Pass --pause-argocd to set {SKIP_RECONCILE} on it while watching "
                  "(removed on exit).", file=sys.stderr)
        return nothing
    annotate = getattr(backend, "annotate", None)
    if annotate is None:
        raise KpyError(f"--pause-argocd: the {args.backend} backend cannot annotate live objects", field="--backend")
    if live is None:
        print(f"warning: --pause-argocd: Application {key.namespace}/{app.name} not found in {args.backend}; "
              "nothing to pause", file=sys.stderr)
        return nothing
    if paused:
        print(f"Application {app.name} already carries {SKIP_RECONCILE}=true; left as it is", file=sys.stderr)
        return nothing
    annotate(key, {SKIP_RECONCILE: "true"})
    print(f"paused Argo CD for Application {key.namespace}/{app.name} ({SKIP_RECONCILE}=true)", file=sys.stderr)

    def resume() -> None:
        try:
            annotate(key, {SKIP_RECONCILE: None})
            print(f"resumed Argo CD for Application {key.namespace}/{app.name}", file=sys.stderr)
        except KpyError as err:
            print(f"Error: could not remove {SKIP_RECONCILE} from Application {app.name}: {err}; remove it by "
                  f"hand: kubectl annotate application -n {key.namespace} {app.name} {SKIP_RECONCILE}-",
                  file=sys.stderr)

    return resume


def watch_app(args: argparse.Namespace, root: Path, backend: Any, run: Callable[[Any], Any],
              report: Callable[[Any], None] | None = None) -> int:
    """`kpy diff APP --watch` and `kpy sync APP --watch`: one diff or sync per change of the app's files.

    `run(cache)` is one diff or sync (the command's own) rendering with the session's WatchCache;
    a sync's result is then printed by `report`.
    A sync is never cut short by Ctrl-C or SIGTERM: the signal takes effect once the sync in progress
    has finished, so the backend holds a complete sync, and Argo CD is resumed if it was paused."""
    from kustomize_py.watch import WatchCache, loop

    app, paths = _app_paths(args, root)
    cache = WatchCache()
    watcher = _watcher(args)
    resume = _argocd_guard(args, app, root, backend) if args.command == "sync" else None

    def once() -> None:
        start = time.perf_counter()
        try:
            if args.command == "diff":
                run(cache)
            else:
                with watcher.critical():
                    result = run(cache)
                if report is not None:
                    report(result)
        except KpyError as err:
            cache.failed()
            print(f"Error: {err}", file=sys.stderr, flush=True)
            print(f"{args.command} failed after {_ms(start)}; watching for the next change", file=sys.stderr,
                  flush=True)
            return
        cache.sweep()
        sys.stdout.flush()
        print(f"{args.command} done in {_ms(start)}", file=sys.stderr, flush=True)

    try:
        return loop(once, _deps_of(paths), watcher)
    finally:
        if resume is not None:
            resume()
