"""The kube backend against the REAL `kubernetes` client, talking HTTP to an in-process fake API server.

The contract scenarios themselves run against this pair too (test_sync_contract.py, "kube-client").
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

kubernetes = pytest.importorskip("kubernetes")

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "sync"))

import sync_helpers as h
from fake_apiserver import CRD_GROUP, FakeApiServer, parse_bool

from kustomize_py.errors import KpyError, SyncError
from kustomize_py.sync.backends.base import ApplyError, ImmutableFieldError
from kustomize_py.sync.backends.kube_api import KubeApiBackend, _dynamic_client
from kustomize_py.sync.engine import SyncOptions, delete_app, sync
from kustomize_py.sync.health import HEALTHY, PROGRESSING
from kustomize_py.sync.keys import APP_LABEL, ResourceKey, label_value

WEB = ResourceKey("apps", "Deployment", "default", "web")


def real_client(url: str, cache: Path):
    from kubernetes import client, dynamic

    config = client.Configuration()
    config.host = url
    return dynamic.DynamicClient(client.ApiClient(configuration=config), cache_file=str(cache))


@pytest.fixture
def server():
    with FakeApiServer() as srv:
        yield srv


@pytest.fixture
def backend(server, tmp_path):
    return KubeApiBackend(client=real_client(server.url, tmp_path / "discovery.json"))


def web(selector: str = "web", image: str = "nginx:1.27") -> dict:
    obj = h.deployment("web", image=image)
    obj["metadata"]["namespace"] = "default"
    obj["spec"]["selector"]["matchLabels"] = {"app": selector}
    obj["spec"]["template"]["metadata"]["labels"] = {"app": selector}
    return obj


def owned(obj: dict, app: str = "shop") -> dict:
    obj["metadata"].setdefault("labels", {})[APP_LABEL] = label_value(app)
    return obj


def writes(server: FakeApiServer) -> list[str]:
    return [f"{r['method']} {r['path']}" for r in server.requests
            if r["method"] in ("PATCH", "DELETE") and "dryRun" not in r["query"] and '"dryRun"' not in r["body"]]


# --- apply / get ---------------------------------------------------------------------------------
def test_apply_creates_then_reapplies_and_returns_plain_dicts(backend, server):
    created = backend.apply(web())
    assert type(created) is dict and created["metadata"]["uid"] and created["spec"]["revisionHistoryLimit"] == 10
    patch = server.requests[-1]
    assert patch["method"] == "PATCH" and patch["path"] == "/apis/apps/v1/namespaces/default/deployments/web"
    assert patch["content_type"] == "application/apply-patch+yaml"
    # kubernetes < 30 sends force=True, later ones force=true: the server parses both (Go ParseBool)
    assert patch["query"]["fieldManager"] == ["kpy"] and parse_bool(patch["query"]["force"][0]) is True
    again = backend.apply(web(image="nginx:1.28"))
    assert again["metadata"]["uid"] == created["metadata"]["uid"]
    assert again["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.28"
    live = backend.get(WEB)
    assert type(live) is dict and live["metadata"]["generation"] == 2
    assert type(live["metadata"]["managedFields"]) is list


def test_get_of_a_missing_object_or_unserved_kind_is_none(backend):
    assert backend.get(WEB) is None
    assert backend.get(ResourceKey("widgets.example.com", "Widget", "default", "w")) is None


def test_get_in_the_core_group_when_another_group_has_the_same_kind(backend, server):
    # Event is served by v1 and events.k8s.io/v1; a core key must not be ambiguous.
    server.seed({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e1", "namespace": "default"},
                 "reason": "Started"})
    live = backend.get(ResourceKey("", "Event", "default", "e1"))
    assert live is not None and live["apiVersion"] == "v1" and live["reason"] == "Started"


def test_get_of_a_multi_version_custom_resource_uses_the_preferred_version(backend, server):
    server.seed({"apiVersion": f"{CRD_GROUP}/v1beta1", "kind": "CronTab",
                 "metadata": {"name": "nightly", "namespace": "default"}, "spec": {"cron": "0 3 * * *"}})
    live = backend.get(ResourceKey(CRD_GROUP, "CronTab", "default", "nightly"))
    assert live is not None and live["apiVersion"] == f"{CRD_GROUP}/v1" and live["spec"]["cron"] == "0 3 * * *"


def test_apply_of_a_kind_the_server_does_not_serve_is_an_apply_error(backend):
    widget = {"apiVersion": "widgets.example.com/v1", "kind": "Widget", "metadata": {"name": "w", "namespace": "default"}}
    with pytest.raises(ApplyError, match="Widget"):
        backend.apply(widget)
    with pytest.raises(ApplyError):
        backend.apply(widget, dry_run=True)


def test_a_sync_with_an_unserved_kind_fails_that_object_instead_of_crashing(backend):
    widget = {"apiVersion": "widgets.example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
    result = sync("shop", [widget, h.configmap("settings", {"a": "1"})], backend,
                  SyncOptions(namespace="default", poll_interval=0, timeout=5))
    assert not result.ok
    assert {r.key.kind: r.status for r in result.results} == {"Widget": "failed", "ConfigMap": "not-run"}


def test_dry_run_apply_changes_nothing(backend, server):
    result = backend.apply(web(), dry_run=True)
    assert result["metadata"]["name"] == "web" and server.requests[-1]["query"]["dryRun"] == ["All"]
    assert backend.get(WEB) is None and writes(server) == []


def test_errors_carry_the_server_message_not_the_raw_body(backend):
    backend.apply(web())
    with pytest.raises(ImmutableFieldError) as err:
        backend.apply(web(selector="other"))
    text = str(err.value)
    assert "spec.selector" in text and "field is immutable" in text and '"kind": "Status"' not in text


def test_conflicts_with_another_manager_are_forced_unless_told_otherwise(server, tmp_path):
    server.seed(web(image="nginx:1.20"), manager="kubectl-edit")
    polite = KubeApiBackend(client=real_client(server.url, tmp_path / "d.json"), force_conflicts=False)
    with pytest.raises(ApplyError, match="conflict") as err:
        polite.apply(web())
    assert not isinstance(err.value, ImmutableFieldError)
    forced = KubeApiBackend(client=real_client(server.url, tmp_path / "d.json"))
    assert forced.apply(web())["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"


# --- immutable fields ---------------------------------------------------------------------------
def test_immutable_field_without_force_is_refused_and_changes_nothing(backend, server):
    uid = backend.apply(web())["metadata"]["uid"]
    with pytest.raises(ImmutableFieldError):
        backend.apply(web(selector="other"))
    # A forced dry run answers with what would be applied (the server cannot dry-run a replace).
    assert backend.apply(web(selector="other"), dry_run=True, force=True) == web(selector="other")
    live = backend.get(WEB)
    assert live["metadata"]["uid"] == uid and live["spec"]["selector"]["matchLabels"] == {"app": "web"}


def test_immutable_field_with_force_waits_for_the_deletion_then_recreates(backend, server):
    uid = backend.apply(web())["metadata"]["uid"]
    # The garbage collector finishes the foreground deletion a little later, as on a real cluster.
    timer = threading.Timer(0.3, server.tick)
    timer.start()
    try:
        recreated = backend.apply(web(selector="other"), force=True)
    finally:
        timer.cancel()
    assert recreated["metadata"]["uid"] != uid and recreated["spec"]["selector"]["matchLabels"] == {"app": "other"}
    assert not recreated["metadata"].get("deletionTimestamp")
    deletes = [r for r in server.requests if r["method"] == "DELETE"]
    assert len(deletes) == 1 and '"Foreground"' in deletes[0]["body"]


# --- list / prune / delete ------------------------------------------------------------------------
def test_list_owned_finds_each_owned_object_once_across_all_listable_resources(backend, server):
    backend.apply(owned(web()))
    backend.apply(owned(h.configmap("settings", {"a": "1"}) | {"metadata": {"name": "settings", "namespace": "default"}}))
    backend.apply(owned({"apiVersion": f"{CRD_GROUP}/v1", "kind": "CronTab",
                         "metadata": {"name": "nightly", "namespace": "default"}, "spec": {"cron": "* * * * *"}}))
    backend.apply(owned({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                         "metadata": {"name": "reader"}, "rules": []}))
    backend.apply(owned(h.configmap("theirs", {"b": "2"}) | {"metadata": {"name": "theirs", "namespace": "default"}},
                        app="other"))
    found = backend.list_owned("shop")
    names = sorted((o["apiVersion"], o["kind"], o["metadata"]["name"]) for o in found)
    assert names == [("apps/v1", "Deployment", "web"), ("rbac.authorization.k8s.io/v1", "ClusterRole", "reader"),
                     (f"{CRD_GROUP}/v1", "CronTab", "nightly"), ("v1", "ConfigMap", "settings")]
    assert all(type(o) is dict for o in found)
    # Resources that cannot be listed (bindings: create only) are never asked for.
    assert not any(r["path"].endswith("/bindings") for r in server.requests)


def test_list_owned_reports_a_server_that_refuses_the_credentials(backend, server):
    server.token = "rotated"  # the token the client holds is no longer accepted
    with pytest.raises(SyncError, match="401"):
        backend.list_owned("shop")


def test_delete_sends_the_propagation_policy_and_reports_missing_objects(backend, server):
    uid = backend.apply(web())["metadata"]["uid"]
    server.seed({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                 "metadata": {"name": "web-1", "namespace": "default",
                              "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web",
                                                   "uid": uid, "blockOwnerDeletion": True}]},
                 "spec": {"selector": {"matchLabels": {"app": "web"}}}}, manager="kube-controller-manager")
    assert backend.delete(WEB, dry_run=True) is True
    assert backend.get(WEB)["metadata"].get("deletionTimestamp") is None
    assert backend.delete(WEB) is True
    assert '"propagationPolicy": "Foreground"' in server.requests[-1]["body"]
    # Foreground: the owner stays, being deleted, until its dependents are gone.
    assert backend.health(WEB).status == PROGRESSING and "deletion" in backend.health(WEB).message
    server.tick()
    assert backend.get(WEB) is None and server.stored("apps", "replicasets", "default", "web-1") is None
    assert backend.delete(WEB) is False


def test_orphan_propagation_keeps_the_dependents(backend, server):
    uid = backend.apply(web())["metadata"]["uid"]
    server.seed({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                 "metadata": {"name": "web-1", "namespace": "default",
                              "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web",
                                                   "uid": uid}]}, "spec": {}})
    assert backend.delete(WEB, propagation="orphan") is True
    assert '"propagationPolicy": "Orphan"' in server.requests[-1]["body"]
    server.tick()
    rs = server.stored("apps", "replicasets", "default", "web-1")
    assert backend.get(WEB) is None and rs is not None and "ownerReferences" not in rs["metadata"]


def test_health_of_a_deployment_follows_its_rollout(backend, server):
    backend.apply(web())
    assert backend.health(WEB).status == PROGRESSING
    server.tick()
    assert backend.health(WEB).status == PROGRESSING
    server.tick()
    assert backend.health(WEB).status == HEALTHY
    backend.apply(web(image="nginx:1.28"))  # a new generation: not observed yet
    assert backend.health(WEB).status == PROGRESSING


# --- the engine, end to end -------------------------------------------------------------------------
def test_sync_prune_and_delete_app_through_the_real_client(tmp_path):
    with FakeApiServer(auto_tick=True) as server:
        backend = KubeApiBackend(client=real_client(server.url, tmp_path / "d.json"))
        opts = SyncOptions(namespace="shop", poll_interval=0.0, timeout=10)
        first = sync("shop", h.sample_app(), backend, opts)
        assert first.ok, first.message
        assert first.count("created") == 5
        assert sync("shop", h.sample_app(), backend, opts).count("unchanged") == 5
        before = len(writes(server))
        fewer = [o for o in h.sample_app() if o["metadata"]["name"] != "settings"]
        pruned = sync("shop", fewer, backend, SyncOptions(**{**opts.__dict__, "prune": True}))
        assert pruned.ok and [r.key.name for r in pruned.results if r.status == "pruned"] == ["settings"]
        assert writes(server)[before:] == ["DELETE /api/v1/namespaces/shop/configmaps/settings"]
        gone = delete_app("shop", backend, "cascade")
        assert gone.count("deleted") == 4
        server.tick()
        assert backend.list_owned("shop") == []


def test_rendered_example_syncs_and_resyncs_clean(tmp_path):
    from kustomize_py.sync.apps import load_applications, render

    examples = Path(__file__).parent.parent / "examples" / "assets"
    app = next(a for a in load_applications(examples) if a.name == "grafana-staging")
    try:
        desired = render(app, examples)
    except (KpyError, ImportError) as err:
        pytest.skip(f"renderer cannot build {app.path}: {err}")
    with FakeApiServer(auto_tick=True) as server:
        backend = KubeApiBackend(client=real_client(server.url, tmp_path / "d.json"))
        opts = SyncOptions(namespace=app.namespace, create_namespace=app.create_namespace, poll_interval=0.0,
                           timeout=10)
        first = sync(app.name, desired, backend, opts)
        assert first.ok, first.message
        assert first.count("created") == len(desired) + 1  # + the namespace CreateNamespace adds
        kinds = {k for (_, _, _, _), s in server.objects.items() for k in [s.obj["kind"]]}
        assert {"Deployment", "SealedSecret", "Ingress", "RoleBinding", "Namespace"} <= kinds
        again = sync(app.name, desired, backend, opts)
        assert again.ok and again.count("created") == 0 and again.count("configured") == 0, again.summary()


# --- connecting -------------------------------------------------------------------------------------
def test_dynamic_client_from_a_kubeconfig_context(tmp_path, monkeypatch):
    with FakeApiServer(token="s3cret") as server:
        kubeconfig = tmp_path / "config"
        kubeconfig.write_text(
            "apiVersion: v1\nkind: Config\ncurrent-context: other\n"
            "clusters:\n- name: fake\n  cluster: {server: '" + server.url + "'}\n"
            "- name: nowhere\n  cluster: {server: 'http://127.0.0.1:9'}\n"
            "users:\n- name: me\n  user: {token: s3cret}\n"
            "contexts:\n- name: staging\n  context: {cluster: fake, user: me}\n"
            "- name: other\n  context: {cluster: nowhere, user: me}\n")
        monkeypatch.setenv("KUBECONFIG", str(kubeconfig))
        monkeypatch.setattr("tempfile.tempdir", str(tmp_path))  # the client's discovery cache
        backend = KubeApiBackend(context="staging")
        backend.apply(web())
        assert backend.get(WEB)["metadata"]["name"] == "web"
        assert server.requests[-1]["path"].endswith("/deployments/web")  # the token was accepted
        with pytest.raises(SyncError, match="cannot reach the API server http://127.0.0.1:9"):
            KubeApiBackend()  # the current context points nowhere


def test_in_cluster_configuration_when_there_is_no_kubeconfig(tmp_path, monkeypatch):
    from kubernetes.config import incluster_config

    from kustomize_py.sync.backends import kube_api

    token, ca = tmp_path / "token", tmp_path / "ca.crt"
    token.write_text("pod-token")
    ca.write_text("not checked until a request is made")
    monkeypatch.setattr(incluster_config, "SERVICE_TOKEN_FILENAME", str(token))
    monkeypatch.setattr(incluster_config, "SERVICE_CERT_FILENAME", str(ca))
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "10.0.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", "443")
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "missing"))
    config = kube_api._configuration(None)
    assert config.host == "https://10.0.0.1:443"
    assert "bearer pod-token" in str(config.auth_settings()).lower()
    # A context names a kubeconfig entry: without a kubeconfig that is an error, not in-cluster.
    with pytest.raises(SyncError, match="kubeconfig"):
        kube_api._configuration("staging")


def test_no_kubeconfig_and_not_in_a_pod_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "missing"))
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    with pytest.raises(SyncError, match="kubeconfig"):
        _dynamic_client(None)


@pytest.mark.parametrize("how", ["option", "annotation"])
def test_sync_replaces_an_object_on_an_immutable_field_only_when_forced(tmp_path, how):
    with FakeApiServer(auto_tick=True) as server:
        backend = KubeApiBackend(client=real_client(server.url, tmp_path / "d.json"))
        opts = SyncOptions(namespace="default", poll_interval=0.0, timeout=10)
        assert sync("shop", [web()], backend, opts).ok
        uid = backend.get(WEB)["metadata"]["uid"]
        refused = sync("shop", [web(selector="other")], backend, opts)
        assert not refused.ok and "dry run" in refused.message
        assert "field is immutable" in refused.results[0].message
        changed = web(selector="other")
        if how == "annotation":
            changed["metadata"]["annotations"] = {"argocd.argoproj.io/sync-options": "Force=true"}
        else:
            opts = SyncOptions(**{**opts.__dict__, "force": True})
        forced = sync("shop", [changed], backend, opts)
        assert forced.ok, forced.message
        live = backend.get(WEB)
        assert live["metadata"]["uid"] != uid and live["spec"]["selector"]["matchLabels"] == {"app": "other"}


def test_a_custom_resource_at_a_non_preferred_version_resyncs_clean(tmp_path):
    # listed back at the preferred version (v1), the object must be compared as served at the
    # manifest's version (v1beta1), or every sync would call it "configured"
    crontab = {"apiVersion": f"{CRD_GROUP}/v1beta1", "kind": "CronTab",
               "metadata": {"name": "nightly", "namespace": "shop"}, "spec": {"cron": "0 3 * * *"}}
    with FakeApiServer(auto_tick=True) as server:
        backend = KubeApiBackend(client=real_client(server.url, tmp_path / "d.json"))
        opts = SyncOptions(namespace="shop", create_namespace=True, poll_interval=0.0, timeout=10)
        first = sync("shop", [dict(crontab)], backend, opts)
        assert first.ok and first.count("created") == 2, first.summary()  # and the namespace
        listed = [o for o in backend.list_owned("shop") if o["kind"] == "CronTab"]
        assert listed[0]["apiVersion"] == f"{CRD_GROUP}/v1"  # the preferred one
        again = sync("shop", [dict(crontab)], backend, opts)
        assert again.ok and again.count("configured") == 0 and again.count("created") == 0, again.summary()


def test_validate_false_sends_field_validation_ignore(backend, server):
    backend.apply(web())
    backend.apply(web(image="nginx:2"), validate=False)
    applies = [r for r in server.requests if r["method"] == "PATCH"]
    assert "fieldValidation" not in applies[0]["query"]
    assert applies[-1]["query"]["fieldValidation"] == ["Ignore"]


def test_annotate_is_a_merge_patch_that_takes_no_field_ownership(backend, server):
    """--pause-argocd's annotation through the real client: set, then removed (None)."""
    backend.apply(web())
    key = ResourceKey("apps", "Deployment", "default", "web")
    assert backend.annotate(key, {"argocd.argoproj.io/skip-reconcile": "true"}) is True
    live = backend.get(key)
    assert live["metadata"]["annotations"]["argocd.argoproj.io/skip-reconcile"] == "true"
    assert live["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"
    assert backend.annotate(key, {"argocd.argoproj.io/skip-reconcile": None}) is True
    assert "argocd.argoproj.io/skip-reconcile" not in (backend.get(key)["metadata"].get("annotations") or {})
    assert backend.annotate(ResourceKey("apps", "Deployment", "default", "nope"), {"a": "b"}) is False
