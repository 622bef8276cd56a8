"""The feature matrix: for each kustomization feature (benchmarks/matrix_trees.py), a generated
tree with that feature used once per app, built at N = 300, 1000, 3000 apps.

    python benchmarks/matrix.py                      # kpy at 300,1000,3000; reference at 300,1000 (cached)
    python benchmarks/matrix.py --rows images,vars   # some rows only (slugs of the ROWS names)
    python benchmarks/matrix.py --no-reference --sizes 300,3000
    python benchmarks/matrix.py --table              # the last run's table, reference cells from the cache

Per row: kpy's wall time and peak RSS at each N, growth t(max N)/t(min N) (linear is the ratio
of the sizes), the reference's time at 300 and 1000 beside it, and whether the bytes are the same.
Reference results (time, peak RSS, exit code, sha256 of the output) are cached in
benchmarks/results/matrix-reference.json keyed by row, N and a hash of the generated tree, because
the reference takes minutes on the patch-heavy rows. Results go to benchmarks/results/matrix.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import matrix_trees  # noqa: E402
from run import REFERENCE, RESULTS, best_of, kpy_command, run_timed  # noqa: E402

CACHE = RESULTS / "matrix-reference.json"


def slug(row: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in row.lower()).strip("-")


def tree(work: Path, row: str, n: int) -> Path:
    root = work / f"{slug(row)}-{n}"
    shutil.rmtree(root, ignore_errors=True)
    return matrix_trees.ROWS[row](root, n)


def tree_digest(root: Path) -> str:
    """A hash of a generated tree (paths relative to it, and contents): the reference cache key."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def run_bounded(cmd: list[str], out: Path, timeout: float | None) -> dict:
    """`run_timed`, the command killed after `timeout` seconds (then its exit code is negative)."""
    if not timeout:
        return run_timed(cmd, out)
    start = time.perf_counter()
    with open(out, "wb") as sink:
        proc = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.DEVNULL)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
    rc = os.waitstatus_to_exitcode(status)
    return {"seconds": time.perf_counter() - start, "cpu": usage.ru_utime + usage.ru_stime,
            "peak_mb": usage.ru_maxrss / 1024, "rc": rc,
            "sha256": hashlib.sha256(out.read_bytes()).hexdigest()}


def reference(overlay: Path, out: Path, cache: dict, key: str, fresh: bool, cache_file: Path = CACHE,
              timeout: float | None = None) -> dict:
    """The reference's result for one tree; after `timeout` seconds it is stopped and the row
    records only that it took longer (`timed_out`, `seconds` = the bound)."""
    if not fresh and key in cache and "cpu" in cache[key] and (
            not cache[key].get("timed_out") or (timeout or 0) <= cache[key]["seconds"]):
        return dict(cache[key], cached=True)
    ref = run_bounded([*REFERENCE, *matrix_trees.helm_args(overlay), str(overlay)], out, timeout)
    if timeout and ref["rc"] < 0:
        ref = {"seconds": timeout, "cpu": ref["cpu"], "peak_mb": ref["peak_mb"], "rc": ref["rc"], "sha256": None,
               "timed_out": True}
    cache[key] = {k: ref[k] for k in ("seconds", "cpu", "peak_mb", "rc", "sha256", "timed_out") if k in ref}
    cache_file.write_text(json.dumps(cache, indent=1, sort_keys=True) + "\n")  # after each: runs are slow
    return ref


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ints = lambda s: [int(x) for x in s.split(",")]  # noqa: E731
    ap.add_argument("--sizes", type=ints, default=[300, 1000, 3000], help="N for kpy (default 300,1000,3000)")
    ap.add_argument("--ref-sizes", type=ints, default=[300, 1000], help="N for the reference (default 300,1000)")
    ap.add_argument("--rows", type=lambda s: s.split(","), default=[slug(r) for r in matrix_trees.ROWS],
                    help="rows by slug, comma-separated (e.g. images,patches-smp--name-target)")
    ap.add_argument("--no-reference", dest="reference", action="store_false")
    ap.add_argument("--no-kpy", dest="kpy_runs", action="store_false", help="only fill the reference cache")
    ap.add_argument("--cached-only", action="store_true", help="take reference results from the cache only, "
                                                              "never run the reference")
    ap.add_argument("--fresh", action="store_true", help="ignore cached reference results")
    ap.add_argument("--ref-timeout", type=float, help="stop a reference run after this many seconds "
                                                       "(recorded as a lower bound)")
    ap.add_argument("--repeat", type=int, default=3, help="kpy runs per cell below N=3000, best taken")
    ap.add_argument("--workdir", help="keep generated trees and outputs here")
    ap.add_argument("--cache", type=Path, default=CACHE, help=f"reference cache file (default {CACHE})")
    ap.add_argument("--kpy", help="the kpy command to time (default: the kpy beside this Python)")
    ap.add_argument("--table", action="store_true", help="no runs: print the table of results/matrix.json, "
                                                         "its reference cells filled from the cache")
    args = ap.parse_args(argv)
    if args.table:
        return print_saved_table(args.cache)
    if args.kpy:
        import run

        run.KPY[:] = args.kpy.split()
    slugs = {slug(r): r for r in matrix_trees.ROWS}
    unknown = [r for r in args.rows if r not in slugs]
    if unknown:
        ap.error(f"unknown rows {unknown}; known: {list(slugs)}")
    args.rows = [slugs[r] for r in args.rows]
    have_ref = args.reference and shutil.which(REFERENCE[0])
    cache = json.loads(args.cache.read_text()) if args.cache.exists() else {}
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="kpy-matrix-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"# {platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load {os.getloadavg()[0]:.1f}, work dir {work}", flush=True)
    rows = []
    try:
        for row in args.rows:
            out: dict = {"row": row, "kpy": {}, "reference": {}, "identical": {}, "trees": {}}
            for n in sorted(set(args.sizes) | (set(args.ref_sizes) if have_ref else set())):
                overlay = tree(work, row, n)
                kpy_out, ref_out = work / f"{slug(row)}-{n}.kpy.yaml", work / f"{slug(row)}-{n}.ref.yaml"
                if args.kpy_runs and n in args.sizes:
                    cell = best_of([*kpy_command(), "build", *matrix_trees.helm_args(overlay), str(overlay)], kpy_out,
                                   1 if n >= 3000 else args.repeat)
                    out["kpy"][n] = {k: cell[k] for k in ("seconds", "cpu", "peak_mb", "rc", "sha256")}
                out["trees"][n] = tree_digest(overlay.parent)
                key = f"{row}@{n}@{out['trees'][n]}"
                if have_ref and n in args.ref_sizes and (key in cache or not args.cached_only):
                    ref = reference(overlay, ref_out, cache, key, args.fresh, args.cache, args.ref_timeout)
                    out["reference"][n] = {k: ref[k] for k in ("seconds", "cpu", "peak_mb", "rc", "sha256", "timed_out")
                                           if k in ref}
                    if n in out["kpy"] and not ref.get("timed_out"):
                        out["identical"][n] = ref["rc"] == 0 and ref["sha256"] == out["kpy"][n]["sha256"]
                shutil.rmtree(overlay.parent, ignore_errors=True)
            rows.append(out)
            print(line(out), flush=True)
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    if args.kpy_runs and args.rows == list(matrix_trees.ROWS):
        (RESULTS / "matrix.json").write_text(json.dumps(
            {"machine": {"node": platform.node(), "cpus": os.cpu_count(), "python": platform.python_version()},
             "rows": rows}, indent=1) + "\n")
    print(table(rows))
    return 0 if all(c["rc"] == 0 for r in rows for c in r["kpy"].values()) else 1


def print_saved_table(cache_file: Path) -> int:
    """The table of the last full kpy run, with whatever the reference cache now holds."""
    saved = json.loads((RESULTS / "matrix.json").read_text())
    cache = json.loads(cache_file.read_text()) if cache_file.exists() else {}
    for out in saved["rows"]:
        out["kpy"] = {int(n): cell for n, cell in out["kpy"].items()}
        out["reference"], out["identical"] = {}, {}
        for n, digest in out.get("trees", {}).items():
            ref = cache.get(f"{out['row']}@{n}@{digest}")
            if ref is not None:
                n = int(n)
                out["reference"][n] = ref
                if n in out["kpy"] and not ref.get("timed_out"):
                    out["identical"][n] = ref["rc"] == 0 and ref["sha256"] == out["kpy"][n]["sha256"]
    (RESULTS / "matrix.json").write_text(json.dumps(saved, indent=1) + "\n")
    print(table(saved["rows"]))
    return 0


def growth(out: dict, what: str = "seconds") -> float | None:
    """kpy's time at the largest N over its time at the smallest (wall, or `cpu`)."""
    kpy = out["kpy"]
    if len(kpy) < 2 or any(what not in cell for cell in kpy.values()):
        return None
    return kpy[max(kpy)][what] / kpy[min(kpy)][what]


def line(out: dict) -> str:
    parts = [f"{out['row']:<34}"]
    for n, cell in sorted(out["kpy"].items()):
        parts.append(f"kpy N={n} {cell['seconds']:.3f}s {cell['peak_mb']:.0f}MB" + (" FAILED" if cell["rc"] else ""))
    for n, cell in sorted(out["reference"].items()):
        same = out["identical"].get(n)
        parts.append(f"ref N={n} {'>' if cell.get('timed_out') else ''}{cell['seconds']:.2f}s cpu {cell.get('cpu', 0):.2f}s"
                     + ("" if same is None else " same" if same else " DIFFERENT"))
    g = growth(out)
    if g is not None:
        parts.append(f"growth x{g:.1f}")
    return " | ".join(parts)


def table(rows: list[dict]) -> str:
    """The markdown table of docs/performance.md, in CPU seconds (user + system of the whole
    process, which a loaded machine inflates far less than wall time; wall times are in
    results/matrix.json). A reference time with "> " is a lower bound: that run was stopped."""
    head = ("| feature | kpy N=300 | kpy N=1000 | kpy N=3000 | growth (CPU) | peak RSS N=3000 "
            "| ref N=300 | ref N=1000 | ratio N=300 | ratio N=1000 | same bytes |")
    lines = [head, "| --- |" + " ---: |" * 9 + " --- |"]
    for out in rows:
        kpy, ref = out["kpy"], out["reference"]

        def t(cells: dict, n: int, what: str = "seconds") -> str:
            if n not in cells or what not in cells[n]:
                return "-"
            return f"{'> ' if cells[n].get('timed_out') else ''}{cells[n][what]:.{3 if cells is kpy else 1}f} s"

        g = growth(out, "cpu")

        def ratio(n: int) -> str:
            if n not in ref or n not in kpy or "cpu" not in ref[n]:
                return "-"
            return f"{'> ' if ref[n].get('timed_out') else ''}{ref[n]['cpu'] / kpy[n]['cpu']:.0f}x"
        peak = f"{kpy[3000]['peak_mb']:.0f} MB" if 3000 in kpy else "-"
        same = out["identical"]
        same_text = "yes" if same and all(same.values()) else "NO" if same else "-"
        growth_text = "-" if g is None else f"{g:.1f}x"
        lines.append(f"| {out['row']} | {t(kpy, 300, 'cpu')} | {t(kpy, 1000, 'cpu')} | {t(kpy, 3000, 'cpu')} | "
                     f"{growth_text} | "
                     f"{peak} | {t(ref, 300, 'cpu')} | {t(ref, 1000, 'cpu')} | {ratio(300)} | {ratio(1000)} "
                     f"| {same_text} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
