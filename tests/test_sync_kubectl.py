"""The kubectl backend's exact commands (a recorded contract with a fake kubectl), and a real cluster if there is one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "sync"))

import sync_helpers as h

from kustomize_py.sync.backends.base import ApplyError, ImmutableFieldError
from kustomize_py.sync.backends.kubectl import KubectlBackend
from kustomize_py.sync.engine import SyncOptions, sync
from kustomize_py.sync.keys import ResourceKey

WEB = ResourceKey("apps", "Deployment", "shop", "web")


@pytest.fixture
def fake(tmp_path, monkeypatch):
    def install(canned=None):
        for name, value in h.install_fake_kubectl(tmp_path, canned).items():
            monkeypatch.setenv(name, value)
        return lambda: h.kubectl_log(tmp_path)
    return install


def test_commands_match_the_recorded_contract(fake):
    log = fake()
    kb = KubectlBackend(context="staging", kubeconfig="/home/me/.kube/config")
    obj = h.deployment("web")
    obj["metadata"]["namespace"] = "shop"
    kb.apply(obj, dry_run=True)
    kb.apply(obj)
    assert kb.get(WEB)["metadata"]["name"] == "web"
    assert kb.get(ResourceKey("", "ConfigMap", "shop", "nope")) is None
    kb.list_owned("shop")
    assert kb.delete(WEB) is True
    assert kb.delete(WEB) is False
    base = ["--kubeconfig", "/home/me/.kube/config", "--context", "staging"]
    apply = base + ["apply", "--server-side", "--force-conflicts", "--field-manager=kpy", "-o", "json", "-f", "-"]
    assert [e["argv"] for e in log()] == [
        apply + ["--dry-run=server"],
        apply,
        base + ["get", "Deployment.apps", "web", "--namespace", "shop", "-o", "json", "--ignore-not-found"],
        base + ["get", "ConfigMap", "nope", "--namespace", "shop", "-o", "json", "--ignore-not-found"],
        base + ["api-resources", "--verbs=list,delete", "-o", "name"],
        base + ["get", "configmaps,secrets,namespaces,services,serviceaccounts,persistentvolumeclaims,pods,"
                "deployments.apps,statefulsets.apps,daemonsets.apps,jobs.batch,ingresses.networking.k8s.io,"
                "roles.rbac.authorization.k8s.io", "--all-namespaces", "-l", "kustomize-py/app=shop", "-o", "json",
                "--ignore-not-found"],
        base + ["delete", "Deployment.apps", "web", "--namespace", "shop", "--ignore-not-found",
                "--cascade=foreground", "--wait=false", "-o", "name"],
        base + ["delete", "Deployment.apps", "web", "--namespace", "shop", "--ignore-not-found",
                "--cascade=foreground", "--wait=false", "-o", "name"],
    ]
    assert json.loads(log()[1]["stdin"]) == obj  # the manifest goes in on stdin as JSON


def test_sync_sets_tracking_annotation_and_label(fake):
    log = fake()
    assert sync("shop", [h.deployment("web")], KubectlBackend(), SyncOptions(namespace="shop", poll_interval=0)).ok
    applied = [json.loads(e["stdin"]) for e in log() if "apply" in e["argv"] and "--dry-run=server" not in e["argv"]]
    meta = applied[0]["metadata"]
    assert meta["annotations"]["argocd.argoproj.io/tracking-id"] == "shop:apps/Deployment:shop/web"
    assert meta["labels"]["kustomize-py/app"] == "shop"
    assert "kustomize-py/config-hash" in meta["annotations"]
    assert not any("--context" in e["argv"] for e in log())  # no context given: kubeconfig's current one


def test_canned_errors_map_to_error_classes(fake):
    fake([{"match": ["apply"], "rc": 1, "stderr": 'The Deployment "web" is invalid: spec.selector: Invalid value: '
                                                  '{"matchLabels":{"app":"x"}}: field is immutable\n'},
          {"match": ["get"], "rc": 1, "stderr": "error: You must be logged in to the server (Unauthorized)\n"}])
    kb = KubectlBackend()
    obj = h.deployment("web")
    with pytest.raises(ImmutableFieldError, match="field is immutable"):
        kb.apply(obj)
    with pytest.raises(ApplyError, match="Unauthorized"):
        kb.get(WEB)


def test_force_deletes_and_recreates_on_an_immutable_field(fake, tmp_path):
    log = fake()
    kb = KubectlBackend()
    obj = h.deployment("web")
    obj["metadata"]["namespace"] = "shop"
    kb.apply(obj)
    obj["spec"]["selector"]["matchLabels"]["v"] = "2"
    with pytest.raises(ImmutableFieldError):
        kb.apply(obj)
    kb.apply(obj, force=True)
    verbs = [e["argv"][0] for e in log()]
    assert verbs == ["apply", "apply", "apply", "delete", "apply"]
    assert "--wait=true" in log()[3]["argv"]


def test_missing_kubectl_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ApplyError, match="not found on PATH"):
        KubectlBackend().get(WEB)


def _real_cluster() -> bool:
    if not os.environ.get("KUBECONFIG") or not shutil.which("kubectl"):
        return False
    try:
        return subprocess.run(["kubectl", "version", "--request-timeout=5s", "-o", "json"], capture_output=True,
                              timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.mark.skipif(not _real_cluster(), reason="KUBECONFIG does not point to a reachable cluster")
def test_real_cluster_sync_resync_and_prune():
    ns = f"kpy-test-{uuid.uuid4().hex[:8]}"
    kb = KubectlBackend()
    opts = SyncOptions(namespace=ns, poll_interval=1.0, timeout=180, create_namespace=True)
    desired = [h.configmap("settings", {"mode": "fast"}), h.configmap("extra", {"a": "1"})]
    try:
        first = sync(ns, desired, kb, opts)
        assert first.ok, first.message
        again = sync(ns, desired, kb, opts)
        assert again.count("unchanged") == 3, again.to_dict()
        pruned = sync(ns, desired[:1] + [h.namespace(ns)], kb, SyncOptions(**{**opts.__dict__, "prune": True}))
        assert pruned.ok and [r.key.name for r in pruned.results if r.status == "pruned"] == ["extra"]
    finally:
        subprocess.run(["kubectl", "delete", "namespace", ns, "--ignore-not-found", "--wait=false"],
                       capture_output=True)


def test_resource_arg_names_a_version_only_when_asked():
    from kustomize_py.sync.backends.kubectl import resource_arg
    from kustomize_py.sync.keys import ResourceKey

    crontab = ResourceKey("stable.example.com", "CronTab", "shop", "nightly")
    assert resource_arg(crontab) == "CronTab.stable.example.com"
    assert resource_arg(crontab, "stable.example.com/v1beta1") == "CronTab.v1beta1.stable.example.com"
    assert resource_arg(ResourceKey("", "ConfigMap", "shop", "c"), "v1") == "ConfigMap"


def test_event_like_kinds_are_listed_and_an_unavailable_api_group_is_a_warning(fake):
    # `kubectl api-resources` prints what it could discover and exits 1 when one aggregated API
    # does not answer; `eventsources.argoproj.io` is not `events` and must be listed.
    listing = "configmaps\nevents\nevents.events.k8s.io\neventsources.argoproj.io\neventbus.argoproj.io\n"
    log = fake([{"match": ["api-resources"], "rc": 1, "stdout": listing,
                 "stderr": "error: unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: "
                           "the server is currently unable to handle the request\n"}])
    result = sync("shop", [h.configmap("c", {})], KubectlBackend(), SyncOptions(namespace="shop", poll_interval=0))
    assert result.ok, result.message
    gets = [e["argv"] for e in log() if e["argv"][:1] == ["get"] and "--all-namespaces" in e["argv"]]
    assert gets[0][1] == "configmaps,eventsources.argoproj.io,eventbus.argoproj.io"
    assert any("metrics.k8s.io/v1beta1" in w and "never pruned" in w for w in result.warnings)


def test_api_resources_failing_outright_is_still_an_error(fake):
    fake([{"match": ["api-resources"], "rc": 1, "stderr": "error: You must be logged in to the server\n"}])
    result = sync("shop", [h.configmap("c", {})], KubectlBackend(), SyncOptions(namespace="shop", poll_interval=0))
    assert not result.ok and "logged in" in result.message and "reading the live state failed" in result.message


def test_replace_option_runs_kubectl_replace_and_never_for_a_namespace(fake):
    # gitops-engine sync_context.go applyObject: Replace=true is `kubectl replace` (with `--force`
    # for Force=true); a Namespace or CRD is only updated, never replaced by force.
    log = fake()
    opts = SyncOptions(namespace="shop", poll_interval=0)
    assert sync("shop", [h.namespace("shop"), h.configmap("c", {"a": "1"})], KubectlBackend(), opts).ok
    marked = {"argocd.argoproj.io/sync-options": "Replace=true,Force=true"}
    ns = {**h.namespace("shop"), "metadata": {"name": "shop", "labels": {"x": "1"}, "annotations": marked}}
    result = sync("shop", [ns, h.configmap("c", {"a": "2"}, annotations=marked)], KubectlBackend(), opts)
    assert result.ok, result.message
    assert {r.key.kind: r.status for r in result.results} == {"Namespace": "configured", "ConfigMap": "replaced"}
    replaces = [e["argv"] for e in log() if e["argv"][0] == "replace" and "--dry-run=server" not in e["argv"]]
    assert [("--force" in a, json.loads(e["stdin"])["kind"]) for e in log() if e["argv"][0] == "replace"
            and "--dry-run=server" not in e["argv"] for a in [e["argv"]]] == [(False, "Namespace"), (True, "ConfigMap")]
    assert len(replaces) == 2 and not any(e["argv"][0] == "delete" for e in log())


def test_annotate_is_kubectl_annotate_and_takes_no_field_ownership(fake):
    """--pause-argocd's annotation: `kubectl annotate --overwrite` (a merge patch), then `key-` to remove."""
    log = fake()
    kb = KubectlBackend()
    obj = h.deployment("web")
    obj["metadata"]["namespace"] = "shop"
    kb.apply(obj)
    assert kb.annotate(WEB, {"argocd.argoproj.io/skip-reconcile": "true"}) is True
    assert kb.get(WEB)["metadata"]["annotations"]["argocd.argoproj.io/skip-reconcile"] == "true"
    assert kb.annotate(WEB, {"argocd.argoproj.io/skip-reconcile": None}) is True
    assert "argocd.argoproj.io/skip-reconcile" not in (kb.get(WEB)["metadata"].get("annotations") or {})
    assert kb.annotate(ResourceKey("apps", "Deployment", "shop", "nope"), {"a": "b"}) is False
    argvs = [e["argv"] for e in log() if "annotate" in e["argv"]]
    assert argvs[0] == ["annotate", "--overwrite", "Deployment.apps", "web", "--namespace", "shop",
                        "argocd.argoproj.io/skip-reconcile=true"]
    assert argvs[1][-1] == "argocd.argoproj.io/skip-reconcile-"
