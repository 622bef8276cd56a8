#!/usr/bin/env python3
"""Regenerate the golden build outputs with the reference renderer (Kustomize v5.6.0 in kubectl 1.33).

Writes tests/fixtures/golden/<workload>__<overlay>.yaml for every kustomization of examples/assets
and tests/fixtures/golden/cases/<name>/expected.yaml for every case tree; `--check` only compares.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "examples" / "assets"
GOLDEN = ROOT / "tests" / "fixtures" / "golden"
CASES = GOLDEN / "cases"
REFERENCE = os.environ.get("KPY_REFERENCE", "/usr/lib/google-cloud-sdk/bin/kubectl.1.33")
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


class Target(NamedTuple):
    """One golden: the directory to build, the file holding the expected output, and whether
    the reference may warn (the example repo must build cleanly; cases may use deprecated fields)."""

    name: str
    source: Path
    expected: Path
    warnings_allowed: bool


def _is_kustomization_dir(path: Path) -> bool:
    return any((path / f).is_file() for f in KUSTOMIZATION_FILES)


def golden_name(kdir: Path) -> str:
    """`grafana/overlays/dev` -> `grafana__dev`, `grafana/base` -> `grafana__base`."""
    parts = [p for p in kdir.relative_to(ASSETS).parts if p != "overlays"]
    return "__".join(parts)


def example_targets() -> list[Target]:
    dirs = sorted(
        {p.parent for f in KUSTOMIZATION_FILES for p in ASSETS.rglob(f)},
        key=lambda p: p.relative_to(ASSETS).parts,
    )
    return [Target(golden_name(d), d, GOLDEN / f"{golden_name(d)}.yaml", False) for d in dirs]


def case_targets() -> list[Target]:
    if not CASES.is_dir():
        return []
    return [
        Target(f"cases/{d.name}", d, d / "expected.yaml", True)
        for d in sorted(CASES.iterdir())
        if d.is_dir() and _is_kustomization_dir(d)
    ]


def all_targets() -> list[Target]:
    return example_targets() + case_targets()


def render_reference(source: Path, reference: str = REFERENCE) -> tuple[str, str]:
    """Build `source` with the reference; return (stdout, stderr). Raises on a failed build."""
    proc = subprocess.run(
        [reference, "kustomize", str(source)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{source}: reference build failed:\n{proc.stderr}")
    return proc.stdout, proc.stderr


def stale_goldens(targets: list[Target]) -> list[Path]:
    """Top-level golden files that no longer belong to a kustomization of the example repo."""
    wanted = {t.expected for t in targets}
    return [p for p in sorted(GOLDEN.glob("*.yaml")) if p not in wanted]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 if a golden is out of date")
    parser.add_argument("--reference", default=REFERENCE, help="kubectl binary embedding Kustomize v5.6.0")
    args = parser.parse_args(argv)

    if not Path(args.reference).is_file():
        print(f"reference renderer not found: {args.reference}", file=sys.stderr)
        return 2
    targets = all_targets()
    problems: list[str] = []
    for target in targets:
        out, err = render_reference(target.source, args.reference)
        if err.strip():
            if not target.warnings_allowed:
                problems.append(f"{target.name}: the reference printed warnings:\n{err}")
                continue
            print(f"{target.name}: reference warns: {err.strip()}", file=sys.stderr)
        current = target.expected.read_text(encoding="utf-8") if target.expected.is_file() else None
        if current == out:
            continue
        if args.check:
            problems.append(f"{target.name}: {target.expected.relative_to(ROOT)} is out of date")
        else:
            target.expected.parent.mkdir(parents=True, exist_ok=True)
            target.expected.write_text(out, encoding="utf-8")
            print(f"wrote {target.expected.relative_to(ROOT)}")
    for path in stale_goldens(targets):
        if args.check:
            problems.append(f"{path.relative_to(ROOT)} has no kustomization left in examples/assets")
        else:
            path.unlink()
            print(f"removed {path.relative_to(ROOT)}")
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(targets)} goldens, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
