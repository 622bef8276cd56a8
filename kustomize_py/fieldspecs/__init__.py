"""Built-in field specs (where transformers read and write), kept as data and loaded once."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

from kustomize_py.fieldspecs.spec import FieldSpec, merge_specs, parse_specs

__all__ = ["FieldSpec", "defaults", "load_data", "merge_specs", "parse_specs"]


@lru_cache(maxsize=None)
def load_data(name: str) -> Any:
    # Our own bundled data holds only plain strings, lists, maps and booleans, which libyaml's safe
    # loader reads the same as the Kustomize-rules loader (a test checks this) - at a fraction of
    # the start-up cost of every `kpy build`.
    import yaml as _pyyaml

    # A plain open beside this module: importlib.resources (and the tempfile it pulls) costs a few
    # milliseconds at every start, and the package is always installed as files.
    with open(os.path.join(os.path.dirname(__file__), name), encoding="utf-8") as f:
        text = f.read()
    return _pyyaml.load(text, Loader=getattr(_pyyaml, "CSafeLoader", _pyyaml.SafeLoader))


def defaults() -> dict[str, Any]:
    """The default transformer configuration: section name -> list of FieldSpec (nameReference raw)."""
    return load_data("defaults.yaml")
