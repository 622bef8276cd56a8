"""Health rules per kind, as a table of (object, expected status)."""

from __future__ import annotations

import pytest

from kustomize_py.sync.health import health


def obj(api, kind, spec=None, status=None, generation=None):
    meta = {"name": "x", **({"generation": generation} if generation else {})}
    return {"apiVersion": api, "kind": kind, "metadata": meta, "spec": spec or {}, "status": status or {}}


CASES = [
    (obj("apps/v1", "Deployment", {"replicas": 2}, {"updatedReplicas": 2, "availableReplicas": 2, "replicas": 2}),
     "Healthy"),
    (obj("apps/v1", "Deployment", {"replicas": 2}, {"updatedReplicas": 1, "availableReplicas": 1, "replicas": 2}),
     "Progressing"),
    (obj("apps/v1", "Deployment", {"replicas": 1}, {"updatedReplicas": 1, "availableReplicas": 1, "replicas": 1,
                                                    "observedGeneration": 1}, generation=2), "Progressing"),
    (obj("apps/v1", "Deployment", {"replicas": 1}, {"conditions": [
        {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"}]}), "Degraded"),
    (obj("apps/v1", "Deployment", {"paused": True}), "Suspended"),
    (obj("apps/v1", "StatefulSet", {"replicas": 1}, {"readyReplicas": 1, "currentRevision": "a",
                                                     "updateRevision": "a", "observedGeneration": 1}), "Healthy"),
    # gitops-engine: a StatefulSet whose status was never observed is still Progressing.
    (obj("apps/v1", "StatefulSet", {"replicas": 1}, {"readyReplicas": 1, "currentRevision": "a",
                                                     "updateRevision": "a"}), "Progressing"),
    (obj("apps/v1", "StatefulSet", {"replicas": 1}, {"readyReplicas": 1, "currentRevision": "a",
                                                     "updateRevision": "b"}), "Progressing"),
    (obj("apps/v1", "DaemonSet", {}, {"desiredNumberScheduled": 3, "updatedNumberScheduled": 3,
                                      "numberAvailable": 2}), "Progressing"),
    (obj("apps/v1", "DaemonSet", {}, {"desiredNumberScheduled": 3, "updatedNumberScheduled": 3,
                                      "numberAvailable": 3}), "Healthy"),
    (obj("batch/v1", "Job", {}, {"conditions": [{"type": "Complete", "status": "True"}]}), "Healthy"),
    (obj("batch/v1", "Job", {}, {"conditions": [{"type": "Failed", "status": "True"}]}), "Degraded"),
    (obj("batch/v1", "Job", {}, {"active": 1}), "Progressing"),
    (obj("v1", "PersistentVolumeClaim", {}, {"phase": "Bound"}), "Healthy"),
    (obj("v1", "PersistentVolumeClaim", {}, {"phase": "Pending"}), "Progressing"),
    (obj("v1", "PersistentVolumeClaim", {}, {"phase": "Lost"}), "Degraded"),
    (obj("v1", "Pod", {}, {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}), "Healthy"),
    (obj("v1", "Pod", {}, {"phase": "Running", "containerStatuses": [
        {"name": "c", "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}), "Degraded"),
    (obj("v1", "Pod", {}, {"phase": "Pending"}), "Progressing"),
    (obj("v1", "Pod", {}, {"phase": "Succeeded"}), "Healthy"),
    (obj("cert-manager.io/v1", "Certificate", {}, {"conditions": [{"type": "Ready", "status": "True"}]}), "Healthy"),
    (obj("cert-manager.io/v1", "Certificate", {}, {"conditions": [{"type": "Ready", "status": "False",
                                                                  "reason": "Pending"}]}), "Progressing"),
    (obj("cert-manager.io/v1", "Certificate", {}, {"conditions": [{"type": "Ready", "status": "False",
                                                                  "reason": "IssuanceFailed"}]}), "Degraded"),
]


@pytest.mark.parametrize("manifest,expected", CASES)
def test_health_rules(manifest, expected):
    assert health(manifest).status == expected


def test_objects_without_a_check_and_missing_objects():
    assert health({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}) is None
    assert health(None).status == "Missing"
    deleting = obj("v1", "Pod", {}, {"phase": "Succeeded"})
    deleting["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    assert health(deleting).status == "Progressing"
