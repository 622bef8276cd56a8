"""`crds:` files (OpenAPI definitions of custom types): the field specs their `x-kubernetes-*`
extensions declare, for prefixes, labels, annotations and name references."""

from __future__ import annotations

import json
from typing import Any

from kustomize_py.errors import KpyError, KustomizationError
from kustomize_py.fieldspecs import FieldSpec
from kustomize_py.fieldspecs.config import TransformerConfig
from kustomize_py.loader import Loader

X_ANNOTATION = "x-kubernetes-annotation"
X_LABEL_SELECTOR = "x-kubernetes-label-selector"
X_IDENTITY = "x-kubernetes-identity"
X_VERSION = "x-kubernetes-object-ref-api-version"
X_KIND = "x-kubernetes-object-ref-kind"
X_NAME_KEY = "x-kubernetes-object-ref-name-key"


def config_from_crds(loader: Loader, paths: list[str]) -> TransformerConfig:
    """The field specs of every file in `paths`; an error is worded as the reference words it,
    after `loading CRDs [a b]: ` (the list as Go prints it)."""
    try:
        return _config_from_files(loader, paths)
    except KpyError as err:
        listed = " ".join(str(p) for p in paths)
        raise err.reworded(f"loading CRDs [{listed}]: {err.message}", keep_field=False) from None


def _config_from_files(loader: Loader, paths: list[str]) -> TransformerConfig:
    out = TransformerConfig()
    for path in paths:
        raw = loader.read_bytes(path)
        source = loader.join(path)
        try:
            if raw[:1] == b"{":
                api_map = json.loads(raw)
            else:
                from kustomize_py.yaml import load

                api_map = load(raw, source)
        except KpyError as err:
            raise KustomizationError(f"unable to parse open API definition from '{path}': "
                                     f"error converting YAML to JSON: {err.message}", path=source) from None
        except (ValueError, Exception) as err:
            raise KustomizationError(f"unable to parse open API definition from '{path}': {err}",
                                     path=source) from None
        wrong = _type_error(api_map)
        if wrong:
            raise KustomizationError(f"unable to parse open API definition from '{path}': error unmarshaling "
                                     f"JSON: while decoding JSON: json: cannot unmarshal {wrong}", path=source)
        if api_map is None:
            continue
        out = out.merge(_config_from_api_map(api_map))
    return out


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _type_error(api_map: Any) -> str:
    """encoding/json's first type error decoding `api_map` into the reference's map of names to
    definitions (a map of objects), or ''."""
    if api_map is None:
        return ""
    if not isinstance(api_map, dict):
        return f"{_json_type(api_map)} into Go value of type accumulator.nameToApiMap"
    for value in api_map.values():
        if value is not None and not isinstance(value, dict):
            return f"{_json_type(value)} into Go value of type accumulator.OpenAPIDefinition"
    return ""


def _props(api: Any) -> dict[str, Any]:
    if not isinstance(api, dict):
        return {}
    schema = api.get("Schema") or api.get("schema") or {}
    props = schema.get("properties") if isinstance(schema, dict) else None
    return props if isinstance(props, dict) else {}


def _config_from_api_map(api_map: dict[str, Any]) -> TransformerConfig:
    result = TransformerConfig()
    for name, api in api_map.items():
        props = _props(api)
        if not all(k in props for k in ("kind", "apiVersion", "metadata")):
            continue
        kind = str(name).split(".")[-1]
        tc = TransformerConfig()
        _load(tc, kind, api_map, str(name), [], set())
        result = result.merge(tc)
    return result


def _load(tc: TransformerConfig, kind: str, api_map: dict[str, Any], type_name: str,
          path: list[str], seen: set[str]) -> None:
    api = api_map.get(type_name)
    if api is None or type_name in seen:
        return
    seen = seen | {type_name}
    for prop, spec in _props(api).items():
        if not isinstance(spec, dict):
            continue
        here = [*path, prop]

        def fs(parts: list[str]) -> FieldSpec:
            return FieldSpec("/".join(parts), kind=kind)

        if isinstance(spec.get(X_ANNOTATION), str):
            tc.specs["commonAnnotations"] = [*tc.get("commonAnnotations"), fs(here)]
        if isinstance(spec.get(X_LABEL_SELECTOR), str):
            tc.specs["commonLabels"] = [*tc.get("commonLabels"), fs(here)]
        if isinstance(spec.get(X_IDENTITY), str):
            tc.specs["namePrefix"] = [*tc.get("namePrefix"), fs(here)]
        version, ref_kind = spec.get(X_VERSION), spec.get(X_KIND)
        if isinstance(version, str) and isinstance(ref_kind, str):
            name_key = spec.get(X_NAME_KEY)
            key = name_key if isinstance(name_key, str) else "name"
            tc.name_reference.append({"group": "", "version": version, "kind": ref_kind,
                                      "fieldSpecs": [fs([*here, key])]})
        ref = spec.get("$ref")
        if isinstance(ref, str) and ref:
            _load(tc, kind, api_map, ref, here, seen)
