"""Work counters: how many resources the build's lookups examined, for tests that check growth
without timing anything. Off by default; a call site costs one test of a module global.

    with work.counting() as counts:
        build(...)
    counts["examined"]   # resources looked at by lookups (candidates of selectors, id lookups)
    counts["indexed"]    # resources (re)indexed by the resource list
"""

from __future__ import annotations

counts: dict[str, int] | None = None


def add(what: str, n: int = 1) -> None:
    """Count `n` units of `what`; call only when `counts is not None` (the cheap test is the caller's)."""
    assert counts is not None
    counts[what] = counts.get(what, 0) + n


class counting:
    """Within this block the counters are on; yields the dict they fill."""

    def __enter__(self) -> dict[str, int]:
        global counts
        self.outer = counts
        counts = {}
        return counts

    def __exit__(self, *exc: object) -> None:
        global counts
        counts = self.outer
