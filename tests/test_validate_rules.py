"""The schema rules of kpy validate (quantities, int-or-string, strictness, CRD conversion), the
shipped bundle and the reuse of compiled validators."""

from __future__ import annotations

import copy
import gzip
import json
from pathlib import Path

import pytest

import kustomize_py
from kustomize_py.errors import KpyError
from kustomize_py.validate import Problem, Validator, bundle, rules, schemas, validator

DEPLOYMENT = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
              "spec": {"selector": {"matchLabels": {"app": "web"}},
                       "template": {"metadata": {"labels": {"app": "web"}},
                                    "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}}


def deployment(**container: object) -> dict:
    obj = copy.deepcopy(DEPLOYMENT)
    obj["spec"]["template"]["spec"]["containers"][0].update(container)
    return obj


@pytest.mark.parametrize("value", ["100m", "1", "1.5", ".5", "1Gi", "512Mi", "2e9", "1E3", "-1", "+2k", "1.", 0.25, 3])
def test_quantities_the_api_server_parses(value: object) -> None:
    assert kustomize_py.validate([deployment(resources={"limits": {"cpu": value}})]) == []


@pytest.mark.parametrize("value", ["500x", "1GB", "one", "1 Gi", "", "1.2.3", "Gi", "1ki"])
def test_quantities_it_refuses(value: str) -> None:
    [problem] = kustomize_py.validate([deployment(resources={"requests": {"memory": value}})])
    assert problem.field == "spec.template.spec.containers[0].resources.requests.memory"
    assert problem.message.startswith("quantities must match the regular expression")


def test_int_or_string_takes_both_and_nothing_else() -> None:
    ok = deployment(ports=[{"containerPort": 80}], readinessProbe={"httpGet": {"port": "http"}},
                    livenessProbe={"tcpSocket": {"port": 8080}})
    assert kustomize_py.validate([ok]) == []
    bad = deployment(readinessProbe={"httpGet": {"port": 80.5}})
    [problem] = kustomize_py.validate([bad])
    assert (problem.field, problem.message) == ("spec.template.spec.containers[0].readinessProbe.httpGet.port",
                                                "expected integer or string, got number 80.5")


def test_strictness_closes_objects_but_not_maps() -> None:
    obj = deployment(imagee="x")
    obj["metadata"]["labels"] = {"any.key/at-all": "v"}  # a map: any key
    obj["spec"]["template"]["metadata"]["annotations"] = {"a": "b"}
    problems = kustomize_py.validate([obj])
    assert [(p.field, p.message) for p in problems] == [("spec.template.spec.containers[0].imagee", "unknown field")]
    assert kustomize_py.validate([obj], strict=False) == []


def test_problem_is_a_value_with_every_part() -> None:
    obj = deployment()
    obj["metadata"]["namespace"] = "shop"
    obj["spec"]["replicas"] = "2"
    [problem] = kustomize_py.validate([{"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "c"}}, obj],
                                      source="out.yaml")
    assert isinstance(problem, Problem)
    assert problem.as_dict() == {"source": "out.yaml", "document": 2, "api_version": "apps/v1",
                                 "kind": "Deployment", "namespace": "shop", "name": "web",
                                 "field": "spec.replicas", "message": 'expected integer, got string "2"'}
    assert str(problem) == 'out.yaml: Deployment shop/web: spec.replicas: expected integer, got string "2"'


def test_field_paths_quote_keys_that_are_not_plain() -> None:
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "annotations": {"example.com/x": 1}}}
    [problem] = kustomize_py.validate([obj])
    assert problem.field == 'metadata.annotations["example.com/x"]'


def test_versions_shipped_and_selected() -> None:
    shipped = bundle.versions()
    assert shipped[-1] == bundle.default_version() and tuple(map(int, shipped[-1].split("."))) >= (1, 33)
    assert len(shipped) >= 4
    # DeviceClass is resource.k8s.io/v1 from Kubernetes 1.34: older bundles do not serve it
    device_class = {"apiVersion": "resource.k8s.io/v1", "kind": "DeviceClass", "metadata": {"name": "gpu"},
                    "spec": {}}
    assert kustomize_py.validate([device_class], kubernetes_version="1.34") == []
    assert kustomize_py.validate([device_class], kubernetes_version="v1.34.2") == []
    [old] = kustomize_py.validate([device_class], kubernetes_version="1.30")
    assert old.message == "Kubernetes 1.30 has no kind DeviceClass in resource.k8s.io/v1"
    with pytest.raises(KpyError, match=r"no schemas for Kubernetes '1\.99'; shipped: 1\.25, "):
        Validator(kubernetes_version="1.99")


def test_bundle_is_compact_and_indexed_by_kind() -> None:
    total = sum(p.stat().st_size for p in Path(bundle.SCHEMA_DIR).glob("*.json.gz"))
    assert total < 3_000_000
    with open(f"{bundle.SCHEMA_DIR}/v{bundle.default_version()}.json.gz", "rb") as f:
        data = json.loads(gzip.decompress(f.read()))
    assert data["kinds"]["apps/v1/Deployment"] == "io.k8s.api.apps.v1.Deployment"
    assert data["kinds"]["v1/ConfigMap"] == "io.k8s.api.core.v1.ConfigMap"
    assert "description" not in json.dumps(data["defs"]["io.k8s.api.apps.v1.Deployment"])


def test_validators_compile_once_per_kind_and_version() -> None:
    schemas.builtin.cache_clear()
    kustomize_py.validate([deployment(), deployment(), DEPLOYMENT])
    kustomize_py.validate([deployment()])
    info = schemas.builtin.cache_info()
    assert (info.misses, info.hits) == (1, 3)
    kustomize_py.validate([deployment()], strict=False)
    assert schemas.builtin.cache_info().misses == 2


def test_custom_resources_compile_once_across_validators() -> None:
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "metadata": {"name": "things.t.example"},
           "spec": {"group": "t.example", "names": {"kind": "Thing", "plural": "things"}, "scope": "Namespaced",
                    "versions": [{"name": "v1", "served": True, "storage": True,
                                  "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                                      "spec": {"type": "object", "properties": {"n": {"type": "integer"}}}}}}}]}}
    thing = {"apiVersion": "t.example/v1", "kind": "Thing", "metadata": {"name": "a"}, "spec": {"n": "x"}}
    before = len(validator._CUSTOM)
    for _ in range(3):
        [problem] = kustomize_py.validate([crd, thing])
        assert (problem.field, problem.message) == ("spec.n", 'expected integer, got string "x"')
    after = len(validator._CUSTOM)
    assert after - before == 1


def test_openapi_v3_conversion() -> None:
    schema = {"type": "object", "properties": {
        "a": {"type": "integer", "minimum": 1, "exclusiveMinimum": True, "nullable": True},
        "b": {"x-kubernetes-int-or-string": True},
        "c": {"type": "object", "x-kubernetes-preserve-unknown-fields": True, "properties": {"d": {"type": "string"}}},
        "e": {"type": "string", "enum": ["x"], "nullable": True, "format": "date-time", "default": "x"}}}
    out = rules.openapi_v3(schema, True, {"type": "object"})
    assert out["properties"]["a"] == {"type": ["integer", "null"], "exclusiveMinimum": 1}
    assert out["properties"]["b"]["type"] == ["integer", "string"]
    assert "additionalProperties" not in out["properties"]["c"]  # keeps unknown fields
    assert out["properties"]["e"] == {"type": ["string", "null"], "enum": ["x", None]}
    assert out["additionalProperties"] is False
    assert set(out["properties"]) >= {"apiVersion", "kind", "metadata"}
    assert "additionalProperties" not in rules.openapi_v3(schema, False, {})


def test_package_is_the_callable_library_entry() -> None:
    import kustomize_py.validate as package

    assert kustomize_py.validate is package
    assert package([DEPLOYMENT]) == package.validate([DEPLOYMENT]) == []
