#!/usr/bin/env python3
"""Regenerate the replacements / vars / plugins fixtures with the reference renderer.

Each case is tests/fixtures/transformers/<name>/ with `files/` (the tree), `entry` (the directory
to build, relative to files/) and the reference's result: `expected.yaml` (stdout) or, when the
reference fails, `expected-error.txt` (stderr, with the case path replaced by `{case_dir}`).
`--check` only compares and exits 1 on a difference.
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
CASES = ROOT / "tests" / "fixtures" / "transformers"
REFERENCE = os.environ.get("KPY_REFERENCE", "/usr/lib/google-cloud-sdk/bin/kubectl.1.33")


def case_dirs() -> list[Path]:
    return sorted(d for d in CASES.iterdir() if (d / "files").is_dir()) if CASES.is_dir() else []


def entry_of(case: Path) -> str:
    entry = case / "entry"
    return entry.read_text(encoding="utf-8").strip() if entry.is_file() else "."


def run_reference(case: Path) -> tuple[int, str, str]:
    """Build a fresh copy of the case (the reference may not write, but paths must not leak)."""
    with tempfile.TemporaryDirectory(prefix="kpy-fixture-") as tmp:
        tree = Path(tmp) / "files"
        shutil.copytree(case / "files", tree)
        proc = subprocess.run([REFERENCE, "kustomize", str(tree / entry_of(case))],
                              capture_output=True, text=True, check=False)
        stderr = proc.stderr.replace(str(Path(tmp).resolve()), "{case_dir}").replace(tmp, "{case_dir}")
        return proc.returncode, proc.stdout, stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only; do not write")
    args = parser.parse_args(argv)
    if not Path(REFERENCE).exists():
        print(f"reference renderer not found: {REFERENCE}", file=sys.stderr)
        return 2
    changed = 0
    for case in case_dirs():
        code, out, err = run_reference(case)
        ok_file, err_file = case / "expected.yaml", case / "expected-error.txt"
        want, stale = (ok_file, err_file) if code == 0 else (err_file, ok_file)
        text = out if code == 0 else err
        current = want.read_text(encoding="utf-8") if want.is_file() else None
        if current != text or stale.exists():
            changed += 1
            print(f"{'differs' if args.check else 'updated'}: {case.name}")
            if not args.check:
                want.write_text(text, encoding="utf-8")
                stale.unlink(missing_ok=True)
    print(f"{len(case_dirs())} cases, {changed} {'differ' if args.check else 'written'}")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
