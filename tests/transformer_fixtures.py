"""Helpers for tests against the reference: the transformer tests' committed golden trees in
tests/fixtures/transformers/ (outputs from scripts/regen_transformer_fixtures.py) and small trees
compared with the live reference when it is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import kustomize_py
from kustomize_py.errors import KpyError

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "transformers"
REFERENCE = os.environ.get("KPY_REFERENCE", "/usr/lib/google-cloud-sdk/bin/kubectl.1.33")


def fixture_cases(prefix: str) -> list[str]:
    return sorted(d.name for d in FIXTURES.iterdir() if d.name.startswith(prefix) and (d / "files").is_dir())


def build_fixture(name: str, tmp_path: Path) -> tuple[str, str]:
    """(expected reference output, kpy output) for a committed fixture, built from a copy."""
    case = FIXTURES / name
    expected = case / "expected.yaml"
    assert expected.is_file(), f"no expected output for {name}: run scripts/regen_transformer_fixtures.py"
    tree = tmp_path / "files"
    shutil.copytree(case / "files", tree)
    entry = (case / "entry").read_text().strip() if (case / "entry").is_file() else "."
    return expected.read_text(encoding="utf-8"), kustomize_py.build(tree / entry).yaml


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def reference(directory: Path) -> subprocess.CompletedProcess[str]:
    if not Path(REFERENCE).exists():
        pytest.skip("reference renderer (kubectl 1.33) not installed")
    return subprocess.run([REFERENCE, "kustomize", str(directory)], capture_output=True, text=True, check=False)


def reference_error(directory: Path) -> str | None:
    """The reference's error for `directory` (from its first `error: ` line on, without that
    prefix), after checking that it fails; None when the reference is not installed."""
    if not os.access(REFERENCE, os.X_OK):
        return None
    proc = subprocess.run([REFERENCE, "kustomize", str(directory)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode != 0, proc.stdout[:500]
    lines = proc.stderr.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("error: "))
    return "\n".join(lines[first:]).removeprefix("error: ")


def assert_same_as_reference(directory: Path) -> None:
    ref = reference(directory)
    assert ref.returncode == 0, ref.stderr
    assert kustomize_py.build(directory).yaml == ref.stdout


def assert_error_like_reference(directory: Path, cls: type[KpyError], message: str) -> None:
    """kpy raises `cls` with `message`; the reference fails too, saying the same thing."""
    with pytest.raises(cls) as info:
        kustomize_py.build(directory)
    assert message in str(info.value)
    if Path(REFERENCE).exists():
        ref = reference(directory)
        assert ref.returncode != 0
        assert message in ref.stderr


def docs(text: str) -> list[Any]:
    return [d for d in yaml.safe_load_all(text) if d is not None]




def golden_tests(*prefixes: str) -> tuple[Callable[..., None], Callable[..., None]]:
    """The two tests every transformer module runs over its golden trees (those whose names start
    with one of `prefixes`): same documents (the readable diff), then same bytes."""
    cases = sorted(name for prefix in prefixes for name in fixture_cases(prefix))

    @pytest.mark.parametrize("name", cases)
    def test_fixture_documents(name: str, tmp_path: Path) -> None:
        want, got = build_fixture(name, tmp_path)
        assert docs(got) == docs(want)

    @pytest.mark.parametrize("name", cases)
    def test_fixture_bytes(name: str, tmp_path: Path) -> None:
        want, got = build_fixture(name, tmp_path)
        assert got == want

    return test_fixture_documents, test_fixture_bytes
