#!/usr/bin/env python3
"""Record how the reference fails on each broken kustomization of tests/fixtures/strict/cases.yaml.

Each case is the text of a kustomization.yaml, built alone in a fresh directory. The reference's
exit status and its error (stderr from the first `error: ` line, that prefix removed, the case's
directory replaced by `{case_dir}`) go to tests/fixtures/strict/expected.json. `--check` only
compares and exits 1 on a difference.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "fixtures" / "strict" / "cases.yaml"
EXPECTED = CASES.with_name("expected.json")
REFERENCE = os.environ.get("KPY_REFERENCE", "/usr/lib/google-cloud-sdk/bin/kubectl.1.33")


def run_reference(text: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="kpy-strict-") as tmp:
        Path(tmp, "kustomization.yaml").write_text(text, encoding="utf-8")
        proc = subprocess.run([REFERENCE, "kustomize", tmp], capture_output=True, text=True, check=False)
    lines = proc.stderr.splitlines()
    first = next((i for i, line in enumerate(lines) if line.startswith("error: ")), len(lines))
    error = "\n".join(lines[first:]).removeprefix("error: ").replace(tmp, "{case_dir}")
    return {"exit": proc.returncode, "error": error}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only; do not write")
    args = parser.parse_args(argv)
    if not Path(REFERENCE).exists():
        print(f"reference renderer not found: {REFERENCE}", file=sys.stderr)
        return 2
    cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    results = {name: run_reference(text) for name, text in cases.items()}
    text = json.dumps(results, indent=1, sort_keys=True) + "\n"
    current = EXPECTED.read_text(encoding="utf-8") if EXPECTED.is_file() else None
    if current == text:
        print(f"{len(results)} cases, unchanged")
        return 0
    if args.check:
        print("expected.json differs from the reference")
        return 1
    EXPECTED.write_text(text, encoding="utf-8")
    print(f"{len(results)} cases written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
