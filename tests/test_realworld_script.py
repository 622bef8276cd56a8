"""Smoke test for scripts/realworld_diff.py on a base with two overlays."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "realworld_diff.py"


def _module():
    spec = importlib.util.spec_from_file_location("realworld_diff", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_two_overlays(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mod = _module()
    if not os.access(mod.REFERENCE, os.X_OK):
        pytest.skip("reference kustomize not installed")
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "kustomization.yaml").write_text("resources: [cm.yaml]\n")
    (tmp_path / "base" / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
    for name, extra in (("dev", "namePrefix: dev-\n"), ("bad", "resources: [missing.yaml]\n")):
        (tmp_path / name).mkdir()
        body = "resources: [../base]\n" + extra if name == "dev" else extra
        (tmp_path / name / "kustomization.yaml").write_text(body)
    assert mod.main([str(tmp_path), "--jobs", "1", "--show-diff", "5"]) == 0
    out = capsys.readouterr().out
    assert "3 kustomization dirs" in out
    counts = dict(line.split() for line in out.splitlines()[1:8])
    assert counts["exact"] == "2" and counts["both-error"] == "1"


def test_cache_and_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Both failing, the messages are compared; a second run takes the reference's outcomes from
    the cache (here with no reference at all)."""
    mod = _module()
    if not os.access(mod.REFERENCE, os.X_OK):
        pytest.skip("reference kustomize not installed")
    tree, cache = tmp_path / "tree", tmp_path / "cache"
    (tree / "bad").mkdir(parents=True)
    (tree / "bad" / "kustomization.yaml").write_text("resources: [missing.yaml]\n")
    (tree / "ok").mkdir()
    (tree / "ok" / "kustomization.yaml").write_text("namePrefix: p-\n")
    for run in (1, 2):
        if run == 2:
            monkeypatch.setattr(mod, "REFERENCE", str(tmp_path / "no-such-reference"))
        assert mod.main([str(tree), "--jobs", "1", "--cache", str(cache)]) == 0
        out = capsys.readouterr().out
        counts = dict(line.split() for line in out.splitlines()[1:8])
        assert counts["exact"] == "1" and counts["both-error"] == "1", out
        assert "both-error in the reference's words: 1 of 1" in out
    assert len(list(cache.iterdir())) == 2
