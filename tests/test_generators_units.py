"""Generator parts: literal and file sources, options, base64 layout, merge/replace rules."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

import kustomize_py
from kustomize_py.errors import GeneratorError, KpyError, LoadRestrictionError
from kustomize_py.generators import (
    check_behavior,
    make_configmap,
    make_secret,
    merge_generated,
    merge_options,
    merged_needs_hash,
    normalize_behavior,
    plugin_args,
    with_hash_suffix,
)
from kustomize_py.generators.sources import b64_wrapped, parse_file_source, parse_literal
from kustomize_py.loader import Loader
from tests.transformer_fixtures import reference_error


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a=b", ("a", "b")),
        ("a=b=c", ("a", "b=c")),
        ("a=", ("a", "")),
        ('a="q"', ("a", "q")),
        ("a='q'", ("a", "q")),
        ('a="', ("a", '"')),
        ('a=""', ("a", "")),
        ("a=\"x'", ("a", "\"x'")),
        ('a="x"y"', ("a", 'x"y')),
        ("a= spaced ", ("a", " spaced ")),
        ("k y=v", ("k y", "v")),
    ],
)
def test_parse_literal(source: str, expected: tuple[str, str]) -> None:
    assert parse_literal(source) == expected


@pytest.mark.parametrize("source", ["novalue", "=value", "="])
def test_parse_literal_errors_do_not_echo_the_value(source: str) -> None:
    with pytest.raises(GeneratorError) as info:
        parse_literal(source, 2)
    assert "#3" in str(info.value) and "value" not in str(info.value).replace("key=value", "")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a.txt", ("a.txt", "a.txt")),
        ("dir/sub/a.txt", ("a.txt", "dir/sub/a.txt")),
        ("dir/", ("dir", "dir/")),
        ("k=dir/a.txt", ("k", "dir/a.txt")),
    ],
)
def test_parse_file_source(source: str, expected: tuple[str, str]) -> None:
    assert parse_file_source(source) == expected


@pytest.mark.parametrize("source", ["=a.txt", "k=", "a=b=c"])
def test_parse_file_source_errors(source: str) -> None:
    with pytest.raises(GeneratorError):
        parse_file_source(source)


def test_b64_wrapped_layout() -> None:
    assert b64_wrapped(b"") == ""
    assert b64_wrapped(b"x" * 51) == "eHh4" * 17  # 68 characters: one line, no newline
    wrapped = b64_wrapped(b"x" * 52)  # 72 characters: 70 + 2, each line ends with a newline
    assert wrapped.split("\n") == [("eHh4" * 17 + "eA==")[:70], "==", ""]
    assert b64_wrapped(b"y" * 105).count("\n") == 2  # exactly 140 characters


def test_merge_options_rules() -> None:
    merged = merge_options(
        {"labels": {"a": "local"}, "disableNameSuffixHash": False},
        {
            "labels": {"a": "global", "b": "global"},
            "annotations": {"n": "g"},
            "disableNameSuffixHash": True,
            "immutable": True,
        },
    )
    assert merged == {
        "labels": {"a": "local", "b": "global"},
        "annotations": {"n": "g"},
        "disableNameSuffixHash": True,
        "immutable": True,
    }
    assert merge_options(None, None) == {
        "labels": {},
        "annotations": {},
        "disableNameSuffixHash": False,
        "immutable": False,
    }
    with pytest.raises(GeneratorError):
        merge_options({"labels": {"a": True}}, None)
    with pytest.raises(GeneratorError):
        merge_options({"bogus": 1}, None)


def test_make_configmap_shape(tmp_path: Path) -> None:
    (tmp_path / "b.bin").write_bytes(b"\xff")
    (tmp_path / "t.txt").write_text("text\n")
    g = make_configmap(
        {
            "name": "cm",
            "namespace": "ns",
            "behavior": "merge",
            "literals": ["z=1"],
            "files": ["b.bin", "t.txt"],
            "options": {"immutable": True, "labels": {"l": "v"}},
        },
        Loader.at(tmp_path),
        {"annotations": {"a": "b"}, "disableNameSuffixHash": True},
    )
    assert g.obj == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": "cm",
            "namespace": "ns",
            "labels": {"l": "v"},
            "annotations": {"a": "b"},
        },
        "data": {"t.txt": "text\n", "z": "1"},
        "binaryData": {"b.bin": "/w=="},
        "immutable": True,
    }
    assert (g.needs_hash, g.behavior) == (False, "merge")


def test_make_secret_shape(tmp_path: Path) -> None:
    g = make_secret({"name": "s", "literals": ["k=v"]}, Loader.at(tmp_path))
    assert g.obj == {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "s"},
        "type": "Opaque",
        "data": {"k": "dg=="},
    }
    assert (g.needs_hash, g.behavior) == (True, "create")
    assert make_secret({"name": "e"}, Loader.at(tmp_path)).obj["data"] == {}


def test_deprecated_env_comes_after_envs(tmp_path: Path) -> None:
    (tmp_path / "a.env").write_text("A=1\n")
    (tmp_path / "b.env").write_text("A=2\n")
    with pytest.raises(GeneratorError, match="repeats the key 'A'"):
        make_configmap({"name": "cm", "envs": ["a.env"], "env": "b.env"}, Loader.at(tmp_path))
    g = make_configmap({"name": "cm", "env": "b.env"}, Loader.at(tmp_path))
    assert g.obj["data"] == {"A": "2"}


def test_loader_errors_keep_their_class(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "outside.txt").write_text("x")
    with pytest.raises(LoadRestrictionError):
        make_configmap({"name": "cm", "files": ["../outside.txt"]}, Loader.at(root))
    with pytest.raises(GeneratorError, match="missing.env"):
        make_configmap({"name": "cm", "envs": ["missing.env"]}, Loader.at(root))


def test_normalize_behavior() -> None:
    assert [normalize_behavior(b) for b in ("create", "merge", "replace", None, "", "bogus")] == [
        "create",
        "merge",
        "replace",
        "create",
        "create",
        "create",
    ]


def test_check_behavior() -> None:
    check_behavior("create", False, "ConfigMap cm")
    check_behavior("merge", True, "ConfigMap cm")
    check_behavior("replace", True, "ConfigMap cm")
    with pytest.raises(GeneratorError, match="already exists"):
        check_behavior("create", True, "ConfigMap cm")
    with pytest.raises(GeneratorError, match="does not exist; cannot merge"):
        check_behavior("merge", False, "ConfigMap cm")


def test_merged_needs_hash_is_and() -> None:
    assert [
        merged_needs_hash(a, b)
        for a, b in ((True, True), (True, False), (False, True), (False, False))
    ] == [
        True,
        False,
        False,
        False,
    ]


OLD = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {
        "name": "pre-cm",
        "namespace": "ns",
        "labels": {"l1": "old", "l2": "old"},
        "annotations": {
            "a1": "old",
            "config.kubernetes.io/origin": "path: base\n",
            "internal.config.kubernetes.io/previousNames": "cm",
        },
    },
    "data": {"keep": "old", "over": "old", "n": 1, "b": True, "z": None},
    "binaryData": {"bin": "AA=="},
    "immutable": True,
}
NEW = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {
        "name": "cm",
        "labels": {"l2": "new"},
        "annotations": {
            "a2": "new",
            "config.kubernetes.io/origin": "path: overlay\n",
            "internal.config.kubernetes.io/refBy": "x",
        },
    },
    "data": {"over": "new"},
}


def test_merge() -> None:
    old, new = copy.deepcopy(OLD), copy.deepcopy(NEW)
    out = merge_generated(old, new, "merge")
    assert (old, new) == (OLD, NEW)  # inputs untouched
    assert out == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": "pre-cm",
            "namespace": "ns",
            "labels": {"l1": "old", "l2": "new"},
            "annotations": {
                "a1": "old",
                "a2": "new",
                "config.kubernetes.io/origin": "path: base\n",
                "internal.config.kubernetes.io/previousNames": "cm",
            },
        },
        "data": {"b": "true", "keep": "old", "n": "1", "over": "new", "z": ""},
        "binaryData": {"bin": "AA=="},
    }


def test_replace() -> None:
    out = merge_generated(OLD, NEW, "replace")
    assert out["data"] == {"over": "new"} and "binaryData" not in out and "immutable" not in out
    assert out["metadata"]["annotations"]["config.kubernetes.io/origin"] == "path: overlay\n"
    assert out["metadata"]["labels"] == {"l1": "old", "l2": "new"}
    assert (out["metadata"]["name"], out["metadata"]["namespace"]) == ("pre-cm", "ns")


def test_merge_drops_empty_maps_and_namespace() -> None:
    old = {"kind": "Secret", "metadata": {"name": "s"}, "type": "Opaque", "data": {}}
    new = {
        "kind": "Secret",
        "metadata": {"name": "s", "namespace": "x"},
        "type": "Opaque",
        "data": {},
    }
    assert merge_generated(old, new, "merge") == {
        "kind": "Secret",
        "metadata": {"name": "s"},
        "type": "Opaque",
    }


def test_merge_rejects_create() -> None:
    with pytest.raises(GeneratorError):
        merge_generated(OLD, NEW, "create")


def test_plugin_args(tmp_path: Path) -> None:
    # Checked against the reference: top-level name/namespace win, metadata labels and the
    # deprecated `env` are ignored for builtin plugin configs.
    config = {
        "apiVersion": "builtin",
        "kind": "SecretGenerator",
        "metadata": {"name": "meta", "namespace": "metans", "labels": {"m": "1"}},
        "namespace": "topns",
        "type": "foo",
        "literals": ["A=1"],
        "env": "ignored.env",
    }
    g = make_secret(plugin_args(config), Loader.at(tmp_path))
    assert g.obj["metadata"] == {"name": "meta", "namespace": "topns"}
    assert with_hash_suffix(g.obj)["metadata"]["name"] == "meta-287bd95b5d"


@pytest.mark.parametrize("generator,expected", [
    ("configMapGenerator:\n- name: x\n  envs:\n  - a/b.env\n  - c.env\n",
     "loading KV pairs: env source files: [a/b.env c.env]: evalsymlink failure on '{t}/a/b.env' : "
     "lstat {t}/a: no such file or directory"),
    ("configMapGenerator:\n- name: x\n  files:\n  - k=./zz/config.yml\n  - other\n",
     "loading KV pairs: file sources: [k=./zz/config.yml other]: evalsymlink failure on "
     "'{t}/zz/config.yml' : lstat {t}/zz: no such file or directory"),
    ("configMapGenerator:\n- name: x\n  files:\n  - ../out.txt\n",
     "loading KV pairs: file sources: [../out.txt]: security; file '{up}/out.txt' is not in or below '{t}'"),
])
def test_source_failures_name_the_sources_like_the_reference(tmp_path: Path, generator: str, expected: str) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (tmp_path / "out.txt").write_text("x\n")
    (app / "kustomization.yaml").write_text(generator)
    with pytest.raises(KpyError) as err:
        kustomize_py.build(app)
    message = expected.format(t=app, up=tmp_path)
    assert err.value.message == message
    reference = reference_error(app)
    if reference is not None:
        assert message in reference


def test_literal_failures_do_not_show_the_literals(tmp_path: Path) -> None:
    # the reference prints every literal of the generator here; they may be secrets
    (tmp_path / "kustomization.yaml").write_text(
        "secretGenerator:\n- name: x\n  literals:\n  - password=hunter2\n  - novalue\n")
    with pytest.raises(GeneratorError) as err:
        kustomize_py.build(tmp_path)
    assert "hunter2" not in str(err.value) and "novalue" not in str(err.value)
    assert "loading KV pairs: literal sources [2 not shown]: literal source #2" in err.value.message
