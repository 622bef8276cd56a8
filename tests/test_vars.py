"""The deprecated `vars:` against Kustomize v5.6.0: fixtures, live-reference trees and errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import kustomize_py
from kustomize_py.errors import KpyError, TransformerError
from kustomize_py.resource import Resource
from kustomize_py.transformers import vars as vars_
from tests.transformer_fixtures import (
    assert_error_like_reference,
    assert_same_as_reference,
    docs,
    golden_tests,
    write_tree,
)

test_fixture_documents, test_fixture_bytes = golden_tests("vars_")


RESOURCES = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: other
spec:
  ports:
  - port: 81
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
      - name: a
        image: a
        args: ["$(WEB)", "port-$(PORT)"]
        env:
        - name: P
          value: $(PORT)
"""


def _tree(tmp_path: Path, vars_yaml: str) -> Path:
    return write_tree(tmp_path, {"r.yaml": RESOURCES, "kustomization.yaml": "resources: [r.yaml]\nvars:\n" + vars_yaml})


def test_namespace_disambiguates_and_numbers_keep_their_type(tmp_path: Path) -> None:
    _tree(tmp_path, """\
- name: WEB
  objref: {kind: Service, name: web, namespace: other, apiVersion: v1}
- name: PORT
  objref: {kind: Service, name: web, namespace: other, apiVersion: v1}
  fieldref: {fieldPath: "spec.ports[0].port"}
""")
    assert_same_as_reference(tmp_path)
    dep = docs(kustomize_py.build(tmp_path).yaml)[-1]
    container = dep["spec"]["template"]["spec"]["containers"][0]
    assert container["args"] == ["web", "port-81"]
    assert container["env"][0]["value"] == 81


def test_unused_var_is_only_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _tree(tmp_path, """\
- name: WEB
  objref: {kind: Service, name: web, namespace: other, apiVersion: v1}
- name: UNUSED
  objref: {kind: Deployment, name: app, apiVersion: apps/v1}
""")
    messages: list[str] = []
    kustomize_py.build(tmp_path, warn=messages.append)
    # The warning goes to the build's warn callback, or to stderr when the caller passes none.
    said = messages + capsys.readouterr().err.splitlines()
    assert "well-defined vars that were never replaced: UNUSED" in said


ERRORS = {
    "unknown object": ("- name: WEB\n  objref: {kind: Service, name: nope, apiVersion: v1}\n",
                       ("var '{WEB Service.v1.[noGrp] {metadata.name}}' cannot be mapped to a field "
                       "in the set of known resources")),
    "missing version": ("- name: WEB\n  objref: {kind: Service, name: web, namespace: other}\n",
                        "var '{WEB Service.[noVer].[noGrp] {metadata.name}}' cannot be mapped"),
    "missing field": (("- name: WEB\n  objref: {kind: Service, name: web, namespace: other, apiVersion: v1}\n"
                      "  fieldref: {fieldPath: spec.nope}\n"),
                      "field specified in var '{WEB Service.v1.[noGrp] {spec.nope}}' not found in corresponding resource"),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors(name: str, tmp_path: Path) -> None:
    text, message = ERRORS[name]
    _tree(tmp_path, text)
    assert_error_like_reference(tmp_path, TransformerError, message)


def test_ambiguous_objref(tmp_path: Path) -> None:
    _tree(tmp_path, "- name: WEB\n  objref: {kind: Service, name: web, apiVersion: v1}\n")
    with pytest.raises(KpyError, match=r"found 2 resId matches for var .*WEB.* \(unable to disambiguate\)"):
        kustomize_py.build(tmp_path)


def test_bind_vars_message_is_the_references() -> None:
    services = [Resource({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": ns}})
                for ns in ("a", "b")]
    var = {"name": "WEB", "objref": {"kind": "Service", "name": "web", "apiVersion": "v1"}}
    with pytest.raises(TransformerError) as info:
        vars_.bind_vars(services, [var])
    assert info.value.message == (
        "merging vars [{WEB Service.[noVer].[noGrp] {}}]: found 2 resId matches for var "
        "{WEB Service.v1.[noGrp] {}} (unable to disambiguate)")
    var["objref"]["namespace"] = "b"
    vars_.bind_vars(services, [var])
    assert services[1].refvar_names == ["WEB"] and services[0].refvar_names == []


def test_duplicate_var_names(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "base/r.yaml": RESOURCES,
        "base/kustomization.yaml": "resources: [r.yaml]\nvars:\n- name: WEB\n"
                                   "  objref: {kind: Deployment, name: app, apiVersion: apps/v1}\n",
        "kustomization.yaml": "resources: [base]\nvars:\n- name: WEB\n"
                              "  objref: {kind: Deployment, name: app, apiVersion: apps/v1}\n",
    })
    assert_error_like_reference(tmp_path, KpyError, "var 'WEB' already encountered")


@pytest.mark.parametrize("text,want", [
    ("$(A)", 7), ("x$(A)y", "x7y"), ("$$(A)", "$(A)"), ("$(B)", "$(B)"), ("$(A", "$(A"),
    ("$x $", "$x $"), ("$(F)", 1.5), ("f=$(F) t=$(T)", "f=1.5 t=true"), ("$(G)", 1e6), ("g=$(G)", "g=1e+06"),
])
def test_expand(text: str, want: Any) -> None:
    values = {"A": 7, "F": 1.5, "T": True, "G": 1e6}
    assert vars_.expand(text, lambda k: values.get(k, f"$({k})")) == want
