#!/usr/bin/env python3
"""Regenerate the name-reference fixtures (tests/fixtures/nameref/) with the reference renderer.

Each case is a directory holding `files/` (the kustomization tree, written by hand), an optional
`entry` (the directory to build, relative to files/; "." when absent) and what the reference made
of it: `expected.yaml` (stdout) or, when the reference fails, `expected-error.txt` (stderr, with
the temporary build path replaced by `{case_dir}`). `--check` compares only and exits 1 on a
difference; naming cases limits the run to them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "fixtures" / "nameref"
REFERENCE = os.environ.get("KPY_REFERENCE", "/usr/lib/google-cloud-sdk/bin/kubectl.1.33")
CASE_DIR_TOKEN = "{case_dir}"


def case_dirs() -> list[Path]:
    """Every case directory (one with a `files/` tree), sorted by name."""
    if not CASES.is_dir():
        return []
    return sorted(d for d in CASES.iterdir() if (d / "files").is_dir())


def entry_of(case: Path) -> str:
    entry = case / "entry"
    return entry.read_text(encoding="utf-8").strip() if entry.is_file() else "."


def run_reference(case: Path, reference: str = REFERENCE) -> tuple[int, str, str]:
    """Build a fresh copy of the case so no machine-specific path leaks into the expected files."""
    with tempfile.TemporaryDirectory(prefix="kpy-nameref-") as tmp:
        tree = Path(tmp) / "files"
        shutil.copytree(case / "files", tree)
        proc = subprocess.run([reference, "kustomize", str(tree / entry_of(case))],
                              capture_output=True, text=True, check=False)
        stderr = proc.stderr.replace(str(Path(tmp).resolve()), CASE_DIR_TOKEN).replace(tmp, CASE_DIR_TOKEN)
        return proc.returncode, proc.stdout, stderr


def expected_of(case: Path) -> tuple[Path, Path]:
    """(file the case's result belongs in, file that must then be absent) for success / failure."""
    return case / "expected.yaml", case / "expected-error.txt"


def regen_case(case: Path, check: bool) -> bool:
    """Write (or compare) one case's expected output; True when it was or would be changed."""
    code, out, err = run_reference(case)
    ok_file, err_file = expected_of(case)
    want, stale = (ok_file, err_file) if code == 0 else (err_file, ok_file)
    text = out if code == 0 else err
    current = want.read_text(encoding="utf-8") if want.is_file() else None
    if current == text and not stale.exists():
        return False
    if not check:
        want.write_text(text, encoding="utf-8")
        stale.unlink(missing_ok=True)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only; do not write")
    parser.add_argument("cases", nargs="*", help="case names (default: all)")
    args = parser.parse_args(argv)
    if not Path(REFERENCE).exists():
        print(f"reference renderer not found: {REFERENCE}", file=sys.stderr)
        return 2
    cases = case_dirs()
    if args.cases:
        unknown = set(args.cases) - {c.name for c in cases}
        if unknown:
            print(f"unknown cases: {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        cases = [c for c in cases if c.name in args.cases]
    changed = 0
    for case in cases:
        if regen_case(case, args.check):
            changed += 1
            print(f"{'differs' if args.check else 'updated'}: {case.name}")
    print(f"{len(cases)} cases, {changed} {'differ' if args.check else 'written'}")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
