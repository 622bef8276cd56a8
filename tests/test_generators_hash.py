"""The name-suffix hash: Go-compatible JSON, and agreement with the reference on random input.

The reference tests run the reference renderer once per batch of random generators and skip
when it is not installed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kustomize_py.errors import GeneratorError
from kustomize_py.generators import (
    check_behavior,
    hash_input,
    hash_suffix,
    make_configmap,
    make_secret,
    merge_generated,
    merged_needs_hash,
    with_hash_suffix,
)
from kustomize_py.generators.hash import go_float, go_json
from kustomize_py.loader import Loader

REFERENCE = os.environ.get("KPY_REFERENCE", "/usr/lib/google-cloud-sdk/bin/kubectl.1.33")
needs_reference = pytest.mark.skipif(
    not os.path.exists(REFERENCE), reason="reference renderer not installed"
)


def _reference_names(directory: Path) -> dict[tuple[str, str], str]:
    """(kind, name before the hash) → full name, from the reference's rendering of `directory`."""
    run = subprocess.run(
        [REFERENCE, "kustomize", str(directory)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    names: dict[tuple[str, str], str] = {}
    for doc in run.stdout.split("\n---\n"):
        kind = re.search(r"^kind: (\S+)$", doc, re.MULTILINE)
        name = re.search(r"^  name: (\S+)$", doc, re.MULTILINE)
        assert kind and name, doc
        names[(kind.group(1), name.group(1).split("-")[0])] = name.group(1)
    return names


# ---- pure unit tests -------------------------------------------------------------------------


def test_name_labels_namespace_do_not_enter_the_hash() -> None:
    a = {"kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"k": "v"}}
    b = {
        "kind": "ConfigMap",
        "metadata": {"name": "pre-b", "namespace": "x", "labels": {"l": "1"}},
        "data": {"k": "v"},
    }
    assert hash_suffix(a) == hash_suffix(b)
    assert hash_suffix(a) != hash_suffix({**a, "data": {"k": "w"}})


def test_hash_inputs_per_kind() -> None:
    assert hash_input({"kind": "ConfigMap"}) == '{"data":"","kind":"ConfigMap","name":""}'
    assert (
        hash_input({"kind": "ConfigMap", "binaryData": "x"})
        == '{"data":"","kind":"ConfigMap","name":""}'
    )
    assert hash_input({"kind": "ConfigMap", "binaryData": {"b": "AA=="}}) == (
        '{"binaryData":{"b":"AA=="},"data":"","kind":"ConfigMap","name":""}'
    )
    assert hash_input({"kind": "Secret", "stringData": {"s": "1"}, "data": {}}) == (
        '{"data":{},"kind":"Secret","name":"","stringData":{"s":"1"},"type":""}'
    )
    # immutable, labels and the like never count
    assert hash_input({"kind": "Secret", "type": "t", "immutable": True}) == (
        '{"data":"","kind":"Secret","name":"","type":"t"}'
    )
    with pytest.raises(GeneratorError):
        hash_suffix({"kind": "Deployment"})


def test_hash_suffix_alphabet() -> None:
    for i in range(200):
        h = hash_suffix({"kind": "ConfigMap", "data": {"k": str(i)}})
        assert len(h) == 10 and not set(h) & set("013ae") and re.fullmatch(r"[0-9a-z]+", h)


def test_go_json_strings_and_numbers() -> None:
    assert go_json({"b": "<&>\u2028", "a": '\n\t\b\f\x01\x7f"\\é'}) == (
        '{"a":"\\n\\t\\b\\f\\u0001\x7f\\"\\\\é","b":"\\u003c\\u0026\\u003e\\u2028"}'
    )
    assert (
        go_json([1, 1.0, -0.25, True, None, 12345678901234567890])
        == "[1,1,-0.25,true,null,12345678901234567000]"
    )
    assert [go_float(f) for f in (1e21, 1e20, 1.5e-7, 1e-6, 1e-10, -0.0, 100.0)] == [
        "1e+21",
        "100000000000000000000",
        "1.5e-7",
        "0.000001",
        "1e-10",
        "-0",
        "100",
    ]


def test_with_hash_suffix_does_not_modify_input() -> None:
    obj = {"kind": "ConfigMap", "metadata": {"name": "cm"}, "data": {"A": "1"}}
    out = with_hash_suffix(obj)
    assert out["metadata"]["name"] == "cm-89g4tffbfk"  # the reference's name for this ConfigMap
    assert obj["metadata"]["name"] == "cm"


# ---- against the reference -------------------------------------------------------------------


@needs_reference
def test_hash_of_non_string_values_matches_reference(tmp_path: Path) -> None:
    # Only a patch can put numbers, booleans or maps under data; the hash must still agree.
    (tmp_path / "kustomization.yaml").write_text(
        "configMapGenerator:\n- name: nums\n  literals: [a=1]\n"
        "patches:\n- target: {kind: ConfigMap}\n  patch: |\n"
        "    - {op: add, path: /data/i, value: 12}\n"
        "    - {op: add, path: /data/f, value: 1.5}\n"
        "    - {op: add, path: /data/small, value: 1.5e-7}\n"
        "    - {op: add, path: /data/big, value: 1e21}\n"
        "    - {op: add, path: /data/bigint, value: 12345678901234567890}\n"
        "    - {op: add, path: /data/b, value: true}\n"
        "    - {op: add, path: /data/m, value: {z: 1, a: [1, 'x']}}\n"
        "    - {op: add, path: /data/html, value: '<&>'}\n"
    )
    data = {
        "a": "1",
        "i": 12,
        "f": 1.5,
        "small": 1.5e-7,
        "big": 1e21,
        "bigint": 12345678901234567890,
        "b": True,
        "m": {"z": 1, "a": [1, "x"]},
        "html": "<&>",
    }
    expected = _reference_names(tmp_path)[("ConfigMap", "nums")]
    assert f"nums-{hash_suffix({'kind': 'ConfigMap', 'data': data})}" == expected


# Text that survives a YAML/JSON round trip (no controls, surrogates or unassigned code points),
# plus characters that matter to the encoding.
_text = st.text(
    st.one_of(
        st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Zl", "Zp")),
        st.sampled_from(list("\n\t \"'<>&=#\\") + ["\u2028", "\u2029", "\u00e9", "\U0001f600"]),
    ),
    max_size=90,
)
_env_value = st.text(
    st.characters(blacklist_categories=("Cs", "Cn", "Cc"), whitelist_characters="\t\r"), max_size=40
)
_key_tail = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Cn"), blacklist_characters="=\u2028\u2029"),
    max_size=8,
)
_space = st.text(st.sampled_from(["\t", " ", "\u00a0", "\u3000", "\u2028", "\v"]), max_size=3)
_env_line = st.one_of(
    st.tuples(st.just("pair"), _space, _key_tail, _env_value, st.sampled_from(["\n", "\r\n"])),
    st.tuples(st.just("bare"), _space, _key_tail, st.just(""), st.just("\n")),
    st.tuples(st.just("comment"), _space, _env_value, st.just(""), st.just("\n")),
    st.tuples(st.just("blank"), _space, st.just(""), st.just(""), st.just("\n")),
)
def _printable_by_reference(content: Any) -> bool:
    """Kustomize cannot print DEL, C1 controls or U+FFFE/U+FFFF in a text value (it fails the build)."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8")
        except UnicodeDecodeError:
            return True  # becomes binaryData, base64
    return not any(c == "\x7f" or "\x80" <= c <= "\x9f" or c in "\ufffe\uffff" for c in content)


_generator = st.fixed_dictionaries(
    {
        "secret": st.booleans(),
        "type": st.one_of(st.none(), st.text(st.sampled_from("abc./<&-"), min_size=1, max_size=6)),
        "literals": st.lists(st.tuples(_key_tail, _text), max_size=4),
        "env": st.lists(_env_line, max_size=6),
        "bom": st.booleans(),
        "files": st.lists(
            st.tuples(st.booleans(), st.one_of(st.binary(max_size=120), _text).filter(_printable_by_reference)),
            max_size=3,
        ),
        "nohash": st.booleans(),
    }
)


def _write_batch(root: Path, batch: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Write one kustomization holding every generator of `batch`; return the generator entries."""
    kust: dict[str, list[dict[str, Any]]] = {"configMapGenerator": [], "secretGenerator": []}
    for i, g in enumerate(batch):
        entry: dict[str, Any] = {"name": f"g{i}"}
        if g["literals"]:
            entry["literals"] = [f"l{j}{k}={v}" for j, (k, v) in enumerate(g["literals"])]
        if g["env"]:
            lines = []
            for j, (what, space, key, value, end) in enumerate(g["env"]):
                text = {
                    "pair": f"e{j}{key}={value}",
                    "bare": f"e{j}{key}",
                    "comment": f"#{key}",
                    "blank": "",
                }[what]
                lines.append(space + text + end)
            content = ("\ufeff" if g["bom"] else "") + "".join(lines)
            (root / f"g{i}.env").write_bytes(content.encode("utf-8"))
            entry["envs"] = [f"g{i}.env"]
        files = []
        for j, (keyed, content) in enumerate(g["files"]):
            name = f"g{i}f{j}.dat"
            (root / name).write_bytes(
                content if isinstance(content, bytes) else content.encode("utf-8")
            )
            files.append(f"k{j}={name}" if keyed else name)
        if files:
            entry["files"] = files
        if g["nohash"]:
            entry["options"] = {"disableNameSuffixHash": True, "labels": {"n": "h"}}
        if g["secret"]:
            if g["type"]:
                entry["type"] = g["type"]
            kust["secretGenerator"].append(entry)
        else:
            kust["configMapGenerator"].append(entry)
    # JSON is YAML; escape the characters YAML would treat as line breaks inside a scalar.
    text = (
        json.dumps(kust, ensure_ascii=False)
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
    (root / "kustomization.yaml").write_text(text, encoding="utf-8")
    return kust


@needs_reference
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(_generator, min_size=20, max_size=20))
def test_random_generators_match_reference_names(batch: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        kust = _write_batch(root, batch)
        expected = _reference_names(root)
        loader = Loader.at(root)
        for kind, entries, make in (
            ("ConfigMap", kust["configMapGenerator"], make_configmap),
            ("Secret", kust["secretGenerator"], make_secret),
        ):
            for args in entries:
                g = make(args, loader)
                ours = with_hash_suffix(g.obj) if g.needs_hash else g.obj
                assert ours["metadata"]["name"] == expected[(kind, args["name"])], args


_word = st.text(st.sampled_from("abcxyz019-"), min_size=1, max_size=5).map(lambda s: "v" + s)
_small_map = st.dictionaries(st.sampled_from(["k1", "k2", "k3", "k4"]), _word, max_size=3)
_side = st.fixed_dictionaries(
    {"data": _small_map, "labels": _small_map, "annotations": _small_map, "nohash": st.booleans()}
)
_merge_case = st.tuples(st.booleans(), st.sampled_from(["merge", "replace"]), _side, _side)


def _entry(name: str, side: dict[str, Any], behavior: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": name,
        "literals": [f"{k}={v}" for k, v in side["data"].items()],
    }
    entry["options"] = {
        "labels": side["labels"],
        "annotations": side["annotations"],
        "disableNameSuffixHash": side["nohash"],
    }
    if behavior:
        entry["behavior"] = behavior
    return entry


@needs_reference
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_merge_case, min_size=12, max_size=12))
def test_random_merge_and_replace_match_reference(cases: list[Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "base").mkdir()
        (root / "overlay").mkdir()
        base: dict[str, list[Any]] = {"configMapGenerator": [], "secretGenerator": []}
        overlay: dict[str, Any] = {
            "resources": ["../base"],
            "configMapGenerator": [],
            "secretGenerator": [],
        }
        for i, (secret, behavior, old, new) in enumerate(cases):
            field = "secretGenerator" if secret else "configMapGenerator"
            base[field].append(_entry(f"m{i}", old, None))
            overlay[field].append(_entry(f"m{i}", new, behavior))
        (root / "base" / "kustomization.yaml").write_text(json.dumps(base))
        (root / "overlay" / "kustomization.yaml").write_text(json.dumps(overlay))
        run = subprocess.run(
            [REFERENCE, "kustomize", str(root / "overlay")],
            capture_output=True,
            text=True,
            check=False,
        )
        assert run.returncode == 0, run.stderr
        expected = {d["metadata"]["name"]: d for d in yaml.safe_load_all(run.stdout) if d}
        loader = Loader.at(root)
        for field, make in (
            ("configMapGenerator", make_configmap),
            ("secretGenerator", make_secret),
        ):
            for old_args, new_args in zip(base[field], overlay[field], strict=True):
                old, new = make(old_args, loader), make(new_args, loader)
                check_behavior(new.behavior, True, old_args["name"])
                obj = merge_generated(old.obj, new.obj, new.behavior)
                if merged_needs_hash(old.needs_hash, new.needs_hash):
                    obj = with_hash_suffix(obj)
                assert obj == expected[obj["metadata"]["name"]]
