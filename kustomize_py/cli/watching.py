"""The `--watch` forms of the commands: `kpy build DIR --watch`, `kpy diff ... --watch`,
`kpy sync ... --watch`. Each wraps one run of the command in kustomize_py.watch.loop."""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING, Any

from kustomize_py.errors import KpyError

if TYPE_CHECKING:
    import argparse

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
            out = out | dependencies(path, cache)
        return out

    return deps


def _ms(start: float) -> str:
    return f"{(time.perf_counter() - start) * 1000:.0f} ms"


def watch_build(args: argparse.Namespace) -> int:
    """`kpy build DIR --watch [-o OUT]`: the first render as usual, then what changed at each save.

    Without -o the first render goes to standard output and later renders print only their changes;
    with -o every render is written (atomically) and files of objects that disappeared from a
    directory output are removed (only files this watch wrote)."""
    from kustomize_py.cli.build import build_options
    from kustomize_py.output import write_output
    from kustomize_py.pipeline import build, shared_parse_cache
    from kustomize_py.watch import loop, object_changes

    if args.all_root:
        raise KpyError("--watch builds one kustomization directory; it cannot be combined with --all")
    if not os.path.isdir(args.path):
        raise KpyError(f"--watch needs a kustomization directory: '{args.path}' is not a directory")
    options = build_options(args)
    colour = sys.stdout.isatty()
    state: dict[str, Any] = {"objects": None, "written": set()}

    def once() -> None:
        start = time.perf_counter()
        try:
            result = build(args.path, warn=lambda m: print(m, file=sys.stderr), **options)
            objects = result.objects
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

    # One parse cache for the whole session: an unchanged file is never parsed twice.
    with shared_parse_cache():
        return loop(once, _deps_of([args.path], args.output), _watcher(args))
