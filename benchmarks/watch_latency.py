"""Save-to-output latency of `kpy build --watch -o FILE`, beside the cold build time.

For each case a watch runs in a subprocess; the script edits one file (a base resource), waits
until the output file holds the edit and records the time from the write to that moment. The cold
build is a fresh `kpy build` process of the same overlay (process start included).

    python benchmarks/watch_latency.py [--docs 3000] [--edits 10] [--poll]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import big_overlay  # noqa: E402

REPO = HERE.parent


def _kpy(*args: str, **kw: object) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, "-m", "kustomize_py", *args], env=env, **kw)  # type: ignore[call-overload]


def cold(overlay: Path, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        _kpy("build", str(overlay), stdout=subprocess.DEVNULL).wait()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def latencies(overlay: Path, edited: Path, old: str, new: str, out: Path, edits: int,
              poll: bool) -> tuple[list[float], list[float]]:
    """Each edit replaces `old` in `edited` with `new` formatted with the edit's number. Returns
    the save-to-output times and the rebuild times the watch reports (`built ... in N ms`)."""
    flags = ["--watch-poll"] if poll else []
    proc = _kpy("build", str(overlay), "--watch", *flags, "-o", str(out),
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert proc.stderr is not None
        for line in proc.stderr:  # wait for the first build
            if b"watching" in line:
                break
        os.set_blocking(proc.stderr.fileno(), False)
        result, rebuilds = [], []
        pending = b""
        original = edited.read_text()
        for i in range(edits):
            wanted = new.format(10 + i)
            edited.write_text(original.replace(old, wanted, 1))
            start = time.perf_counter()
            while wanted not in out.read_text():
                time.sleep(0.002)
            result.append(time.perf_counter() - start)
            time.sleep(0.3)
            pending += proc.stderr.read() or b""
            *lines, pending = pending.split(b"\n")
            rebuilds += [float(m.group(1)) / 1000 for line in lines
                         if (m := re.search(rb"^built \d+ objects in (\d+) ms", line))]
        return result, rebuilds
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=3000, help="documents in the big overlay (2 per app)")
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--poll", action="store_true", help="time the polling watcher, not watchfiles")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cases = [("example overlay (grafana/overlays/staging)", None), (f"{args.docs}-document overlay", args.docs)]
        for title, docs in cases:
            if docs is None:
                import shutil

                shutil.copytree(REPO / "examples/assets", root / "assets")
                overlay = root / "assets/grafana/overlays/staging"
                edited = root / "assets/grafana/base/deployment.yaml"
                old, new = "revisionHistoryLimit: 5", "revisionHistoryLimit: {}"
            else:
                overlay = big_overlay(root / "big", docs // 2)
                edited = root / "big/base/app-00000.yaml"
                old, new = "MODE: production", "MODE: edit-{}"
            out = root / "out.yaml"
            lat, rebuilds = latencies(overlay, edited, old, new, out, args.edits, args.poll)
            rebuilt = f"; the rebuild itself median {statistics.median(rebuilds) * 1000:.0f} ms" if rebuilds else ""
            print(f"{title}: cold build {cold(overlay) * 1000:.0f} ms; save-to-output median "
                  f"{statistics.median(lat) * 1000:.0f} ms (min {min(lat) * 1000:.0f}, "
                  f"max {max(lat) * 1000:.0f}, {len(lat)} edits){rebuilt}")


if __name__ == "__main__":
    main()
