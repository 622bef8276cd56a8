#!/usr/bin/env python3
"""Regenerate tests/fixtures/merge/*/expected.yaml (or expected-error.txt) with the reference kustomize.

Each case directory holds resource.yaml, one patch (patch.yaml / patch.json) and optionally
openapi.yaml; this script builds a throw-away kustomization around them (see build_kustomization,
also used by the tests) and records what `kubectl.1.33 kustomize` (Kustomize v5.6.0) prints.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

KUBECTL = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33"
FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "merge"


def patch_file(case: Path) -> Path:
    return next(p for p in (case / "patch.yaml", case / "patch.json") if p.exists())


def build_kustomization(case: Path) -> dict[str, Any]:
    """The kustomization used for a case: JSON6902 patches target the first resource by kind+name."""
    first = next(d for d in yaml.safe_load_all((case / "resource.yaml").read_text()) if d)
    entry: dict[str, Any] = {"path": patch_file(case).name}
    if case.name.startswith("json6902"):
        entry["target"] = {"kind": first["kind"], "name": first["metadata"]["name"]}
    kust: dict[str, Any] = {"resources": ["resource.yaml"], "patches": [entry]}
    if (case / "openapi.yaml").exists():
        kust["openapi"] = {"path": "openapi.yaml"}
    return kust


def run_reference(case: Path, workdir: Path) -> subprocess.CompletedProcess[str]:
    """Copy the case into workdir, add the kustomization, run the reference renderer there."""
    for f in case.iterdir():
        if not f.name.startswith("expected"):
            shutil.copy(f, workdir / f.name)
    (workdir / "kustomization.yaml").write_text(yaml.safe_dump(build_kustomization(case)))
    return subprocess.run([KUBECTL, "kustomize", str(workdir)], capture_output=True, text=True, check=False)


def main() -> None:
    if not Path(KUBECTL).exists():
        sys.exit(f"{KUBECTL} not found")
    for case in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        for old in case.glob("expected*"):
            old.unlink()
        with tempfile.TemporaryDirectory() as tmp:
            proc = run_reference(case, Path(tmp))
        if proc.returncode == 0:
            (case / "expected.yaml").write_text(proc.stdout)
        else:
            (case / "expected-error.txt").write_text(proc.stderr.replace(tmp, "<dir>"))
        print(f"{case.name}: {'ok' if proc.returncode == 0 else 'error'}")


if __name__ == "__main__":
    main()
