"""Compiled validators, one per (Kubernetes version, strictness, apiVersion/kind), built on first
use and reused across documents and overlays; custom resources get theirs from CRDs."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from kustomize_py.validate import bundle, rules


@cache
def validator_class() -> Any:
    """Draft 2020-12 with the quantity keyword, and `properties`, `additionalProperties` and
    `items` that check a child whose schema is only a `type` in place: most leaves of a manifest
    are, and descending into each (a new validator object per value) is most of jsonschema's time."""
    from jsonschema import Draft202012Validator, ValidationError
    from jsonschema.validators import extend

    def child(validator: Any, value: Any, sub: Any, path: Any) -> Any:
        if type(sub) is dict and len(sub) == 1 and "type" in sub:
            types = sub["type"]
            for t in types if type(types) is list else (types,):
                if validator.is_type(value, t):
                    return
            yield ValidationError(f"{value!r} is not of type {types!r}", validator="type", validator_value=types,
                                  instance=value, schema=sub, path=[path], schema_path=["type"])
        else:
            yield from validator.descend(value, sub, path=path)

    def properties(validator: Any, props: Any, instance: Any, schema: Any) -> Any:
        if type(instance) is dict or validator.is_type(instance, "object"):
            for name, value in instance.items():
                if name in props:
                    yield from child(validator, value, props[name], name)

    def additional(validator: Any, extra: Any, instance: Any, schema: Any) -> Any:
        if extra is False or not (type(instance) is dict or validator.is_type(instance, "object")):
            yield from _STANDARD["additionalProperties"](validator, extra, instance, schema)
            return
        known = schema.get("properties", {})
        patterns = schema.get("patternProperties")
        for name, value in instance.items():
            if name not in known and not (patterns and any(re.search(p, name) for p in patterns)):
                yield from child(validator, value, extra, name)

    def items(validator: Any, each: Any, instance: Any, schema: Any) -> Any:
        if type(instance) is not list or "prefixItems" in schema or each is False:
            yield from _STANDARD["items"](validator, each, instance, schema)
            return
        for index, value in enumerate(instance):
            yield from child(validator, value, each, index)

    def quantity(validator: Any, enabled: Any, instance: Any, schema: Any) -> Any:
        if enabled and not rules.is_quantity(instance):
            yield ValidationError(rules.QUANTITY_MESSAGE)

    _STANDARD.update(Draft202012Validator.VALIDATORS)
    return extend(Draft202012Validator, {"properties": properties, "additionalProperties": additional,
                                         "items": items, rules.QUANTITY_KEYWORD: quantity})


_STANDARD: dict[str, Any] = {}


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
