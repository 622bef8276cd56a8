"""A plain install gives every documented command; a missing optional package is named with its
pip install line, never an internal error."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_sealing_dependencies_are_regular_ones() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {dep.split(">")[0].split("=")[0].strip().lower() for dep in project["dependencies"]}
    assert {"cryptography", "ruamel.yaml", "pyyaml", "attrs"} <= names
    assert project["optional-dependencies"]["seal"] == []  # kept for old install lines


@pytest.mark.parametrize("module, hint", [
    ("cryptography.hazmat", "pip install 'cryptography>=41'"),
    ("ruamel", "pip install 'ruamel.yaml>=0.18'"),
    ("kubernetes", "pip install 'kustomize_py[kube]'"),
])
def test_missing_package_names_the_install_line(module: str, hint: str, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from kustomize_py.cli import main
    from kustomize_py.cli import seal

    def run(args: object) -> int:
        raise ModuleNotFoundError(f"No module named {module!r}", name=module)

    monkeypatch.setattr(seal, "run", run)
    monkeypatch.delenv("KPY_DEBUG", raising=False)
    assert main(["seal", "--cert", "x.pem"]) == 1
    err = capsys.readouterr().err
    assert hint in err and "internal error" not in err and "`kpy seal`" in err


def test_other_missing_modules_stay_internal_errors(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from kustomize_py.cli import main
    from kustomize_py.cli import seal

    def run(args: object) -> int:
        raise ModuleNotFoundError("No module named 'nothere'", name="nothere")

    monkeypatch.setattr(seal, "run", run)
    monkeypatch.delenv("KPY_DEBUG", raising=False)
    assert main(["seal", "--cert", "x.pem"]) == 70
    assert "internal error" in capsys.readouterr().err
