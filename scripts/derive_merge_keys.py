#!/usr/bin/env python3
"""Derive kustomize_py/merge/k8s_merge_schema.json from the Kubernetes OpenAPI definitions.

Development-time only. Kustomize v5.6.0 (kyaml) embeds the Kubernetes v1.21.2 schema; the PyPI
package `kubernetes-validate==1.21.0` ships the v1.21.0 definitions, whose patch extensions are the
same. Usage (never a runtime dependency):

    python3 -m venv /tmp/kv && /tmp/kv/bin/pip install kubernetes-validate==1.21.0
    /tmp/kv/bin/python scripts/derive_merge_keys.py            # finds the package itself
    python3 scripts/derive_merge_keys.py --definitions PATH/_definitions.json

The output keeps only what a strategic merge needs: for each definition, the fields that lead to a
list carrying `x-kubernetes-patch-strategy` (and its merge keys), plus the GVK -> definition index.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

K8S_VERSION = "v1.21.0"
OUT = Path(__file__).resolve().parent.parent / "kustomize_py" / "merge" / "k8s_merge_schema.json"
REF_PREFIX = "#/definitions/"


def find_definitions() -> Path:
    """The `_definitions.json` of K8S_VERSION inside an installed kubernetes-validate."""
    import kubernetes_validate  # type: ignore[import-not-found]

    base = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
    path = base / f"{K8S_VERSION}-local" / "_definitions.json"
    if not path.exists():
        sys.exit(f"{path} not found: install kubernetes-validate==1.21.0")
    return path


def compact_field(spec: dict[str, Any]) -> Any:
    """A field's schema in the compact form read by kustomize_py.merge.schema (None: nothing to keep)."""
    if "$ref" in spec:
        return spec["$ref"][len(REF_PREFIX):]
    out: dict[str, Any] = {}
    for src, dst in (
        ("x-kubernetes-patch-strategy", "ps"),
        ("x-kubernetes-patch-merge-key", "mk"),
        ("x-kubernetes-list-map-keys", "lmk"),
    ):
        if src in spec:
            out[dst] = spec[src]
    if spec.get("type") == "array" and isinstance(spec.get("items"), dict):
        item = compact_field(spec["items"])
        if item is not None:
            out["a"] = item
        elif out:
            out["a"] = {}
    if isinstance(spec.get("additionalProperties"), dict):
        item = compact_field(spec["additionalProperties"])
        if item is not None:
            out["ap"] = item
    if isinstance(spec.get("properties"), dict):
        props = {k: v for k, v in ((k, compact_field(v)) for k, v in spec["properties"].items()) if v is not None}
        if props:
            out["p"] = props
    return out or None


def derive(defs: dict[str, Any]) -> dict[str, Any]:
    raw = {name: {k: compact_field(v) for k, v in (d.get("properties") or {}).items()} for name, d in defs.items()}
    raw = {name: {k: v for k, v in props.items() if v is not None} for name, props in raw.items()}

    # Keep a definition only when some path below it reaches a list with a patch strategy.
    def refs_of(spec: Any) -> list[str]:
        if isinstance(spec, str):
            return [spec]
        out: list[str] = []
        for key in ("a", "ap"):
            if key in spec:
                out += refs_of(spec[key])
        for sub in spec.get("p", {}).values():
            out += refs_of(sub)
        return out

    def has_strategy(spec: Any) -> bool:
        if isinstance(spec, str):
            return False
        return "ps" in spec or any(has_strategy(s) for s in [spec.get("a"), spec.get("ap"), *spec.get("p", {}).values()] if s)

    keep = {n for n, props in raw.items() if any(has_strategy(s) for s in props.values())}
    changed = True
    while changed:
        changed = False
        for name, props in raw.items():
            if name not in keep and any(r in keep for s in props.values() for r in refs_of(s)):
                keep.add(name)
                changed = True

    def prune(spec: Any) -> Any:
        if isinstance(spec, str):
            return spec if spec in keep else None
        out = {k: v for k, v in spec.items() if k in ("ps", "mk", "lmk")}
        for key in ("a", "ap"):
            if key in spec and (sub := prune(spec[key])) is not None:
                out[key] = sub
        props = {k: p for k, p in ((k, prune(v)) for k, v in spec.get("p", {}).items()) if p is not None}
        if props:
            out["p"] = props
        if "a" not in out and "ps" in out:
            out["a"] = {}  # still an array: kyaml needs the array type to see the strategy
        return out or None

    tables = {}
    for name in sorted(keep):
        props = {k: p for k, p in ((k, prune(v)) for k, v in sorted(raw[name].items())) if p is not None}
        tables[name] = props

    gvks: dict[str, str] = {}
    for name, d in sorted(defs.items()):
        for g in d.get("x-kubernetes-group-version-kind") or []:
            api = f"{g['group']}/{g['version']}" if g.get("group") else g["version"]
            gvks[f"{api} {g['kind']}"] = name if name in keep else ""
    return {"kubernetes": K8S_VERSION, "gvk": gvks, "definitions": tables}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--definitions", type=Path, help="path to _definitions.json (default: installed package)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    path = args.definitions or find_definitions()
    defs = json.loads(path.read_text())["definitions"]
    table = derive(defs)
    args.out.write_text(json.dumps(table, sort_keys=True, separators=(",", ":")) + "\n")
    print(f"{args.out}: {len(table['definitions'])} definitions, {len(table['gvk'])} kinds")


if __name__ == "__main__":
    main()
