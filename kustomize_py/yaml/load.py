"""Parse YAML/JSON text into plain Python data the way Kustomize reads it (first version)."""

from __future__ import annotations

from typing import Any

import yaml as _pyyaml

from kustomize_py.errors import YamlError

_Loader = getattr(_pyyaml, "CSafeLoader", _pyyaml.SafeLoader)


def load_all(text: str | bytes, source: str = "<input>") -> list[Any]:
    """All non-empty documents of `text`; `source` names the file in errors."""
    try:
        return [d for d in _pyyaml.load_all(text, Loader=_Loader) if d is not None]
    except _pyyaml.YAMLError as err:
        raise YamlError(str(err), path=source) from None


def load(text: str | bytes, source: str = "<input>") -> Any:
    """The single document of `text` (None when empty)."""
    docs = load_all(text, source)
    if len(docs) > 1:
        raise YamlError("expected a single YAML document", path=source)
    return docs[0] if docs else None
