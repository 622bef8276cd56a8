"""Replacements and the field-path language, against Kustomize v5.6.0.

Golden trees live in tests/fixtures/transformers/ (outputs from scripts/regen_transformer_fixtures.py);
small trees built in tmp_path are compared with the live reference when it is installed.
Shared helpers: tests/transformer_fixtures.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import kustomize_py
from kustomize_py.errors import KpyError, TransformerError
from kustomize_py.transformers import fieldpath as fp
from tests.transformer_fixtures import (
    assert_error_like_reference,
    assert_same_as_reference,
    docs,
    golden_tests,
    write_tree,
)

# -- golden fixtures ---------------------------------------------------------------------------------

test_fixture_documents, test_fixture_bytes = golden_tests("repl_")


# -- against the live reference -------------------------------------------------------------------

RESOURCES = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: src
data:
  num: "3"
  word: hello
---
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  count: 1
  ratio: 1.5
  text: abc
  containers:
  - name: a
    image: a:1
  - name: b
    image: b:1
"""


def test_typing_follows_the_target(tmp_path: Path) -> None:
    write_tree(tmp_path, {"r.yaml": RESOURCES, "kustomization.yaml": """\
        resources: [r.yaml]
        replacements:
        - source: {kind: ConfigMap, name: src, fieldPath: data.num}
          targets:
          - select: {kind: Pod}
            fieldPaths: [spec.count, spec.ratio, spec.text, spec.made, metadata.labels.n, metadata.annotations.n]
            options: {create: true}
        """})
    assert_same_as_reference(tmp_path)
    pod = docs(kustomize_py.build(tmp_path).yaml)[1]
    assert pod["spec"]["count"] == 3 and pod["spec"]["text"] == "3" and pod["spec"]["made"] == 3
    assert pod["metadata"]["annotations"]["n"] == "3"


def test_regex_entries_and_delimiter(tmp_path: Path) -> None:
    write_tree(tmp_path, {"r.yaml": RESOURCES, "kustomization.yaml": """\
        resources: [r.yaml]
        replacements:
        - source: {kind: ConfigMap, name: src, fieldPath: data.word}
          targets:
          - select: {kind: Pod}
            fieldPaths:
            - spec.containers.[name=^b$].image
            options: {delimiter: ":", index: 0}
          - select: {kind: Pod}
            fieldPaths:
            - spec.containers.[image=.*:1].name
        """})
    assert_same_as_reference(tmp_path)


# -- errors ---------------------------------------------------------------------------------------

ERRORS = {
    "nothing selected": ("{kind: Secret, name: src}", "[spec.text]", "", "nothing selected by Secret.[noVer].[noGrp]/src.[noNs]"),
    "several selected": ("{version: v1}", "[spec.text]", "", "multiple matches for selector"),
    "source field missing": ("{kind: ConfigMap, fieldPath: data.nope}", "[spec.text]", "",
                             "fieldPath `data.nope` is missing for replacement source ConfigMap.[noVer].[noGrp]/[noName].[noNs]"),
    "target field missing": ("{kind: ConfigMap, fieldPath: data.word}", "[spec.nope.deeper]", "",
                             'unable to find field "spec.nope.deeper" in replacement target'),
    "index out of range": ("{kind: ConfigMap, fieldPath: data.word}", "[spec.containers.5.image]", "",
                           "index 5 specified but only 2 elements found"),
    "typed target": ("{kind: ConfigMap, fieldPath: data.word}", "[spec.count]", "",
                     "cannot decode !!str `hello` as a !!int"),
    "delimiter on a map": ("{kind: ConfigMap, fieldPath: data.word}", "[spec]", "options: {delimiter: '-'}",
                           "delimiter option can only be used with scalar nodes"),
    "source index": ("{kind: ConfigMap, fieldPath: data.word, options: {delimiter: l, index: 9}}", "[spec.text]", "",
                     "options.index 9 is out of bounds for value hello"),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors(name: str, tmp_path: Path) -> None:
    source, paths, options, message = ERRORS[name]
    write_tree(tmp_path, {"r.yaml": RESOURCES, "kustomization.yaml": f"""\
        resources: [r.yaml]
        replacements:
        - source: {source}
          targets:
          - select: {{kind: Pod}}
            fieldPaths: {paths}
            {options}
        """})
    assert_error_like_reference(tmp_path, TransformerError, message)


def test_path_and_inline_together_is_an_error(tmp_path: Path) -> None:
    write_tree(tmp_path, {"r.yaml": RESOURCES, "rep.yaml": "[]\n", "kustomization.yaml": """\
        resources: [r.yaml]
        replacements:
        - path: rep.yaml
          source: {kind: ConfigMap}
        """})
    assert_error_like_reference(tmp_path, TransformerError, "cannot specify both path and inline replacement")


def test_path_outside_the_root_is_refused(tmp_path: Path) -> None:
    from kustomize_py.errors import LoadRestrictionError

    write_tree(tmp_path, {"outside.yaml": "[]\n", "k/r.yaml": RESOURCES, "k/kustomization.yaml": """\
        resources: [r.yaml]
        replacements:
        - path: ../outside.yaml
        """})
    with pytest.raises(LoadRestrictionError):
        kustomize_py.build(tmp_path / "k")


# -- the field-path language ------------------------------------------------------------------------


def test_split_path() -> None:
    assert fp.split_path("spec.containers.[name=a.b].image") == ["spec", "containers", "[name=a.b]", "image"]
    assert fp.split_path("metadata.annotations.[example.com/x]") == ["metadata", "annotations", "example.com/x"]
    assert fp.split_path(r"data.a\.b") == ["data", "a.b"]
    assert fp.convert_slice_index(["spec", "ports[0]", "port"]) == ["spec", "ports", "0", "port"]


@pytest.mark.parametrize("text,tag,value", [
    ("3", "int", 3), ("0x1F", "int", 31), ("0o17", "int", 15), ("012", "int", 10), ("1_000", "int", 1000),
    ("1.50", "float", 1.5), ("true", "bool", True), ("yes", "str", "yes"), ("", "null", None),
    ("~", "null", None), ("09", "float", 9.0), ("1e3", "float", 1000.0), ("abc", "str", "abc"),
])
def test_resolve_plain(text: str, tag: str, value: Any) -> None:
    assert fp.resolve_plain(text) == (tag, value)


def test_lookup_is_exact_and_match_is_regex() -> None:
    obj = {"items": [{"name": "app"}, {"name": "myapp2"}]}
    assert fp.lookup(obj, ["items", "[name=app]", "name"]) == "app"
    assert fp.lookup(obj, ["items", "[name=ap]"]) is fp.MISSING
    assert len(fp.match(obj, ["items", "[name=app]", "name"])) == 2
    with pytest.raises(TransformerError, match="wildcard is not supported"):
        fp.lookup(obj, ["items", "*"])


def test_match_creates_entries_and_untyped_leaves() -> None:
    obj: dict[str, Any] = {}
    locs = fp.match(obj, ["spec", "env", "[name=X]", "value"], fp.SCALAR)
    assert obj == {"spec": {"env": [{"name": "X", "value": fp.CREATED}]}} and len(locs) == 1
    fp.set_at(locs[0], fp.retyped(fp.get_at(locs[0]), "42"))
    assert fp.settle(obj) == {"spec": {"env": [{"name": "X", "value": 42}]}}


def test_unreadable_replacement_file_shows_the_configuration_like_the_reference(tmp_path: Path) -> None:
    # the reference fails while configuring its ReplacementTransformer and prints that configuration
    write_tree(tmp_path, {"app/kustomization.yaml": """\
        resources: []
        replacements:
        - path: nope.yaml
        - source: {kind: ConfigMap, name: a}
          targets:
          - select: {kind: X}
            fieldPaths: [data.x]
        """})
    message = ("trouble configuring builtin ReplacementTransformer with config: `\nReplacements:\n- path: nope.yaml\n"
               "- source:\n    kind: ConfigMap\n    name: a\n  targets:\n  - fieldPaths:\n    - data.x\n"
               "    select:\n      kind: X\n`: evalsymlink failure on")
    assert_error_like_reference(tmp_path / "app", KpyError, message)
