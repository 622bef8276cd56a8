"""The pure planner: ordering, hooks, tracking, prune rules, app deletion policy."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "sync"))

import sync_helpers as h

from kustomize_py.errors import SyncError
from kustomize_py.sync import order
from kustomize_py.sync.keys import ResourceKey, key_of, parse_tracking_id, tracked_app, tracking_id
from kustomize_py.sync.plan import PlanOptions, config_hash, contains, delete_app_plan, plan

OPTS = PlanOptions(app="shop", namespace="shop")
TRACK = "argocd.argoproj.io/tracking-id"


def names(p):
    return [(s.action, s.phase, s.wave, s.key.kind, s.key.name) for s in p.steps]


def owned(obj, app="shop", ns="shop"):
    obj = h.configmap(obj, {"a": "1"}) if isinstance(obj, str) else obj
    obj["metadata"].setdefault("namespace", ns) if obj["kind"] not in ("Namespace",) else None
    obj["metadata"].setdefault("annotations", {})[TRACK] = tracking_id(app, key_of(obj))
    return obj


def test_tracking_id_is_argo_format_and_must_refer_to_itself():
    key = ResourceKey("apps", "Deployment", "default", "web")
    assert tracking_id("my-app", key) == "my-app:apps/Deployment:default/web"
    assert tracking_id("a", ResourceKey("", "Namespace", "", "ns")) == "a:/Namespace:/ns"
    assert parse_tracking_id("my-app:apps/Deployment:default/web") == ("my-app", key)
    assert parse_tracking_id("garbage") is None
    copy_ = owned("cm")
    copy_["metadata"]["name"] = "copied"  # copied object keeps the original's id
    assert tracked_app(owned("cm")) == "shop" and tracked_app(copy_) is None


def test_order_is_phase_wave_kind_name_with_namespace_first():
    desired = [
        h.deployment("b-web", wave=1), h.deployment("a-web", wave=1), h.configmap("cfg", {}, wave=1),
        {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "migrate", "annotations": {
            "argocd.argoproj.io/hook": "PreSync"}}, "spec": {}},
        {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "smoke", "annotations": {
            "argocd.argoproj.io/hook": "PostSync", "argocd.argoproj.io/sync-wave": "-5"}}, "spec": {}},
        {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "a"}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "z", "annotations": {
            "argocd.argoproj.io/sync-wave": "-2"}}},
        h.namespace("shop"),
        {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "alert", "annotations": {
            "argocd.argoproj.io/hook": "SyncFail"}}},
    ]
    p = plan(desired, [], OPTS)
    assert names(p) == [
        ("apply", "PreSync", 0, "Namespace", "shop"),  # moved ahead of the PreSync hook in its namespace
        ("hook", "PreSync", 0, "Job", "migrate"),
        ("apply", "Sync", -2, "Service", "z"),
        ("apply", "Sync", 0, "Widget", "a"),
        ("apply", "Sync", 1, "ConfigMap", "cfg"),
        ("apply", "Sync", 1, "Deployment", "a-web"),
        ("apply", "Sync", 1, "Deployment", "b-web"),
        ("hook", "PostSync", -5, "Job", "smoke"),
        ("hook", "SyncFail", 0, "Job", "alert"),
    ]


def test_crd_moves_before_its_first_custom_resource():
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "metadata": {"name": "widgets.example.com", "annotations": {"argocd.argoproj.io/sync-wave": "3"}},
           "spec": {"group": "example.com", "names": {"kind": "Widget"}, "scope": "Cluster"}}
    widget = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "namespace": "x"}}
    p = plan([widget, crd], [], OPTS)
    assert [(s.key.kind, s.wave) for s in p.steps] == [("CustomResourceDefinition", 0), ("Widget", 0)]
    assert p.steps[1].key.namespace == ""  # the CRD says the kind is cluster-scoped


def test_kind_order_table_puts_unknown_kinds_last():
    assert order.kind_rank("Namespace") < order.kind_rank("ConfigMap") < order.kind_rank("Deployment") < 0
    assert order.kind_rank("SomethingCustom") == 0


def test_namespace_defaulting_and_cluster_scope():
    p = plan([h.configmap("c", {}), {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                                     "metadata": {"name": "r", "namespace": "wrong"}}], [], OPTS)
    keys = {s.key for s in p.steps}
    assert ResourceKey("", "ConfigMap", "shop", "c") in keys
    assert ResourceKey("rbac.authorization.k8s.io", "ClusterRole", "", "r") in keys
    assert all(s.desired["metadata"]["annotations"][TRACK] == tracking_id("shop", s.key) for s in p.steps)


def test_hook_parsing_skip_helm_and_delete_policies():
    skip = h.configmap("x", {}, annotations={"argocd.argoproj.io/hook": "Skip"})
    unknown = h.configmap("y", {}, annotations={"argocd.argoproj.io/hook": "Bogus"})
    helm = h.configmap("z", {}, annotations={"helm.sh/hook": "pre-install,pre-upgrade", "helm.sh/hook-weight": "4",
                                             "helm.sh/hook-delete-policy": "hook-succeeded"})
    crd_install = h.configmap("w", {}, annotations={"helm.sh/hook": "crd-install"})
    p = plan([skip, unknown, helm, crd_install], [], OPTS)
    assert {k.name for k in p.skipped} == {"x", "y"}
    assert [(s.action, s.phase, s.wave, s.key.name, s.delete_policies) for s in p.steps] == [
        ("hook", "PreSync", 4, "z", ("HookSucceeded",)), ("apply", "Sync", 0, "w", ())]
    assert order.hook_delete_policies(h.configmap("d", {})) == ("BeforeHookCreation",)
    assert order.wave_of(h.configmap("bad", {}, annotations={"argocd.argoproj.io/sync-wave": "x"})) == 0


def test_generate_name_hooks_get_a_deterministic_name():
    job = {"apiVersion": "batch/v1", "kind": "Job",
           "metadata": {"generateName": "migrate-", "annotations": {"argocd.argoproj.io/hook": "PreSync"}}}
    opts = PlanOptions(app="shop", namespace="shop", revision="ABCDEF123456", started=1700000000)
    assert plan([job], [], opts).steps[0].key.name == "migrate-abcdef1-presync-1700000000"


def test_unchanged_ignores_server_fields_and_defaults_but_sees_drift():
    desired = h.deployment("web")
    p1 = plan([desired], [], OPTS)
    live = p1.steps[0].desired | {"status": {"replicas": 1}}
    live["metadata"] = live["metadata"] | {"uid": "u", "resourceVersion": "9", "generation": 3,
                                           "managedFields": [{}], "creationTimestamp": "t"}
    live["spec"] = live["spec"] | {"strategy": {"type": "RollingUpdate"}, "revisionHistoryLimit": 10}
    assert plan([desired], [live], OPTS).steps[0].change == "unchanged"
    drifted = {**live, "spec": {**live["spec"], "replicas": 5}}
    assert plan([desired], [drifted], OPTS).steps[0].change == "update"
    assert plan([h.deployment("web", image="x")], [live], OPTS).steps[0].change == "update"


def test_config_hash_notices_a_removed_field_against_a_defaulted_live_object():
    opts = PlanOptions(app="shop", namespace="shop", config_hash=True)
    with_label = h.deployment("web", labels={"tier": "front"})
    live = plan([with_label], [], opts).steps[0].desired
    assert plan([with_label], [live], opts).steps[0].change == "unchanged"
    # Dropping the label: live still has it, so containment alone would say "in sync".
    assert plan([h.deployment("web")], [live], opts).steps[0].change == "update"
    assert config_hash(live) == config_hash(plan([with_label], [], opts).steps[0].desired)


def test_contains_treats_numeric_strings_as_equal_but_not_bools():
    assert contains({"port": "8080"}, {"port": 8080})
    assert not contains({"x": "true"}, {"x": True})
    assert not contains({"a": [1, 2]}, {"a": [1]})


def test_prune_only_tracked_objects_in_reverse_order_before_post_sync():
    live = [owned(h.namespace("old-ns")), owned(h.deployment("old-web")), owned("old-cfg"),
            owned(h.configmap("wave5", {}, wave=5)), owned("someone-elses", app="other"),
            h.configmap("untracked", {}) | {"metadata": {"name": "untracked", "namespace": "shop"}}]
    post = {"apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": "smoke", "annotations": {"argocd.argoproj.io/hook": "PostSync"}}}
    p = plan([h.configmap("new", {}), post], live, PlanOptions(app="shop", namespace="shop", prune=True))
    assert [(s.action, s.key.name) for s in p.steps] == [
        ("apply", "new"), ("prune", "wave5"), ("prune", "old-web"), ("prune", "old-cfg"), ("prune", "old-ns"),
        ("hook", "smoke")]
    assert p.extraneous == []


def test_prune_off_and_opt_outs_leave_objects_extraneous():
    live = [owned("a"), owned(h.configmap("b", {}, annotations={"argocd.argoproj.io/sync-options": "Prune=false"})),
            owned(h.configmap("c", {}) | {"metadata": {"name": "c", "namespace": "shop", "labels": {
                "kustomize.toolkit.fluxcd.io/prune": "disabled"}}})]
    live[2]["metadata"]["annotations"] = {TRACK: tracking_id("shop", key_of(live[2]))}
    off = plan([], live, OPTS)
    assert off.steps == [] and {e.key.name: e.reason for e in off.extraneous}["a"] == "prune is off"
    on = plan([], live, PlanOptions(app="shop", prune=True))
    assert [s.key.name for s in on.steps] == ["a"]
    assert {e.key.name: e.reason for e in on.extraneous} == {
        "b": "Prune=false", "c": "kustomize.toolkit.fluxcd.io/prune: disabled"}
    assert not off.in_sync


def test_live_hooks_are_never_pruned():
    hook = owned(h.configmap("h", {}, annotations={"argocd.argoproj.io/hook": "PreSync"}))
    assert plan([], [hook], PlanOptions(app="shop", prune=True)).steps == []


def test_deleting_an_app_orphans_unless_cascade_and_keeps_delete_false():
    live = [owned("a"), owned(h.configmap("pvc-like", {}, annotations={
        "argocd.argoproj.io/sync-options": "Delete=false"})), owned(h.namespace("shop"))]
    orphan = delete_app_plan(live, "shop", "orphan")
    assert orphan.steps == [] and len(orphan.extraneous) == 3
    cascade = delete_app_plan(live, "shop", "cascade")
    assert [s.key.name for s in cascade.steps] == ["a", "shop"]  # reverse order: namespace last
    assert [e.key.name for e in cascade.extraneous] == ["pvc-like"]
    with pytest.raises(SyncError):
        delete_app_plan(live, "shop", "finalizer")


def test_create_namespace_adds_the_destination_namespace_once():
    opts = PlanOptions(app="shop", namespace="shop", create_namespace=True)
    assert [s.key.kind for s in plan([h.configmap("c", {})], [], opts).steps] == ["Namespace", "ConfigMap"]
    assert len(plan([h.namespace("shop")], [], opts).steps) == 1


def test_invalid_manifests_are_refused():
    with pytest.raises(SyncError):
        plan([{"kind": "ConfigMap", "metadata": {"name": "x"}}], [], OPTS)
    with pytest.raises(SyncError):
        plan([{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}}], [], OPTS)


def test_created_namespace_is_not_tracked_so_apps_can_share_it():
    """Argo CD's CreateNamespace creates a missing namespace without taking ownership: a second app
    with the same destination neither takes it over nor prunes it."""
    a = PlanOptions(app="grafana", namespace="monitoring", create_namespace=True, prune=True)
    b = PlanOptions(app="prometheus", namespace="monitoring", create_namespace=True, prune=True)
    first = plan([h.configmap("c", {})], [], a)
    ns = next(s for s in first.steps if s.key.kind == "Namespace")
    assert "annotations" not in ns.desired["metadata"]
    live = [ns.desired]
    second = plan([h.configmap("d", {})], live, b)
    assert [s.key.kind for s in second.steps] == ["ConfigMap"]
    assert not second.extraneous
