"""Diff normalisation, Secret redaction, generated-name pairing and the text renderer."""

from __future__ import annotations

import base64

import pytest

from kustomize_py.sync.keys import ResourceKey
from kustomize_py.sync.normalize import (
    diff_manifests,
    diff_objects,
    generated_base,
    normalize,
    pair_generated,
    render_diffs,
)


def cm(name, data, **meta):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, **meta}, "data": data}


def secret(name, **sections):
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name}, **sections}


def test_normalize_drops_server_fields_and_folds_string_data():
    live = cm("a", {"k": "v"}, uid="u", resourceVersion="1", generation=2, creationTimestamp=None,
              managedFields=[{"manager": "x"}], annotations={
                  "kubectl.kubernetes.io/last-applied-configuration": "{}"}) | {"status": {"x": 1}}
    assert normalize(live) == cm("a", {"k": "v"})
    s = normalize(secret("s", data={"a": "YQ==", "n": None}, stringData={"b": "hello", "a": "override"}))
    assert s["data"] == {"a": base64.b64encode(b"override").decode(), "n": "",
                         "b": base64.b64encode(b"hello").decode()}
    assert "stringData" not in s


def test_secret_values_are_redacted_in_every_diff_but_changes_stay_visible():
    old = secret("db", data={"user": base64.b64encode(b"admin").decode(),
                             "password": base64.b64encode(b"old-pass-123").decode()})
    new = secret("db", stringData={"user": "admin", "password": "new-pass-456", "token": "tok-789"})
    [d] = diff_manifests([old], [new])
    assert d.action == "modified"
    text = render_diffs([d]) + str(d.to_dict())
    for value in ("admin", "old-pass-123", "new-pass-456", "tok-789", "YWRtaW4=", "b2xkLXBhc3MtMTIz"):
        assert value not in text
    changed = [line for line in d.lines if line.startswith(("+", "-"))]
    assert any("password" in line for line in changed) and any("token" in line for line in changed)
    assert not any("user" in line for line in changed)  # same value: same mask, no diff line
    added = diff_manifests([], [new])[0]
    assert "new-pass" not in render_diffs([added]) and added.action == "added"


def test_hash_suffixed_generated_objects_are_paired():
    old = [cm("web-config-89g4tffbfk", {"a": "1"}), cm("other", {"x": "1"})]
    new = [cm("web-config-tf28tfk457", {"a": "2"}), cm("other", {"x": "1"})]
    [d] = diff_manifests(old, new)
    assert d.action == "modified" and d.renamed and d.old_key.name == "web-config-89g4tffbfk"
    assert "(was web-config-89g4tffbfk)" in render_diffs([d])
    assert diff_manifests(old, new, pair=False)[0].action == "added"


def test_pairing_needs_a_real_hash_and_a_unique_match():
    assert generated_base(ResourceKey("", "ConfigMap", "", "web-config-89g4tffbfk")).name == "web-config"
    assert generated_base(ResourceKey("", "ConfigMap", "", "web-config-aaaaaaaaaa")) is None  # vowels: no hash
    assert generated_base(ResourceKey("apps", "Deployment", "", "web-89g4tffbfk")) is None
    removed = [ResourceKey("", "ConfigMap", "", "x-89g4tffbfk"), ResourceKey("", "ConfigMap", "", "x-tf28tfk457")]
    assert pair_generated(removed, [ResourceKey("", "ConfigMap", "", "x-m2ktb8c6hd")]) == {}


def test_diff_order_unchanged_and_colour():
    old = [cm("gone", {}), cm("same", {"a": "1"}), cm("changed", {"a": "1"})]
    new = [cm("changed", {"a": "2"}), cm("same", {"a": "1"}), cm("new", {})]
    diffs = diff_manifests(old, new)
    assert [(d.action, d.key.name) for d in diffs] == [("modified", "changed"), ("added", "new"), ("removed", "gone")]
    assert len(diff_manifests(old, new, include_unchanged=True)) == 4
    plain, coloured = render_diffs(diffs), render_diffs(diffs, colour=True)
    assert "\x1b[" not in plain and "\x1b[32m+" in coloured and "\x1b[31m-" in coloured
    assert '-  a: "1"' in plain and '+  a: "2"' in plain
    assert render_diffs([]) == ""


def test_diff_objects_needs_one_side() -> None:
    with pytest.raises(ValueError, match="old or a new object"):
        diff_objects(None, None)
