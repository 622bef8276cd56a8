"""Golden cases for both patch engines, recorded from Kustomize v5.6.0 (scripts/regen_merge_fixtures.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import yaml

from kustomize_py.errors import PatchError
from tests.test_merge_helpers import FIXTURES, HAVE_REFERENCE, apply_case, by_id, regen_module

CASES = sorted(p for p in FIXTURES.iterdir() if p.is_dir())


def test_fixture_set_covers_every_directive_and_op() -> None:
    names = {c.name for c in CASES}
    for op in ("add", "remove", "replace", "move", "copy", "test_pass", "test_fail"):
        assert f"json6902_{op}" in names
    for smp in ("smp_null_deletes", "smp_patch_replace_map", "smp_patch_delete_map", "smp_patch_delete_element",
                "smp_list_replace", "smp_list_delete", "smp_set_element_order_passthrough",
                "smp_retain_keys_passthrough", "smp_delete_from_primitive_list_passthrough", "smp_delete_object"):
        assert smp in names


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden(case: Path) -> None:
    expected_error = case / "expected-error.txt"
    if expected_error.exists():
        with pytest.raises(PatchError) as info:
            apply_case(case)
        assert info.value.message in expected_error.read_text()
        return
    expected = by_id(list(yaml.safe_load_all((case / "expected.yaml").read_text())))
    assert apply_case(case) == expected


@pytest.mark.skipif(not HAVE_REFERENCE, reason="reference kustomize (kubectl.1.33) not installed")
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_against_reference(case: Path) -> None:
    """Re-run the reference on the case: the committed expectation is still what it prints."""
    regen = regen_module()
    with tempfile.TemporaryDirectory() as tmp:
        proc = regen.run_reference(case, Path(tmp))
    if proc.returncode:
        assert (case / "expected-error.txt").exists(), proc.stderr
        with pytest.raises(PatchError):
            apply_case(case)
        return
    assert apply_case(case) == by_id(list(yaml.safe_load_all(proc.stdout)))
