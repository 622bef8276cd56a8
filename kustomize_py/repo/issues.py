"""What `kpy check` reports: an Issue (check, message, overlay, file, severity), shared by the
checks in check.py and removals.py."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

ERROR, WARNING = "error", "warning"


@dataclass
class Issue:
    """One problem: which check found it, in which overlay and file, and what to do."""

    check: str  # build | plaintext-secret | sealed-scope | sealed-unused | app-missing | app-path |
    # app-removed | target-removed | risky-deletion | config | schema
    message: str
    overlay: str | None = None
    file: str | None = None
    severity: str = ERROR

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
