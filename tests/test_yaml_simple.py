"""The plain block YAML reader (yaml/simple.py) gives exactly what libyaml's node path gives, or
declines: every text here is read both ways and compared (values, types, blank keys)."""

from __future__ import annotations

import importlib
import random

import pytest

from kustomize_py.yaml.simple import read

load_module = importlib.import_module("kustomize_py.yaml.load")


def _shape(value):
    """The value with every type spelled out (1 == True == 1.0 in plain comparisons)."""
    if isinstance(value, dict):
        blank = sorted(getattr(value, "blank", ()))
        return (type(value).__name__, blank, [(k, _shape(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_shape(v) for v in value])
    return (type(value).__name__, repr(value), getattr(value, "yaml_text", None))


def _libyaml(text: str, folded: bool):
    try:
        return ("ok", _shape(load_module._load_stream(text, "f.yaml", folded)))
    except Exception as err:  # noqa: BLE001 - compared, not judged
        return ("error", type(err).__name__, str(err))


def _check(text: str, folded: bool = True) -> bool:
    """True when the simple reader took the text (and agreed with libyaml)."""
    got = read(text, folded)
    if got is None:
        return False
    assert ("ok", _shape(got)) == _libyaml(text, folded), text
    return True


TAKEN = [
    "a: 1\nb: two\n",
    "a:\n  b:\n    c: d\n",
    "a:\n- x\n- y\nb: 1\n",  # a sequence at its key's column
    "a:\n  - x\n  -   k: v\n      j: w\n",
    "- a: 1\n  b: 2\n- c\n",
    "-   a:\n    b: 1\n",  # `a` is null: `b` is not deeper than it
    "a:\nb:\n",  # blank values
    "a: ~\nb: null\nc: ''\nd: \"\"\n",
    "a: {}\nb: []\n",
    "a: 'it''s'\nb: \"x y\"\n",
    "a: 010\nb: 0x1F\nc: 1e3\nd: 2024-01-01\ne: 1:20\nf: yes\ng: .5\nh: -1\ni: +5\n",
    "a: http://x/#y\nb: a#b\nc: x:y\nd: a ]\ne: -Xmx1g\n",
    "# comment\n---\na: 1\n---\n\n---\nb: 2\n",
    "a: 1\n  # indented comment\nb: 2",  # no final line break
    "  a: 1\n  b: 2\n",  # the whole document indented
    "metadata:\n  annotations:\n    x: y\n",
    "a:\n\n\n  b: 1\n",
    "# a: b\na:\n  # x: y\n  b: 1#not a comment\n    # z\nc: '#'\n",
]

DECLINED = [
    "a: 1 # comment\n", "a: |\n  x\n", "a: >\n  x\n", "a: [1]\n", "a: {b: 1}\n", "a: &x 1\nb: *x\n",
    "a: !!str 1\n", "a: b: c\n", "a: b\n  c\n", "a:\n  text\n", "a: 1\na: 2\n", "1: a\n", "'a': 1\n",
    "<<: {}\n", "a: \"x\\ny\"\n", "a: café\n", "a:\tb\n", "a: 1\r\n", "? a\n: 1\n", "- - a\n", "-\n  a\n",
    "a: -\n", "a:\n    b: 1\n  c: 2\n", "a: 1\n- b\n", "%YAML 1.1\n---\na: 1\n", "a: 1\n...\n",
    "metadata:\n  annotations:\n    x: 1\n",  # an annotation keeps its text: the nodes are needed
    "a: 2024-01-01T10:00:00+24:00\n",  # a zone Go cannot print: libyaml's path words the error
    "a: 1\n#: x\n- b\n", "#x\n  #y: z\na: b # c\n",
]


@pytest.mark.parametrize("text", TAKEN)
def test_reads_plain_block_yaml_as_libyaml_does(text):
    assert _check(text, folded=True)
    assert _check(text, folded=False)


@pytest.mark.parametrize("text", DECLINED)
def test_leaves_everything_else_to_libyaml(text):
    assert read(text, True) is None


_VALUES = ["a", "b c", "app-1", "'q'", "'it''s'", '"dq"', "1", "007", "1e3", "~", "", "true", "yes",
           "2024-01-01", "12:30", "<<", "=", "{}", "[]", "-1", "-x", "a:b", "a: b", "x  #c", "[a]", "*a"]
_KEYS = ["a", "b", "name", "x y", "1", "null", "<<", "-k", "a:b", "k "]


def _random_text(rng: random.Random) -> str:
    lines: list[str] = []

    def block(indent: int, depth: int) -> None:
        for _ in range(rng.randint(1, 3)):
            pad, key = " " * indent, rng.choice(_KEYS) if rng.random() < 0.1 else f"k{rng.randrange(50)}"
            shape = rng.random() if depth < 4 else 0
            if shape < 0.5:
                lines.append(f"{pad}{key}: {rng.choice(_VALUES)}")
            elif shape < 0.7:
                lines.append(f"{pad}{key}:")
                block(indent + rng.choice([1, 2, 4]), depth + 1)
            else:
                lines.append(f"{pad}{key}:")
                seq_indent = indent + rng.choice([0, 0, 2])
                for _ in range(rng.randint(1, 3)):
                    if rng.random() < 0.5:
                        lines.append(" " * seq_indent + "- " + rng.choice(_VALUES))
                    else:
                        start = len(lines)
                        block(seq_indent + 2, depth + 1)
                        lines[start] = " " * seq_indent + "- " + lines[start][seq_indent + 2:]
    block(0, 0)
    if rng.random() < 0.2 and lines:  # a stray indentation
        i = rng.randrange(len(lines))
        lines[i] = " " + lines[i]
    return "\n".join(lines) + "\n"


def test_random_block_yaml_agrees_with_libyaml():
    rng = random.Random(14)
    taken = sum(_check(_random_text(rng), folded=rng.random() < 0.5) for _ in range(1500))
    assert taken > 300  # the reader is exercised, not only its refusals
