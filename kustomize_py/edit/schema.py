"""The Kustomization's Go types as data: `kustomize edit` reads a kustomization into typed structs
and writes it back from them, so unknown fields fail, empty optional fields vanish and required
ones appear. `decode` and `encode` reproduce that round trip over plain dicts."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

from kustomize_py.errors import KustomizationError

# A type is "string", "bool", "int64", "any", or a tuple: ("list", T), ("map", T), ("ptr", S)
# (a pointer to struct S), ("struct", S). A struct is a list of (json name, type, omitempty).
_S, _B, _I, _A = "string", "bool", "int64", "any"
_GVK = [("group", _S, True), ("version", _S, True), ("kind", _S, True)]
_RESID = [*_GVK, ("name", _S, True), ("namespace", _S, True)]
_OPTIONS = [("labels", ("map", _S), True), ("annotations", ("map", _S), True),
            ("disableNameSuffixHash", _B, True), ("immutable", _B, True)]
_GENERATOR = [("namespace", _S, True), ("name", _S, True), ("behavior", _S, True),
              ("literals", ("list", _S), True), ("files", ("list", _S), True),
              ("envs", ("list", _S), True), ("env", _S, True),
              ("options", ("ptr", "GeneratorOptions"), True)]

STRUCTS: dict[str, list[tuple[str, Any, bool]]] = {
    "ObjectMeta": [("name", _S, True), ("namespace", _S, True), ("labels", ("map", _S), True),
                   ("annotations", ("map", _S), True)],
    "SortOptions": [("order", _S, True), ("legacySortOptions", ("ptr", "LegacySortOptions"), True)],
    "LegacySortOptions": [("orderFirst", ("list", _S), False), ("orderLast", ("list", _S), False)],
    "Label": [("pairs", ("map", _S), True), ("includeSelectors", _B, True),
              ("includeTemplates", _B, True), ("fields", ("list", ("struct", "FieldSpec")), True)],
    "FieldSpec": [*_GVK, ("path", _S, True), ("create", _B, True)],
    "Selector": [*_RESID, ("annotationSelector", _S, True), ("labelSelector", _S, True)],
    "Patch": [("path", _S, True), ("patch", _S, True), ("target", ("ptr", "Selector"), True),
              ("options", ("map", _B), True)],
    "Image": [("name", _S, True), ("newName", _S, True), ("tagSuffix", _S, True),
              ("newTag", _S, True), ("digest", _S, True)],
    "Replica": [("name", _S, True), ("count", _I, False)],
    "Var": [("name", _S, False), ("objref", ("struct", "Target"), False),
            ("fieldref", ("struct", "FieldSelector"), True)],
    "Target": [("apiVersion", _S, True), *_GVK, ("name", _S, False), ("namespace", _S, True)],
    "FieldSelector": [("fieldPath", _S, True)],
    "ReplacementField": [("source", ("ptr", "SourceSelector"), True),
                         ("targets", ("list", ("ptr", "TargetSelector")), True), ("path", _S, True)],
    "SourceSelector": [*_RESID, ("fieldPath", _S, True), ("options", ("ptr", "FieldOptions"), True)],
    "TargetSelector": [("select", ("ptr", "Selector"), False),
                       ("reject", ("list", ("ptr", "Selector")), True),
                       ("fieldPaths", ("list", _S), True), ("options", ("ptr", "FieldOptions"), True)],
    "FieldOptions": [("delimiter", _S, True), ("index", _I, True), ("encoding", _S, True),
                     ("create", _B, True)],
    "ConfigMapArgs": _GENERATOR,
    "SecretArgs": [*_GENERATOR, ("type", _S, True)],
    "GeneratorOptions": _OPTIONS,
    "HelmGlobals": [("chartHome", _S, True), ("configHome", _S, True)],
    "HelmChart": [("name", _S, True), ("version", _S, True), ("repo", _S, True),
                  ("releaseName", _S, True), ("namespace", _S, True),
                  ("additionalValuesFiles", ("list", _S), True), ("valuesFile", _S, True),
                  ("valuesInline", ("map", _A), True), ("valuesMerge", _S, True),
                  ("includeCRDs", _B, True), ("skipHooks", _B, True), ("apiVersions", ("list", _S), True),
                  ("kubeVersion", _S, True), ("nameTemplate", _S, True), ("skipTests", _B, True),
                  ("debug", _B, True)],
    "HelmChartArgs": [("chartName", _S, True), ("chartVersion", _S, True), ("chartRepoUrl", _S, True),
                      ("chartHome", _S, True), ("chartRepoName", _S, True), ("helmBin", _S, True),
                      ("helmHome", _S, True), ("values", _S, True), ("valuesLocal", ("map", _A), True),
                      ("valuesMerge", _S, True), ("releaseName", _S, True),
                      ("releaseNamespace", _S, True), ("extraArgs", ("list", _S), True)],
}

# The Kustomization's top-level fields; every one is optional (omitempty).
KUSTOMIZATION: dict[str, Any] = {
    "kind": _S, "apiVersion": _S, "metadata": ("ptr", "ObjectMeta"), "openapi": ("map", _S),
    "namePrefix": _S, "nameSuffix": _S, "namespace": _S, "commonLabels": ("map", _S),
    "labels": ("list", ("struct", "Label")), "commonAnnotations": ("map", _S),
    "patchesStrategicMerge": ("list", _S), "patchesJson6902": ("list", ("struct", "Patch")),
    "patches": ("list", ("struct", "Patch")), "images": ("list", ("struct", "Image")),
    "imageTags": ("list", ("struct", "Image")),
    "replacements": ("list", ("struct", "ReplacementField")),
    "replicas": ("list", ("struct", "Replica")), "vars": ("list", ("struct", "Var")),
    "sortOptions": ("ptr", "SortOptions"), "resources": ("list", _S), "components": ("list", _S),
    "crds": ("list", _S), "bases": ("list", _S),
    "configMapGenerator": ("list", ("struct", "ConfigMapArgs")),
    "secretGenerator": ("list", ("struct", "SecretArgs")), "helmGlobals": ("ptr", "HelmGlobals"),
    "helmCharts": ("list", ("struct", "HelmChart")),
    "helmChartInflationGenerator": ("list", ("struct", "HelmChartArgs")),
    "generatorOptions": ("ptr", "GeneratorOptions"), "configurations": ("list", _S),
    "generators": ("list", _S), "transformers": ("list", _S), "validators": ("list", _S),
    "buildMetadata": ("list", _S),
}
STRUCTS["Kustomization"] = [(name, t, True) for name, t in KUSTOMIZATION.items()]


def _go_type(t: Any) -> str:
    if isinstance(t, str):
        return "interface {}" if t == _A else t
    kind, inner = t
    if kind == "list":
        return "[]" + _go_type(inner)
    if kind == "map":
        return "map[string]" + _go_type(inner)
    return ("*" if kind == "ptr" else "") + "types." + inner


def _json_kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    return "array" if isinstance(v, list) else "object"


def _mismatch(v: Any, t: Any, where: tuple[str, str]) -> KustomizationError:
    # Go names the innermost struct type, then the JSON path from the top.
    if not where[1]:
        return KustomizationError(f"invalid Kustomization: json: cannot unmarshal {_json_kind(v)} "
                                  f"into Go value of type {_go_type(t)}")
    return KustomizationError(
        f"invalid Kustomization: json: cannot unmarshal {_json_kind(v)} into Go struct field "
        f"{where[0]}.{where[1]} of type {_go_type(t)}")


def _plain_json(v: Any) -> Any:
    """A YAML value as it reads back from JSON: keys become strings."""
    if isinstance(v, dict):
        return {str(k): _plain_json(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain_json(x) for x in v]
    return v


def _decode(v: Any, t: Any, where: tuple[str, str]) -> Any:
    """`v` (parsed YAML) as Go's JSON decoder stores it in type `t`; None is Go's zero/nil."""
    if v is None:
        return None
    if t == _A:
        return _plain_json(v)
    if t == _S:
        if not isinstance(v, str):
            raise _mismatch(v, t, where)
        return v
    if t == _B:
        if not isinstance(v, bool):
            raise _mismatch(v, t, where)
        return v
    if t == _I:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v != int(v):
            raise _mismatch(v, t, where)
        return int(v)
    kind, inner = t
    if kind == "list":
        if not isinstance(v, list):
            raise _mismatch(v, t, where)
        return [_decode(x, inner, where) for x in v]
    if kind == "map":
        if not isinstance(v, dict):
            raise _mismatch(v, t, where)
        return {str(k): _decode(x, inner, where) for k, x in v.items()}
    return decode_struct(v, inner, where)


def decode_struct(v: Any, name: str, where: tuple[str, str] = ("", "")) -> dict[str, Any]:
    """A mapping decoded into struct `name`: keys matched case-insensitively, unknown keys fail."""
    if not isinstance(v, dict):
        raise _mismatch(v, ("struct", name), where)
    fields = STRUCTS[name]
    exact = {f[0]: f for f in fields}
    folded = {f[0].lower(): f for f in fields}
    out: dict[str, Any] = {}
    for key, value in v.items():
        key = str(key)
        field = exact.get(key) or folded.get(key.lower())
        if field is None:
            raise KustomizationError(f'invalid Kustomization: json: unknown field "{key}"')
        fname, ftype, _ = field
        if value is None and isinstance(ftype, str):
            continue  # JSON null leaves a Go scalar as it was (lists, maps, pointers become nil)
        out[fname] = _decode(value, ftype, (name, f"{where[1]}.{fname}" if where[1] else fname))
    return {k: x for k, x in out.items() if x is not None}


def _empty(v: Any, t: Any) -> bool:
    """Go's omitempty test: zero scalars, nil pointers, empty lists and maps (never structs)."""
    if v is None:
        return not (isinstance(t, tuple) and t[0] == "struct")
    if isinstance(t, tuple):
        return t[0] in ("list", "map") and len(v) == 0
    return v in ("", False, 0) and not (t == _A)


def _encode(v: Any, t: Any) -> Any:
    if isinstance(t, tuple):
        kind, inner = t
        if kind == "struct" or (kind == "ptr" and v is not None):
            return encode_struct(v or {}, inner)
        if v is None:
            return None
        if kind == "list":
            return [_encode(x, inner) for x in v]
        if kind == "map":
            return {k: _encode(x, inner) for k, x in v.items()}
        return None
    if v is None:
        return {_S: "", _B: False, _I: 0}.get(t)
    return v


def encode_struct(v: dict[str, Any], name: str) -> dict[str, Any]:
    """A struct as Go's JSON encoder writes it: omitempty fields dropped when empty."""
    out: dict[str, Any] = {}
    for fname, ftype, omitempty in STRUCTS[name]:
        value = v.get(fname)
        if omitempty and _empty(value, ftype):
            continue
        out[fname] = _encode(value, ftype)
    return out


def field_is_empty(name: str, value: Any) -> bool:
    """The kustfile writer skips a top-level field that is nil or has length 0."""
    t = KUSTOMIZATION[name]
    if value is None:
        return True
    if isinstance(t, tuple) and t[0] == "ptr":
        return False
    return len(value) == 0


def encode_field(name: str, value: Any) -> Any:
    return _encode(value, KUSTOMIZATION[name])
