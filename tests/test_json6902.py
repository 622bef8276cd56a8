"""JSON6902 engine: evanphx/json-patch v4 quirks (each one checked against kustomize v5.6.0,
see tests/fixtures/merge/json6902_*) and op parsing."""

from __future__ import annotations

import pytest

from kustomize_py.errors import PatchError
from kustomize_py.transformers.json6902 import apply_json6902, parse_json6902

DOC = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}, "l": [1, 2, 3]}


def apply(*ops: dict) -> dict:
    return apply_json6902(DOC, list(ops), "p.yaml")


def test_add_insert_append_and_negative_index() -> None:
    assert apply({"op": "add", "path": "/l/1", "value": 9})["l"] == [1, 9, 2, 3]
    assert apply({"op": "add", "path": "/l/-", "value": 9})["l"] == [1, 2, 3, 9]
    assert apply({"op": "add", "path": "/l/-1", "value": 9})["l"] == [1, 2, 3, 9]
    assert apply({"op": "add", "path": "/l/01", "value": 9})["l"] == [1, 9, 2, 3]
    assert apply({"op": "add", "path": "/data/b"})["data"] == {"a": "1", "b": None}
    assert DOC["l"] == [1, 2, 3]  # input untouched


def test_replace_missing_key_adds_and_copy_missing_writes_null() -> None:
    assert apply({"op": "replace", "path": "/data/z", "value": "v"})["data"]["z"] == "v"
    assert apply({"op": "copy", "from": "/data/none", "path": "/data/c"})["data"]["c"] is None
    assert apply({"op": "replace", "path": "", "value": "scalar"}) == DOC


def test_escapes_and_path_without_slash() -> None:
    doc = {"m": {"a/b": 1, "c~d": 2}}
    out = apply_json6902(doc, [{"op": "remove", "path": "/m/a~1b"}, {"op": "remove", "path": "/m/c~0d"},
                               {"op": "add", "path": "x/y", "value": 1}], "p")
    assert out == {"m": {}, "y": 1}


def test_move_and_test() -> None:
    out = apply({"op": "move", "from": "/l/0", "path": "/l/-"}, {"op": "test", "path": "/l", "value": [2, 3, 1]},
                {"op": "test", "path": "/nothere", "value": None})
    assert out["l"] == [2, 3, 1]
    with pytest.raises(PatchError, match="test failed"):
        apply({"op": "test", "path": "/l/0", "value": True})  # true is not 1


@pytest.mark.parametrize(("op", "message"), [
    ({"op": "add", "path": "/x/y", "value": 1}, 'doc is missing path: "/x/y"'),
    ({"op": "remove", "path": "/data/zz"}, "Unable to remove nonexistent key: zz"),
    ({"op": "remove", "path": "/l/3"}, "invalid index"),
    ({"op": "replace", "path": "/l/5", "value": 1}, "doc is missing key: /l/5"),
    ({"op": "add", "path": "/l/5", "value": 1}, "invalid index"),
    ({"op": "jump", "path": "/a"}, "Unexpected kind: jump"),
    ({"op": "add"}, "failed to decode path"),
])
def test_errors_name_the_patch(op: dict, message: str) -> None:
    with pytest.raises(PatchError) as info:
        apply(op)
    assert message in str(info.value) and str(info.value).startswith("p.yaml: ")


def test_parse_yaml11_and_json() -> None:
    ops = parse_json6902("- {op: add, path: /a, value: yes}\n- {op: add, path: /b, value: {n: 012}}\n", "p")
    assert ops == [{"op": "add", "path": "/a", "value": True}, {"op": "add", "path": "/b", "value": {"false": 10}}]
    assert parse_json6902('[{"op": "remove", "path": "/a"}]') == [{"op": "remove", "path": "/a"}]
    for bad in ("", "kind: X\n", "[1]", "[not json"):
        with pytest.raises(PatchError):
            parse_json6902(bad, "p")
