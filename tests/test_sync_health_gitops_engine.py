"""kpy's health checks against gitops-engine's own test data (pkg/health/testdata, health_test.go).

Every file of the fixture folder must be listed here, with the status health_test.go asserts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kustomize_py.sync.health import Health, builtin, health

DATA = Path(__file__).parent / "fixtures" / "gitops_engine_health"

# file -> status asserted by pkg/health/health_test.go (None: assert.Nil, no built-in check).
EXPECTED: dict[str, str | None] = {
    "nginx.yaml": "Healthy",  # TestDeploymentHealth (../utils/kube/testdata/nginx.yaml)
    "deployment-progressing.yaml": "Progressing",
    "deployment-suspended.yaml": "Suspended",
    "deployment-degraded.yaml": "Degraded",
    "statefulset.yaml": "Healthy",
    "statefulset-ondelete.yaml": "Healthy",
    "daemonset-ondelete.yaml": "Healthy",
    "pvc-bound.yaml": "Healthy",
    "pvc-pending.yaml": "Progressing",
    "svc-clusterip.yaml": "Healthy",
    "svc-loadbalancer.yaml": "Healthy",
    "svc-loadbalancer-unassigned.yaml": "Progressing",
    "svc-loadbalancer-nonemptylist.yaml": "Healthy",
    "ingress.yaml": "Healthy",
    "ingress-unassigned.yaml": "Progressing",
    "ingress-nonemptylist.yaml": "Healthy",
    "knative-service.yaml": None,  # TestCRD
    "job-running.yaml": "Progressing",
    "job-failed.yaml": "Degraded",
    "job-succeeded.yaml": "Healthy",
    "job-suspended.yaml": "Suspended",
    "hpa-v2-healthy.yaml": "Healthy",
    "hpa-v2-degraded.yaml": "Degraded",
    "hpa-v2-progressing.yaml": "Progressing",
    "hpa-v2beta2-healthy.yaml": "Healthy",
    "hpa-v2beta1-healthy-disabled.yaml": "Healthy",
    "hpa-v2beta1-healthy.yaml": "Healthy",
    "hpa-v1-degraded.yaml": "Degraded",
    "hpa-v1-healthy.yaml": "Healthy",
    "hpa-v1-healthy-toofew.yaml": "Healthy",
    "hpa-v1-progressing.yaml": "Progressing",
    "hpa-v1-progressing-with-no-annotations.yaml": "Progressing",
    "pod-pending.yaml": "Progressing",
    "pod-running-not-ready.yaml": "Progressing",
    "pod-crashloop.yaml": "Degraded",
    "pod-imagepullbackoff.yaml": "Degraded",
    "pod-error.yaml": "Degraded",
    "pod-running-restart-always.yaml": "Healthy",
    "pod-running-restart-never.yaml": "Progressing",
    "pod-running-restart-onfailure.yaml": "Progressing",
    "pod-failed.yaml": "Degraded",
    "pod-succeeded.yaml": "Healthy",
    "pod-deletion.yaml": "Progressing",
    "application-healthy.yaml": None,  # TestApplication
    "application-degraded.yaml": None,
    "apiservice-v1-true.yaml": "Healthy",
    "apiservice-v1-false.yaml": "Progressing",
    "apiservice-v1beta1-true.yaml": "Healthy",
    "apiservice-v1beta1-false.yaml": "Progressing",
}


def _load(name: str) -> dict:
    # sigs.k8s.io/yaml as health_test.go reads it: a repeated key keeps its last value.
    return yaml.safe_load((DATA / name).read_text())


def test_every_fixture_has_an_expectation():
    assert sorted(p.name for p in DATA.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_builtin_health_matches_gitops_engine(name):
    found = builtin(_load(name))
    expected = EXPECTED[name]
    assert (found.status if found else None) == expected


def test_ready_condition_is_kpys_addition_on_top():
    # gitops-engine has no check for a Knative Service; kpy's generic check reads its Ready condition.
    obj = _load("knative-service.yaml")
    assert builtin(obj) is None and health(obj) is None
    obj["status"] = {"conditions": [{"type": "Ready", "status": "True"}]}
    assert builtin(obj) is None
    assert health(obj).status == "Healthy"
    obj["status"]["conditions"][0].update(status="False", reason="RevisionFailed", message="image not found")
    assert health(obj) == Health("Degraded", "image not found")


def test_argo_workflow_phases():
    # TestGetArgoWorkflowHealth: Running -> Progressing, Succeeded -> Healthy, no status -> Progressing.
    wf = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "metadata": {"name": "w"}}
    assert builtin(wf) == builtin({**wf, "status": {}})
    assert builtin(wf).status == "Progressing"
    assert builtin({**wf, "status": {"phase": "Running", "message": "This node is running"}}).message == \
        "This node is running"
    assert builtin({**wf, "status": {"phase": "Succeeded"}}).status == "Healthy"
    assert builtin({**wf, "status": {"phase": "Failed"}}).status == "Degraded"


def test_hook_finalizer_keeps_a_deleted_hook_judged():
    pod = _load("pod-succeeded.yaml")
    pod["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    assert builtin(pod).status == "Progressing"  # Pending deletion
    pod["metadata"]["finalizers"] = ["argocd.argoproj.io/hook-finalizer"]
    assert builtin(pod).status == "Healthy"
