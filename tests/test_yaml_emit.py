"""The emitter against Kustomize v5.6.0: committed reference outputs, the conformance corpus as a
round trip, and a few direct checks of rules the reference showed."""

from __future__ import annotations

import glob
import os
import subprocess
import tempfile

import pytest

from kustomize_py.errors import YamlError
from kustomize_py.yaml import dump, dump_all, load_all
from kustomize_py.yaml.emit import go_key_less, sorted_keys

KUBECTL = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33"
FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "yaml")
CASES = ["scalars", "timestamps", "numbers", "layout"]


def have_reference() -> bool:
    return os.access(KUBECTL, os.X_OK)


def reference_build(text: str | bytes) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of the reference build of a kustomization listing `text`."""
    if not have_reference():
        pytest.skip("reference kustomize (kubectl 1.33) not installed")
    data = text.encode("utf-8") if isinstance(text, str) else text
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "r.yaml"), "wb") as f:
            f.write(data)
        with open(os.path.join(d, "kustomization.yaml"), "w") as f:
            f.write("resources:\n- r.yaml\n")
        p = subprocess.run([KUBECTL, "kustomize", d], capture_output=True, timeout=120, check=False)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8", "replace")


def conformance_root() -> str | None:
    here = os.path.dirname(os.path.abspath(__file__))
    for cand in ("/work/shared/conformance", os.path.join(here, "..", "..", "shared", "conformance")):
        if os.path.isdir(os.path.join(cand, "krusty")):
            return cand
    return None


def _read(name: str) -> str:
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as f:
        return f.read()


@pytest.mark.parametrize("case", CASES)
def test_fixture_renders_like_reference(case):
    """Expected files were produced by the reference from the input files next to them."""
    text = _read(case + ".yaml")
    assert dump_all(load_all(text, case)) == _read(case + ".expected.yaml")


@pytest.mark.parametrize("case", CASES)
def test_fixture_expectations_are_current(case):
    rc, out, err = reference_build(_read(case + ".yaml"))
    assert rc == 0, err
    assert out == _read(case + ".expected.yaml")


def test_conformance_outputs_round_trip():
    root = conformance_root()
    if root is None:
        pytest.skip("conformance corpus not available")
    files = sorted(glob.glob(os.path.join(root, "krusty", "*", "expected.yaml")))
    assert len(files) > 200
    bad = []
    for path in files:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if dump_all(load_all(text, path)) != text:
            bad.append(path)
    assert bad == []


def test_documents_are_joined_like_kustomize():
    docs = [{"kind": "A", "data": {"x": "1"}}, {"kind": "B"}]
    assert dump_all(docs) == dump(docs[0]) + "---\n" + dump(docs[1])
    assert dump_all([]) == ""


def test_document_shapes():
    assert dump({}) == "{}\n"
    assert dump([]) == "[]\n"
    assert dump(["a", {"b": 1}]) == "- a\n- b: 1\n"
    assert dump("plain") == "plain\n"


def test_output_is_deterministic_and_fresh_for_equal_data():
    doc = {"b": [1, {"y": None, "x": True}], "a": "yes"}
    assert dump(doc) == dump(dict(reversed(list(doc.items()))))


def test_json_floats_print_as_go_prints_them():
    # the reference printed these for 1.0, 1e20, 1e-7, 1234567.5 and 2**63 (numbers fixture)
    out = dump({"a": 1.0, "b": 1e20, "c": 1e-7, "d": 1234567.5, "e": 2**63, "f": -0.0})
    assert out == "a: 1\nb: 1e+20\nc: 1e-07\nd: 1.2345675e+06\ne: 9223372036854775808\nf: 0\n"


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_non_finite_floats_fail_like_kustomize(value):
    with pytest.raises(YamlError, match="unsupported value"):
        dump({"a": value})


@pytest.mark.parametrize("text", ["a\x7fb", "\x80", "\x9f", "\ufffe"])
def test_characters_kustomize_cannot_print_fail(text):
    with pytest.raises(YamlError, match="control characters"):
        dump({"a": text})


def test_non_string_keys_fail():
    with pytest.raises(YamlError):
        dump({"spec": {1: "a"}})


def test_key_order_is_go_yaml_natural_order():
    keys = ["a10", "a2", "a_b", "aB", "a-b", "A", "~", "10", "9", "1", "é", "z", "a.b"]
    assert sorted_keys(dict.fromkeys(keys)) == ["~", "1", "9", "10", "A", "a-b", "a.b", "a_b",
                                                "a2", "a10", "aB", "z", "é"]
    assert go_key_less("a_b", "aB") and not go_key_less("aB", "a_b")


def test_dump_handles_deep_data():
    doc: dict = {}
    node = doc
    for _ in range(3000):
        node["a"] = {}
        node = node["a"]
    out = dump(doc)
    assert out.count("\n") == 3000


def test_dump_accepts_subclasses_and_tuples():
    from collections import OrderedDict

    class S(str):
        pass

    assert dump(OrderedDict(b=(1, 2), a=S("yes"))) == 'a: "yes"\nb:\n- 1\n- 2\n'
