"""Reading apps: Argo CD Applications, the native App form, resolving APP|OVERLAY."""

from __future__ import annotations

from pathlib import Path

import pytest

from kustomize_py.errors import SyncError
from kustomize_py.sync.apps import load_applications, parse_application, resolve

FIXTURE = Path(__file__).parent / "fixtures" / "sync" / "repo"
EXAMPLES = Path(__file__).parent.parent / "examples" / "assets"


def test_argo_application_fields():
    [native, argo] = load_applications(FIXTURE)
    assert argo.name == "shop-staging" and argo.kind == "argocd"
    assert (argo.path, argo.namespace, argo.server) == ("shop/overlays/staging", "shop-staging",
                                                        "https://kubernetes.default.svc")
    assert argo.prune and argo.self_heal and argo.automated and argo.create_namespace
    assert argo.sync_options == {"CreateNamespace": "true", "PruneLast": "true"}
    # The Argo CD finalizer is seen but never turns into a cascade on its own.
    assert argo.has_cascade_finalizer and argo.deletion_policy == "orphan"
    assert argo.source == "apps/shop-staging.yaml" and argo.revision == "main"


def test_native_app_form():
    native = load_applications(FIXTURE)[0]
    assert (native.name, native.kind, native.path, native.namespace) == ("shop-base", "native", "shop/base", "shop-dev")
    assert native.prune and native.deletion_policy == "cascade"


def test_multi_source_and_errors():
    doc = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": {"name": "a"},
           "spec": {"sources": [{"chart": "x"}, {"path": "apps/a/"}], "destination": {"name": "prod"}}}
    app = parse_application(doc)
    assert app.path == "apps/a" and app.cluster == "prod" and not app.prune
    assert parse_application({"apiVersion": "v1", "kind": "ConfigMap"}) is None
    with pytest.raises(SyncError, match="source path"):
        parse_application({**doc, "spec": {"source": {"chart": "x"}}}, "f.yaml")
    with pytest.raises(SyncError, match="true or false"):
        parse_application({**doc, "spec": {"source": {"path": "p"}, "syncPolicy": {"automated": {"prune": "yes"}}}})
    with pytest.raises(SyncError, match="orphan or cascade"):
        parse_application({"apiVersion": "kustomize-py/v1alpha1", "kind": "App", "metadata": {"name": "n"},
                           "spec": {"path": "p", "deletionPolicy": "maybe"}})


def test_duplicate_names_are_refused(tmp_path):
    for i in (1, 2):
        (tmp_path / f"a{i}.yaml").write_text("apiVersion: kustomize-py/v1alpha1\nkind: App\nmetadata: {name: x}\n"
                                             "spec: {path: p}\n")
    with pytest.raises(SyncError, match="defined twice"):
        load_applications(tmp_path)


def test_example_repo_has_one_application_per_workload_and_env():
    apps = load_applications(EXAMPLES)
    assert len(apps) == 9
    staging = {a.name: a for a in apps}["grafana-staging"]
    assert staging.path == "grafana/overlays/staging" and staging.namespace == "monitoring"
    for app in apps:
        assert (EXAMPLES / app.path / "kustomization.yaml").exists()


def test_resolve_by_name_by_directory_and_suggestions(monkeypatch):
    assert resolve("shop-staging", FIXTURE).path == "shop/overlays/staging"
    monkeypatch.chdir(FIXTURE)
    overlay = resolve("shop/overlays/staging", FIXTURE, namespace="x")
    assert (overlay.name, overlay.kind, overlay.namespace) == ("shop-overlays-staging", "overlay", "x")
    assert resolve("shop/base", FIXTURE, name="mine").name == "mine"
    with pytest.raises(SyncError, match="did you mean shop-staging"):
        resolve("shop-stagin", FIXTURE)
