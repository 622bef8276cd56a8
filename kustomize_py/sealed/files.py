"""Atomic file writes for sealed output (the project's one atomic writer, re-exported here)."""

from __future__ import annotations

from kustomize_py.output import atomic_write as write_atomic

__all__ = ["write_atomic"]
