"""The package type-checks cleanly with mypy (settings in pyproject.toml's [tool.mypy]).

mypy and types-PyYAML are in the test extras; without them (a bare environment) this test
skips. Where they are installed, any new type error in kustomize_py/ fails here with mypy's own
report."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_package_has_no_type_errors(tmp_path: Path) -> None:
    api = pytest.importorskip("mypy.api")
    try:
        metadata.distribution("types-PyYAML")
    except metadata.PackageNotFoundError:
        pytest.skip("types-PyYAML is not installed: mypy would only report PyYAML as untyped")
    stdout, stderr, status = api.run([
        "--config-file", str(ROOT / "pyproject.toml"),
        "--cache-dir", str(tmp_path / "mypy-cache"),  # keep the worktree free of .mypy_cache
        "--no-error-summary",
        str(ROOT / "kustomize_py"),
    ])
    assert status == 0 and not stdout.strip(), f"mypy found problems:\n{stdout}{stderr}"
