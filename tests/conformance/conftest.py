"""Each corpus case is built once per test session; the corpus tests and the library-contract
tests score the same builds."""

from __future__ import annotations

import pytest

from tests.conformance.runner import Built, build_case, cases, corpus_dir


@pytest.fixture(scope="session")
def corpus_builds() -> dict[str, tuple[dict, Built]]:
    corpus = corpus_dir()
    return {c["_name"]: (c, build_case(c)) for c in (cases(corpus) if corpus else [])}
