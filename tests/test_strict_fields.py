"""Broken kustomizations fail as the reference does: unknown fields and wrong types at every depth.

tests/fixtures/strict/cases.yaml holds the inputs; expected.json the reference's exit status and
message for each (scripts/regen_strict_fixtures.py). kpy must fail with the same message.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import kustomize_py
from kustomize_py.errors import KpyError, KustomizationError

HERE = Path(__file__).parent / "fixtures" / "strict"
CASES = yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))
EXPECTED = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))


def test_corpus_is_complete() -> None:
    assert len(CASES) >= 60
    assert set(CASES) == set(EXPECTED), "run scripts/regen_strict_fixtures.py"


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_kustomization_fails_like_the_reference(name: str, tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text(CASES[name], encoding="utf-8")
    want = EXPECTED[name]
    assert want["exit"] == 1
    with pytest.raises(KpyError) as info:
        kustomize_py.build(tmp_path)
    assert info.value.message == want["error"].replace("{case_dir}", str(tmp_path))


@pytest.mark.parametrize("text, field", [
    ("configMapGenerator:\n- name: cfg\n  Literals: [a=b]\n", "literals"),
    ("replacements:\n- source: {Kind: A, name: a}\n  targets: [{Select: {kind: B}, fieldPaths: [x]}]\n", "kind"),
])
def test_keys_still_match_ignoring_case(text: str, field: str, tmp_path: Path) -> None:
    from kustomize_py.kustomization import from_dict

    k = from_dict(yaml.safe_load(text))
    assert field in json.dumps(k.fields)


def test_the_message_names_the_file_and_field(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text(CASES["cm_literal"], encoding="utf-8")
    with pytest.raises(KustomizationError) as info:
        kustomize_py.build(tmp_path)
    assert info.value.path and info.value.path.endswith("kustomization.yaml")
    assert info.value.field == "configMapGenerator"
