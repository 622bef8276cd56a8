"""`--watch`: run a build, diff or sync again whenever a file it depends on changes.

What a target depends on is the file graph `kpy affected` uses (repo/graph.py): its kustomization
files, every file they name (resources, patches, generator sources, replacements, ...) and, through
bases and components, theirs. A kustomization that cannot be read counts as its whole directory.

Changes are seen with `watchfiles` (inotify and its kin: no CPU while idle) when it is installed
(`pip install 'kustomize_py[watch]'`), else by polling the dependencies' mtimes and sizes a few times
a second. Either way a change is confirmed by comparing snapshots, so a save to an unrelated file,
or a burst of saves from an editor, triggers exactly one run once the files settle.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from kustomize_py.cache import ParseCache

# (mtime in ns, size, inode) of an existing file; None for a file that is absent
Stamp = tuple[int, int, int] | None


@dataclass(frozen=True)
class Deps:
    """Absolute paths: single files to watch, directories watched whole (with what is below), and
    paths never to count (the command's own output)."""

    files: frozenset[str]
    trees: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()

    def __or__(self, other: Deps) -> Deps:
        return Deps(self.files | other.files, self.trees | other.trees, self.exclude | other.exclude)


class WatchCache(ParseCache):
    """The parse cache of a watch session: like ParseCache, but `sweep()` after each build drops
    the files that build did not read (older versions of edited files), so memory stays flat.

    Documents are kept pickled (unpickling is about 3x faster than copying them), and `passes`
    keeps what each kustomization's transformers did to each object (transformers/reuse.py)."""

    __slots__ = ("_used", "_blobs", "passes")

    def __init__(self) -> None:
        from kustomize_py.transformers.reuse import PassMemo

        super().__init__()
        self._used: set[tuple[str, bytes]] = set()
        self._blobs: dict[tuple[str, bytes], bytes] = {}
        self.passes = PassMemo()

    def get(self, path: str, data: bytes) -> list[Any] | None:
        self._used.add((path, data))
        blob = self._blobs.get((path, data))
        return None if blob is None else pickle.loads(blob)

    def put(self, path: str, data: bytes, docs: list[Any]) -> None:
        self._used.add((path, data))
        self._blobs[(path, data)] = pickle.dumps(docs, pickle.HIGHEST_PROTOCOL)

    def sweep(self) -> None:
        for key in [k for k in self._blobs if k not in self._used]:
            del self._blobs[key]
        self._used = set()
        self.passes.rotate()

    def failed(self) -> None:
        """A build failed: keep everything for the next one (what it did not read included)."""
        self.passes.abandon()

    def __len__(self) -> int:
        return len(self._blobs)


class DepsCache:
    """What each kustomization reads, kept between runs; an entry is read again when one of the
    files it depends on (its kustomization file among them) changed."""

    def __init__(self) -> None:
        self.nodes: dict[str, Any] = {}

    def forget(self, changed: list[str]) -> None:
        """Drop the entries `changed` may have altered: a changed kustomization file, base or
        component, a file under a directory read whole, or a named file that is no longer a file.
        A named file that was only edited leaves its kustomization's entry as it is."""
        from kustomize_py.kustomization import FILE_NAMES

        hit = set(changed)
        for d, node in list(self.nodes.items()):
            own = {os.path.join(d, n) for n in FILE_NAMES}
            trees = node.prefixes - node.files  # a named file is listed as a prefix too (a deleted base)
            if (hit & own or hit & node.dirs or any(_under(p, t) for p in hit for t in trees)
                    or any(p in node.files and not os.path.isfile(p) for p in hit)):
                del self.nodes[d]

    def node(self, directory: str) -> Any:
        from pathlib import Path

        from kustomize_py.repo.graph import read_node

        node = self.nodes.get(directory)
        if node is None:
            node = self.nodes[directory] = read_node(Path("/"), directory)
        return node


def dependencies(directory: str | os.PathLike[str], cache: DepsCache | None = None) -> Deps:
    """Everything the kustomization in `directory` reads, through bases and components."""
    cache = cache or DepsCache()
    start = os.path.realpath(os.fspath(directory))
    files: set[str] = set()
    trees: set[str] = set()
    todo, seen = [start], {start}
    while todo:
        node = cache.node(todo.pop())
        for f in node.files:
            files.add(f)
            real = os.path.realpath(f)  # an edit lands on a symlink's target
            if real != f:
                files.add(real)
        trees.update(node.prefixes - node.files)
        for d in node.dirs:
            real = os.path.realpath(d)
            if real not in seen:
                seen.add(real)
                todo.append(real)
    return Deps(frozenset(files), frozenset(trees))


def _under(path: str, tree: str) -> bool:
    return path == tree or path.startswith(tree.rstrip("/") + "/")


def _stamp(path: str) -> Stamp:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def snapshot(deps: Deps) -> dict[str, Stamp]:
    """The stamp of every watched file, and of every file below a watched tree."""
    out = {f: _stamp(f) for f in deps.files if not any(_under(f, x) for x in deps.exclude)}
    for tree in deps.trees:
        for parent, dirs, names in os.walk(tree):
            dirs[:] = [d for d in dirs if d != ".git"]
            for path in [parent, *(os.path.join(parent, n) for n in names)]:
                if not any(_under(path, x) for x in deps.exclude):
                    out[path] = _stamp(path)
    return out


def changed_paths(before: dict[str, Stamp], after: dict[str, Stamp]) -> list[str]:
    """Paths whose stamp differs (created, deleted or written), sorted."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


def _watch_roots(deps: Deps) -> list[str]:
    """The fewest existing directories that hold every dependency (for a recursive watcher)."""
    wanted = set()
    for path in [*(os.path.dirname(f) for f in deps.files), *deps.trees]:
        while path and not os.path.isdir(path):
            path = os.path.dirname(path)
        wanted.add(path or "/")
    roots: list[str] = []
    for path in sorted(wanted, key=len):
        if not any(_under(path, r) for r in roots):
            roots.append(path)
    return roots


class Watcher:
    """Waits for changes to a target's dependencies; stops cleanly on SIGINT/SIGTERM.

    `settle` is how long the files must stay unchanged before a run starts (bursts of saves
    coalesce); `interval` is the polling period when watchfiles is not available."""

    def __init__(self, *, interval: float = 0.25, settle: float | None = None,
                 use_watchfiles: bool | None = None) -> None:
        self.interval = interval
        self.stop = threading.Event()
        if use_watchfiles is None:
            use_watchfiles = os.environ.get("KPY_WATCH_POLL", "") == "" and _has_watchfiles()
        self.use_watchfiles = use_watchfiles
        # watchfiles already waits until the events stop (50 ms); polling needs a longer look
        self.settle = settle if settle is not None else 0.01 if use_watchfiles else 0.1
        self._critical = 0
        self._pending_stop = False
        self._waiting = False
        self._events: Any = None  # the running watchfiles generator, and the roots it watches
        self._roots: list[str] = []
        self._deps: Deps | None = None
        self._deps_roots: list[str] = []
        self._fresh = False

    @property
    def mechanism(self) -> str:
        return "watchfiles" if self.use_watchfiles else f"polling every {self.interval:g} s"

    # -- signals ---------------------------------------------------------------------------------
    def install_signal_handlers(self) -> None:
        """SIGINT and SIGTERM end the watch; inside `critical()` they wait for the block to finish."""
        def handler(signum: int, frame: Any) -> None:
            self.stop.set()
            if self._critical:
                self._pending_stop = True
                return
            if not self._waiting:  # a wait notices `stop` by itself; a run is cut short
                raise KeyboardInterrupt

        signal.signal(signal.SIGINT, handler)
        signal.signal(signal.SIGTERM, handler)

    def critical(self) -> _Critical:
        """A block (an apply to a backend) that a Ctrl-C must not cut in half."""
        return _Critical(self)

    # -- waiting ---------------------------------------------------------------------------------
    def wait(self, deps: Deps, before: dict[str, Stamp]) -> tuple[list[str], dict[str, Stamp]]:
        """Block until a dependency changes relative to `before` and the files settle; returns the
        changed paths and the settled snapshot. Raises KeyboardInterrupt when stopped."""
        self._waiting = True
        try:
            while not self.stop.is_set():
                if self.use_watchfiles:
                    if not self._wait_events(deps):
                        continue
                else:
                    self.stop.wait(self.interval)
                if self.stop.is_set():
                    break
                now = snapshot(deps)
                if changed_paths(before, now):
                    now = self._settle(deps, now)
                    return changed_paths(before, now), now
            raise KeyboardInterrupt
        finally:
            self._waiting = False

    def _settle(self, deps: Deps, now: dict[str, Stamp]) -> dict[str, Stamp]:
        deadline = time.monotonic() + 2.0  # a save that never settles still runs after 2 s
        while time.monotonic() < deadline and not self.stop.is_set():
            self.stop.wait(self.settle)
            later = snapshot(deps)
            if later == now:
                break
            now = later
        return now

    def _wait_events(self, deps: Deps) -> bool:
        """Wait for the next batch of file-system events under the dependencies' directories, or
        200 ms; True when the snapshot should be compared: after events, and after the first quiet
        200 ms of a new watcher (edits made before it started are seen that way). One watcher is
        kept while the directories stay the same, so events during a run queue up."""
        import watchfiles

        if self._deps is not deps:  # worked out once per set of dependencies, not at every wake-up
            self._deps, self._deps_roots = deps, _watch_roots(deps)
        roots = self._deps_roots
        if self._events is None or self._roots != roots:
            if self._events is not None:
                self._events.close()
            self._roots = roots
            self._events = watchfiles.watch(*roots, debounce=50, step=50, stop_event=self.stop,
                                            rust_timeout=200, yield_on_timeout=True, raise_interrupt=False)
            self._fresh = True
        try:
            events = next(self._events)
        except StopIteration:
            self._events = None
            return True
        fresh, self._fresh = self._fresh, False
        return bool(events) or fresh

    def close(self) -> None:
        if self._events is not None:
            self._events.close()
            self._events = None


class _Critical:
    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def __enter__(self) -> None:
        self.watcher._critical += 1

    def __exit__(self, *exc: object) -> None:
        self.watcher._critical -= 1
        if not self.watcher._critical and self.watcher._pending_stop:
            self.watcher._pending_stop = False
            raise KeyboardInterrupt


def _has_watchfiles() -> bool:
    try:
        import watchfiles  # noqa: F401
    except ImportError:
        return False
    return True


def loop(run_once: Callable[[], None], deps_of: Callable[[DepsCache], Deps], watcher: Watcher, *,
         err: TextIO | None = None, base: str | None = None) -> int:
    """Run, then run again after every change to the dependencies, until stopped (returns 0).

    The dependencies are worked out again before each run (editing a kustomization can add or drop
    files) and their stamps taken then, so an edit made while a run is under way, to any file that
    run reads, starts the next run."""
    err = err or sys.stderr
    base = base or os.getcwd()
    cache = DepsCache()
    run_once = _without_gc_pauses(run_once)
    try:
        deps = deps_of(cache)
        before = snapshot(deps)
        run_once()
        print(f"watching {len(before)} files ({watcher.mechanism}); Ctrl-C to stop", file=err, flush=True)
        while True:
            changed, settled = watcher.wait(deps, before)
            shown = ", ".join(_short(p, base) for p in changed[:5]) + (f" and {len(changed) - 5} more"
                                                                        if len(changed) > 5 else "")
            print(f"\n== changed: {shown}", file=err, flush=True)
            cache.forget(changed)
            deps = deps_of(cache)
            now = snapshot(deps)  # before the run: a file newly named and written during it counts
            before = {p: settled.get(p, stamp) for p, stamp in now.items()}
            run_once()
    except KeyboardInterrupt:
        print("stopped watching", file=err, flush=True)
        return 0
    finally:
        watcher.close()


def _without_gc_pauses(run_once: Callable[[], None]) -> Callable[[], None]:
    """`run_once` with the cyclic garbage collector off while it runs; afterwards one collection of
    what the run left, and every object still alive moved out of the collector's sight (`gc.freeze`).

    A watch keeps the session's parse cache and the last render alive: without this, collections
    during each build walk them again and again (on a 3,000-document overlay a rebuild took as long
    as a cold build in a new process). The collection runs after the run has printed its result."""
    import gc

    def run() -> None:
        was = gc.isenabled()
        gc.disable()
        try:
            run_once()
        finally:
            if was:
                gc.enable()
                gc.collect()
                gc.freeze()

    return run


class TextCache:
    """Each object's YAML text from the last render, reused for objects that did not change (the
    stream is the same bytes as `BuildResult.yaml`: documents joined by `---` lines)."""

    def __init__(self) -> None:
        self._texts: dict[tuple[str, str, str, str], tuple[dict[str, Any], str]] = {}

    def stream(self, objects: list[dict[str, Any]]) -> str:
        from kustomize_py.yaml import dump

        texts: dict[tuple[str, str, str, str], tuple[dict[str, Any], str]] = {}
        out = []
        for obj in objects:
            meta = obj.get("metadata")
            if not isinstance(meta, dict):
                meta = {}
            key = (str(obj.get("apiVersion")), str(obj.get("kind")), str(meta.get("namespace")), str(meta.get("name")))
            hit = self._texts.get(key)
            text = hit[1] if hit is not None and hit[0] == obj else dump(obj)
            texts[key] = (obj, text)
            out.append(text)
        self._texts = texts
        return "---\n".join(out)


def _short(path: str, base: str) -> str:
    rel = os.path.relpath(path, base)
    return path if rel.startswith("..") else rel


def object_changes(old: list[dict[str, Any]], new: list[dict[str, Any]], *, max_lines: int = 40,
                   colour: bool = False) -> tuple[str, str]:
    """(summary line, short per-object diff) between two renders; Secret values are masked."""
    from kustomize_py.sync.normalize import ADDED, MODIFIED, REMOVED, diff_manifests, render_diffs

    diffs = diff_manifests(old, new, redact=True, normalise=False)
    counts = {a: sum(1 for d in diffs if d.action == a) for a in (ADDED, MODIFIED, REMOVED)}
    summary = (f"{counts[ADDED]} added, {counts[MODIFIED]} changed, {counts[REMOVED]} removed"
               if diffs else "no change in the output")
    for d in diffs:
        if len(d.lines) > max_lines:
            d.lines[max_lines:] = [f"... {len(d.lines) - max_lines} more lines"]
    return summary, render_diffs(diffs, colour=colour)

