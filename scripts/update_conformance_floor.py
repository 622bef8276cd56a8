"""Re-measure the conformance corpus in-process and rewrite the floor and the known-failure list.

Run after fixing cases: `python scripts/update_conformance_floor.py`. Reasons already written in
known_failures.json are kept; new entries get the failure detail, to be edited by hand.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conformance.runner import cases, corpus_dir, error_resembles, run_case

HERE = ROOT / "tests" / "conformance"


def main() -> int:
    corpus = corpus_dir()
    if corpus is None:
        print("conformance corpus not found", file=sys.stderr)
        return 1
    known_path = HERE / "known_failures.json"
    old = json.loads(known_path.read_text()) if known_path.exists() else {}
    counts = {"exact": 0, "semantic": 0, "fail": 0, "error-ok": 0}
    known = {}
    wording = 0
    for case in cases(corpus):
        status, detail = run_case(case)
        counts[status] += 1
        wording += status == "error-ok" and error_resembles(case, detail)
        if status not in ("exact", "error-ok"):
            known[case["_name"]] = old.get(case["_name"]) or f"{status}: {detail}"[:300]
    (HERE / "floor.json").write_text(json.dumps({"exact": counts["exact"], "error_ok": counts["error-ok"],
                                                 "error_wording": wording}, indent=2) + "\n")
    known_path.write_text(json.dumps(dict(sorted(known.items())), indent=2) + "\n")
    print(counts, {"error_wording": wording})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
