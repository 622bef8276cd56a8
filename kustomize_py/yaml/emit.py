"""Write plain data as YAML in Kustomize's exact output style (first version)."""

from __future__ import annotations

from typing import Any, Iterable

import yaml as _pyyaml

_Dumper = getattr(_pyyaml, "CSafeDumper", _pyyaml.SafeDumper)


def dump(doc: Any) -> str:
    """One document, ending with a newline."""
    return _pyyaml.dump(doc, Dumper=_Dumper, default_flow_style=False, sort_keys=True, width=80, allow_unicode=True)


def dump_all(docs: Iterable[Any]) -> str:
    """Documents joined by `---` lines, as `kustomize build` prints them."""
    return "---\n".join(dump(d) for d in docs)
