#!/usr/bin/env python3
"""Render every kustomization under a tree with the reference kustomize and with kpy, and classify.

Usage: scripts/realworld_diff.py ROOT [--jobs N] [--show-diff N] [--json OUT] [--only CLASS]
                                      [--cache DIR]
A development tool for real-world repositories; not run by CI. When both fail, the two messages are
compared too (kpy's message against the reference's text after `error: `). --cache DIR keeps the
reference's outcome per directory, so a re-run after a kpy change only re-renders with kpy.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import difflib
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
from collections import Counter
from typing import Any

REFERENCE = os.environ.get("KPY_REFERENCE", "/usr/lib/google-cloud-sdk/bin/kubectl.1.33")
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
TIMEOUT = 60
SKIP_DIRS = {".git", "node_modules", "vendor", ".venv"}

# Reference failures that come from things this harness cannot reproduce offline (network,
# remote bases, helm, exec/KRM plugins); such directories are not counted against kpy.
EXTERNAL_ERROR = re.compile(
    r"(?i)(https?://|git@|github\.com|gitlab|bitbucket|dial tcp|no such host|i/o timeout|"
    r"timed out|connection refused|git clone|git fetch|'git'|exit status 128|helm|plugin|"
    r"exec:|krm|function config|ssh:|remote)"
)

CLASSES = (
    "exact",
    "text-diff",
    "content-diff",
    "kpy-error",
    "kpy-ok-reference-error",
    "both-error",
    "reference-error",
)


def find_kustomization_dirs(root: str) -> list[str]:
    """Every directory under `root` holding a kustomization file, sorted."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        if any(name in filenames for name in KUSTOMIZATION_FILES):
            found.append(dirpath)
    return sorted(found)


def run_reference(path: str, timeout: int = TIMEOUT, cache: str | None = None) -> tuple[bool, str]:
    """(ok, stdout or stderr) of `kubectl kustomize path`, kept under `cache` when given."""
    if cache is None:
        return _run_reference(path, timeout)
    entry = os.path.join(cache, hashlib.sha256(path.encode()).hexdigest() + ".json")
    try:
        with open(entry) as fh:
            ok, text = json.load(fh)
        return ok, text
    except (OSError, ValueError):
        pass
    result = _run_reference(path, timeout)
    os.makedirs(cache, exist_ok=True)
    tmp = f"{entry}.{os.getpid()}.tmp"
    with open(tmp, "w") as fh:
        json.dump(list(result), fh)
    os.replace(tmp, entry)
    return result


def reference_message(stderr: str) -> str:
    """The reference's error from its first `error: ` line on, without that prefix."""
    lines = stderr.splitlines()
    first = next((i for i, line in enumerate(lines) if line.startswith("error: ")), 0)
    return "\n".join(lines[first:]).removeprefix("error: ").rstrip("\n")


def _run_reference(path: str, timeout: int) -> tuple[bool, str]:
    try:
        proc = subprocess.run([REFERENCE, "kustomize", path], capture_output=True, text=True, check=False,
                              timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return False, "reference timed out"
    if proc.returncode != 0:
        return False, proc.stderr.strip() or f"exit status {proc.returncode}"
    return True, proc.stdout


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout()


def run_kpy(path: str, timeout: int = TIMEOUT) -> tuple[bool, str, str]:
    """(ok, yaml or message, 'error' | 'crash' | '') of an in-process kpy build."""
    import kustomize_py

    use_alarm = hasattr(signal, "SIGALRM") and _in_main_thread()
    if use_alarm:
        signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(timeout)
    try:
        return True, kustomize_py.build(path, warn=lambda m: None).yaml, ""
    except _Timeout:
        return False, "kpy timed out", "crash"
    except kustomize_py.KpyError as exc:
        return False, exc.message.rstrip("\n"), "error"
    except Exception as exc:
        import traceback

        tail = "".join(traceback.format_exception(exc)[-4:])
        return False, f"CRASH {type(exc).__name__}: {exc}\n{tail}", "crash"
    finally:
        if use_alarm:
            signal.alarm(0)


def _in_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _parsed(text: str) -> Any:
    import yaml

    try:
        return list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        return f"unparseable: {exc}"


def classify(ref: tuple[bool, str], kpy: tuple[bool, str, str]) -> str:
    """One of CLASSES for a pair of outcomes."""
    ref_ok, ref_text = ref
    kpy_ok, kpy_text, _ = kpy
    if not ref_ok:
        if EXTERNAL_ERROR.search(ref_text):
            return "reference-error"
        return "both-error" if not kpy_ok else "kpy-ok-reference-error"
    if not kpy_ok:
        return "kpy-error"
    if ref_text == kpy_text:
        return "exact"
    return "text-diff" if _parsed(ref_text) == _parsed(kpy_text) else "content-diff"


def check_dir(path: str, cache: str | None = None) -> dict[str, Any]:
    """Render `path` both ways; a JSON-able record of the outcome."""
    ref = run_reference(path, cache=cache)
    kpy = run_kpy(path)
    record: dict[str, Any] = {"dir": path, "class": classify(ref, kpy), "kpy_failure": kpy[2]}
    if record["class"] == "both-error":
        record["same_message"] = kpy[1] == reference_message(ref[1])
    if record["class"] in ("text-diff", "content-diff"):
        diff = difflib.unified_diff(ref[1].splitlines(), kpy[1].splitlines(), "reference", "kpy",
                                    lineterm="", n=2)
        record["diff"] = "\n".join(diff)
    elif record["class"] != "exact":
        record["reference"] = ref[1] if not ref[0] else ""
        record["kpy"] = kpy[1] if not kpy[0] else ""
    return record


def _repo_of(root: str, path: str) -> str:
    rel = os.path.relpath(path, root)
    return rel.split(os.sep, 1)[0] if rel != "." else "."


def summarize(root: str, records: list[dict[str, Any]]) -> str:
    """Totals per class, then a per-repository table."""
    totals = Counter(r["class"] for r in records)
    lines = [f"{len(records)} kustomization dirs under {root}"]
    lines += [f"  {c:24} {totals.get(c, 0)}" for c in CLASSES]
    crashes = sum(1 for r in records if r["kpy_failure"] == "crash")
    if crashes:
        lines.append(f"  (of the kpy failures, {crashes} are crashes, not KpyError)")
    same = sum(1 for r in records if r.get("same_message"))
    lines.append(f"  both-error in the reference's words: {same} of {totals.get('both-error', 0)}")
    per_repo: dict[str, Counter] = {}
    for r in records:
        per_repo.setdefault(_repo_of(root, r["dir"]), Counter())[r["class"]] += 1
    short = ("exact", "text", "content", "kpy-err", "kpy-ok", "both", "ref-err")
    lines.append("")
    lines.append(f"{'repository':44} " + " ".join(f"{s:>7}" for s in short))
    for repo, counts in sorted(per_repo.items()):
        lines.append(f"{repo[:44]:44} " + " ".join(f"{counts.get(c, 0):7}" for c in CLASSES))
    return "\n".join(lines)


def show_problems(records: list[dict[str, Any]], limit: int, only: str | None) -> str:
    """The first `limit` non-exact, countable records with their diff or messages."""
    out = []
    skip = {"exact", "reference-error"}
    for r in records:
        if len(out) >= limit:
            break
        if r["class"] in skip or r.get("same_message") or (only and r["class"] != only):
            continue
        body = r.get("diff") or f"reference: {r.get('reference', '')[:600]}\nkpy: {r.get('kpy', '')[:1500]}"
        lines = body.splitlines()
        if len(lines) > 60:
            lines = lines[:60] + [f"... ({len(lines) - 60} more lines)"]
        out.append(f"=== {r['class']}: {r['dir']}\n" + "\n".join(lines))
    return "\n\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--show-diff", type=int, default=10, metavar="N")
    parser.add_argument("--only", choices=CLASSES, help="show only problems of this class")
    parser.add_argument("--json", metavar="OUT", help="write every record as JSON to OUT")
    parser.add_argument("--cache", metavar="DIR", help="keep the reference's outcomes in DIR")
    args = parser.parse_args(argv)
    root = os.path.abspath(args.root)
    dirs = find_kustomization_dirs(root)
    if args.jobs <= 1:
        records = [check_dir(d, args.cache) for d in dirs]
    else:
        with concurrent.futures.ProcessPoolExecutor(args.jobs) as pool:
            records = list(pool.map(check_dir, dirs, [args.cache] * len(dirs), chunksize=1))
    print(summarize(root, records))
    if args.show_diff:
        problems = show_problems(records, args.show_diff, args.only)
        if problems:
            print("\n" + problems)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(records, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
