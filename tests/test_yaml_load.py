"""The loader: Kustomize's scalar rules (go-yaml v3), documents, and errors that name the file
and line. Values were checked against the reference (see the fixtures in fixtures/yaml)."""

from __future__ import annotations

import math
import time

import pytest

from kustomize_py.errors import YamlError
from kustomize_py.yaml import dump_all, load, load_all
from kustomize_py.yaml.scalars import drop_text, text_of
from tests.test_yaml_emit import reference_build

SCALARS = [
    # YAML 1.1 words are strings; only true/false in three spellings are booleans
    ("yes", "yes"), ("No", "No"), ("on", "on"), ("OFF", "OFF"), ("y", "y"), ("n", "n"),
    ("true", True), ("True", True), ("TRUE", True), ("false", False), ("FALSE", False),
    ("tRUE", "tRUE"),
    ("~", None), ("null", None), ("Null", None), ("NULL", None), ("", None), ("nULL", "nULL"),
    # integers with Go's base prefixes, leading-zero octal and underscores
    ("012", 10), ("0777", 511), ("0x1F", 31), ("0X1f", 31), ("0o17", 15), ("0b101", 5),
    ("0B11", 3), ("-0b11", -3), ("+12", 12), ("1_000", 1000), ("0x_1F", 31), ("-0", 0),
    ("00", 0), ("1__", 1), ("0b-0", 0), ("0o-7", -7),
    ("9223372036854775807", 2**63 - 1), ("18446744073709551615", 2**64 - 1),
    ("08", 8.0), ("09.5", 9.5),
    # floats
    ("1.0", 1.0), ("1e3", 1000.0), ("1E5", 100000.0), (".5", 0.5), ("-.5", -0.5), ("+.5", 0.5),
    ("1.", 1.0), ("1_0.5", 10.5), ("1e-400", 0.0), ("18446744073709551616", 2.0**64),
    ("-9223372036854775809", -(2.0**63)),
    # not numbers
    ("1e999", "1e999"), ("0x", "0x"), ("0o", "0o"), ("0b", "0b"), ("0xZ", "0xZ"), ("1:20", "1:20"),
    ("1.2.3", "1.2.3"), ("0.5e", "0.5e"), ("._5", "._5"), ("_1", "_1"), ("+", "+"),
    ("<<x", "<<x"), ("=", "="),
    # plain timestamps print as Go's time.Time JSON text
    ("2001-12-14", "2001-12-14T00:00:00Z"),
    ("2001-12-14 21:59:43.10", "2001-12-14T21:59:43.1Z"),
    ("2001-12-14t21:59:43.10-05:00", "2001-12-14T21:59:43.1-05:00"),
    ("2001-1-4T1:2:3Z", "2001-01-04T01:02:03Z"),
    ("2001-12-14T21:59:43+00:00", "2001-12-14T21:59:43Z"),
    ("2001-12-14T21:59:43.123456789123Z", "2001-12-14T21:59:43.123456789Z"),
    ("2000-02-29", "2000-02-29T00:00:00Z"),
    ("2001-02-29", "2001-02-29"), ("2001-12-14T24:00:00Z", "2001-12-14T24:00:00Z"),
    ("2001-12-14 21:59:43.10 -5", "2001-12-14 21:59:43.10 -5"),
    ("2001-12-14T21:59:43", "2001-12-14T21:59:43"),
]


@pytest.mark.parametrize("text,expected", SCALARS)
def test_plain_scalar_rules(text, expected):
    got = load(f"k: {text}\n")["k"]
    assert type(drop_text(got)) is type(expected)
    if type(expected) in (int, float):
        # A number keeps the text it was written with when that is not its own spelling: the
        # reference matches names and labels by text (`007` is not "7").
        assert text_of(got) == text
        assert (type(got) in (int, float)) == (text == (str(expected) if type(expected) is int else repr(expected)))
    if isinstance(expected, float):
        assert got == expected or (math.isnan(got) and math.isnan(expected))
    else:
        assert got == expected


@pytest.mark.parametrize("text", [".inf", "-.Inf", ".NAN"])
def test_special_floats_load(text):
    assert isinstance(load(f"k: {text}")["k"], float)


@pytest.mark.parametrize("text", ["'012'", '"yes"', '"2001-12-14"', "!!str 012", '! "12"', "'true'"])
def test_quoted_and_str_tagged_scalars_stay_strings(text):
    got = load(f"k: {text}")["k"]
    assert isinstance(got, str)


def test_explicit_tags():
    doc = load('a: !!int "12"\nb: !!float 1\nc: !foo bar\nd: !!binary aGVsbG8=\ne: !!null ~\nf: ! 12\n')
    assert doc == {"a": 12, "b": 1.0, "c": "bar", "d": "hello", "e": None, "f": 12}
    with pytest.raises(YamlError, match="cannot decode"):
        load("a: !!bool yes")


def test_multi_document_stream_skips_empty_documents():
    text = "---\n# only a comment\n---\n\n---\na: 1\n---\n---\nb: 2\n...\n"
    assert load_all(text) == [{"a": 1}, {"b": 2}]
    assert load_all("") == []
    assert load("") is None
    with pytest.raises(YamlError, match="single YAML document"):
        load("a: 1\n---\nb: 2\n", "two.yaml")


def test_json_input_including_tab_indentation():
    text = '{\n\t"apiVersion": "v1",\t"kind": "ConfigMap",\n\t"data": {"a": 1.0, "b": "yes", "c": 1e3}}\n'
    assert load_all(text) == [{"apiVersion": "v1", "kind": "ConfigMap", "data": {"a": 1.0, "b": "yes", "c": 1000.0}}]
    assert load('{"d": 123456789012345678901234567890, "e": 1e400}') == {"d": 1.2345678901234568e29, "e": "1e400"}
    with pytest.raises(YamlError, match='"a" already defined'):
        load('{"a": 1, "a": 2}', "dup.json")


def test_bytes_input_with_bom_and_crlf():
    text = b"\xef\xbb\xbfapiVersion: v1\r\ndata:\r\n  a: |\r\n    l1\r\n    l2\r\n"
    assert load(text) == {"apiVersion": "v1", "data": {"a": "l1\nl2\n"}}
    assert load("\ufeffa: 1\n".encode("utf-16")) == {"a": 1}


def test_anchors_expand_to_independent_copies():
    doc = load("x: &x {a: [1]}\ny: *x\n")
    assert doc == {"x": {"a": [1]}, "y": {"a": [1]}}
    doc["x"]["a"].append(2)
    assert doc["y"] == {"a": [1]}


def test_merge_keys():
    doc = load("base: &b {a: 1, b: 2}\nm:\n  <<: *b\n  b: 3\nl:\n  <<: [{a: 1}, {a: 2, c: 4}]\n")
    assert doc["m"] == {"a": 1, "b": 3}
    assert doc["l"] == {"a": 1, "c": 4}
    # a quoted "<<" key disappears, as in the reference
    assert load('d:\n  "<<": {a: b}\n  c: x\n') == {"d": {"c": "x"}}


def test_top_level_non_string_keys_become_their_text():
    assert load("1: a\ntrue: b\n0x10: c\n2001-12-14: d\n~: e\n") == {
        "1": "a", "true": "b", "0x10": "c", "2001-12-14": "d", "": "e"}
    assert load("spec:\n  1: a\n") == {"spec": {1: "a"}}


def test_nested_timestamp_keys_are_not_strings():
    doc = load('spec:\n  2001-12-14: a\n  "2001-12-15": b\n')
    assert "2001-12-15" in doc["spec"] and "2001-12-14" not in doc["spec"]
    with pytest.raises(YamlError):
        dump_all([doc])


def _error(text, source="res.yaml"):
    with pytest.raises(YamlError) as info:
        load_all(text, source)
    assert info.value.path == source
    return str(info.value)


def test_duplicate_keys_are_errors_with_both_lines():
    msg = _error("apiVersion: v1\nmetadata:\n  name: x\n  name: y\n")
    assert 'mapping key "name" already defined at line 3' in msg and "line 4" in msg


def test_malformed_yaml_names_file_and_line():
    msg = _error("a: 1\nb: [1\n")
    assert msg.startswith("res.yaml: ") and "line " in msg
    assert "line 2" in _error("a: 1\nb: c: d\n")
    assert "yaml: unknown anchor 'nope' referenced" in _error("a: *nope\n")


@pytest.mark.parametrize("data", [b"a: \xff\xfe\n", b"a: b\nc: \xc3\x28\n"])
def test_non_utf8_input_is_a_clear_error(data):
    msg = _error(data)
    assert "UTF-8" in msg and "line" in msg


def test_control_characters_are_rejected():
    assert "control characters" in _error("a: \x01\n")


def test_merge_errors():
    assert "map merge requires map" in _error("a:\n  <<: x\n")
    assert "duplicate merge key" in _error("a:\n  <<: {b: 1}\n  <<: {c: 2}\n")


def test_alias_bomb_fails_fast():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    start = time.perf_counter()
    assert "excessive aliasing" in _error("\n".join(lines) + "\n")
    assert time.perf_counter() - start < 2


def test_moderate_alias_use_is_fine():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 3)]
    doc = load("\n".join(lines) + "\n")
    assert len(doc["a2"]) == 10 and doc["a2"][0][0] == ["x"] * 10


def test_recursive_alias_is_an_error():
    assert "contains itself" in _error("a: &a [1, *a]\n")


def test_deep_nesting_is_a_clear_error_not_a_crash():
    # go-yaml's limit: 10,000 levels (5,000 load, as in the reference)
    assert "exceeded max depth of 10000" in _error("a: " + "[" * 10_001 + "]" * 10_001 + "\n")
    node = load("a: " + "[" * 5000 + "]" * 5000 + "\n")["a"]
    for _ in range(4999):
        node = node[0]
    assert node == []
    deep = "a: " + "[" * 900 + "]" * 900 + "\n"
    node = load(deep)["a"]
    for _ in range(899):
        node = node[0]
    assert node == []


def test_non_finite_floats_load_but_do_not_print():
    doc = load("a: .inf")
    assert doc["a"] == math.inf
    with pytest.raises(YamlError):
        dump_all([doc])


def test_scalar_rules_match_reference_output():
    """The value table above, rendered through the reference and through load+dump."""
    body = "".join(f"  k{i:03d}: {text if text else '~'}\n" for i, (text, _) in enumerate(SCALARS))
    text = f"apiVersion: example.com/v1\nkind: Scalars\nmetadata:\n  name: s\nspec:\n{body}"
    rc, out, err = reference_build(text)
    assert rc == 0, err
    assert dump_all(load_all(text)) == out


@pytest.mark.parametrize("text,fragment", [
    ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: 1\n  a: 2\n", "already defined"),
    ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: [1\n", "line"),
    ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  <<: x\n", "map merge"),
])
def test_reference_rejects_what_we_reject(text, fragment):
    rc, _, _ = reference_build(text)
    assert rc != 0
    assert fragment in _error(text)


# Resource streams the reference's reader cannot split: (stream, the error it reports). The
# reference is asked too when present, so the expected words are its own.
_CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {}\n"
UNSPLITTABLE = [
    ("%YAML 1.1\n---\n" + _CM.format("a"), "yaml: line 1: did not find expected <document start>"),
    ("# c\n\n%YAML 1.1\n---\n" + _CM.format("a"), "yaml: line 3: did not find expected <document start>"),
    (_CM.format("a") + "---\n%YAML 1.1\n---\n" + _CM.format("b"),
     "yaml: line 1: did not find expected <document start>"),
    ("%YAML 1.2\n---\n" + _CM.format("a"), "yaml: found incompatible YAML document"),
    ("# x\n%YAML 1.2\n---\n" + _CM.format("a"), "yaml: line 1: found incompatible YAML document"),
    ("%TAG ! tag:example.com,2000:\n---\n" + _CM.format("a"), "yaml: line 1: did not find expected <document start>"),
    ("%FOO bar\n---\n" + _CM.format("a"), "yaml: found unknown directive name"),
    ("# x\n%FOO bar\n---\n" + _CM.format("a"), "yaml: line 2: found unknown directive name"),
    (_CM.format("a") + "--- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n",
     "invalid document separator: --- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}"),
    (_CM.format("a") + "----\n" + _CM.format("b"), "invalid document separator: ----"),
]


@pytest.mark.parametrize("text,message", UNSPLITTABLE)
def test_resource_streams_split_like_the_reference(text: str, message: str) -> None:
    with pytest.raises(YamlError) as err:
        load_all(text, "r.yaml", folded=True)
    assert err.value.message == message
    if text.startswith("%") or "\n%" in text:  # commented out, the directive was the only fault
        assert load_all(text.replace("%", "# %"), "r.yaml", folded=True)
    code, _, stderr = reference_build(text)
    assert code != 0 and message in stderr


@pytest.mark.parametrize("text", [_CM.format("a") + "--- # next\n" + _CM.format("b"),
                                  _CM.format("a") + "---   \n" + _CM.format("b"),
                                  "---\n" + _CM.format("a") + "---\n---\n" + _CM.format("b")])
def test_separators_with_comments_or_blanks_split(text: str) -> None:
    assert [d["metadata"]["name"] for d in load_all(text, "r.yaml", folded=True) if d] == ["a", "b"]
    code, stdout, _ = reference_build(text)
    assert code == 0 and "name: a" in stdout and "name: b" in stdout


# Malformed resource files and the words the reference prints for them (taken from its output, and
# asked again when it is installed): go-yaml's line choice (context mark first, scanner errors one
# more), lines counted per document as the reference parses each document alone.
MALFORMED = [
    (_CM.format("[one"), "yaml: line 3: did not find expected ',' or ']'"),
    (_CM.format("a") + "   labels: x\n", "yaml: line 5: mapping values are not allowed in this context"),
    ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: a\n", "yaml: line 4: found character that cannot start any token"),
    (_CM.format('"a') + "data:\n  x: y\n", "yaml: line 4: found unexpected end of stream"),
    (_CM.format("a") + "data:\n  x: y\n  - z\n", "yaml: line 5: did not find expected key"),
    (_CM.format("a") + "data:\n  x: |\n  bad\n y: 1\n", "yaml: line 7: could not find expected ':'"),
    ("- a\nb: c\n", "yaml: line 1: did not find expected '-' indicator"),
    (_CM.format("*x"), "yaml: unknown anchor 'x' referenced"),
    (_CM.format("a") + "---\n" + _CM.format("[b"), "yaml: line 3: did not find expected ',' or ']'"),
    ("a: 1\n---\nb: 2\n---\n# c\nkind: x\nmetadata:\n\tname: a\n", "yaml: line 4: found character that cannot start any token"),
    (_CM.format("a").replace("\n", "\r\n").replace("name: a", "name: [a"), "yaml: line 3: did not find expected ',' or ']'"),
    (_CM.format("z") + "---\n" + _CM.format("a") + "  name: b\n", "yaml: line 5: mapping key \"name\" already defined at line 4"),
]


@pytest.mark.parametrize("text,message", MALFORMED)
def test_malformed_streams_are_worded_like_the_reference(text: str, message: str) -> None:
    with pytest.raises(YamlError) as err:
        load_all(text, "r.yaml", folded=True)
    assert err.value.message == message
    code, _, stderr = reference_build(text)
    assert code != 0 and message.removeprefix("yaml: ") in stderr
