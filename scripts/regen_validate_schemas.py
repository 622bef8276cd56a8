"""Regenerate kustomize_py/validate/schemas/*.json.gz from the PyPI package `kubernetes-validate`.

Source: kubernetes-validate (Apache-2.0, https://github.com/willthames/kubernetes-validate), which
ships the JSON schemas Kubernetes publishes (api/openapi-spec) converted to JSON Schema 2020-12.
Development-time only; the package is not a runtime dependency:

    pip download --no-deps kubernetes-validate==1.37.0 -d /tmp/kv && unzip -q /tmp/kv/*.whl -d /tmp/kv
    python scripts/regen_validate_schemas.py /tmp/kv/kubernetes_validate/kubernetes-json-schema

Each bundle keeps only what validation reads (types, properties, required, items, enums,
additionalProperties, refs) and the group/version/kind index; descriptions, formats and the
patch/list metadata are dropped. Strictness (no unknown fields) is added when a validator is
compiled (kustomize_py/validate/strict.py), so one bundle serves strict and --no-strict.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

# the minor versions shipped; the newest is the default of `kpy validate --kubernetes-version`
VERSIONS = tuple(f"1.{minor}" for minor in range(25, 38))
KEEP = {"type", "properties", "required", "items", "enum", "additionalProperties", "$ref", "oneOf",
        "anyOf", "allOf", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource",
        "pattern", "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems"}
OUT = Path(__file__).resolve().parent.parent / "kustomize_py" / "validate" / "schemas"
PREFIX = "#/$defs/"


def compact(schema: object) -> object:
    if isinstance(schema, list):
        return [compact(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, object] = {}
    for key, value in schema.items():
        if key not in KEEP:
            continue
        if key == "properties":
            out[key] = {name: compact(sub) for name, sub in value.items()}
        elif key == "$ref":
            if not value.startswith(PREFIX):
                raise SystemExit(f"unexpected $ref {value!r}")
            out[key] = value[len(PREFIX):]  # the definition's name; the loader resolves it
        else:
            out[key] = compact(value)
    return out


def bundle(definitions: dict) -> dict:
    defs = definitions["$defs"]
    kinds: dict[str, str] = {}
    for name, schema in defs.items():
        for gvk in schema.get("x-kubernetes-group-version-kind", ()):
            group = gvk["group"]
            api_version = f"{group}/{gvk['version']}" if group else gvk["version"]
            # the definition that carries `kind` in its properties is the object itself
            if "kind" in schema.get("properties", {}):
                kinds.setdefault(f"{api_version}/{gvk['kind']}", name)
    return {"kinds": dict(sorted(kinds.items())),
            "defs": {name: compact(schema) for name, schema in sorted(defs.items())}}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    source = Path(argv[0])
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("v*.json.gz"):
        old.unlink()
    for version in VERSIONS:
        definitions = json.loads((source / f"v{version}.0-local" / "_definitions.json").read_text())
        data = json.dumps(bundle(definitions), separators=(",", ":"), sort_keys=True).encode()
        # mtime=0: the same input gives the same bytes
        (OUT / f"v{version}.json.gz").write_bytes(gzip.compress(data, 9, mtime=0))
        print(f"v{version}: {len(data)} bytes, {(OUT / f'v{version}.json.gz').stat().st_size} gzipped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
