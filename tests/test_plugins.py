"""`generators:` / `transformers:` / `validators:` with builtin plugin configs, against Kustomize
v5.6.0; non-builtin plugins are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

import kustomize_py
from kustomize_py.errors import PluginError, TransformerError
from tests.transformer_fixtures import (
    assert_error_like_reference,
    assert_same_as_reference,
    docs,
    golden_tests,
    write_tree,
)

test_fixture_documents, test_fixture_bytes = golden_tests("plugins_", "validators_")


CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
data:
  a: b
"""


def _tree(tmp_path: Path, field: str, config: str) -> Path:
    indented = "".join(f"  {line}\n" for line in config.splitlines())
    return write_tree(tmp_path, {"r.yaml": CONFIGMAP, "kustomization.yaml": f"resources: [r.yaml]\n{field}:\n- |-\n{indented}"})


def test_inline_namespace_transformer_with_role_binding_subjects(tmp_path: Path) -> None:
    write_tree(tmp_path, {"r.yaml": CONFIGMAP + """\
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: rb
subjects:
- kind: ServiceAccount
  name: default
- kind: ServiceAccount
  name: robot
  namespace: elsewhere
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: r
""", "kustomization.yaml": """\
resources: [r.yaml]
transformers:
- |-
  apiVersion: builtin
  kind: NamespaceTransformer
  metadata:
    name: ns
    namespace: team
  setRoleBindingSubjects: allServiceAccounts
  fieldSpecs:
  - path: metadata/namespace
    create: true
"""})
    assert_same_as_reference(tmp_path)
    rb = next(d for d in docs(kustomize_py.build(tmp_path).yaml) if d["kind"] == "RoleBinding")
    assert [s["namespace"] for s in rb["subjects"]] == ["team", "team"]


ERRORS = {
    "external": ("transformers", "apiVersion: example.com/v1\nkind: Sed\nmetadata:\n  name: s\n",
                 PluginError, "external plugins disabled; unable to load external plugin 'Sed'"),
    "function annotation": ("generators",
                            ("apiVersion: example.com/v1\nkind: Fn\nmetadata:\n  name: f\n  annotations:\n"
                            "    config.kubernetes.io/function: |\n      container:\n        image: x\n"),
                            PluginError, "unable to load external plugin 'Fn'"),
    "not registered": ("transformers", "apiVersion: builtin\nkind: SortOrderTransformer\nmetadata:\n  name: s\n",
                       PluginError, "unable to load builtin SortOrderTransformer.builtin.[noGrp]"),
    "not a generator": ("generators", "apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: s\n",
                        PluginError, ("loading generator plugins: failed to load generator: plugin "
                                     "LabelTransformer.builtin.[noGrp]/s.[noNs] not a generator")),
    "not a transformer": ("transformers", "apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: s\n",
                          PluginError, "plugin ConfigMapGenerator.builtin.[noGrp]/s.[noNs] not a transformer"),
    "prefix without field specs": ("transformers",
                                   "apiVersion: builtin\nkind: PrefixTransformer\nmetadata:\n  name: s\nprefix: x-\n",
                                   PluginError, "fails configuration: fieldSpecs is not expected to be nil"),
    "bad subjects mode": ("transformers",
                          ("apiVersion: builtin\nkind: NamespaceTransformer\nmetadata:\n  name: s\n  namespace: x\n"
                          "setRoleBindingSubjects: bogus\n"),
                          PluginError, 'invalid value "bogus" for setRoleBindingSubjects'),
    "validator changes": ("validators",
                          ("apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: s\nlabels: {a: b}\n"
                          "fieldSpecs: [{path: metadata/labels, create: true}]\n"),
                          TransformerError, "validator shouldn't modify the resource map"),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors(name: str, tmp_path: Path) -> None:
    field, config, cls, message = ERRORS[name]
    _tree(tmp_path, field, config)
    assert_error_like_reference(tmp_path, cls, message)


def test_plugin_error_names_the_config_and_file(tmp_path: Path) -> None:
    write_tree(tmp_path, {"r.yaml": CONFIGMAP, "sed.yaml": "apiVersion: example.com/v1\nkind: Sed\nmetadata:\n  name: s\n",
                          "kustomization.yaml": "resources: [r.yaml]\ntransformers: [sed.yaml]\n"})
    with pytest.raises(PluginError) as info:
        kustomize_py.build(tmp_path)
    text = str(info.value)
    assert "example.com/v1" in text and "name s" in text and text.startswith(str((tmp_path / "sed.yaml").resolve()))
