"""The conformance corpus, in-process: exact matches never drop below the recorded floor, and
every case outside the known-failure list passes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conformance.runner import cases, corpus_dir, error_resembles, run_case

HERE = Path(__file__).resolve().parent
FLOOR = json.loads((HERE / "floor.json").read_text())
KNOWN = json.loads((HERE / "known_failures.json").read_text())

CORPUS = corpus_dir()
pytestmark = pytest.mark.skipif(CORPUS is None, reason="../shared/conformance is not present")


def _all_cases():
    return cases(CORPUS) if CORPUS else []


@pytest.fixture(scope="module")
def results(corpus_builds):
    return {name: run_case(case, built) for name, (case, built) in corpus_builds.items()}


def test_exact_matches_never_drop_below_floor(results):
    exact = sum(1 for s, _ in results.values() if s == "exact")
    errors_ok = sum(1 for s, _ in results.values() if s == "error-ok")
    assert exact >= FLOOR["exact"], f"exact matches dropped to {exact} (floor {FLOOR['exact']})"
    assert errors_ok >= FLOOR["error_ok"], f"error cases dropped to {errors_ok} (floor {FLOOR['error_ok']})"


def test_every_case_not_listed_as_known_failure_passes(results):
    bad = {name: detail for name, (status, detail) in results.items()
           if status not in ("exact", "error-ok") and name not in KNOWN}
    assert not bad, "new conformance failures:\n" + "\n".join(f"{k}: {v}" for k, v in sorted(bad.items()))


def test_known_failures_list_is_current(results):
    fixed = [name for name in KNOWN if name in results and results[name][0] in ("exact", "error-ok")]
    assert not fixed, "now passing, remove from known_failures.json (and raise the floor): " + ", ".join(fixed)


def test_error_messages_resemble_the_reference(results):
    by_name = {c["_name"]: c for c in _all_cases()}
    unlike = sorted(name for name, (status, detail) in results.items()
                    if status == "error-ok" and not error_resembles(by_name[name], detail))
    resembling = sum(1 for s, _ in results.values() if s == "error-ok") - len(unlike)
    assert resembling >= FLOOR["error_wording"], (
        f"{resembling} error messages word the cause like the reference (floor {FLOOR['error_wording']}); "
        f"unlike: {', '.join(unlike)}")
