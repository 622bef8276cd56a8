"""Differential fuzzing against the reference: random resource trees full of YAML 1.1 implicit
types (timestamps, booleans in every spelling, octal, hex, sexagesimal, floats, underscores,
nulls, `<<` merge keys) in every position (annotations, labels, data, nested maps and lists,
block and flow style, quoted and plain), built by kpy and by the reference, which must agree
byte for byte. Few reference calls: each seed builds one tree of many resources under a plain
kustomization and under one with transformers. Skips when the reference is absent.

`KPY_FUZZ_SEEDS=N` runs N seeds instead of the CI's few."""

from __future__ import annotations

import os
import random
import subprocess
from pathlib import Path

import pytest

import kustomize_py
from kustomize_py.errors import KpyError
from tests.transformer_fixtures import REFERENCE

pytestmark = pytest.mark.skipif(not os.access(REFERENCE, os.X_OK), reason="reference renderer not installed")

SEEDS = range(int(os.environ.get("KPY_FUZZ_SEEDS", "3")))
RESOURCES_PER_SEED = 30

# Plain scalars YAML 1.1 (go-yaml v2) or YAML 1.2 (go-yaml v3) may read as something else than text.
IMPLICIT = [
    "2024-01-01", "2024-01-01T10:00:00Z", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5",
    "2024-1-1", "2024-01-01 10:00:00",
    "True", "TRUE", "true", "False", "FALSE", "yes", "Yes", "YES", "no", "NO", "on", "On", "OFF", "off",
    "y", "Y", "n", "N",
    "0755", "0o17", "010", "08", "0x1F", "0xff", "0b101", "007",
    "1:30", "190:20:30.15", "-1:30",
    "1e3", "1.0", "6.8523015e+5", ".5", "1_000.5", "685_230", "+12", "-0", "0", "12", "3.14",
    "~", "null", "Null", "NULL",
    "=", "hello", "a b", "x-y", "1.2.3", "v1", "-x", ".", "0.", "+", "1_2",
]
KEYS = ["a", "b", "c", "name", "value", "port", "image", "enabled", "x", "yes", "on", "n", "0", "1e3", "y"]


def scalar(rng: random.Random) -> str:
    text = rng.choice(IMPLICIT)
    roll = rng.random()
    if roll < 0.15:
        return f"'{text}'"
    if roll < 0.25:
        return f'"{text}"'
    return text


def keys(rng: random.Random, low: int, high: int) -> list[str]:
    return [quoted_key(rng, k) for k in rng.sample(KEYS, rng.randint(low, high))]


def quoted_key(rng: random.Random, k: str) -> str:
    if k in ("0", "1e3"):  # a number as a map key: the reference cannot print it (tested elsewhere)
        return f'"{k}"'
    return f'"{k}"' if k in ("yes", "on", "n", "y") and rng.random() < 0.5 else k


def flow(rng: random.Random, depth: int) -> str:
    if depth > 1 or rng.random() < 0.5:
        return scalar(rng)
    if rng.random() < 0.5:
        return "[" + ", ".join(flow(rng, depth + 1) for _ in range(rng.randint(0, 3))) + "]"
    return "{" + ", ".join(f"{k}: {flow(rng, depth + 1)}" for k in keys(rng, 0, 3)) + "}"


def block(rng: random.Random, indent: int, depth: int, anchors: list[str]) -> list[str]:
    """Lines of a block mapping at `indent` spaces."""
    pad = " " * indent
    lines: list[str] = []
    for k in keys(rng, 1, 4):
        roll = rng.random()
        if depth < 3 and roll < 0.2:
            lines.append(f"{pad}{k}:")
            lines.extend(block(rng, indent + 2, depth + 1, anchors))
        elif depth < 3 and roll < 0.35:
            lines.append(f"{pad}{k}:")
            for _ in range(rng.randint(1, 3)):
                if rng.random() < 0.3:
                    inner = block(rng, indent + 2, depth + 1, anchors)
                    lines.append(f"{pad}- {inner[0].lstrip()}")
                    lines.extend(inner[1:])
                else:
                    lines.append(f"{pad}- {scalar(rng)}")
        elif roll < 0.5:
            lines.append(f"{pad}{k}: {flow(rng, 0)}")
        elif roll < 0.55:
            lines.append(f"{pad}{k}:")  # blank: a null
        else:
            lines.append(f"{pad}{k}: {scalar(rng)}")
    if anchors and depth > 0 and rng.random() < 0.2:
        merge = f"{pad}<<: *{rng.choice(anchors)}"
        lines.insert(rng.choice([0, len(lines)]), merge)
    return lines


def resource(rng: random.Random, i: int) -> str:
    anchor = f"base{i}"
    lines = ["apiVersion: v1", "kind: ConfigMap", "metadata:", f"  name: r{i}", "  annotations:"]
    lines += [f"    ann{j}: {scalar(rng)}" for j in range(rng.randint(1, 4))]
    if rng.random() < 0.3:
        lines.append(f"    flow{i}: {flow(rng, 1)}")
    if rng.random() < 0.5:
        lines += ["  labels:"] + [f"    l{j}: {scalar(rng)}" for j in range(rng.randint(1, 3))]
    lines += ["data:"] + [f"  d{j}: {scalar(rng)}" for j in range(rng.randint(1, 3))]
    lines += ["spec:", f"  base: &{anchor}"] + block(rng, 4, 1, [])
    lines += ["  tree:"] + block(rng, 4, 1, [anchor])
    text = "\n".join(lines) + "\n"
    if rng.random() < 0.3:
        containers = rng.choice(["", " []", "\n      - {name: a, image: nginx}", " ~"])
        text += (f"---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: dep{i}\n"
                 f"  annotations: {{t: {scalar(rng)}}}\nspec:\n  template:\n    spec:\n"
                 f"      containers:{containers}\n      initContainers:\n")
    return text


TRANSFORMERS = """\
namePrefix: p-
namespace: ns
commonAnnotations:
  ca: 2024-02-02
  cb: "0755"
images:
- name: nginx
  newTag: "1.25"
labels:
- pairs: {team: "on", since: 2024-03-03}
"""


def compare(tree: Path) -> str | None:
    ref = subprocess.run([REFERENCE, "kustomize", str(tree)], capture_output=True, text=True, check=False)
    # the generator writes only trees the reference accepts: a refusal would test nothing
    assert ref.returncode == 0, ref.stderr[-500:]
    try:
        mine = kustomize_py.build(tree).yaml
    except KpyError as err:
        return f"kpy failed where the reference did not: {err}"
    if mine != ref.stdout:
        import difflib

        return "".join(difflib.unified_diff(ref.stdout.splitlines(True), mine.splitlines(True), "reference", "kpy"))
    return None


@pytest.mark.parametrize("seed", SEEDS)
def test_random_trees_render_like_the_reference(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    (tmp_path / "r.yaml").write_text("---\n".join(resource(rng, i) for i in range(RESOURCES_PER_SEED)),
                                     encoding="utf-8")
    problems = []
    for name, extra in (("plain", ""), ("transformed", TRANSFORMERS)):
        (tmp_path / "kustomization.yaml").write_text("resources: [r.yaml]\n" + extra, encoding="utf-8")
        diff = compare(tmp_path)
        if diff:
            problems.append(f"seed {seed}, {name}:\n{diff}")
    assert not problems, "\n".join(problems)[:6000]
