"""`kpy build --watch`: driven in a subprocess, files edited on disk, output read as it comes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kustomize_py.watch import Deps, Watcher, changed_paths, dependencies, object_changes, snapshot

REPO = Path(__file__).resolve().parent.parent

try:
    import watchfiles  # noqa: F401
    MECHANISMS = ["poll", "watchfiles"]
except ImportError:  # pragma: no cover - the test extras install it
    MECHANISMS = ["poll"]


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def make_tree(root: Path) -> Path:
    """base (Deployment) + component (label) + overlay (patch, configMapGenerator from a file)."""
    write(root / "base/kustomization.yaml", "resources:\n- deploy.yaml\n")
    write(root / "base/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n"
          "spec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n      - name: app\n"
          "        image: app:1\n")
    write(root / "comp/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
          "commonAnnotations:\n  team: blue\n")
    write(root / "overlay/kustomization.yaml", "resources:\n- ../base\ncomponents:\n- ../comp\n"
          "patches:\n- path: patch.yaml\nconfigMapGenerator:\n- name: cfg\n  files:\n  - app.conf\n")
    write(root / "overlay/patch.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n"
          "spec:\n  replicas: 2\n")
    write(root / "overlay/app.conf", "level=info\n")
    write(root / "overlay/notes.txt", "not read by the build\n")
    return root / "overlay"


class Watch:
    """A `kpy build --watch` process whose output lines are collected as they arrive."""

    def __init__(self, *args: str, cwd: Path) -> None:
        env = dict(os.environ, PYTHONPATH=str(REPO))
        self.proc = subprocess.Popen([sys.executable, "-m", "kustomize_py", *args], cwd=cwd, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, sink in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=self._pump, args=(stream, sink), daemon=True).start()

    @staticmethod
    def _pump(stream, sink: list[str]) -> None:
        for line in stream:
            sink.append(line)

    def wait_for(self, text: str, where: str = "err", timeout: float = 15.0, start: int = 0) -> int:
        """Index of the first line from `start` on containing `text`; fails after `timeout`."""
        sink = self.err if where == "err" else self.out
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for i in range(start, len(sink)):
                if text in sink[i]:
                    return i
            time.sleep(0.02)
        raise AssertionError(f"{text!r} not seen on std{where}:\n{''.join(sink[start:])}\n-- stderr:\n"
                             f"{''.join(self.err)}")

    def runs(self) -> int:
        return sum(1 for line in self.err if line.startswith("built ") or line.startswith("build failed"))

    def wait_runs(self, n: int, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while self.runs() < n and time.monotonic() < deadline:
            time.sleep(0.02)
        assert self.runs() >= n, f"expected {n} runs, saw {self.runs()}:\n{''.join(self.err)}"

    def stop(self, sig: int = signal.SIGINT) -> int:
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(10)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


@pytest.fixture(params=MECHANISMS)
def mechanism(request: pytest.FixtureRequest) -> list[str]:
    return ["--watch-poll"] if request.param == "poll" else []


def test_each_dependency_edit_rebuilds_and_unrelated_edits_do_not(tmp_path: Path, mechanism: list[str]) -> None:
    overlay = make_tree(tmp_path)
    w = Watch("build", "overlay", "--watch", *mechanism, cwd=tmp_path)
    try:
        w.wait_for("watching")
        assert any("replicas: 2" in line for line in w.out), "the first render goes to stdout"
        edits = [  # (file, old, new, what the change report must show)
            ("overlay/patch.yaml", "replicas: 2", "replicas: 5", "replicas: 5"),
            ("overlay/app.conf", "level=info", "level=debug", "level=debug"),
            ("base/deploy.yaml", "image: app:1", "image: app:2", "image: app:2"),
            ("comp/kustomization.yaml", "team: blue", "team: red", "team: red"),
        ]
        for n, (name, old, new, shown) in enumerate(edits, start=2):
            mark = len(w.out)
            path = tmp_path / name
            path.write_text(path.read_text().replace(old, new))
            w.wait_runs(n)
            line = w.out[w.wait_for(shown, "out", start=mark)]
            assert line.startswith("+"), line
            w.wait_for(name, "err")  # the changed file is named
        runs = w.runs()
        (tmp_path / "overlay/notes.txt").write_text("edited, but no kustomization reads it\n")
        (tmp_path / "elsewhere.yaml").write_text("kind: Nothing\n")
        time.sleep(1.2)
        assert w.runs() == runs, "an unrelated file triggered a build"
        assert w.stop() == 0
        assert "stopped watching" in "".join(w.err)
    finally:
        if w.proc.poll() is None:
            w.proc.kill()


def test_broken_edit_is_reported_and_the_next_good_edit_recovers(tmp_path: Path, mechanism: list[str]) -> None:
    overlay = make_tree(tmp_path)
    w = Watch("build", "overlay", "--watch", *mechanism, cwd=tmp_path)
    try:
        w.wait_for("watching")
        (overlay / "patch.yaml").write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata: [oops\n")
        w.wait_for("Error:")
        w.wait_for("build failed")
        assert w.proc.poll() is None, "a build error ended the watch"
        mark = len(w.out)
        (overlay / "patch.yaml").write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n"
                                            "spec:\n  replicas: 9\n")
        w.wait_for("+  replicas: 9", "out", start=mark)  # diffed against the last good build
        assert w.stop(signal.SIGTERM) == 0
    finally:
        if w.proc.poll() is None:
            w.proc.kill()


def test_a_new_resource_is_watched_once_the_kustomization_names_it(tmp_path: Path) -> None:
    overlay = make_tree(tmp_path)
    w = Watch("build", "overlay", "--watch", "--watch-poll", cwd=tmp_path)
    try:
        w.wait_for("watching")
        write(overlay / "svc.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\n")
        text = (overlay / "kustomization.yaml").read_text().replace("- ../base\n", "- ../base\n- svc.yaml\n")
        (overlay / "kustomization.yaml").write_text(text)
        w.wait_for("1 added, 0 changed, 0 removed", "out")
        mark = len(w.out)
        write(overlay / "svc.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\n  labels:\n    x: z\n")
        w.wait_for("+    x: z", "out", start=mark)
        assert w.stop() == 0
    finally:
        if w.proc.poll() is None:
            w.proc.kill()


def test_burst_of_saves_coalesces_into_one_run(tmp_path: Path) -> None:
    overlay = make_tree(tmp_path)
    w = Watch("build", "overlay", "--watch", "--watch-poll", cwd=tmp_path)
    try:
        w.wait_for("watching")
        for i in range(6):  # an editor writing a file in several steps, 20 ms apart
            (overlay / "app.conf").write_text(f"level={i}\n")
            time.sleep(0.02)
        w.wait_runs(2)
        time.sleep(1.0)
        assert w.runs() == 2, "".join(w.err)
        assert any("level=5" in line for line in w.out)
        assert w.stop() == 0
    finally:
        if w.proc.poll() is None:
            w.proc.kill()


def test_output_directory_is_rewritten_and_stale_files_removed(tmp_path: Path) -> None:
    overlay = make_tree(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    keep = out / "README"
    keep.write_text("not written by kpy\n")
    w = Watch("build", "overlay", "--watch", "--watch-poll", "-o", str(out), cwd=tmp_path)
    try:
        w.wait_for("watching")
        files = sorted(p.name for p in out.iterdir())
        assert "apps_v1_deployment_app.yaml" in files
        cm = [f for f in files if f.startswith("v1_configmap_cfg-")]
        assert len(cm) == 1
        (overlay / "app.conf").write_text("level=warn\n")  # new content: new hash suffix, new file name
        w.wait_runs(2)
        after = sorted(p.name for p in out.iterdir())
        assert cm[0] not in after, "the old ConfigMap's file was left behind"
        assert len([f for f in after if f.startswith("v1_configmap_cfg-")]) == 1
        assert keep.exists(), "a file kpy did not write was removed"
        assert w.stop() == 0
    finally:
        if w.proc.poll() is None:
            w.proc.kill()


def test_secret_values_never_appear_in_change_reports(tmp_path: Path) -> None:
    write(tmp_path / "k/kustomization.yaml", "secretGenerator:\n- name: s\n  literals:\n  - password=hunter2\n"
          "generatorOptions:\n  disableNameSuffixHash: true\n")
    w = Watch("build", "k", "--watch", "--watch-poll", "-o", str(tmp_path / "out.yaml"), cwd=tmp_path)
    try:
        w.wait_for("watching")
        (tmp_path / "k/kustomization.yaml").write_text(
            (tmp_path / "k/kustomization.yaml").read_text().replace("hunter2", "correcthorse"))
        w.wait_for("1 changed", "out")
        w.wait_runs(2)
        report = "".join(w.out) + "".join(w.err)
        for value in ("hunter2", "correcthorse", "aHVudGVyMg==", "Y29ycmVjdGhvcnNl"):
            assert value not in report
        assert "Y29ycmVjdGhvcnNl" in (tmp_path / "out.yaml").read_text()  # the output itself is exact
        assert w.stop() == 0
    finally:
        if w.proc.poll() is None:
            w.proc.kill()


def test_watch_refuses_all_and_missing_directories(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-m", "kustomize_py", "build", "nope", "--watch"], cwd=tmp_path,
                          capture_output=True, text=True, env=env, timeout=30)
    assert done.returncode == 1 and "'nope' is not a directory" in done.stderr
    done = subprocess.run([sys.executable, "-m", "kustomize_py", "build", "--all", ".", "-o", "x", "--watch"],
                          cwd=tmp_path, capture_output=True, text=True, env=env, timeout=30)
    assert done.returncode == 1 and "cannot be combined with --all" in done.stderr


# -- units -------------------------------------------------------------------------------------

def test_dependencies_cover_bases_components_patches_and_generator_sources(tmp_path: Path) -> None:
    overlay = make_tree(tmp_path)
    deps = dependencies(overlay)
    real = tmp_path.resolve()
    for name in ("overlay/kustomization.yaml", "overlay/patch.yaml", "overlay/app.conf", "base/deploy.yaml",
                 "base/kustomization.yaml", "comp/kustomization.yaml", "overlay/kustomization.yml"):
        assert str(real / name) in deps.files, name
    assert str(real / "overlay/notes.txt") not in deps.files


def test_unreadable_kustomization_watches_its_whole_directory(tmp_path: Path) -> None:
    write(tmp_path / "k/kustomization.yaml", "resources: [\n")
    deps = dependencies(tmp_path / "k")
    assert str((tmp_path / "k").resolve()) in deps.trees
    snap = snapshot(deps)
    write(tmp_path / "k/new.yaml", "x: 1\n")
    assert str((tmp_path / "k/new.yaml").resolve()) in changed_paths(snap, snapshot(deps))


def test_symlinked_dependency_is_watched_at_its_target(tmp_path: Path) -> None:
    write(tmp_path / "shared/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
    write(tmp_path / "k/kustomization.yaml", "resources:\n- cm.yaml\n")
    (tmp_path / "k/cm.yaml").symlink_to(tmp_path / "shared/cm.yaml")
    deps = dependencies(tmp_path / "k")
    assert str((tmp_path / "shared/cm.yaml").resolve()) in deps.files


def test_polling_wait_returns_changed_paths_and_stops_on_request(tmp_path: Path) -> None:
    f = tmp_path / "a.yaml"
    f.write_text("1")
    deps = Deps(frozenset({str(f)}))
    watcher = Watcher(interval=0.05, settle=0.02, use_watchfiles=False)
    before = snapshot(deps)
    threading.Timer(0.1, lambda: f.write_text("22")).start()
    changed, after = watcher.wait(deps, before)
    assert changed == [str(f)] and after[str(f)] != before[str(f)]
    threading.Timer(0.1, watcher.stop.set).start()
    with pytest.raises(KeyboardInterrupt):
        watcher.wait(deps, after)


def test_object_changes_summarises_added_changed_removed() -> None:
    a = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"k": "1"}}
    b = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}}
    a2 = {**a, "data": {"k": "2"}}
    c = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "c"}}
    summary, diff = object_changes([a, b], [a2, c])
    assert summary == "1 added, 1 changed, 1 removed"
    assert "-  k: \"1\"" in diff and "+  k: \"2\"" in diff
    assert object_changes([a], [a])[0] == "no change in the output"


def test_deps_cache_rereads_a_kustomization_only_when_its_structure_may_have_changed(tmp_path: Path) -> None:
    from kustomize_py.watch import DepsCache

    overlay = make_tree(tmp_path)
    cache = DepsCache()
    dependencies(overlay, cache)
    base = str((tmp_path / "base").resolve())
    kept = cache.nodes[base]
    cache.forget([str((tmp_path / "base/deploy.yaml").resolve())])  # an edited resource file
    assert cache.nodes[base] is kept
    (tmp_path / "base/deploy.yaml").unlink()  # gone (or turned into a directory): read again
    cache.forget([str((tmp_path / "base/deploy.yaml").resolve())])
    assert base not in cache.nodes
    dependencies(overlay, cache)
    cache.forget([str((tmp_path / "base/kustomization.yaml").resolve())])
    assert base not in cache.nodes


# -- kpy sync --watch / kpy diff --watch (memory backend, state in a file) -------------------------

SYNC_FIXTURE = REPO / "tests" / "fixtures" / "sync" / "repo"


@pytest.fixture
def app_repo(tmp_path: Path) -> Path:
    import shutil

    sys.path.insert(0, str(REPO / "tests" / "fixtures" / "sync"))
    import sync_helpers as h

    dest = tmp_path / "repo"
    shutil.copytree(SYNC_FIXTURE, dest)
    h.init_repo(dest)
    h.git(dest, "add", "-A")
    h.git(dest, "commit", "-q", "-m", "apps")
    return dest


def _state(path: Path) -> dict[str, dict]:
    import json

    data = json.loads(path.read_text())
    return {f"{o['object']['kind']}/{o['object']['metadata']['name']}": o["object"] for o in data["objects"]}


def _seed_live_application(repo: Path, state: Path) -> None:
    """The Application itself, live in namespace argocd, as Argo CD's app-of-apps would create it."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-m", "kustomize_py", "sync", str(repo / "apps/shop-staging.yaml"),
                           "--app-name", "apps", "--namespace", "argocd", "--backend", f"memory:{state}",
                           "--no-wait"], capture_output=True, text=True, env=env, timeout=60, cwd=repo)
    assert done.returncode == 0, done.stderr


def test_sync_watch_pauses_argocd_applies_each_change_and_resumes_on_ctrl_c(app_repo: Path, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    _seed_live_application(app_repo, state)
    w = Watch("sync", "shop-staging", "--watch", "--watch-poll", "--pause-argocd", "--no-wait", "--repo",
              str(app_repo), "--backend", f"memory:{state}", cwd=app_repo)
    try:
        w.wait_for("watching")
        w.wait_for("paused Argo CD for Application argocd/shop-staging")
        live = _state(state)
        assert live["Application/shop-staging"]["metadata"]["annotations"]["argocd.argoproj.io/skip-reconcile"] == "true"
        assert live["ConfigMap/settings"]["data"]["mode"] == "fast"
        cm = app_repo / "shop/base/configmap.yaml"
        cm.write_text(cm.read_text().replace("fast", "slow"))
        w.wait_for("sync done", start=w.wait_for("== changed: shop/base/configmap.yaml") + 1)
        assert _state(state)["ConfigMap/settings"]["data"]["mode"] == "slow"
        runs = sum("sync done" in line for line in w.err)
        (app_repo / "README.md").write_text("not part of the app\n")
        time.sleep(1.0)
        assert sum("sync done" in line for line in w.err) == runs
        assert w.stop() == 0
        final = _state(state)
        assert "argocd.argoproj.io/skip-reconcile" not in (final["Application/shop-staging"]["metadata"]
                                                           .get("annotations") or {})
        assert final["ConfigMap/settings"]["data"]["mode"] == "slow"
        assert "resumed Argo CD" in "".join(w.err)
    finally:
        if w.proc.poll() is None:
            w.proc.kill()


def test_sync_watch_warns_when_self_heal_would_revert(app_repo: Path, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    _seed_live_application(app_repo, state)
    w = Watch("sync", "shop-staging", "--watch", "--watch-poll", "--no-wait", "--repo", str(app_repo),
              "--backend", f"memory:{state}", cwd=app_repo)
    try:
        w.wait_for("watching")
        assert any("selfHeal: Argo CD will revert" in line and "--pause-argocd" in line for line in w.err)
        assert "argocd.argoproj.io/skip-reconcile" not in (_state(state)["Application/shop-staging"]["metadata"]
                                                           .get("annotations") or {})
        assert w.stop(signal.SIGTERM) == 0
    finally:
        if w.proc.poll() is None:
            w.proc.kill()


def test_diff_watch_shows_the_change_against_the_backend(app_repo: Path, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-m", "kustomize_py", "sync", "shop-staging", "--repo", str(app_repo),
                           "--backend", f"memory:{state}", "--no-wait"], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    w = Watch("diff", "shop-staging", "--watch", "--watch-poll", "--repo", str(app_repo),
              "--backend", f"memory:{state}", cwd=app_repo)
    try:
        w.wait_for("watching")
        mark = len(w.out)
        cm = app_repo / "shop/base/configmap.yaml"
        cm.write_text(cm.read_text().replace("fast", "slow"))
        w.wait_for("+  mode: slow", "out", start=mark)
        assert _state(state)["ConfigMap/settings"]["data"]["mode"] == "fast", "a diff changed the backend"
        assert w.stop() == 0
    finally:
        if w.proc.poll() is None:
            w.proc.kill()


def test_signal_inside_a_critical_block_waits_for_its_end() -> None:
    watcher = Watcher(use_watchfiles=False)
    old = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        watcher.install_signal_handlers()
        finished = False
        with pytest.raises(KeyboardInterrupt):
            with watcher.critical():
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(0.05)
                finished = True  # an apply in progress is not cut short
        assert finished and watcher.stop.is_set()
    finally:
        signal.signal(signal.SIGINT, old[0])
        signal.signal(signal.SIGTERM, old[1])


def test_watch_cache_keeps_only_what_the_last_build_read() -> None:
    from kustomize_py.watch import WatchCache

    cache = WatchCache()
    cache.put("/a.yaml", b"v1", [{"a": 1}])
    cache.put("/b.yaml", b"v1", [{"b": 1}])
    cache.sweep()
    assert cache.get("/a.yaml", b"v1") == [{"a": 1}]
    cache.put("/b.yaml", b"v2", [{"b": 2}])  # b edited; a read again from the cache
    cache.sweep()
    assert len(cache) == 2 and cache.get("/b.yaml", b"v1") is None and cache.get("/b.yaml", b"v2") == [{"b": 2}]


def test_text_cache_stream_is_the_builds_yaml_byte_for_byte(tmp_path: Path) -> None:
    from kustomize_py import build
    from kustomize_py.watch import TextCache

    overlay = make_tree(tmp_path)
    texts = TextCache()
    first = build(overlay)
    assert texts.stream(first.objects) == first.yaml
    (overlay / "patch.yaml").write_text((overlay / "patch.yaml").read_text().replace("replicas: 2", "replicas: 4"))
    (overlay / "app.conf").write_text("level=trace\n")
    second = build(overlay)
    assert texts.stream(second.objects) == second.yaml != first.yaml


@pytest.mark.parametrize("argv", [["build", ".", "--watch-poll"], ["diff", "x", "--watch-poll"],
                                  ["sync", "x", "--pause-argocd"], ["sync", "x", "--watch-poll"]])
def test_watch_only_flags_without_watch_are_refused(argv: list[str], tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    backend = ["--backend", "memory", "--repo", str(tmp_path)] if argv[0] != "build" else []
    done = subprocess.run([sys.executable, "-m", "kustomize_py", *argv, *backend], cwd=tmp_path,
                          capture_output=True, text=True, env=env, timeout=30)
    flag = argv[-1]
    assert done.returncode == 1 and flag in done.stderr and "add --watch" in done.stderr, done.stderr
