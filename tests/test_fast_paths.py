"""The fast paths of the transformer and id code give what the plain algorithm gives: cached ids
follow every kind of edit, plain-text patterns match as their regular expressions, the key sort
orders as the comparison, a trie walk finds exactly the field specs that would act, and the merge
copy copies as copy.deepcopy."""

from __future__ import annotations

import copy
import random
import re
from typing import Any

import pytest

from kustomize_py.errors import KpyError
from kustomize_py.fieldspecs import FieldSpec
from kustomize_py.fieldspecs.spec import PathSet, by_kind, merge_specs
from kustomize_py.merge.strategic import _deep_copy
from kustomize_py.resource import Resource, id_of
from kustomize_py.selector import _regex
from kustomize_py.transformers.images import _TAIL, _Plain
from kustomize_py.transformers.sort import legacy_order, legacy_order_compared

# -- cached ids ----------------------------------------------------------------------------------


def _check(res: Resource) -> None:
    assert res.id == id_of(res.obj)
    assert res.id_key() == id_of(res.obj).key()


def test_cached_id_follows_edits() -> None:
    res = Resource({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}})
    _check(res)
    res.obj["metadata"]["name"] = "b"
    _check(res)
    res.obj["metadata"]["namespace"] = "ns"
    _check(res)
    res.obj["metadata"] = {"name": "c"}  # a new metadata map
    _check(res)
    res.obj["apiVersion"] = "apps/v1"
    res.obj["kind"] = "Deployment"
    _check(res)
    res.obj = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n", "namespace": "x"}}
    _check(res)  # cluster-scoped: the key's namespace is the cluster's
    res.obj["metadata"]["name"] = 7  # a number keeps its text
    _check(res)
    res.obj["metadata"]["name"] = ["not", "a", "name"]  # mutable: never cached
    _check(res)
    res.obj["metadata"]["name"].append("x")
    _check(res)
    del res.obj["metadata"]
    _check(res)
    res.obj = {}
    _check(res)


def test_previous_ids_use_the_effective_namespace() -> None:
    res = Resource({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}})
    res.store_previous_id()
    ns = Resource({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n"}})
    ns.store_previous_id()
    assert res.prev == [("ConfigMap", "a", "default")]
    assert ns.prev == [("Namespace", "n", "_non_namespaceable_")]
    assert res.org_id() == res.prev_ids()[0]


# -- patterns without regex syntax ---------------------------------------------------------------


def test_plain_image_names_match_as_their_regex() -> None:
    rng = random.Random(1)
    for _ in range(20000):
        name = "".join(rng.choice("ab./:-@") for _ in range(rng.randint(0, 4)))
        value = "".join(rng.choice("ab.:@/-_{}s1\n") for _ in range(rng.randint(0, 9)))
        if rng.random() < 0.3:
            value = name.replace(".", "x") + rng.choice(["", ":1", "@sha256:x", ":1@sha256:y", "\n", ":a:b"])
        expected = re.compile("^" + name + _TAIL).match(value) is not None
        assert _Plain(name).match(value) == expected, (name, value)


def test_plain_selector_patterns_match_as_their_regex() -> None:
    rng = random.Random(2)
    for _ in range(20000):
        pattern = "".join(rng.choice("ab-\n1 /") for _ in range(rng.randint(1, 4)))
        value = "".join(rng.choice("ab-\n1 /") for _ in range(rng.randint(0, 5)))
        if rng.random() < 0.3:
            value = pattern + rng.choice(["", "\n", "\n\n", "x"])
        expected = re.compile(f"^(?:{pattern})$").match(value) is not None
        assert bool(_regex(pattern).match(value)) == expected, (pattern, value)


# -- output order --------------------------------------------------------------------------------


def test_key_sort_orders_as_the_comparison() -> None:
    rng = random.Random(3)
    ranks = {"Namespace": -3, "ConfigMap": -2, "Deployment": -1, "ValidatingWebhookConfiguration": 1}
    for _ in range(3000):
        ids = []
        for _ in range(rng.randint(0, 12)):
            api = rng.choice(["v1", "apps/v1", "x.io/v1", "x/v2"])
            kind = rng.choice(["Namespace", "ConfigMap", "Deployment", "Foo", "ValidatingWebhookConfiguration"])
            meta = {"name": rng.choice(["a", "b", "", "~N"]), "namespace": rng.choice(["", "n1", "n2"])}
            ids.append(id_of({"apiVersion": api, "kind": kind, "metadata": meta}))
        if sum(1 for g in {(i.group, i.version, i.kind) for i in ids} if g[2] == "Namespace") > 1:
            continue  # (then the comparison is used)
        assert legacy_order(ids, ranks) == legacy_order_compared(ids, ranks)


# -- walking several paths at once ---------------------------------------------------------------

_PATHS = ["a/b/name", "a/b/other", "a/c", "d/name", "a/b/list/name", "x"]


def _random_node(rng: random.Random, depth: int) -> Any:
    roll = rng.random()
    if depth > 3 or roll < 0.25:
        return rng.choice(["s", 1, None, True])
    if roll < 0.45:
        return [_random_node(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    keys = rng.sample(["a", "b", "c", "d", "name", "other", "list", "x"], rng.randint(0, 4))
    return {k: _random_node(rng, depth + 1) for k in keys}


def _acts(spec: FieldSpec, obj: Any) -> bool:
    hits: list[Any] = []
    try:
        spec.apply(obj, lambda parent, key: hits.append(key), None)
    except KpyError:
        return True
    return bool(hits)


def test_path_set_finds_the_specs_that_act() -> None:
    specs = [FieldSpec(p) for p in _PATHS]
    paths = PathSet(specs)
    assert paths.usable
    rng = random.Random(4)
    for _ in range(5000):
        obj = {"a": _random_node(rng, 1), "d": _random_node(rng, 1)} if rng.random() < 0.7 else _random_node(rng, 0)
        if not isinstance(obj, dict):
            continue
        assert paths.reaching(obj) == {i for i, s in enumerate(specs) if _acts(s, obj)}, obj


def test_path_set_is_not_used_when_a_path_extends_another() -> None:
    assert not PathSet([FieldSpec("a/b"), FieldSpec("a/b/c")]).usable
    assert not PathSet([FieldSpec("a/b[]/c")]).usable
    assert PathSet([FieldSpec("a/b"), FieldSpec("a/b"), FieldSpec("a/c")]).usable


# -- memoized spec lists -------------------------------------------------------------------------


def test_spec_memos_answer_as_the_lists_do() -> None:
    base = [FieldSpec("metadata/labels", create=True), FieldSpec("spec/selector", kind="Service")]
    extra = [FieldSpec("spec/selector", kind="Service"), FieldSpec("spec/template/metadata/labels", create=True)]
    first = merge_specs(base, extra)
    assert merge_specs(list(base), list(extra)) == first
    assert [s.path for s in first] == ["metadata/labels", "spec/selector", "spec/template/metadata/labels"]
    with pytest.raises(KpyError):
        merge_specs(base, [FieldSpec("metadata/labels", create=False)])
    with pytest.raises(KpyError):  # raised again, not remembered
        merge_specs(base, [FieldSpec("metadata/labels", create=False)])
    assert by_kind(first)("", "v1", "Service") == tuple(first)
    assert by_kind(first)("apps", "v1", "Deployment") == (first[0], first[2])


# -- the merge's copy ----------------------------------------------------------------------------


def test_merge_copy_is_a_deep_copy() -> None:
    from kustomize_py.yaml.load import BlankNullMap

    shared = {"k": [1, 2]}
    value = {"a": shared, "b": [shared, "x", None, 1.5], "c": BlankNullMap({"d": None}, frozenset({"d"}))}
    out = _deep_copy(value, {})
    assert out == copy.deepcopy(value)
    assert out["a"] is out["b"][0] and out["a"] is not shared  # shared stays shared, and is copied
    assert type(out["c"]) is BlankNullMap and out["c"].blank == frozenset({"d"})
    out["a"]["k"].append(3)
    assert shared == {"k": [1, 2]}
