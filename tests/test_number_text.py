"""Numbers that keep their YAML source text (`007`, `0x1F`, `1e3`): they print as the number but
are matched and copied by their text, as the reference (kyaml nodes) does. The behaviour against
the reference is covered by tests/fixtures/nameref/number_text_*; these pin the mechanics."""

from __future__ import annotations

import copy
import functools
import json
import pickle
from pathlib import Path

import pytest

import kustomize_py
from kustomize_py.errors import KpyError
from kustomize_py.yaml import dump_all, load
from kustomize_py.yaml.load import plain_copy
from kustomize_py.yaml.scalars import FloatText, IntText, text_of

DOC = "a: 007\nb: 0x1F\nc: 1e3\nd: 1.50\ne: 15\nf: 1.5\ng: -0\nh: [+5, 1_000]\n"


def test_only_non_canonical_spellings_carry_text() -> None:
    doc = load(DOC)
    assert [type(doc[k]) for k in "abcdefg"] == [IntText, IntText, FloatText, FloatText, int, float, IntText]
    assert [text_of(doc[k]) for k in "abcdefg"] == ["007", "0x1F", "1e3", "1.50", "15", "1.5", "-0"]
    assert [text_of(v) for v in doc["h"]] == ["+5", "1_000"]
    assert doc["a"] == 7 and doc["b"] == 31 and doc["c"] == 1000.0 and doc["h"] == [5, 1000]


def test_they_print_as_numbers() -> None:
    assert dump_all([load(DOC)]) == ("a: 7\nb: 31\nc: 1000\nd: 1.5\ne: 15\nf: 1.5\ng: 0\n"
                                     "h:\n- 5\n- 1000\n")
    assert json.dumps(load(DOC)["h"]) == "[5, 1000]"


@pytest.mark.parametrize("how", [copy.copy, copy.deepcopy, functools.partial(plain_copy, keep_marks=True),
                                 lambda v: pickle.loads(pickle.dumps(v))])
def test_copies_keep_the_text(how) -> None:
    doc = how(load(DOC))
    assert type(doc["a"]) is IntText and text_of(doc["a"]) == "007"
    assert type(doc["c"]) is FloatText and text_of(doc["c"]) == "1e3"
    assert text_of(doc["h"][0]) == "+5"


def test_a_json_round_trip_forgets_the_text() -> None:
    doc = plain_copy(load(DOC))  # what a JSON patch starts from
    assert type(doc["a"]) is int and type(doc["c"]) is float and type(doc["h"][1]) is int
    assert text_of(doc["a"]) == "7"


def test_json_input_keeps_number_text() -> None:
    doc = load('{"a": -0, "b": 1e3, "c": 1.50, "d": 7}')
    assert [text_of(doc[k]) for k in "abcd"] == ["-0", "1e3", "1.50", "7"]
    assert type(doc["d"]) is int


def _build(tmp_path: Path, data: str) -> str:
    (tmp_path / "kustomization.yaml").write_text(
        "resources: [r.yaml]\nvars:\n- name: V\n  objref: {kind: ConfigMap, name: cm, apiVersion: v1}\n"
        "  fieldref: {fieldpath: data.k}\n")
    (tmp_path / "r.yaml").write_text(
        f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm}}\ndata: {{k: {data}}}\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, args: [x-$(V)]}]}\n")
    return kustomize_py.build(str(tmp_path)).yaml


@pytest.mark.parametrize("data,arg", [("010", "x-10"), ("+5", "x-5"), ("1e3", "x-1000"), ("12", "x-12")])
def test_vars_read_numbers_like_go_atoi(tmp_path: Path, data: str, arg: str) -> None:
    assert f"- {arg}\n" in _build(tmp_path, data)


@pytest.mark.parametrize("data", ["0x1F", "1_000", "0o17"])
def test_vars_refuse_numbers_go_cannot_read(tmp_path: Path, data: str) -> None:
    # Checked against the reference: "field specified in var ... not found in corresponding resource".
    with pytest.raises(KpyError, match="field specified in var .* not found in corresponding resource"):
        _build(tmp_path, data)
