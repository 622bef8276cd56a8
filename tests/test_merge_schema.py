"""The merge-key schema index: built-in table (k8s v1.21 like kyaml), custom OpenAPI, CRD helper."""

from __future__ import annotations

from kustomize_py.merge import SchemaIndex, schema_from_crd_objects, strategic_merge


def test_builtin_pod_template_keys() -> None:
    dep = SchemaIndex.builtin().for_kind("apps/v1", "Deployment")
    assert dep is not None
    pod = dep.lookup("spec", "template", "spec")
    assert pod is not None
    containers = pod.field("containers")
    assert containers is not None and containers.is_merge_list and containers.merge_keys == ("name",)
    ports = pod.lookup("containers", "[]", "ports")
    assert ports is not None and ports.merge_keys == ("containerPort", "protocol")
    assert pod.lookup("containers", "[]", "volumeMounts").merge_keys == ("mountPath",)  # type: ignore[union-attr]
    volumes = pod.field("volumes")
    assert volumes is not None and volumes.strategy == "merge,retainKeys" and volumes.is_merge_list
    assert pod.lookup("containers", "[]", "args") is None  # no strategy: replaced, nothing kept


def test_builtin_metadata_and_legacy_kinds() -> None:
    idx = SchemaIndex.builtin()
    fin = idx.for_kind("v1", "ConfigMap").lookup("metadata", "finalizers")  # type: ignore[union-attr]
    assert fin is not None and fin.is_merge_list and fin.merge_keys == ()
    svc_ports = idx.for_kind("v1", "Service").lookup("spec", "ports")  # type: ignore[union-attr]
    assert svc_ports is not None and svc_ports.merge_keys == ("port", "protocol")
    # v1.21 still has these; newer Kubernetes schemas dropped them.
    assert idx.for_kind("batch/v1beta1", "CronJob") is not None
    assert idx.for_kind("policy/v1beta1", "PodSecurityPolicy") is not None
    assert idx.for_kind("example.com/v1", "Widget") is None


def test_custom_openapi_replaces_builtin() -> None:
    doc = {"definitions": {
        "w": {"x-kubernetes-group-version-kind": [{"group": "example.com", "version": "v1", "kind": "W"}],
              "properties": {"spec": {"$ref": "#/definitions/ws"}}},
        "ws": {"properties": {"items": {"type": "array", "items": {"type": "object"},
                                        "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "id"}}},
    }}
    custom = SchemaIndex.from_openapi(doc)
    items = custom.for_kind("example.com/v1", "W").lookup("spec", "items")  # type: ignore[union-attr]
    assert items is not None and items.merge_keys == ("id",)
    assert custom.for_kind("apps/v1", "Deployment") is None
    layered = SchemaIndex.builtin().with_openapi(doc)
    assert layered.for_kind("apps/v1", "Deployment") is not None and layered.for_kind("example.com/v1", "W") is not None
    assert SchemaIndex.builtin().with_crds([{"kind": "CustomResourceDefinition"}]) == SchemaIndex.builtin()


def test_schema_from_crd_objects_merges_list_map_keys() -> None:
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "spec": {"group": "example.com", "names": {"kind": "W"}, "versions": [{"name": "v1", "schema": {"openAPIV3Schema": {
               "type": "object", "properties": {"spec": {"type": "object", "properties": {"items": {
                   "type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["id"],
                   "items": {"type": "object"}}}}}}}}]}}
    idx = SchemaIndex.builtin().with_openapi(schema_from_crd_objects([crd]))
    base = {"apiVersion": "example.com/v1", "kind": "W", "metadata": {"name": "w"}, "spec": {"items": [{"id": "a", "v": 1}]}}
    patch = {"apiVersion": "example.com/v1", "kind": "W", "metadata": {"name": "w"}, "spec": {"items": [{"id": "b"}]}}
    assert strategic_merge(base, patch, idx)["spec"]["items"] == [{"id": "b"}, {"id": "a", "v": 1}]  # type: ignore[index]
    assert strategic_merge(base, patch)["spec"]["items"] == [{"id": "b"}]  # type: ignore[index]
