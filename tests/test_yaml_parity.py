"""YAML the reference reads its own way: YAML 1.1 implicit types kept as text where it keeps
text, go-yaml's parse quirks, its nesting limit, and `containers:` with nothing under it.
Each case is compared with the reference when it is installed; the expected text below was
checked against it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

import kustomize_py
from kustomize_py.errors import YamlError
from tests.transformer_fixtures import REFERENCE

HAVE_REFERENCE = os.access(REFERENCE, os.X_OK)


def build(tmp_path: Path, resources: str, kustomization: str = "", compare: bool = True) -> str:
    (tmp_path / "kustomization.yaml").write_text("resources: [r.yaml]\n" + kustomization, encoding="utf-8")
    (tmp_path / "r.yaml").write_text(resources, encoding="utf-8")
    out = kustomize_py.build(tmp_path).yaml
    if HAVE_REFERENCE and compare:
        ref = subprocess.run([REFERENCE, "kustomize", str(tmp_path)], capture_output=True, text=True, check=False)
        assert ref.returncode == 0, ref.stderr
        assert out == ref.stdout
    return out


IMPLICIT = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  annotations:
    d1: 2024-01-01
    d2: 2024-01-01T10:00:00Z
    d3: 2001-12-14 21:59:43.10 -5
    flow: {x: 2024-01-01}
    seq: [1, a]
    b1: True
    b2: TRUE
    o1: 0755
    s1: 1:30
    h1: 0x1F
    f1: 1e3
    e1: =
  labels:
    d1: 2024-01-01
spec:
  d1: 2024-01-01
  b1: True
  b2: TRUE
  b4: NO
  o1: 0755
  o2: 0o17
  s1: 1:30
  s2: 190:20:30.15
  h1: 0x1F
  i1: 685_230
  list: [2024-01-01, True, 0755, 1:30, 0x1F, yes, 1_000]
  base: &b {x: 1, y: 2}
  merged:
    <<: *b
    y: 3
"""


def test_yaml11_implicit_types(tmp_path: Path) -> None:
    out = build(tmp_path, IMPLICIT, "commonAnnotations: {ca: 2024-02-02}\n")
    for line in ('    flow: ""\n', '    seq: ""\n', '    d1: "2024-01-01"\n', '    ca: "2024-02-02"\n',
                 '    b1: "True"\n', '    o1: "0755"\n',
                 '    s1: "1:30"\n', '    h1: "0x1F"\n', '    d2: "2024-01-01T10:00:00Z"\n',
                 '  d1: "2024-01-01T00:00:00Z"\n', "  b2: true\n", '  b4: "NO"\n', "  o1: 493\n", "  o2: 15\n",
                 '  s2: "190:20:30.15"\n', "  h1: 31\n", "  i1: 685230\n", '    "y": 3\n'):
        assert line in out


def test_blank_containers_become_empty_lists_where_images_walk(tmp_path: Path) -> None:
    resources = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  initContainers:\n  volumes:\n"
                 "---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {name: cj}\nspec:\n  jobTemplate:\n"
                 "    spec:\n      template:\n        spec:\n          containers:\n")
    out = build(tmp_path, resources, "images: [{name: nginx, newTag: '1'}]\n")
    assert "  containers: []\n  initContainers: []\n  volumes: null\n" in out
    assert "          containers: null\n" in out
    plain = build(tmp_path, resources)
    assert "  containers: null\n" in plain


def test_first_line_indented_more_than_the_next_key(tmp_path: Path) -> None:
    resources = ("  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c\nextra: [\n---\n"
                 "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\n")
    out = build(tmp_path, resources)
    assert "extra" not in out and "name: c\n" in out and "name: d\n" in out


def test_tab_inside_a_flow_mapping(tmp_path: Path) -> None:
    out = build(tmp_path, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata: {a: b\t, c:\td}\n")
    assert "  a: b\n  c: d\n" in out


@pytest.mark.parametrize("style", ["flow", "block"])
def test_five_thousand_levels_are_accepted(tmp_path: Path, style: str) -> None:
    n = 5000
    if style == "flow":
        spec = "spec: " + "[" * n + "]" * n + "\n"
    else:
        spec = "spec:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(n)) + "  " * (n + 1) + "v\n"
    # the reference takes 40 s on 5,000 block levels (checked once by hand): compared in flow style only
    out = build(tmp_path, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n" + spec, compare=style == "flow")
    assert out.count("- ") == (n - 1 if style == "flow" else 0)
    assert style == "flow" or f"k{n - 1}: v" in out


def test_beyond_go_yamls_limit_fails_like_it(tmp_path: Path) -> None:
    n = 10_001
    (tmp_path / "kustomization.yaml").write_text("resources: [r.yaml]\n", encoding="utf-8")
    (tmp_path / "r.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\nspec: "
                                     + "[" * n + "]" * n + "\n", encoding="utf-8")
    with pytest.raises(YamlError, match=r"yaml: line 5: exceeded max depth of 10000"):
        kustomize_py.build(tmp_path)
