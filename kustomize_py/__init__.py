"""kustomize_py: a pure-Python, Kustomize-compatible renderer.

The public API is what this module exports; everything else is internal.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

from kustomize_py.errors import KpyError

__version__ = "0.1.0"
__all__ = ["KpyError", "build", "build_all", "BuildResult", "BuildOptions", "ParseCache", "Symlink", "validate",
           "__version__"]

if TYPE_CHECKING:
    from kustomize_py.cache import ParseCache
    from kustomize_py.filesys import Symlink
    from kustomize_py.multi import build_all
    from kustomize_py.options import BuildOptions
    from kustomize_py.pipeline import BuildResult, build

_LAZY = {"build": "pipeline", "BuildResult": "pipeline", "BuildOptions": "options", "build_all": "multi",
         "ParseCache": "cache", "Symlink": "filesys"}


def __getattr__(name: str) -> Any:
    if name == "validate":  # the package kustomize_py.validate is callable: validate(objects, ...)
        import kustomize_py.validate

        return kustomize_py.validate
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(f"kustomize_py.{module}"), name)
