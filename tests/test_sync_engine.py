"""The engine on the memory backend: health waits, hooks, immutable fields, dry-run gate, app deletion."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "sync"))

import sync_helpers as h

from kustomize_py.sync.backends.memory import MemoryBackend
from kustomize_py.sync.engine import SyncOptions, app_status, delete_app, make_plan, plan_diff, sync
from kustomize_py.sync.keys import ResourceKey

OPTS = SyncOptions(namespace="shop", poll_interval=0.0, timeout=5.0)


def job(name, hook, policy=None, wave=None):
    ann = {"argocd.argoproj.io/hook": hook}
    if policy:
        ann["argocd.argoproj.io/hook-delete-policy"] = policy
    if wave is not None:
        ann["argocd.argoproj.io/sync-wave"] = str(wave)
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name, "annotations": ann},
            "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "busybox"}]}}}}


def test_waves_wait_for_health_before_the_next_wave():
    mem = MemoryBackend(ready_after=3)
    seen = []

    def progress(r):
        # When wave 1 starts, wave 0's Deployment must already be healthy.
        if r.key.kind == "Deployment" and r.key.name == "web":
            seen.append(mem.objects[ResourceKey("apps", "Deployment", "shop", "db")]["status"]["availableReplicas"])

    result = sync("shop", h.sample_app(), mem, OPTS, progress)
    assert result.ok and seen == [1]
    assert mem.polls[ResourceKey("apps", "Deployment", "shop", "db")] >= 3


def test_degraded_workload_fails_its_wave_and_stops():
    mem = MemoryBackend(degrade={"db"})
    result = sync("shop", h.sample_app(), mem, OPTS)
    assert not result.ok and "Degraded" in result.message
    statuses = {r.key.name: r.status for r in result.results if r.key.kind == "Deployment"}
    assert statuses == {"db": "failed", "web": "not-run"}
    assert ResourceKey("apps", "Deployment", "shop", "web") not in mem.objects


def test_health_wait_times_out():
    mem = MemoryBackend(stuck={"db"})
    ticks = iter(range(1000))
    result = sync("shop", h.sample_app(), mem, SyncOptions(namespace="shop", poll_interval=1, timeout=10),
                  clock=lambda: float(next(ticks)), sleep=lambda s: None)
    assert not result.ok and "timed out" in result.message
    assert [r.status for r in result.results if r.key.name == "db" and r.status == "failed"] == ["failed"]


def test_no_wait_goes_straight_through():
    mem = MemoryBackend(stuck={"db"})
    assert sync("shop", h.sample_app(), mem, SyncOptions(namespace="shop", wait=False)).ok


def test_hooks_run_in_phases_and_follow_delete_policies():
    mem = MemoryBackend()
    desired = [h.deployment("web"), job("migrate", "PreSync", "HookSucceeded"), job("smoke", "PostSync"),
               job("notify", "SyncFail")]
    result = sync("shop", desired, mem, OPTS)
    assert result.ok
    assert [(r.phase, r.key.name) for r in result.results if r.status == "created"] == [
        ("PreSync", "migrate"), ("Sync", "web"), ("PostSync", "smoke")]
    assert ResourceKey("batch", "Job", "shop", "migrate") not in mem.objects  # HookSucceeded: deleted
    assert ResourceKey("batch", "Job", "shop", "smoke") in mem.objects  # default BeforeHookCreation: kept
    assert ResourceKey("batch", "Job", "shop", "notify") not in mem.objects  # SyncFail only on failure
    # Next sync: the old smoke job is deleted before it is created again (a Job template is immutable).
    mem.calls.clear()
    assert sync("shop", desired, mem, OPTS).ok
    assert ("delete", "batch/Job shop/smoke") in mem.calls


def test_sync_fail_hooks_run_when_a_wave_fails():
    mem = MemoryBackend(degrade={"web"})
    result = sync("shop", [h.deployment("web"), job("notify", "SyncFail", "HookSucceeded")], mem, OPTS)
    assert not result.ok
    assert [(r.phase, r.status) for r in result.results if r.key.name == "notify"] == [("SyncFail", "created")]
    # gitops-engine sync_context.go: HookSucceeded hooks are deleted only when the whole operation
    # succeeds; this one failed, so the SyncFail hook stays (its own success does not count).
    assert ResourceKey("batch", "Job", "shop", "notify") in mem.objects


def test_immutable_field_change_fails_in_dry_run_unless_forced():
    mem = MemoryBackend()
    assert sync("shop", [h.deployment("web")], mem, OPTS).ok
    changed = h.deployment("web")
    changed["spec"]["selector"]["matchLabels"] = {"app": "web", "v": "2"}
    changed["spec"]["template"]["metadata"]["labels"] = {"app": "web", "v": "2"}
    mem.calls.clear()
    result = sync("shop", [changed, h.configmap("extra", {})], mem, OPTS)
    assert not result.ok and "nothing was changed" in result.message
    assert {r.key.name: r.status for r in result.results} == {"web": "failed", "extra": "not-run"}
    assert "immutable" in result.results[-1].message or "immutable" in str(result.to_dict())
    assert mem.calls == []
    forced = sync("shop", [changed], mem, SyncOptions(**{**OPTS.__dict__, "force": True}))
    assert forced.ok
    # the report says what was done: deleted and created again (a new uid), not "configured"
    assert [r.status for r in forced.results] == ["recreated"] and "1 recreated" in forced.summary()
    assert mem.objects[ResourceKey("apps", "Deployment", "shop", "web")]["spec"]["selector"]["matchLabels"]["v"] == "2"
    per_object = h.deployment("web")
    per_object["metadata"]["annotations"] = {"argocd.argoproj.io/sync-options": "Force=true"}
    assert sync("shop", [per_object], mem, OPTS).ok


def test_server_side_apply_keeps_foreign_fields_and_removes_our_dropped_ones():
    mem = MemoryBackend()
    labelled = h.deployment("web", labels={"tier": "front"})
    sync("shop", [labelled], mem, OPTS)
    key = ResourceKey("apps", "Deployment", "shop", "web")
    mem.edit(key, lambda o: o["metadata"]["labels"].update({"added-by-hpa": "yes"}))
    sync("shop", [h.deployment("web")], mem, OPTS)
    assert mem.objects[key]["metadata"]["labels"] == {"added-by-hpa": "yes"}


def test_drift_is_detected_and_repaired():
    mem = MemoryBackend()
    sync("shop", [h.deployment("web")], mem, OPTS)
    key = ResourceKey("apps", "Deployment", "shop", "web")
    mem.edit(key, lambda o: o["spec"].update({"replicas": 7}))
    p = make_plan("shop", [h.deployment("web")], mem, OPTS)
    assert [s.status for s in app_status(p)] == ["out-of-sync"]
    [d] = plan_diff(p)
    assert "-  replicas: 7" in d.lines and "+  replicas: 1" in d.lines
    assert not any("uid" in line or "tracking-id" in line for line in d.lines)
    assert sync("shop", [h.deployment("web")], mem, OPTS).count("configured") == 1
    assert mem.objects[key]["spec"]["replicas"] == 1


def test_status_reports_missing_and_extraneous():
    mem = MemoryBackend()
    sync("shop", [h.configmap("a", {}), h.configmap("b", {})], mem, OPTS)
    p = make_plan("shop", [h.configmap("a", {"x": "1"}), h.configmap("c", {})], mem, OPTS)
    assert sorted((s.key.name, s.status) for s in app_status(p)) == [
        ("a", "out-of-sync"), ("b", "extraneous"), ("c", "missing")]


def test_dry_run_server_validation_skips_objects_whose_namespace_comes_with_the_sync():
    mem = MemoryBackend(require_namespaces=True)
    result = sync("shop", h.sample_app(), mem, OPTS)
    assert result.ok, result.message


def test_app_deletion_orphans_by_default_and_cascades_only_when_asked():
    mem = MemoryBackend()
    keep = h.configmap("data", {}, annotations={"argocd.argoproj.io/sync-options": "Delete=false"})
    sync("shop", h.sample_app() + [keep], mem, OPTS)
    orphaned = delete_app("shop", mem)
    assert orphaned.count("orphaned") == 6 and len(mem.objects) == 6
    cascaded = delete_app("shop", mem, "cascade")
    assert cascaded.count("deleted") == 5 and cascaded.count("kept") == 1
    assert list(mem.objects) == [ResourceKey("", "ConfigMap", "shop", "data")]


def test_memory_state_file_round_trips(tmp_path):
    state = tmp_path / "state.json"
    mem = MemoryBackend(state_file=state)
    sync("shop", h.sample_app(), mem, OPTS)
    again = MemoryBackend(state_file=state)
    assert sync("shop", h.sample_app(), again, OPTS).count("unchanged") == 5
