"""Argo CD's sync semantics, each case anchored to the gitops-engine rule it reproduces
(github.com/argoproj/gitops-engine pkg/sync/...), on the memory backend and through the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "sync"))

import sync_helpers as h

from kustomize_py.cli import main
from kustomize_py.sync.backends.base import BackendBase
from kustomize_py.sync.backends.memory import MemoryBackend
from kustomize_py.sync.engine import SyncOptions, sync
from kustomize_py.sync.keys import ResourceKey
from kustomize_py.sync.plan import CONFIG_HASH_ANNOTATION

OPTS = SyncOptions(namespace="shop", poll_interval=0.0, timeout=5.0)
MIGRATE = ResourceKey("batch", "Job", "shop", "migrate")


def with_options(**changes):
    return SyncOptions(**{**OPTS.__dict__, **changes})


def job(name, image="migrate:1", **annotations):
    ann = {k.replace("_", "-").replace("--", "/"): v for k, v in annotations.items()}
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name, "annotations": ann},
            "spec": {"template": {"spec": {"restartPolicy": "Never",
                                           "containers": [{"name": "c", "image": image}]}}}}


def hook(name, phase, image="migrate:1", policy=None):
    ann = {"argocd.argoproj.io/hook": phase}
    if policy:
        ann["argocd.argoproj.io/hook-delete-policy"] = policy
    obj = job(name, image)
    obj["metadata"]["annotations"] = ann
    return obj


class Recording(BackendBase):
    """Wraps a backend and records the keyword arguments of every apply and delete."""

    def __init__(self, inner, *, fail_list=False):
        self.inner, self.fail_list, self.calls = inner, fail_list, []
        for attr in ("name", "hooks", "track_label", "config_hash", "waits", "exact"):
            setattr(self, attr, getattr(inner, attr))

    def begin(self, app):
        self.inner.begin(app)

    def get(self, key, api_version=None):
        return self.inner.get(key, api_version)

    def list_owned(self, app):
        if self.fail_list:
            raise RuntimeError("connection reset by peer")
        return self.inner.list_owned(app)

    def apply(self, obj, **kwargs):
        self.calls.append(("apply", obj["metadata"]["name"], kwargs))
        return self.inner.apply(obj, **kwargs)

    def delete(self, key, **kwargs):
        self.calls.append(("delete", key.name, kwargs))
        return self.inner.delete(key, **kwargs)

    def health(self, key):
        return self.inner.health(key)


# --- 1. hooks: BeforeHookCreation, HookSucceeded/HookFailed -------------------------------------

def test_changed_presync_hook_is_deleted_waited_for_then_created():
    # gitops-engine sync_task.go deleteBeforeCreation / sync_context.go: the previous run's hook is
    # deleted, the sync waits until it is gone, then creates the new one. A Job's template is
    # immutable: checking the new hook against the old one would fail the dry run.
    mem = MemoryBackend(linger=3)  # the old Job takes three reads to go away
    assert sync("shop", [h.deployment("web"), hook("migrate", "PreSync")], mem, OPTS).ok
    mem.calls.clear()
    second = sync("shop", [h.deployment("web"), hook("migrate", "PreSync", image="migrate:2")], mem, OPTS)
    assert second.ok, second.message
    assert mem.calls[:2] == [("delete", str(MIGRATE)), ("apply", str(MIGRATE))]
    assert mem.objects[MIGRATE]["spec"]["template"]["spec"]["containers"][0]["image"] == "migrate:2"
    assert [r.status for r in second.results if r.key == MIGRATE] == ["created"]


def test_hook_delete_policies_follow_the_whole_operation():
    # sync_context.go: hooks with HookSucceeded are deleted when the operation succeeds, those with
    # HookFailed when it fails, whatever the hook's own outcome.
    desired = [hook("ok-on-success", "PreSync", policy="HookSucceeded"),
               hook("ok-on-failure", "PreSync", policy="HookFailed"), h.deployment("web")]
    good = MemoryBackend()
    assert sync("shop", desired, good, OPTS).ok
    names = {k.name for k in good.objects}
    assert "ok-on-success" not in names and "ok-on-failure" in names
    bad = MemoryBackend(degrade={"web"})
    assert not sync("shop", desired, bad, OPTS).ok
    names = {k.name for k in bad.objects}
    assert "ok-on-success" in names and "ok-on-failure" not in names


# --- 2. Helm hooks -----------------------------------------------------------------------------

@pytest.mark.parametrize("helm_type", ["test", "pre-delete", "post-delete", "pre-rollback", "test-success"])
def test_helm_hooks_a_sync_never_runs_are_not_applied(helm_type):
    # pkg/sync/hook/helm/hook.go + type.go: any helm.sh/hook but crd-install is a hook; only
    # pre/post-install and pre/post-upgrade have a sync phase, the others never run.
    mem = MemoryBackend()
    result = sync("shop", [h.deployment("web"), job("t", **{"helm.sh__hook": helm_type})], mem, OPTS)
    assert result.ok and ResourceKey("batch", "Job", "shop", "t") not in mem.objects
    assert any(f"hook type {helm_type} is never run" in w for w in result.warnings)


def test_helm_hook_phases_and_policies_as_gitops_engine_maps_them():
    from kustomize_py.sync import order

    helm = job("h", **{"helm.sh__hook": "pre-upgrade,post-install", "helm.sh__hook-delete-policy": "hook-failed"})
    assert order.hook_phases(helm) == ["PreSync", "PostSync"]
    assert order.hook_phases(job("c", **{"helm.sh__hook": "crd-install"})) is None  # a plain resource
    # Argo's annotation with only unknown values falls back to Helm's types (hook/hook.go Types).
    both = job("b", **{"argocd.argoproj.io__hook": "Nonsense", "helm.sh__hook": "post-upgrade"})
    assert order.hook_phases(both) == ["PostSync"]
    # Delete policies: Argo CD's and Helm's together (hook/delete_policy.go).
    mixed = job("m", **{"argocd.argoproj.io__hook-delete-policy": "HookSucceeded",
                        "helm.sh__hook-delete-policy": "hook-failed"})
    assert order.hook_delete_policies(mixed) == ("HookSucceeded", "HookFailed")
    assert order.hook_delete_policies(helm) == ("HookFailed",)


# --- 3. sync options ---------------------------------------------------------------------------

def test_unknown_and_unhonoured_options_are_warnings_naming_them():
    cm = h.configmap("c", {}, annotations={"argocd.argoproj.io/sync-options": "Prune=false,Frobnicate=true"})
    result = sync("shop", [cm], MemoryBackend(),
                  with_options(sync_options={"ServerSideApply": "false", "Typo": "yes", "PruneLast": "true"}))
    assert result.ok
    text = "\n".join(result.warnings)
    assert "app shop: unknown sync option Typo=yes" in text
    assert "ServerSideApply=false is not honoured" in text
    assert "ConfigMap shop/c: unknown sync option Frobnicate=true" in text
    assert "PruneLast" not in text and "Prune=false" not in text  # honoured: no warning


def test_app_level_prune_false_and_propagation_policy():
    mem = MemoryBackend()
    sync("shop", [h.configmap("a", {}), h.configmap("b", {})], mem, OPTS)
    rec = Recording(mem)
    kept = sync("shop", [h.configmap("a", {})], rec, with_options(prune=True, sync_options={"Prune": "false"}))
    assert [(r.key.name, r.status) for r in kept.results if r.key.name == "b"] == [("b", "prune-skipped")]
    pruned = sync("shop", [h.configmap("a", {})], rec,
                  with_options(prune=True, sync_options={"PrunePropagationPolicy": "background"}))
    assert pruned.count("pruned") == 1
    assert ("delete", "b", {"propagation": "background"}) in rec.calls


def test_replace_replaces_and_never_recreates_a_namespace_or_crd():
    # sync_context.go applyObject: Replace=true is `kubectl replace`; a CRD or Namespace gets a plain
    # update instead, and Force never deletes them.
    mem = MemoryBackend()
    ns = h.namespace("shop")
    assert sync("shop", [ns, h.configmap("c", {"a": "1"})], mem, OPTS).ok
    uid = mem.objects[ResourceKey("", "Namespace", "", "shop")]["metadata"]["uid"]
    mem.edit(ResourceKey("", "ConfigMap", "shop", "c"), lambda o: o["data"].update(foreign="x"))
    replace = {"argocd.argoproj.io/sync-options": "Replace=true,Force=true"}
    ns2 = {**h.namespace("shop"), "metadata": {"name": "shop", "labels": {"team": "a"}, "annotations": replace}}
    cm2 = h.configmap("c", {"a": "2"}, annotations={"argocd.argoproj.io/sync-options": "Replace=true"})
    result = sync("shop", [ns2, cm2], mem, OPTS)
    assert result.ok, result.message
    statuses = {r.key.kind: r.status for r in result.results}
    assert statuses == {"Namespace": "configured", "ConfigMap": "replaced"}
    assert mem.objects[ResourceKey("", "Namespace", "", "shop")]["metadata"]["uid"] == uid  # never recreated
    assert mem.objects[ResourceKey("", "ConfigMap", "shop", "c")]["data"] == {"a": "2"}  # a PUT drops "foreign"
    assert ("delete", "Namespace shop") not in mem.calls


def test_replace_without_force_still_refuses_an_immutable_change():
    mem = MemoryBackend()
    assert sync("shop", [h.deployment("web")], mem, OPTS).ok
    changed = h.deployment("web", labels=None)
    changed["spec"]["selector"]["matchLabels"] = {"app": "other"}
    changed["metadata"]["annotations"] = {"argocd.argoproj.io/sync-options": "Replace=true"}
    result = sync("shop", [changed], mem, OPTS)
    assert not result.ok and "immutable" in str(result.to_dict()) and "nothing was changed" in result.message


def test_validate_false_reaches_the_backend():
    rec = Recording(MemoryBackend())
    cm = h.configmap("c", {}, annotations={"argocd.argoproj.io/sync-options": "Validate=false"})
    assert sync("shop", [cm, h.configmap("d", {})], rec, OPTS).ok
    assert {(n, kw["validate"]) for op, n, kw in rec.calls if op == "apply" and not kw.get("dry_run")} == {
        ("c", False), ("d", True)}


def test_skip_dry_run_on_missing_resource():
    widget = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
    mem = MemoryBackend(unserved_kinds={"Widget"})
    plain = sync("shop", [widget], mem, OPTS)
    assert not plain.ok and plain.results[0].message.startswith("dry run: ") and "no matches" in plain.message + \
        plain.results[0].message
    marked = {**widget, "metadata": {"name": "w", "annotations": {
        "argocd.argoproj.io/sync-options": "SkipDryRunOnMissingResource=true"}}}
    mem.objects[ResourceKey("apiextensions.k8s.io", "CustomResourceDefinition", "", "widgets.example.com")] = {
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"}, "spec": {"group": "example.com", "names": {"kind": "Widget"}}}

    class LateCrd(Recording):  # the CRD arrives between the dry run and the apply (another app installs it)
        def apply(self, obj, **kwargs):
            if kwargs.get("dry_run"):
                self.inner.unserved_kinds = {"Widget"}
                crd = self.inner.objects.pop(ResourceKey("apiextensions.k8s.io", "CustomResourceDefinition", "",
                                                         "widgets.example.com"))
                try:
                    return self.inner.apply(obj, **kwargs)
                finally:
                    self.inner.objects[key_of_crd] = crd
            return self.inner.apply(obj, **kwargs)

    key_of_crd = ResourceKey("apiextensions.k8s.io", "CustomResourceDefinition", "", "widgets.example.com")
    skipped = sync("shop", [marked], LateCrd(mem), OPTS)
    assert skipped.ok, skipped.message
    assert ResourceKey("example.com", "Widget", "shop", "w") in mem.objects


def test_an_empty_render_never_prunes_everything_unless_allowed():
    mem = MemoryBackend()
    sync("shop", [h.configmap("a", {}), h.configmap("b", {})], mem, OPTS)
    refused = sync("shop", [], mem, with_options(prune=True))
    assert not refused.ok and "render is empty" in refused.message and "allowEmpty" in refused.message
    assert len(mem.objects) == 2
    allowed = sync("shop", [], mem, with_options(prune=True, allow_empty=True))
    assert allowed.ok and allowed.count("pruned") == 2 and not mem.objects


# --- 4. shared resources -----------------------------------------------------------------------

def test_shared_resource_is_reported_and_fail_on_shared_resource_refuses():
    mem = MemoryBackend()
    assert sync("billing", [h.configmap("shared", {"a": "1"})], mem, OPTS).ok
    refused = sync("shop", [h.configmap("shared", {"a": "2"})], mem,
                   with_options(sync_options={"FailOnSharedResource": "true"}))
    assert not refused.ok and "part of applications shop and billing" in refused.message
    live = mem.objects[ResourceKey("", "ConfigMap", "shop", "shared")]
    assert live["data"] == {"a": "1"}
    assert live["metadata"]["annotations"]["argocd.argoproj.io/tracking-id"].startswith("billing:")
    warned = sync("shop", [h.configmap("shared", {"a": "2"})], mem, OPTS)
    assert warned.ok and warned.warnings == [
        "SharedResourceWarning: ConfigMap shop/shared is part of applications shop and billing"]


# --- 9. secrets --------------------------------------------------------------------------------

def test_live_secret_carries_no_hash_of_its_values():
    def secret(value):
        return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "stringData": {"password": value}}

    one, two = MemoryBackend(), MemoryBackend()
    sync("shop", [secret("guess-1")], one, OPTS)
    sync("shop", [secret("guess-2")], two, OPTS)
    key = ResourceKey("", "Secret", "shop", "db")
    hash_of = lambda m: m.objects[key]["metadata"]["annotations"][CONFIG_HASH_ANNOTATION]  # noqa: E731
    assert hash_of(one) == hash_of(two)  # the hash cannot confirm a guessed value
    changed = sync("shop", [secret("guess-2")], one, OPTS)  # a changed value is still noticed
    assert changed.count("configured") == 1


# --- 11. reporting -----------------------------------------------------------------------------

def test_each_object_is_counted_once():
    result = sync("shop", [h.deployment("web")], MemoryBackend(degrade={"web"}), OPTS)
    assert [r.status for r in result.results] == ["failed"] and result.summary() == "1 failed"


def test_a_backend_exception_gives_a_report_and_runs_sync_fail_hooks():
    mem = MemoryBackend()
    result = sync("shop", [h.deployment("web"), hook("alert", "SyncFail")], Recording(mem, fail_list=True), OPTS)
    assert not result.ok and "reading the live state failed: RuntimeError: connection reset" in result.message
    assert [(r.key.name, r.status) for r in result.results] == [("alert", "created")]
    assert ResourceKey("batch", "Job", "shop", "alert") in mem.objects


# --- through the CLI ---------------------------------------------------------------------------

FIXTURE = Path(__file__).parent / "fixtures" / "sync" / "repo"


@pytest.fixture
def repo(tmp_path):
    dest = tmp_path / "repo"
    shutil.copytree(FIXTURE, dest)
    return dest


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_warns_about_unknown_app_option_and_refuses_bad_values(repo, capsys, tmp_path):
    app = repo / "apps" / "shop-staging.yaml"
    app.write_text(app.read_text().replace("      - PruneLast=true", "      - PruneLast=true\n      - Retry=3"))
    state = f"memory:{tmp_path / 's.json'}"
    code, out, err = run(capsys, "sync", "shop-staging", "--repo", str(repo), "--backend", state)
    assert code == 0 and "warning: app shop-staging: unknown sync option Retry=3 is ignored" in err
    app.write_text(app.read_text().replace("Retry=3", "PrunePropagationPolicy=sideways"))
    code, out, err = run(capsys, "sync", "shop-staging", "--repo", str(repo), "--backend", state)
    assert code == 1 and "apps/shop-staging.yaml" in err and "spec.syncPolicy.syncOptions" in err
    assert "PrunePropagationPolicy=sideways" in err and "Traceback" not in err


def test_cli_failure_hint_only_when_a_rerun_can_help(capsys, tmp_path):
    manifests = tmp_path / "m.yaml"
    manifests.write_text(json.dumps({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
                                     "spec": {"clusterIP": "10.0.0.1"}}))
    state = f"memory:{tmp_path / 's.json'}"
    assert run(capsys, "sync", str(manifests), "--namespace", "x", "--backend", state)[0] == 0
    manifests.write_text(manifests.read_text().replace("10.0.0.1", "10.0.0.2"))
    code, out, err = run(capsys, "sync", str(manifests), "--namespace", "x", "--backend", state)
    assert code == 1 and "Fix the cause above" in out and "Re-running" not in out


def test_kpy_delete_orphans_by_default_and_says_why_it_cascades(repo, capsys, tmp_path):
    state = f"memory:{tmp_path / 's.json'}"
    assert run(capsys, "sync", "shop-staging", "--repo", str(repo), "--backend", state)[0] == 0
    # shop-staging carries resources-finalizer.argocd.argoproj.io: as in Argo CD, deleting it cascades.
    code, out, err = run(capsys, "delete", "shop-staging", "--repo", str(repo), "--backend", state, "--dry-run")
    assert code == 0 and "would-delete" in out and "finalizer resources-finalizer.argocd.argoproj.io" in out
    code, out, err = run(capsys, "delete", "shop-staging", "--repo", str(repo), "--backend", state, "--orphan")
    assert code == 0 and "orphaned" in out and "asked with --orphan" in out
    app = repo / "apps" / "shop-staging.yaml"
    app.write_text(app.read_text().replace("  finalizers:\n    - resources-finalizer.argocd.argoproj.io\n", ""))
    code, out, err = run(capsys, "delete", "shop-staging", "--repo", str(repo), "--backend", state)
    assert code == 0 and "orphaned" in out and "pass --cascade" in out
    code, out, err = run(capsys, "delete", "shop-staging", "--repo", str(repo), "--backend", state, "--cascade",
                         "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["phase"] == "Succeeded" and "asked with --cascade" in report["message"]
    assert {r["status"] for r in report["results"]} == {"deleted"}
    assert run(capsys, "status", "shop-staging", "--repo", str(repo), "--backend", state)[1].count("missing") >= 1


def test_delete_is_a_registered_command():
    out = subprocess.run([sys.executable, "-m", "kustomize_py", "delete", "--help"], capture_output=True,
                         text=True).stdout
    assert "usage: kpy delete" in out and "--cascade" in out and "--orphan" in out


# --- 13. normalisation -------------------------------------------------------------------------

@pytest.mark.parametrize("in_git,from_server", [("0.5", "500m"), (0.5, "500m"), ("1024Mi", "1Gi"), ("1e3", "1k"),
                                                ("2", 2), ("1.5Gi", "1536Mi")])
def test_canonicalised_quantities_are_in_sync(in_git, from_server):
    from kustomize_py.sync.engine import make_plan, plan_diff

    def pod(cpu, memory="64Mi"):
        d = h.deployment("web")
        d["spec"]["template"]["spec"]["containers"][0]["resources"] = {"limits": {"cpu": cpu, "memory": memory}}
        return d

    mem = MemoryBackend()
    assert sync("shop", [pod(in_git)], mem, OPTS).ok
    # What the API server does: it stores the canonical form.
    mem.edit(ResourceKey("apps", "Deployment", "shop", "web"), lambda o: o["spec"]["template"]["spec"][
        "containers"][0]["resources"]["limits"].update(cpu=from_server))
    again = sync("shop", [pod(in_git)], mem, OPTS)
    assert again.count("unchanged") == 1
    assert plan_diff(make_plan("shop", [pod(in_git)], mem, OPTS)) == []
    assert sync("shop", [pod("750m")], mem, OPTS).count("configured") == 1  # a real change still counts


def test_quantity_values():
    from kustomize_py.sync import quantity

    assert quantity.value("500m") == quantity.value("0.5") == quantity.value(0.5)
    assert quantity.value("1Gi") == 1024 ** 3 and quantity.value("1G") == 10 ** 9
    assert quantity.value("web") is None and quantity.value(True) is None and not quantity.equal("1Gi", "1G")


# --- 6. ignoreDifferences ----------------------------------------------------------------------

def _app_with_ignore(rules, options=()):
    from kustomize_py.sync.apps import parse_application

    doc = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": {"name": "shop"},
           "spec": {"source": {"path": "shop"}, "destination": {"namespace": "shop"}, "ignoreDifferences": rules,
                    "syncPolicy": {"syncOptions": list(options)}}}
    app = parse_application(doc, "apps/shop.yaml")
    return app, with_options(sync_options=dict(app.sync_options), ignore_differences=app.ignore_differences)


WEB = ResourceKey("apps", "Deployment", "shop", "web")


def _scaled(mem, replicas=5):
    mem.edit(WEB, lambda o: o["spec"].update(replicas=replicas))  # an HPA at work


def test_ignored_json_pointer_is_in_sync_and_out_of_the_diff():
    from kustomize_py.sync.engine import app_status, make_plan, plan_diff

    _, opts = _app_with_ignore([{"group": "apps", "kind": "Deployment", "jsonPointers": ["/spec/replicas"]}])
    mem = MemoryBackend()
    assert sync("shop", [h.deployment("web")], mem, opts).ok
    _scaled(mem)
    p = make_plan("shop", [h.deployment("web")], mem, opts)
    assert [s.status for s in app_status(p)] == ["synced"] and plan_diff(p) == []
    assert sync("shop", [h.deployment("web")], mem, opts).count("unchanged") == 1
    assert mem.objects[WEB]["spec"]["replicas"] == 5
    # Without the rule the same drift is out of sync.
    plain = make_plan("shop", [h.deployment("web")], mem, OPTS)
    assert [s.status for s in app_status(plain)] == ["out-of-sync"]


def test_respect_ignore_differences_keeps_the_live_value_on_apply():
    rule = [{"group": "apps", "kind": "Deployment", "name": "web", "jsonPointers": ["/spec/replicas"]}]
    _, overwrite = _app_with_ignore(rule)
    _, respect = _app_with_ignore(rule, ["RespectIgnoreDifferences=true"])
    for opts, expected in ((overwrite, 1), (respect, 5)):
        mem = MemoryBackend()
        sync("shop", [h.deployment("web")], mem, opts)
        _scaled(mem)
        result = sync("shop", [h.deployment("web", image="nginx:2")], mem, opts)
        assert result.count("configured") == 1
        assert mem.objects[WEB]["spec"]["replicas"] == expected  # argo-cd: only Respect... keeps it


def test_jq_paths_and_unsupported_rules():
    app, opts = _app_with_ignore([
        {"group": "apps", "kind": "Deployment", "jqPathExpressions": [".spec.template.spec.containers[].image"]},
        {"kind": "ConfigMap", "jqPathExpressions": ['.data | select(.x == "1")'],
         "managedFieldsManagers": ["kube-controller-manager"]}])
    mem = MemoryBackend()
    result = sync("shop", [h.deployment("web")], mem, opts)
    assert any("select" in w and "not honoured" in w for w in result.warnings)
    assert not any("managedFieldsManagers" in w for w in result.warnings)  # honoured (below)
    mem.edit(WEB, lambda o: o["spec"]["template"]["spec"]["containers"][0].update(image="nginx:patched"))
    assert sync("shop", [h.deployment("web")], mem, opts).count("unchanged") == 1


def test_managed_fields_managers_ignore_what_those_managers_own():
    """argo-cd's managedFieldsManagers: fields the live object's managedFields give to the listed
    managers (an HPA's controller scaling replicas, a mutating webhook adding a container) are not
    differences; the same drift by anyone else is."""
    from kustomize_py.sync.engine import app_status, make_plan, plan_diff

    rule = [{"group": "apps", "kind": "Deployment", "managedFieldsManagers": ["kube-controller-manager"]}]
    _, opts = _app_with_ignore(rule)
    mem = MemoryBackend()
    sync("shop", [h.deployment("web")], mem, opts)

    def scaled_by(manager: str):
        def change(o):
            o["spec"]["replicas"] = 5
            o["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:mutated"
            o["metadata"]["managedFields"] = [
                {"manager": "kpy", "operation": "Apply", "fieldsType": "FieldsV1",
                 "fieldsV1": {"f:spec": {"f:selector": {}}}},
                {"manager": manager, "operation": "Update", "fieldsType": "FieldsV1",
                 "fieldsV1": {"f:spec": {"f:replicas": {}, "f:template": {"f:spec": {"f:containers": {
                     'k:{"name":"web"}': {".": {}, "f:image": {}}}}}}}}]
        return change

    mem.edit(WEB, scaled_by("kube-controller-manager"))
    p = make_plan("shop", [h.deployment("web")], mem, opts)
    assert [s.status for s in app_status(p)] == ["synced"] and plan_diff(p) == []
    mem.edit(WEB, scaled_by("someone-else"))
    p = make_plan("shop", [h.deployment("web")], mem, opts)
    assert [s.status for s in app_status(p)] == ["out-of-sync"]


def test_managed_paths_resolve_list_items_by_key():
    from kustomize_py.sync.ignore import managed_paths

    live = {"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}],
                     "ports": [80, 443]},
            "metadata": {"managedFields": [{"manager": "m", "fieldsV1": {"f:spec": {
                "f:containers": {'k:{"name":"b"}': {".": {}, "f:image": {}}}, "f:ports": {"v:443": {}}}}},
                {"manager": "other", "fieldsV1": {"f:spec": {"f:containers": {}}}}]}}
    assert sorted(managed_paths(live, {"m"})) == [("spec", "containers", "1", "image"), ("spec", "ports", "1")]


def test_bad_ignore_rule_names_its_field():
    from kustomize_py.errors import SyncError

    with pytest.raises(SyncError) as err:
        _app_with_ignore([{"kind": "Deployment", "jsonPointers": ["spec/replicas"]}])
    assert "apps/shop.yaml" in str(err.value) and "spec.ignoreDifferences[0].jsonPointers" in str(err.value)


# --- 5. destinations ---------------------------------------------------------------------------

def test_destination_must_match_the_backend(repo, capsys, tmp_path, monkeypatch):
    from kustomize_py.sync.apps import load_applications
    from kustomize_py.sync.destination import check

    app = next(a for a in load_applications(repo) if a.name == "shop-staging")  # server kubernetes.default.svc
    assert check(app, "memory", repo) is None and check(app, "directory:out", repo) is None  # not a cluster
    assert "cannot be checked" in check(app, "kubectl", repo)
    (repo / ".kpy.yaml").write_text("clusters:\n  staging:\n    server: https://kubernetes.default.svc\n"
                                    "    backend: kubectl:staging\n")
    assert check(app, "kubectl:staging", repo) is None
    for_env = {**h.install_fake_kubectl(tmp_path)}
    for name, value in for_env.items():
        monkeypatch.setenv(name, value)
    code, out, err = run(capsys, "sync", "shop-staging", "--repo", str(repo), "--backend", "kubectl:prod")
    assert code == 1 and "destination https://kubernetes.default.svc is cluster staging" in err
    assert "kubectl:staging, not kubectl:prod" in err and not h.kubectl_log(tmp_path)  # nothing ran


# --- 7. ordering details -----------------------------------------------------------------------

def test_custom_resources_wait_for_their_crd_to_be_established():
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "metadata": {"name": "widgets.example.com"},
           "spec": {"group": "example.com", "scope": "Namespaced", "names": {"kind": "Widget", "plural": "widgets"}}}
    widget = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
    mem = MemoryBackend(ready_after=3)
    crd_key = ResourceKey("apiextensions.k8s.io", "CustomResourceDefinition", "", "widgets.example.com")
    seen = []

    def progress(r):
        if r.key.kind == "Widget" and r.status == "created":
            seen.append(mem.objects[crd_key]["status"]["conditions"][-1])

    assert sync("shop", [widget, crd], mem, OPTS, progress).ok
    assert seen == [{"type": "Established", "status": "True"}]


def test_created_namespace_comes_first_and_its_objects_are_dry_run():
    # sync_context.go: with CreateNamespace the namespace is created before the dry run, so a bad
    # object in it fails the dry run instead of the real apply (after its neighbours were applied).
    mem = MemoryBackend(require_namespaces=True, fail_apply={"bad": "admission webhook denied the request"})
    result = sync("shop", [h.configmap("good", {}), h.configmap("bad", {})], mem,
                  with_options(create_namespace=True))
    assert not result.ok and "only the namespace was created" in result.message
    assert {r.key.name: r.status for r in result.results} == {"shop": "created", "good": "not-run", "bad": "failed"}
    assert [r.message for r in result.results if r.key.name == "bad"][0].startswith("dry run: ")
    assert list(mem.objects) == [ResourceKey("", "Namespace", "", "shop")]
