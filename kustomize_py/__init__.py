"""kustomize_py: a pure-Python, Kustomize-compatible renderer.

The public API is what this module exports; everything else is internal.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

from kustomize_py.errors import KpyError

__version__ = "0.1.0"
__all__ = ["KpyError", "build", "BuildResult", "BuildOptions", "validate", "__version__"]

if TYPE_CHECKING:
    from kustomize_py.pipeline import BuildOptions, BuildResult, build


def __getattr__(name: str) -> Any:
    if name in ("build", "BuildResult", "BuildOptions"):
        from kustomize_py import pipeline as _build_module

        return getattr(_build_module, name)
    if name == "validate":  # the package kustomize_py.validate is callable: validate(objects, ...)
        import kustomize_py.validate

        return kustomize_py.validate
    raise AttributeError(name)
