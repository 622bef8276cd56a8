"""Golden tests: kpy's output for the example repo and the case trees equals Kustomize v5.6.0's, byte for byte.

The expected files come from the reference (scripts/regen_goldens.py); never edit them by hand.
"""

from __future__ import annotations

import difflib
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _load_regen():
    # scripts/ is not a package; load the one module that knows where the goldens are.
    spec = importlib.util.spec_from_file_location("regen_goldens", ROOT / "scripts" / "regen_goldens.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


regen = _load_regen()
TARGETS = regen.all_targets()
IDS = [t.name for t in TARGETS]
MAX_DIFF_LINES = 150


def _expected(target) -> str:
    if not target.expected.is_file():
        pytest.fail(f"no golden for {target.source}: run scripts/regen_goldens.py")
    return target.expected.read_text(encoding="utf-8")


def _assert_same(want: str, got: str, target, how: str) -> None:
    if got == want:
        return
    diff = list(
        difflib.unified_diff(
            want.splitlines(keepends=True),
            got.splitlines(keepends=True),
            fromfile=f"{target.expected.relative_to(ROOT)} (Kustomize v5.6.0)",
            tofile=f"{how} {target.source.relative_to(ROOT)}",
        )
    )
    shown = "".join(diff[:MAX_DIFF_LINES])
    more = f"\n... {len(diff) - MAX_DIFF_LINES} more diff lines" if len(diff) > MAX_DIFF_LINES else ""
    if not diff:  # only line endings or a trailing newline differ
        shown = f"expected {want[-40:]!r}\n     got {got[-40:]!r}"
    pytest.fail(f"output differs from the reference:\n{shown}{more}", pytrace=False)


def test_there_are_goldens_for_every_overlay() -> None:
    names = {t.name for t in TARGETS}
    for workload in ("cert-manager", "prometheus", "grafana"):
        for overlay in ("base", "dev", "staging", "production"):
            assert f"{workload}__{overlay}" in names
    assert "argocd__applications" in names
    assert regen.stale_goldens(TARGETS) == []


@pytest.mark.parametrize("target", TARGETS, ids=IDS)
def test_library_build_matches_reference(target) -> None:
    import kustomize_py

    want = _expected(target)
    result = kustomize_py.build(str(target.source))
    _assert_same(want, result.yaml, target, "kustomize_py.build")
    # .objects is the same build as data: one dict per document, in output order.
    documents = [d for d in yaml.safe_load_all(want) if d is not None]
    assert [(o["kind"], o["metadata"]["name"]) for o in result.objects] == [
        (d["kind"], d["metadata"]["name"]) for d in documents
    ]


@pytest.mark.parametrize("target", TARGETS, ids=IDS)
def test_cli_build_matches_reference(target) -> None:
    want = _expected(target)
    proc = subprocess.run(
        [sys.executable, "-m", "kustomize_py", "build", str(target.source)],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    _assert_same(want, proc.stdout.decode("utf-8"), target, "kpy build")


@pytest.mark.skipif(not Path(regen.REFERENCE).is_file(), reason="reference kubectl 1.33 not installed")
@pytest.mark.parametrize("target", TARGETS, ids=IDS)
def test_goldens_are_current(target) -> None:
    """A changed fixture tree without a regenerated golden would test against a stale answer."""
    out, err = regen.render_reference(target.source)
    if not target.warnings_allowed:
        assert err.strip() == "", f"the reference warns on {target.source}: {err}"
    _assert_same(_expected(target), out, target, "reference build of")
