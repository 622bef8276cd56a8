"""Strategic merge: kyaml quirks pinned as units, a property test, and a seeded differential run
against the reference kustomize (skipped when it is absent)."""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kustomize_py.errors import PatchError
from kustomize_py.merge import SchemaIndex, is_json6902, strategic_merge
from tests.test_merge_helpers import HAVE_REFERENCE, run_reference_docs


def dep(spec: dict[str, Any], **meta: Any) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", **meta},
            "spec": {"template": {"spec": spec}}}


def pod_spec(doc: dict[str, Any] | None) -> Any:
    assert doc is not None
    return doc["spec"]["template"]["spec"]


def test_inputs_are_not_mutated() -> None:
    base = dep({"containers": [{"name": "a", "image": "a"}]})
    patch = dep({"containers": [{"name": "a", "$patch": "replace", "image": "b"}]})
    before = copy.deepcopy((base, patch))
    strategic_merge(base, patch)
    assert (base, patch) == before


def test_patched_elements_come_first_then_the_rest() -> None:
    base = dep({"containers": [{"name": n} for n in "abc"]})
    patch = dep({"containers": [{"name": "c", "image": "c2"}, {"name": "d"}]})
    assert [c["name"] for c in pod_spec(strategic_merge(base, patch))["containers"]] == ["c", "d", "a", "b"]


def test_replace_directive_on_an_element_keeps_the_original() -> None:
    # kyaml re-sets resource elements over the merged list, so `$patch: replace` on one element is lost.
    base = dep({"containers": [{"name": "a", "image": "a", "args": ["x"]}]})
    patch = dep({"containers": [{"name": "a", "$patch": "replace", "image": "b"}]})
    assert pod_spec(strategic_merge(base, patch))["containers"] == [{"name": "a", "image": "a", "args": ["x"]}]


def test_kubernetes_patch_directives_are_copied_verbatim() -> None:
    patch = dep({"$setElementOrder/containers": [{"name": "a"}], "containers": [{"name": "a"}]},
                **{"$deleteFromPrimitiveList/finalizers": ["x"]})
    out = strategic_merge(dep({"containers": [{"name": "a"}]}, finalizers=["x"]), patch)
    assert out is not None
    assert out["metadata"]["$deleteFromPrimitiveList/finalizers"] == ["x"]
    assert out["metadata"]["finalizers"] == ["x"]
    assert pod_spec(out)["$setElementOrder/containers"] == [{"name": "a"}]


def test_ports_merge_on_container_port_and_protocol() -> None:
    base = dep({"containers": [{"name": "a", "ports": [{"containerPort": 53, "protocol": "UDP"}]}]})
    patch = dep({"containers": [{"name": "a", "ports": [{"containerPort": 53, "protocol": "TCP"}]}]})
    ports = pod_spec(strategic_merge(base, patch))["containers"][0]["ports"]
    assert ports == [{"containerPort": 53, "protocol": "TCP"}, {"containerPort": 53, "protocol": "UDP"}]


def test_primitive_merge_list_puts_patch_values_first() -> None:
    out = strategic_merge(dep({}, finalizers=["a", "b"]), dep({}, finalizers=["c", "a"]))
    assert out is not None and out["metadata"]["finalizers"] == ["c", "a", "b"]


def test_unknown_kind_replaces_lists_and_merges_maps() -> None:
    base = {"apiVersion": "x/v1", "kind": "X", "metadata": {"name": "n"}, "spec": {"l": [1, 2], "m": {"a": 1}}}
    patch = {"apiVersion": "x/v1", "kind": "X", "metadata": {"name": "n"}, "spec": {"l": [3], "m": {"b": 2}}}
    assert strategic_merge(base, patch)["spec"] == {"l": [3], "m": {"a": 1, "b": 2}}  # type: ignore[index]


def test_empty_schema_replaces_every_list() -> None:
    base = dep({"containers": [{"name": "a"}, {"name": "b"}]})
    patch = dep({"containers": [{"name": "b", "image": "x"}]})
    assert pod_spec(strategic_merge(base, patch, SchemaIndex.empty()))["containers"] == [{"name": "b", "image": "x"}]


def test_null_deletes_and_explicit_null_in_resource_survives() -> None:
    base = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1", "b": "2"}, "keep": None}
    patch = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": None}, "absent": None}
    assert strategic_merge(base, patch) == {**base, "data": {"b": "2"}}


def test_delete_whole_object() -> None:
    assert strategic_merge(dep({}), {**dep({}), "$patch": "delete"}) is None


def test_unknown_directive_is_an_error_naming_the_patch() -> None:
    with pytest.raises(PatchError) as info:
        strategic_merge(dep({"containers": []}), dep({"$patch": "bogus"}), source="p.yaml")
    assert "unknown patch strategy 'bogus'" in str(info.value) and "p.yaml" in str(info.value)


def test_kind_mismatch_is_an_error() -> None:
    with pytest.raises(PatchError, match="wrong node kind"):
        strategic_merge(dep({"containers": [{"name": "a"}]}), dep({"containers": {"name": "a"}}))


def test_is_json6902() -> None:
    assert is_json6902('[{"op": "add"}]')
    assert is_json6902("  \n- op: remove\n  path: /a\n")
    assert not is_json6902("apiVersion: v1\nkind: ConfigMap\n")
    assert is_json6902([{"op": "add"}]) and not is_json6902({"kind": "X"})


# -- property: a resource patched with itself is unchanged ----------------------------------------

_names = st.lists(st.sampled_from(["a", "b", "c", "d"]), unique=True, max_size=3)
_scalar = st.one_of(st.sampled_from(["x", "y", "80"]), st.integers(0, 3), st.booleans())


@st.composite
def _deployment(draw: Any) -> dict[str, Any]:
    containers = []
    for name in draw(_names):
        c: dict[str, Any] = {"name": name, "image": draw(_scalar)}
        if draw(st.booleans()):
            c["env"] = [{"name": e, "value": draw(st.sampled_from(["1", "2"]))} for e in draw(_names)]
        if draw(st.booleans()):
            c["ports"] = [{"containerPort": p, "protocol": "TCP"} for p in draw(st.lists(st.integers(1, 4), unique=True, max_size=3))]
        if draw(st.booleans()):
            c["args"] = draw(st.lists(st.sampled_from(["-a", "-b"]), max_size=3))
        containers.append(c)
    meta: dict[str, Any] = {"name": "web", "labels": draw(st.dictionaries(st.sampled_from(["k1", "k2"]), st.sampled_from(["v"]), max_size=2))}
    if draw(st.booleans()):
        meta["finalizers"] = draw(st.lists(st.sampled_from(["f1", "f2", "f3"]), unique=True, max_size=3))
    spec = {"containers": containers,
            "volumes": [{"name": v, "emptyDir": {"medium": "Memory"}} for v in draw(_names)]}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta,
            "spec": {"replicas": draw(st.integers(0, 3)), "template": {"spec": spec}}}


@settings(max_examples=150, deadline=None)
@given(_deployment())
def test_patch_equal_to_resource_changes_nothing(resource: dict[str, Any]) -> None:
    assert strategic_merge(resource, resource) == resource
    header = {k: resource[k] for k in ("apiVersion", "kind")} | {"metadata": {"name": "web"}}
    assert strategic_merge(resource, header) == resource


# -- seeded differential run against the reference -----------------------------------------------

def _random_element(r: random.Random, patch: bool, depth: int = 0, odd: bool = False) -> Any:
    if odd and r.random() < 0.12:  # only where name-reference fields cannot trip on it later
        return r.choice(["s", 1, None, {}])
    e: dict[str, Any] = {}
    for key, p, values in (("name", 0.85, ["a", "b", "c", None, ""]), ("image", 0.5, ["i", "j"]),
                           ("containerPort", 0.3, [80, 81]), ("protocol", 0.2, ["TCP", "UDP"]),
                           ("mountPath", 0.1, ["/a", "/b"])):
        if r.random() < p:
            e[key] = r.choice(values)
    if patch and r.random() < 0.2:
        e["$patch"] = r.choice(["delete", "replace", "merge"])
    if patch and r.random() < 0.1:
        e["image"] = None
    if depth < 1:
        for sub in ("env", "ports", "volumeMounts"):
            if r.random() < 0.2:
                e[sub] = [_random_element(r, patch, depth + 1) for _ in range(r.randint(0, 2))]
    return e


def _random_pod(r: random.Random, name: str, patch: bool) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    for f in r.sample(["containers", "initContainers", "volumes", "tolerations", "imagePullSecrets", "other"], 2):
        spec[f] = [_random_element(r, patch, odd=f in ("other", "tolerations")) for _ in range(r.randint(0, 3))]
        if patch and r.random() < 0.1:
            spec[f].insert(0, {"$patch": r.choice(["replace", "delete"])})
    meta: dict[str, Any] = {"name": name}
    if r.random() < 0.3:
        meta["finalizers"] = [r.choice(["f1", "f2", "f3"]) for _ in range(r.randint(0, 3))]
    if patch and r.random() < 0.03:
        return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "$patch": "delete"}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


@pytest.mark.skipif(not HAVE_REFERENCE, reason="reference kustomize (kubectl.1.33) not installed")
@pytest.mark.parametrize("seed", [11, 12])
def test_random_pods_match_reference(seed: int) -> None:
    r = random.Random(seed)
    cases = [(_random_pod(r, f"p{i}", False), _random_pod(r, f"p{i}", True)) for i in range(120)]
    mismatches = _diff_against_reference(cases)
    assert not mismatches, json.dumps(mismatches[0], indent=1)


def _diff_against_reference(cases: list[tuple[dict[str, Any], dict[str, Any]]]) -> list[Any]:
    files = {"res.yaml": "\n---\n".join(json.dumps(c[0]) for c in cases)}
    entries = []
    for i, (_, patch) in enumerate(cases):
        files[f"p{i}.yaml"] = json.dumps(patch)
        entries.append({"path": f"p{i}.yaml"})
    docs, err = run_reference_docs(files, {"resources": ["res.yaml"], "patches": entries})
    if docs is None:
        if len(cases) == 1:
            # Failures after the merge (e.g. name references over odd shapes) are not ours.
            if "name reference" in err:
                return []
            try:
                strategic_merge(*cases[0])
            except PatchError:
                return []
            return [{"case": cases[0], "reference_error": err}]
        half = len(cases) // 2
        return _diff_against_reference(cases[:half]) + _diff_against_reference(cases[half:])
    ref = {d["metadata"]["name"]: d for d in docs}
    out = []
    for base, patch in cases:
        try:
            mine = strategic_merge(base, patch)
        except PatchError as err_:
            out.append({"case": [base, patch], "mine_error": str(err_)})
            continue
        if mine != ref.get(base["metadata"]["name"]):
            out.append({"case": [base, patch], "reference": ref.get(base["metadata"]["name"]), "mine": mine})
    return out
