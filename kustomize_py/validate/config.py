"""The `validate:` section of `.kpy.yaml`: defaults for `kpy validate` and `kpy check`."""

from __future__ import annotations

from typing import Any

from kustomize_py.errors import KpyError

# key -> (expected type, meaning)
FIELDS: dict[str, tuple[type, str]] = {
    "enabled": (bool, "kpy check validates every overlay it builds (default: true)"),
    "kubernetesVersion": (str, "the Kubernetes minor version to validate against"),
    "strict": (bool, "unknown fields are errors (default: true)"),
    "ignoreMissingSchemas": (bool, "kinds with no schema are skipped instead of reported"),
    "skipKinds": (list, "kinds (`Widget`) or apiVersion/kind (`example.com/v1/Widget`) left unchecked"),
    "crds": (list, "files or directories holding CRDs, relative to the repository root"),
}


def settings(config: dict[str, Any], source: str) -> dict[str, Any]:
    """The checked `validate:` settings of a parsed `.kpy.yaml` (empty when it has none)."""
    section = config.get("validate")
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise KpyError("expected a mapping", path=source, field="validate")
    for key, value in section.items():
        if key not in FIELDS:
            raise KpyError(f"unknown setting (known: {', '.join(FIELDS)})", path=source, field=f"validate.{key}")
        kind = FIELDS[key][0]
        if kind is str and isinstance(value, (int, float)) and not isinstance(value, bool):
            # kubernetesVersion: 1.30 reads as a number; the loader keeps how it was written
            value = getattr(value, "yaml_text", None) or str(value)
            section = {**section, key: value}
        if not isinstance(value, kind) or (isinstance(value, list) and not all(isinstance(v, str) for v in value)):
            wanted = "a list of strings" if kind is list else {bool: "true or false", str: "a string"}[kind]
            raise KpyError(f"expected {wanted}", path=source, field=f"validate.{key}")
    return section
