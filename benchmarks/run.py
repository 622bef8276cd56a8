"""Time `kpy` against the reference `kustomize` (kubectl 1.33, Kustomize v5.6.0) on synthetic repos.

    python benchmarks/run.py            # full run (minutes; the N=3000 reference is cached)
    python benchmarks/run.py --quick    # a few seconds: tiny sizes, one repetition

Prints a table (seconds, peak RSS, ratio reference/kpy, identical bytes?) and writes
benchmarks/results/latest.json. Reference timings are cached in benchmarks/results/reference.json,
keyed by case and generator version, because the biggest one takes minutes.
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
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402

REFERENCE = ["/usr/lib/google-cloud-sdk/bin/kubectl.1.33", "kustomize"]
RESULTS = HERE / "results"
# bump when generate.py changes what it writes, so cached reference timings are not reused
GENERATOR_VERSION = hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()[:12]


CASES = ("big", "tiny", "crd", "many")
KPY: list[str] = []  # set by --kpy; default: the kpy beside this Python


def kpy_command() -> list[str]:
    if KPY:
        return KPY
    exe = Path(sys.executable).with_name("kpy")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "kustomize_py"]


def editable_install() -> bool:
    """Whether this Python's kustomize_py is an editable install (its import hook costs ~10-20 ms
    at every start, which the two-document case would measure instead of kpy)."""
    from importlib import metadata

    try:
        text = metadata.distribution("kustomize_py").read_text("direct_url.json") or "{}"
    except metadata.PackageNotFoundError:
        return False
    return bool(json.loads(text).get("dir_info", {}).get("editable"))


def run_timed(cmd: list[str], stdout_path: Path | None = None) -> dict:
    """Run `cmd`, returning wall seconds, the child's peak RSS (MB), exit code and output digest."""
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
    stderr = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if stdout_path:
        out.close()  # type: ignore[union-attr]
    digest = hashlib.sha256(stdout_path.read_bytes()).hexdigest() if stdout_path else None
    # ru_maxrss is KiB on Linux
    return {"seconds": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024,
            "rc": proc.returncode,
            "sha256": digest, "stderr": stderr.decode(errors="replace")[-500:]}


def best_of(cmd: list[str], out: Path, repeat: int) -> dict:
    runs = [run_timed(cmd, out) for _ in range(repeat)]
    best = min(runs, key=lambda r: r["seconds"])
    best["peak_mb"] = max(r["peak_mb"] for r in runs)
    return best


def load_cache() -> dict:
    path = RESULTS / "reference.json"
    return json.loads(path.read_text()) if path.exists() else {}


def save_cache(cache: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "reference.json").write_text(json.dumps(cache, indent=1, sort_keys=True) + "\n")




def bench_overlay(case: str, overlay: Path, work: Path, args: argparse.Namespace, cache: dict,
                  repeat: int) -> dict:
    kpy = best_of([*kpy_command(), "build", str(overlay)], work / f"{case}.kpy.yaml", repeat)
    row = {"case": case, "kpy": kpy}
    if args.reference and shutil.which(REFERENCE[0]):
        use_cache = not args.fresh
        key = f"{case}@{GENERATOR_VERSION}"
        if use_cache and key in cache:
            ref = dict(cache[key], cached=True)
        else:
            ref = best_of([*REFERENCE, str(overlay)], work / f"{case}.ref.yaml", repeat)
            cache[key] = {k: ref[k] for k in ("seconds", "peak_mb", "rc", "sha256")}
        row["reference"] = ref
        row["ratio"] = ref["seconds"] / kpy["seconds"] if kpy["seconds"] else None
        row["identical"] = ref["sha256"] == kpy["sha256"] and kpy["rc"] == 0
    return row


def bench_startup(case: str, overlay: Path, work: Path, args: argparse.Namespace, runs: int) -> dict:
    """A case dominated by process start: kpy and the reference run alternately, `runs` times each,
    in the same minutes (never from the cache), so machine load weighs on both alike. Reports the
    median wall time (and mean and min)."""
    have_ref = args.reference and shutil.which(REFERENCE[0])
    commands = {"kpy": [*kpy_command(), "build", str(overlay)]}
    if have_ref:
        commands["reference"] = [*REFERENCE, str(overlay)]
    samples: dict[str, list[dict]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            samples[name].append(run_timed(cmd, work / f"{case}.{name}.yaml"))
    row: dict = {"case": case}
    for name, results in samples.items():
        times = sorted(r["seconds"] for r in results)
        row[name] = dict(results[-1], seconds=times[len(times) // 2], mean=sum(times) / len(times),
                         min=times[0], runs=len(times), peak_mb=max(r["peak_mb"] for r in results))
    if have_ref:
        row["ratio"] = row["reference"]["seconds"] / row["kpy"]["seconds"]
        row["identical"] = row["reference"]["sha256"] == row["kpy"]["sha256"] and row["kpy"]["rc"] == 0
    return row


def bench_many(root: Path, overlays: list[Path], work: Path, args: argparse.Namespace, cache: dict) -> dict:
    outdir = work / "many-out"
    shutil.rmtree(outdir, ignore_errors=True)
    kpy = run_timed([*kpy_command(), "build", "--all", str(root), "-o", str(outdir)])
    row = {"case": f"many-{len(overlays)}-overlays (one `kpy build --all`)", "kpy": kpy}
    if not (args.reference and shutil.which(REFERENCE[0])):
        return row
    start, peak, identical, missing = time.perf_counter(), 0.0, True, []
    for ov in overlays:
        ref_out = work / "many-ref.yaml"
        res = run_timed([*REFERENCE, str(ov)], ref_out)
        peak = max(peak, res["peak_mb"])
        rel = ov.relative_to(root)
        mine = outdir / (rel.as_posix().replace("/", "__") + ".yaml")
        if not mine.exists():
            missing.append(str(rel))
            identical = False
        elif mine.read_bytes() != ref_out.read_bytes():
            identical = False
    ref = {"seconds": time.perf_counter() - start, "peak_mb": peak, "rc": 0}
    row.update(reference=ref, ratio=ref["seconds"] / kpy["seconds"], identical=identical)
    if missing:
        row["missing"] = missing[:5]
    return row


def print_row(row: dict) -> None:
    kpy, ref = row["kpy"], row.get("reference")
    line = f"{row['case']:<48} kpy {kpy['seconds']:8.3f}s {kpy['peak_mb']:7.1f}MB"
    if "runs" in kpy:
        line = f"{row['case'] + ' (median of ' + str(kpy['runs']) + ')':<48} kpy {kpy['seconds']:8.4f}s {kpy['peak_mb']:6.1f}MB"
    if kpy["rc"]:
        line += f"  (kpy exit {kpy['rc']}: {kpy['stderr'].strip().splitlines()[-1:]})"
    if ref:
        line += (f" | ref {ref['seconds']:{'8.4f' if 'runs' in ref else '8.3f'}}s {ref['peak_mb']:7.1f}MB{' (cached)' if ref.get('cached') else ''}"
                 f" | x{row['ratio']:6.1f} | {'identical' if row['identical'] else 'DIFFERENT'}")
    print(line, flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="tiny sizes, no repetitions (a smoke run)")
    ap.add_argument("--no-reference", dest="reference", action="store_false", help="time kpy only")
    ap.add_argument("--fresh", action="store_true", help="ignore cached reference timings")
    ap.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")],
                    help="N values for the big overlay (default 300,1000,3000; quick: 5,20)")
    ap.add_argument("--workdir", help="keep generated repos here (default: a temporary directory)")
    ap.add_argument("--kpy", help="the kpy command to time (default: the kpy beside this Python), "
                                  "e.g. a non-editable install's bin/kpy")
    ap.add_argument("--only", type=lambda s: set(s.split(",")), default=set(CASES),
                    help="comma-separated cases to run: big,tiny,crd,many (default: all)")
    args = ap.parse_args(argv)
    if args.kpy:
        KPY[:] = args.kpy.split()
    elif editable_install() and "tiny" in args.only:
        print("# warning: kustomize_py is an editable install here; its import hook slows every start. "
              "For the two-document case, time a regular install: --kpy /path/to/venv/bin/kpy", flush=True)
    sizes = args.sizes or ([5, 20] if args.quick else [300, 1000, 3000])
    repeat = 1 if args.quick else 3
    cache = load_cache()
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="kpy-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"# {platform.node()} {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"work dir {work}", flush=True)
    rows = []
    try:
        for n in sizes if "big" in args.only else []:
            overlay = generate.big_overlay(work / f"big-{n}", n)
            rows.append(bench_overlay(f"big-overlay N={n}", overlay, work, args, cache,
                                      1 if n >= 1000 else repeat))
            print_row(rows[-1])
        if "tiny" in args.only:
            tiny = generate.tiny_overlay(work / "tiny")
            rows.append(bench_startup("two-document overlay", tiny, work, args, 3 if args.quick else 40))
            print_row(rows[-1])
        if "crd" in args.only:
            crd = generate.crd_overlay(work / "crd", crds=2 if args.quick else 20, props=20 if args.quick else 400)
            rows.append(bench_overlay(f"large-CRD overlay{' (quick)' if args.quick else ''}", crd, work, args,
                                      cache, repeat))
            print_row(rows[-1])
        if "many" in args.only:
            many_root = work / "many"
            overlays = generate.many_overlays(many_root, workloads=2 if args.quick else 20)
            rows.append(bench_many(many_root, overlays, work, args, cache))
            print_row(rows[-1])
    finally:
        if args.reference and not args.quick:  # a smoke run must not touch the repo
            save_cache(cache)
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    big = {int(r["case"].split("=")[1]): r["kpy"]["seconds"] for r in rows if r["case"].startswith("big-")}
    if len(big) >= 2:
        lo, hi = min(big), max(big)
        print(f"# growth: N {lo} -> {hi} (x{hi / lo:.0f}) took x{big[hi] / big[lo]:.1f} the time")
    if not args.quick and args.only == set(CASES):  # a partial run must not replace the full record
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "latest.json").write_text(json.dumps(
            {"machine": {"node": platform.node(), "cpus": os.cpu_count(), "python": platform.python_version()},
             "rows": rows}, indent=1) + "\n")
    return 0 if all(r["kpy"]["rc"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
