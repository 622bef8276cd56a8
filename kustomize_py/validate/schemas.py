"""Compiled validators, one per (Kubernetes version, strictness, apiVersion/kind), built on first
use and reused across documents and overlays; custom resources get theirs from CRDs."""

from __future__ import annotations

from functools import cache
from typing import Any

from kustomize_py.validate import bundle, rules


@cache
def validator_class() -> Any:
    from jsonschema import Draft202012Validator, ValidationError
    from jsonschema.validators import extend

    def quantity(validator: Any, enabled: Any, instance: Any, schema: Any) -> Any:
        if enabled and not rules.is_quantity(instance):
            yield ValidationError(rules.QUANTITY_MESSAGE)

    return extend(Draft202012Validator, {rules.QUANTITY_KEYWORD: quantity})


@cache
def _definitions(version: str, strict: bool) -> Any:
    return rules.resolve(bundle.load(version)["defs"], strict)


@cache
def builtin(version: str, strict: bool, api_version: str, kind: str) -> Any:
    """The validator of a built-in kind, or None when Kubernetes `version` has no such kind."""
    name = bundle.load(version)["kinds"].get(f"{api_version}/{kind}")
    if name is None:
        return None
    return validator_class()(_definitions(version, strict)(name))


def object_meta(version: str, strict: bool) -> Any:
    return _definitions(version, strict)(rules.OBJECT_META)


def custom(schema: dict[str, Any], version: str, strict: bool) -> Any:
    """The validator of a custom resource from its CRD's openAPIV3Schema."""
    return validator_class()(rules.openapi_v3(schema, strict, object_meta(version, strict)))
