"""The same sync contract, run against every backend (memory, directory, git, kubectl and kube API fakes,
and the real `kubernetes` client against a fake API server when the package is installed)."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "sync"))

import sync_helpers as h

from kustomize_py.sync.backends.directory import DirectoryBackend
from kustomize_py.sync.backends.git import GitBackend
from kustomize_py.sync.backends.kube_api import KubeApiBackend
from kustomize_py.sync.backends.kubectl import KubectlBackend
from kustomize_py.sync.backends.memory import MemoryBackend
from kustomize_py.sync.engine import SyncOptions, sync
from kustomize_py.sync.keys import ResourceKey

APP = "shop"
OPTS = SyncOptions(namespace="shop", poll_interval=0.0, timeout=5.0)


class Harness:
    """A backend plus a way to count real writes, which differs per backend."""

    def __init__(self, backend, writes):
        self.backend, self._writes = backend, writes

    def writes(self) -> list[str]:
        return self._writes()


@pytest.fixture(params=["memory", "directory", "git", "kubectl", "kube", "kube-client"])
def harness(request, tmp_path, monkeypatch) -> Harness:
    kind = request.param
    if kind == "kube-client":  # the real `kubernetes` client over HTTP to a fake API server
        pytest.importorskip("kubernetes")
        from kubernetes import client as k8s
        from kubernetes import dynamic

        server = request.getfixturevalue("fake_apiserver")
        config = k8s.Configuration()
        config.host = server.url
        b = KubeApiBackend(client=dynamic.DynamicClient(k8s.ApiClient(config), cache_file=str(tmp_path / "d.json")))
        return Harness(b, lambda: [f"{r['method']} {r['path']}" for r in server.requests
                                   if r["method"] in ("PATCH", "DELETE") and "dryRun" not in r["query"]])
    if kind == "memory":
        b = MemoryBackend()
        return Harness(b, lambda: [k for op, k in b.calls])
    if kind == "directory":
        b = DirectoryBackend(tmp_path / "out")
        return Harness(b, lambda: list(b.writes))
    if kind == "git":
        repo = h.init_repo(tmp_path / "repo")
        b = GitBackend(repo, "rendered/staging")
        b.allow_plaintext_secrets = True  # the contract covers Secrets; the refusal has its own test
        return Harness(b, lambda: list(b.writes))
    if kind == "kubectl":
        for name, value in h.install_fake_kubectl(tmp_path).items():
            monkeypatch.setenv(name, value)
        b = KubectlBackend(context="staging")
        return Harness(b, lambda: [" ".join(e["argv"]) + " " + e["stdin"] for e in h.kubectl_log(tmp_path)
                                   if ("apply" in e["argv"] or "delete" in e["argv"])
                                   and not any(a.startswith("--dry-run") for a in e["argv"])])
    client = h.FakeDynamicClient(MemoryBackend())
    b = KubeApiBackend(client=client)
    return Harness(b, lambda: [f"{op} {c['kind']} {c['name']}" for op, c in client.calls
                               if op == "delete" or c["dry_run"] is None])


@pytest.fixture
def fake_apiserver():
    from fake_apiserver import FakeApiServer

    # Controllers act between requests, like a live cluster. Some scenarios apply into namespace "shop"
    # without creating it (as MemoryBackend allows by default), so namespace admission is off here.
    with FakeApiServer(auto_tick=True, namespace_lifecycle=False) as server:
        yield server


def live_names(backend, app=APP) -> set[str]:
    backend.begin(app)
    return {f"{o['kind']}/{o['metadata']['name']}" for o in backend.list_owned(app)}


def test_first_sync_creates_everything_then_resync_writes_nothing(harness):
    result = sync(APP, h.sample_app(), harness.backend, OPTS)
    assert result.ok, result.message
    assert result.count("created") == 5
    assert live_names(harness.backend) == {"Deployment/web", "Deployment/db", "ConfigMap/settings",
                                           "Service/web", "Namespace/shop"}
    before = len(harness.writes())
    again = sync(APP, h.sample_app(), harness.backend, OPTS)
    assert again.ok and again.count("unchanged") == 5
    assert len(harness.writes()) == before  # nothing written on a no-op resync


def test_changing_one_object_writes_only_that_object(harness):
    sync(APP, h.sample_app(), harness.backend, OPTS)
    desired = h.sample_app()
    desired[0] = h.deployment("web", wave=1, image="nginx:1.28")
    before = len(harness.writes())
    result = sync(APP, desired, harness.backend, OPTS)
    assert result.ok
    changed = [(r.key.kind, r.key.name) for r in result.results if r.status == "configured"]
    assert changed == [("Deployment", "web")]
    assert result.count("unchanged") == 4
    assert len(harness.writes()) == before + 1
    harness.backend.begin(APP)
    live = harness.backend.get(ResourceKey("apps", "Deployment", "shop", "web"))
    assert live["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.28"


def test_object_removed_from_git_is_pruned_only_with_prune(harness):
    sync(APP, h.sample_app(), harness.backend, OPTS)
    fewer = [o for o in h.sample_app() if o["metadata"]["name"] != "settings"]
    kept = sync(APP, fewer, harness.backend, OPTS)
    assert kept.ok and kept.count("extraneous") == 1 and kept.count("pruned") == 0
    assert "ConfigMap/settings" in live_names(harness.backend)
    pruned = sync(APP, fewer, harness.backend, SyncOptions(**{**OPTS.__dict__, "prune": True}))
    assert pruned.ok and [r.key.name for r in pruned.results if r.status == "pruned"] == ["settings"]
    assert "ConfigMap/settings" not in live_names(harness.backend)


def test_prune_honours_opt_outs_and_never_touches_other_apps(harness):
    desired = h.sample_app() + [
        h.configmap("keep-me", {"a": "1"}, annotations={"argocd.argoproj.io/sync-options": "Prune=false"}),
        h.configmap("flux-keep", {"a": "1"}, annotations={"kustomize.toolkit.fluxcd.io/prune": "disabled"})]
    sync(APP, desired, harness.backend, OPTS)
    other = sync("other", [h.configmap("theirs", {"b": "2"})], harness.backend, OPTS)
    assert other.ok
    result = sync(APP, [h.namespace("shop")], harness.backend, SyncOptions(**{**OPTS.__dict__, "prune": True}))
    assert result.ok
    skipped = {r.key.name for r in result.results if r.status == "prune-skipped"}
    assert skipped == {"keep-me", "flux-keep"}
    assert live_names(harness.backend) == {"Namespace/shop", "ConfigMap/keep-me", "ConfigMap/flux-keep"}
    assert live_names(harness.backend, "other") == {"ConfigMap/theirs"}


def test_waves_are_applied_in_order(harness):
    result = sync(APP, h.sample_app(), harness.backend, OPTS)
    order = [(r.wave, r.key.kind, r.key.name) for r in result.results if r.status == "created"]
    assert order == [(-1, "Namespace", "shop"), (-1, "ConfigMap", "settings"), (0, "Service", "web"),
                     (0, "Deployment", "db"), (1, "Deployment", "web")]
    # The backend saw the writes in that order too.
    written = harness.writes()
    assert len(written) == 5
    assert "web" in str(written[-1]).lower() and "deployment" in str(written[-1]).lower()


def test_failed_wave_stops_the_sync_and_nothing_is_pruned(harness):
    sync(APP, h.sample_app() + [h.configmap("old", {"x": "1"})], harness.backend, OPTS)
    desired = h.sample_app()
    desired[0] = h.deployment("web", wave=1, image="nginx:2")
    desired[3] = h.deployment("db", image="postgres:17")
    failing = h.FailingBackend(harness.backend, {"db"})
    result = failing and sync(APP, desired, failing, SyncOptions(**{**OPTS.__dict__, "prune": True}))
    assert not result.ok
    by_name = {r.key.name: r.status for r in result.results if r.key.kind != "Service"}
    assert by_name["db"] == "failed"
    assert by_name["web"] == "not-run" and by_name["old"] == "not-run"
    assert "ConfigMap/old" in live_names(harness.backend)  # no prune after a failed wave
    harness.backend.begin(APP)
    web = harness.backend.get(ResourceKey("apps", "Deployment", "shop", "web"))
    assert web["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"
    # Re-running without the fault converges.
    again = sync(APP, desired, harness.backend, SyncOptions(**{**OPTS.__dict__, "prune": True}))
    assert again.ok and {r.key.name for r in again.results if r.status == "pruned"} == {"old"}
    assert sync(APP, desired, harness.backend, OPTS).count("unchanged") == 5


def test_dry_run_changes_nothing(harness):
    result = sync(APP, h.sample_app(), harness.backend, SyncOptions(**{**OPTS.__dict__, "dry_run": True}))
    assert result.ok and result.count("would-create") == 5
    assert harness.writes() == []
    assert live_names(harness.backend) == set()


def test_secret_values_never_reach_the_result(harness):
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "creds"},
              "stringData": {"password": "hunter2-very-secret"}}
    result = sync(APP, [secret], harness.backend, OPTS)
    assert result.ok
    assert "hunter2" not in str(result.to_dict())
    changed = copy.deepcopy(secret)
    changed["stringData"]["password"] = "another-secret-value"
    result = sync(APP, [changed], harness.backend, OPTS)
    assert result.count("configured") == 1 and "another-secret" not in str(result.to_dict())


def test_a_field_removed_from_git_is_removed_from_the_live_object(harness):
    sync(APP, [h.deployment("web", labels={"tier": "front", "team": "shop"})], harness.backend, OPTS)
    result = sync(APP, [h.deployment("web", labels={"team": "shop"})], harness.backend, OPTS)
    assert result.count("configured") == 1
    harness.backend.begin(APP)
    labels = harness.backend.get(ResourceKey("apps", "Deployment", "shop", "web"))["metadata"]["labels"]
    assert "tier" not in labels and labels["team"] == "shop"
    assert sync(APP, [h.deployment("web", labels={"team": "shop"})], harness.backend, OPTS).count("unchanged") == 1
