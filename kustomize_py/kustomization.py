"""The kustomization file: finding it, reading it, validating its fields like the reference."""

from __future__ import annotations


TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

from kustomize_py.errors import KustomizationError
from kustomize_py.loader import Loader
from kustomize_py.record import Record

FILE_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
KUSTOMIZATION_VERSION = "kustomize.config.k8s.io/v1beta1"
COMPONENT_VERSION = "kustomize.config.k8s.io/v1alpha1"

# Field -> expected shape. Names are matched case-insensitively, as the reference's decoder does.
FIELDS: dict[str, str] = {
    "apiVersion": "str",
    "kind": "str",
    "metadata": "map",
    "openapi": "map",
    "namePrefix": "str",
    "nameSuffix": "str",
    "namespace": "str",
    "commonLabels": "strmap",
    "labels": "list",
    "commonAnnotations": "strmap",
    "patchesStrategicMerge": "strlist",
    "patchesJson6902": "list",
    "patches": "list",
    "images": "list",
    "imageTags": "list",
    "replacements": "list",
    "replicas": "list",
    "vars": "list",
    "sortOptions": "map",
    "resources": "strlist",
    "components": "strlist",
    "crds": "strlist",
    "bases": "strlist",
    "configMapGenerator": "list",
    "secretGenerator": "list",
    "helmGlobals": "map",
    "helmCharts": "list",
    "helmChartInflationGenerator": "list",
    "generatorOptions": "map",
    "configurations": "strlist",
    "generators": "strlist",
    "transformers": "strlist",
    "validators": "strlist",
    "buildMetadata": "strlist",
}
_BY_LOWER = {k.lower(): k for k in FIELDS}

DEPRECATION_WARNINGS = {
    "bases": "# Warning: 'bases' is deprecated. Please use 'resources' instead. Run 'kustomize edit fix' to update your Kustomization automatically.",
    "commonLabels": "# Warning: 'commonLabels' is deprecated. Please use 'labels' instead. Run 'kustomize edit fix' to update your Kustomization automatically.",
    "imageTags": "# Warning: 'imageTags' is deprecated. Please use 'images' instead. Run 'kustomize edit fix' to update your Kustomization automatically.",
    "patchesJson6902": "# Warning: 'patchesJson6902' is deprecated. Please use 'patches' instead. Run 'kustomize edit fix' to update your Kustomization automatically.",
    "patchesStrategicMerge": "# Warning: 'patchesStrategicMerge' is deprecated. Please use 'patches' instead. Run 'kustomize edit fix' to update your Kustomization automatically.",
    "vars": "# Warning: 'vars' is deprecated. Please use 'replacements' instead. [EXPERIMENTAL] Run 'kustomize edit fix' to update your Kustomization automatically.",
}


# Shapes of structured entries, checked like the reference's strict decoder does (unknown keys and
# wrong types are errors naming the field). "str" accepts numbers and bools as the decoder would not,
# but kustomize's YAML-to-JSON step has already made them strings in practice.
_SELECTOR = {"group": "str", "version": "str", "kind": "str", "name": "str", "namespace": "str",
             "labelSelector": "str", "annotationSelector": "str"}
_FIELD_SPEC = {"group": "str", "version": "str", "kind": "str", "path": "str", "create": "bool"}
ENTRY_SHAPES: dict[str, dict[str, Any]] = {
    "replicas": {"name": "str", "count": "int"},
    "images": {"name": "str", "newName": "str", "newTag": "str", "digest": "str", "tagSuffix": "str"},
    "labels": {"pairs": "strmap", "includeSelectors": "bool", "includeTemplates": "bool",
               "fields": [_FIELD_SPEC]},
    "patches": {"path": "str", "patch": "str", "target": _SELECTOR, "options": "boolmap"},
    "patchesJson6902": {"path": "str", "patch": "str", "jsonOp": "str", "target": _SELECTOR},
}
_ENTRY_TYPES = {"replicas": "Replica", "images": "Image", "labels": "Label", "patches": "Patch",
                "patchesJson6902": "Patch"}  # the Go types, for decode errors
MAP_SHAPES: dict[str, dict[str, Any]] = {
    "generatorOptions": {"labels": "strmap", "annotations": "strmap", "disableNameSuffixHash": "bool",
                         "immutable": "bool"},
    "sortOptions": {"order": "str", "legacySortOptions": {"orderFirst": "strlist", "orderLast": "strlist"}},
}


# The Go struct field names under each field, for `canonical_keys`. A dict is a struct (its keys
# are field names), a one-item list a list of such structs, MAP a map whose keys are data, None
# anything else. Only names matter here; types are checked by the shapes above.
MAP = "map"
_RESID_NAMES = dict.fromkeys(("group", "version", "kind", "name", "namespace"))
_SELECTOR_NAMES: dict[str, Any] = {**_RESID_NAMES, "labelSelector": None, "annotationSelector": None}
_FIELD_OPTIONS = dict.fromkeys(("delimiter", "index", "encoding", "create"))
_PATCH_NAMES: dict[str, Any] = {"path": None, "patch": None, "target": _SELECTOR_NAMES, "options": MAP}
_IMAGE_NAMES = dict.fromkeys(("name", "newName", "tagSuffix", "newTag", "digest"))
_GENERATOR_OPTIONS: dict[str, Any] = {"labels": MAP, "annotations": MAP, "disableNameSuffixHash": None,
                                      "immutable": None}
_GENERATOR_NAMES: dict[str, Any] = {
    **dict.fromkeys(("namespace", "name", "behavior", "literals", "files", "envs", "env")),
    "options": _GENERATOR_OPTIONS}
NAMES: dict[str, Any] = {
    **{field: None for field in FIELDS},
    "metadata": {"name": None, "namespace": None, "labels": MAP, "annotations": MAP},
    "openapi": MAP,
    "commonLabels": MAP,
    "commonAnnotations": MAP,
    "labels": [{"pairs": MAP, "includeSelectors": None, "includeTemplates": None,
                "fields": [{**dict.fromkeys(("group", "version", "kind")), "path": None, "create": None}]}],
    "patchesJson6902": [_PATCH_NAMES],
    "patches": [_PATCH_NAMES],
    "images": [_IMAGE_NAMES],
    "imageTags": [_IMAGE_NAMES],
    "replacements": [{"path": None,
                      "source": {**_RESID_NAMES, "fieldPath": None, "options": _FIELD_OPTIONS},
                      "targets": [{"select": _SELECTOR_NAMES, "reject": [_SELECTOR_NAMES],
                                   "fieldPaths": None, "options": _FIELD_OPTIONS}]}],
    "replicas": [{"name": None, "count": None}],
    "vars": [{"name": None,
              "objref": {"apiVersion": None, **_RESID_NAMES},
              "fieldref": {"fieldPath": None}}],
    "sortOptions": {"order": None, "legacySortOptions": {"orderFirst": None, "orderLast": None}},
    "configMapGenerator": [_GENERATOR_NAMES],
    "secretGenerator": [{**_GENERATOR_NAMES, "type": None}],
    "helmGlobals": {"chartHome": None, "configHome": None},
    "helmCharts": [{**dict.fromkeys((
        "name", "version", "repo", "releaseName", "namespace", "additionalValuesFiles", "valuesFile",
        "valuesMerge", "includeCRDs", "skipHooks", "apiVersions", "kubeVersion", "nameTemplate",
        "skipTests", "debug")), "valuesInline": MAP}],
    "helmChartInflationGenerator": [{**dict.fromkeys((
        "chartName", "chartVersion", "chartRepoUrl", "chartHome", "chartRepoName", "helmBin", "helmHome",
        "values", "valuesMerge", "releaseName", "releaseNamespace", "extraArgs")), "valuesLocal": MAP}],
    "generatorOptions": _GENERATOR_OPTIONS,
}


def canonical_keys(value: Any, names: Any) -> Any:
    """`value` with struct keys spelled as the Go fields they decode into.

    The reference turns the YAML into JSON (keys sorted) and decodes it with encoding/json, which
    matches a key to a field exactly or else ignoring case: `Pairs:` sets `pairs`. Keys that land
    on the same field are applied in that sorted order: a scalar or list is replaced, a map gains
    the entries (a struct the fields) of the later key. Unknown keys are kept for the checks."""
    if isinstance(names, list):
        if not isinstance(value, list):
            return value
        return [canonical_keys(item, names[0]) for item in value]
    if not isinstance(names, dict) or not isinstance(value, dict):
        return value
    lower = {n.lower(): n for n in names}
    canon = {key: key if key in names else lower.get(str(key).lower(), key) for key in value}
    decoded: dict[Any, Any] = {}
    for key in sorted(value, key=str):
        field = canon[key]
        item = canonical_keys(value[key], names.get(field))
        if field in decoded:
            item = _decode_into(decoded[field], item, names.get(field))
        decoded[field] = item
    return {canon[key]: decoded[canon[key]] for key in value}  # the file's order, for messages


def _decode_into(old: Any, new: Any, names: Any) -> Any:
    """What encoding/json leaves when a second key decodes into an already set field."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return new
    if names == MAP:
        return {**old, **new}
    if isinstance(names, dict):
        merged = dict(old)
        for key, item in new.items():
            merged[key] = _decode_into(merged[key], item, names.get(key)) if key in merged else item
        return merged
    return new


def _check_shape(value: Any, shape: Any, where: str, path: str) -> None:
    def bad(expected: str) -> KustomizationError:
        return KustomizationError(f"invalid Kustomization: {where} must be {expected}", path=path, field=where)

    if value is None:
        return
    if isinstance(shape, list):
        if not isinstance(value, list):
            raise bad("a list")
        for i, item in enumerate(value):
            _check_shape(item, shape[0], f"{where}[{i}]", path)
    elif isinstance(shape, dict):
        if not isinstance(value, dict):
            raise bad("a mapping")
        lower = {k.lower(): k for k in shape}
        for key, item in value.items():
            canon = key if key in shape else lower.get(str(key).lower())
            if canon is None:
                raise KustomizationError(f'invalid Kustomization: json: unknown field "{key}"',
                                         path=path, field=where)
            _check_shape(item, shape[canon], f"{where}.{canon}", path)
    elif shape == "str":
        if not isinstance(value, str):
            raise _unmarshal(value, where, "string", path)
    elif shape == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise _unmarshal(value, where, "int64", path)
    elif shape == "bool":
        if not isinstance(value, bool):
            raise bad("true or false")
    elif shape in ("strmap", "boolmap"):
        if not isinstance(value, dict):
            raise bad("a mapping")
        for key, item in value.items():
            if item is None:
                continue
            if shape == "strmap" and not isinstance(item, str):
                raise _unmarshal(item, where, "string", path, field=f"{where}.{key}")
            if shape == "boolmap" and not isinstance(item, bool):
                raise _unmarshal(item, where, "bool", path, field=f"{where}.{key}")
    elif shape == "strlist":
        if not isinstance(value, list) or any(isinstance(x, (dict, list)) for x in value):
            raise bad("a list of strings")


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _unmarshal(value: Any, where: str, go_type: str, path: str, field: str | None = None) -> KustomizationError:
    """The reference's strict-decoding error, e.g. `cannot unmarshal number into ... of type string`."""
    return KustomizationError(
        f"invalid Kustomization: json: cannot unmarshal {_json_kind(value)} into Go struct field {where} "
        f"of type {go_type}", path=path, field=field or where.removeprefix("Kustomization."))


class Kustomization(Record):
    """A validated kustomization (or Component) with deprecated fields folded in like the reference."""

    __slots__ = _fields = ("path", "fields", "warnings")

    def __init__(self, path: str, fields: dict[str, Any], warnings: list[str] | None = None) -> None:
        self.path = path  # the file it was read from
        self.fields = fields
        self.warnings: list[str] = [] if warnings is None else warnings

    def get(self, name: str, default: Any = None) -> Any:
        value = self.fields.get(name)
        return default if value is None else value

    @property
    def is_component(self) -> bool:
        return self.fields.get("kind") == "Component"


def find_file(loader: Loader) -> str:
    """The name of the one kustomization file in the loader's root."""
    found = [n for n in FILE_NAMES if loader.is_file(n)]
    if not found:
        raise KustomizationError(
            f"unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '{loader.root}'"
        ).locate(path=loader.root)
    if len(found) > 1:
        raise KustomizationError(f"Found multiple kustomization files under: {loader.root}").locate(path=loader.root)
    return found[0]


_YN = __import__("re").compile(r"^(?:y|Y|n|N)$")


def _as_text(loader: Any, node: Any) -> str:
    return loader.construct_yaml_str(node)


def _go_yaml_v2_bool(loader: Any, node: Any) -> bool:
    return node.value in ("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON")


def _parse(data: bytes, path: str) -> list[Any]:
    """Parse a kustomization file as the reference does (YAML 1.1 through go-yaml v2, where a
    repeated key is not an error and the last one wins), unlike resource files."""
    import yaml as _pyyaml

    from kustomize_py.errors import YamlError

    if TYPE_CHECKING:
        from yaml import SafeLoader as _SafeLoader
    else:  # libyaml's loader when PyYAML has it
        _SafeLoader = getattr(_pyyaml, "CSafeLoader", _pyyaml.SafeLoader)

    class _Loader(_SafeLoader):
        pass

    _Loader.add_constructor("tag:yaml.org,2002:timestamp", _as_text)
    _Loader.add_constructor("tag:yaml.org,2002:bool", _go_yaml_v2_bool)
    # PyYAML resolves a plain `=` to YAML 1.1's !!value type, which go-yaml v2 reads as text
    _Loader.add_constructor("tag:yaml.org,2002:value", _as_text)
    _Loader.add_implicit_resolver("tag:yaml.org,2002:bool", _YN, list("yYnN"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise YamlError("kustomization file is not valid UTF-8", path=path) from None
    try:
        return [d for d in _pyyaml.load_all(text, Loader=_Loader) if d is not None]
    except _pyyaml.YAMLError as err:
        from kustomize_py.yaml.load import go_yaml_message

        raise YamlError(f"invalid Kustomization: {go_yaml_message(err, text, v2=True)}", path=path) from None
    except RecursionError:
        raise YamlError("invalid Kustomization: nested too deeply", path=path) from None


def load(loader: Loader) -> Kustomization:
    """Read and validate the kustomization file in the loader's root."""
    name = find_file(loader)
    path = loader.join(name)
    docs = _parse(loader.read_bytes(name), path)
    if len(docs) > 1:
        raise KustomizationError("invalid Kustomization: expected a single document", path=path)
    raw = docs[0] if docs else {}
    if not isinstance(raw, dict):
        raise KustomizationError("invalid Kustomization: expected a mapping of fields", path=path)
    return from_dict(raw, path)


def from_dict(raw: dict[str, Any], path: str = "<kustomization>") -> Kustomization:
    fields: dict[str, Any] = {}
    for key in raw:
        if not (FIELDS.get(key) and key or _BY_LOWER.get(str(key).lower())):
            raise KustomizationError(f'invalid Kustomization: json: unknown field "{key}"', path=path).locate(
                field=str(key))
    for key, value in canonical_keys(raw, NAMES).items():
        fields[key] = _check(key, value, path)
    warnings = [DEPRECATION_WARNINGS[f] for f in DEPRECATION_WARNINGS if fields.get(f) is not None]
    _fix(fields)
    if _is_empty(fields):
        raise KustomizationError("kustomization.yaml is empty", path=path)
    kind = fields.get("kind") or ""
    errs = []
    if kind and kind not in ("Kustomization", "Component"):
        errs.append("kind should be Kustomization or Component")
    want = COMPONENT_VERSION if kind == "Component" else KUSTOMIZATION_VERSION
    api = fields.get("apiVersion") or ""
    if api and api != want:
        errs.append(f"apiVersion for {kind or 'Kustomization'} should be {want}")
    if errs:
        raise KustomizationError("Failed to read kustomization file:\n" + "\n".join(errs), path=path).locate(
            field="kind" if errs[0].startswith("kind") else "apiVersion")
    fields.setdefault("kind", "Kustomization")
    if not fields["kind"]:
        fields["kind"] = "Kustomization"
    return Kustomization(path, fields, warnings)


def _check(name: str, value: Any, path: str) -> Any:
    shape = FIELDS[name]
    if value is None:
        return None
    ok = {
        "str": lambda v: isinstance(v, str),
        "map": lambda v: isinstance(v, dict),
        "strmap": lambda v: isinstance(v, dict),
        "list": lambda v: isinstance(v, list),
        "strlist": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    }[shape](value)
    if shape == "str" and not isinstance(value, str):
        raise _unmarshal(value, f"Kustomization.{name}", "string", path)
    if not ok:
        expected = {"str": "a string", "map": "a mapping", "strmap": "a mapping of strings",
                    "list": "a list", "strlist": "a list of strings"}[shape]
        raise KustomizationError(f"invalid Kustomization: field {name} must be {expected}", path=path, field=name)
    if shape == "strmap":
        for k, v in value.items():
            if v is not None and not isinstance(v, str):
                raise _unmarshal(v, f"Kustomization.{name}", "string", path, field=f"{name}.{k}")
        return {str(k): _scalar_str(v) for k, v in value.items()}
    if name in ENTRY_SHAPES:
        value = [{} if v is None else v for v in value]  # a null entry decodes as an empty struct
        for item in value:
            if not isinstance(item, dict):
                raise _unmarshal(item, f"Kustomization.{name}", f"types.{_ENTRY_TYPES[name]}", path)
        _check_shape(value, [ENTRY_SHAPES[name]], name, path)
    elif name in MAP_SHAPES:
        _check_shape(value, MAP_SHAPES[name], name, path)
    return value


def _scalar_str(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return ""
    return str(v)


def _is_empty(fields: dict[str, Any]) -> bool:
    """The reference's test: every field but the type keys at its zero value. An empty list or
    map (`resources: []`) is not zero in Go; `bases: []`, `imageTags: []` and
    `helmChartInflationGenerator: []` are, as they are folded into other fields first."""
    for key, value in fields.items():
        if key in ("apiVersion", "kind") or value is None or value == "":
            continue
        if key == "helmChartInflationGenerator" and value == []:
            continue
        return False
    return True


def _fix(fields: dict[str, Any]) -> None:
    """Fold deprecated fields into their replacements, as the reference does on load."""
    if fields.get("bases"):
        fields["resources"] = list(fields.get("resources") or []) + list(fields["bases"])
    fields.pop("bases", None)
    if fields.get("imageTags"):
        fields["images"] = list(fields.get("images") or []) + list(fields["imageTags"])
    fields.pop("imageTags", None)
    for gen in ("configMapGenerator", "secretGenerator"):
        for args in fields.get(gen) or []:
            if isinstance(args, dict) and args.get("env"):
                args["envs"] = list(args.get("envs") or []) + [args["env"]]
                args.pop("env", None)
