"""Built-in field specs (where transformers read and write), kept as data and loaded once."""

from __future__ import annotations

import os
from functools import cache

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

from kustomize_py.fieldspecs.spec import FieldSpec, merge_specs, parse_specs

__all__ = ["FieldSpec", "defaults", "load_data", "merge_specs", "parse_specs"]


@cache
def load_data(name: str) -> Any:
    """A bundled data file. Big ones are written in JSON syntax (valid YAML too) and read with the
    json module, ~30x faster than a YAML loader; anything else goes through the render path's own
    loader (already imported, and faster than PyYAML's CSafeLoader, which builds objects in Python)."""
    # A plain open beside this module: importlib.resources (and the tempfile it pulls) costs a few
    # milliseconds at every start, and the package is always installed as files.
    path = os.path.join(os.path.dirname(__file__), name)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    body = "".join(line for line in text.splitlines(True) if not line.startswith("#"))
    if body.startswith("{"):
        import json

        try:
            return json.loads(body)
        except ValueError:
            pass  # edited into plain YAML: still read correctly, only slower (a test flags it)
    from kustomize_py.yaml import load

    return load(text, path)


def defaults() -> dict[str, Any]:
    """The default transformer configuration: section name -> list of FieldSpec (nameReference raw)."""
    return load_data("defaults.yaml")
