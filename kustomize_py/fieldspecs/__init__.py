"""Built-in field specs (where transformers read and write), kept as data and loaded once."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

from kustomize_py.fieldspecs.spec import FieldSpec, merge_specs, parse_specs

__all__ = ["FieldSpec", "defaults", "load_data", "merge_specs", "parse_specs"]


@lru_cache(maxsize=None)
def load_data(name: str) -> Any:
    # The render path's own loader (already imported by every build): it reads this plain data
    # (strings, lists, maps, booleans) faster than PyYAML's CSafeLoader, whose objects are built in
    # Python. A plain open beside this module: importlib.resources (and the tempfile it pulls)
    # costs a few milliseconds at every start, and the package is always installed as files.
    from kustomize_py.yaml import load

    path = os.path.join(os.path.dirname(__file__), name)
    with open(path, encoding="utf-8") as f:
        return load(f.read(), path)


def defaults() -> dict[str, Any]:
    """The default transformer configuration: section name -> list of FieldSpec (nameReference raw)."""
    return load_data("defaults.yaml")
