"""The kustomization file: finding it, reading it, validating its fields like the reference."""

from __future__ import annotations


TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

from kustomize_py.errors import KpyError, KustomizationError
from kustomize_py.loader import Loader
from kustomize_py.record import Record

FILE_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
KUSTOMIZATION_VERSION = "kustomize.config.k8s.io/v1beta1"
COMPONENT_VERSION = "kustomize.config.k8s.io/v1alpha1"

DEPRECATION_WARNINGS = {
    "bases": "# Warning: 'bases' is deprecated. Please use 'resources' instead. Run 'kustomize edit fix' to update your Kustomization automatically.",
    "commonLabels": "# Warning: 'commonLabels' is deprecated. Please use 'labels' instead. Run 'kustomize edit fix' to update your Kustomization automatically.",
    "imageTags": "# Warning: 'imageTags' is deprecated. Please use 'images' instead. Run 'kustomize edit fix' to update your Kustomization automatically.",
    "patchesJson6902": "# Warning: 'patchesJson6902' is deprecated. Please use 'patches' instead. Run 'kustomize edit fix' to update your Kustomization automatically.",
    "patchesStrategicMerge": "# Warning: 'patchesStrategicMerge' is deprecated. Please use 'patches' instead. Run 'kustomize edit fix' to update your Kustomization automatically.",
    "vars": "# Warning: 'vars' is deprecated. Please use 'replacements' instead. [EXPERIMENTAL] Run 'kustomize edit fix' to update your Kustomization automatically.",
}


# The reference's Go types for a kustomization, as data: the one schema every check, the key
# spelling and `kpy edit`'s reader and writer (edit/schema.py) are derived from. A struct maps each
# JSON field name, in Go's declaration order, to (the embedded structs it is promoted through, its
# type); a type is a Go scalar name ("string", "bool", "int64", or a string alias such as
# "types.SortOrder"), a list (`List`), a map (`Map`) or a struct (`Struct`, through a pointer
# unless its `Field` says otherwise).
ANY = "interface {}"


class Field:
    """A struct field's type with what its Go declaration adds: a struct held by value (not through
    a pointer), or a JSON tag without `omitempty` (the field is written even when empty)."""

    __slots__ = ("typ", "by_value", "omitempty")

    def __init__(self, typ: Any, *, by_value: bool = False, omitempty: bool = True) -> None:
        self.typ, self.by_value, self.omitempty = typ, by_value, omitempty


class Struct:
    __slots__ = ("go", "fields", "by_value", "always", "folded")

    def __init__(self, go: str, *parts: Any, **fields: Any) -> None:
        """`go` is the type's Go name (`types.Image`); `parts`, in Go's order before `fields`, are
        embedded structs (their fields promoted) or dicts of fields declared between them."""
        self.go = go
        self.fields: dict[str, tuple[tuple[str, ...], Any]] = {}
        self.by_value: set[str] = set()  # struct fields held by value
        self.always: set[str] = set()  # fields whose tag lacks omitempty
        for part in (*parts, fields):
            if isinstance(part, Struct):
                for name, (via, typ) in part.fields.items():
                    self.fields[name] = ((part.name, *via), typ)
                self.by_value |= part.by_value
                self.always |= part.always
                continue
            for name, typ in part.items():
                if isinstance(typ, Field):
                    if typ.by_value:
                        self.by_value.add(name)
                    if not typ.omitempty:
                        self.always.add(name)
                    typ = typ.typ
                self.fields[name] = ((), typ)
        # encoding/json's case-insensitive match: a key that names no field exactly names this one
        self.folded = {name.lower(): name for name in self.fields}

    @property
    def name(self) -> str:
        return self.go.rpartition(".")[2]


class List:
    __slots__ = ("item", "pointer", "go")

    def __init__(self, item: Any, pointer: bool = False) -> None:
        self.item = item
        self.pointer = pointer  # a list of pointers to structs
        self.go = "[]" + ("*" if pointer else "") + _go_name(item)


class Map:
    __slots__ = ("value", "go")

    def __init__(self, value: Any) -> None:
        self.value = value
        self.go = f"map[string]{_go_name(value)}"


def _go_name(typ: Any) -> str:
    return typ if isinstance(typ, str) else typ.go


STR, STRS, STRMAP = "string", List("string"), Map("string")
_GVK = Struct("resid.Gvk", group=STR, version=STR, kind=STR)
_RESID = Struct("resid.ResId", _GVK, name=STR, namespace=STR)
_SELECTOR = Struct("types.Selector", _RESID, annotationSelector=STR, labelSelector=STR)
_FIELD_OPTIONS = Struct("types.FieldOptions", delimiter=STR, index="int", encoding=STR, create="bool")
_REPLACEMENT = Struct("types.Replacement",
                      source=Struct("types.SourceSelector", _RESID, fieldPath=STR, options=_FIELD_OPTIONS),
                      targets=List(Struct("types.TargetSelector", select=Field(_SELECTOR, omitempty=False),
                                          reject=List(_SELECTOR, True),
                                          fieldPaths=STRS, options=_FIELD_OPTIONS), True))
_GENERATOR_OPTIONS = Struct("types.GeneratorOptions", labels=STRMAP, annotations=STRMAP,
                            disableNameSuffixHash="bool", immutable="bool")
_GENERATOR_ARGS = Struct("types.GeneratorArgs", {"namespace": STR, "name": STR, "behavior": STR},
                         Struct("types.KvPairSources", literals=STRS, files=STRS, envs=STRS, env=STR),
                         options=_GENERATOR_OPTIONS)
_PATCH = Struct("types.Patch", path=STR, patch=STR, target=_SELECTOR, options=Map("bool"))
_IMAGE = Struct("types.Image", name=STR, newName=STR, tagSuffix=STR, newTag=STR, digest=STR)
_VAR_TARGET = Struct("types.Target", {"apiVersion": STR}, _GVK, name=Field(STR, omitempty=False),
                     namespace=STR)
KUSTOMIZATION = Struct(
    "types.Kustomization",
    Struct("types.TypeMeta", kind=STR, apiVersion=STR),
    metadata=Struct("types.ObjectMeta", name=STR, namespace=STR, labels=STRMAP, annotations=STRMAP),
    openapi=STRMAP,
    namePrefix=STR,
    nameSuffix=STR,
    namespace=STR,
    commonLabels=STRMAP,
    labels=List(Struct("types.Label", pairs=STRMAP, includeSelectors="bool", includeTemplates="bool",
                       fields=List(Struct("types.FieldSpec", _GVK, path=STR, create="bool")))),
    commonAnnotations=STRMAP,
    patchesStrategicMerge=List("types.PatchStrategicMerge"),
    patchesJson6902=List(_PATCH),
    patches=List(_PATCH),
    images=List(_IMAGE),
    imageTags=List(_IMAGE),
    replacements=List(Struct("types.ReplacementField", _REPLACEMENT, path=STR)),
    replicas=List(Struct("types.Replica", name=STR, count=Field("int64", omitempty=False))),
    vars=List(Struct("types.Var", name=Field(STR, omitempty=False),
                     objref=Field(_VAR_TARGET, by_value=True, omitempty=False),
                     fieldref=Field(Struct("types.FieldSelector", fieldPath=STR), by_value=True))),
    sortOptions=Struct("types.SortOptions", order="types.SortOrder",
                       legacySortOptions=Struct("types.LegacySortOptions",
                                                orderFirst=Field(STRS, omitempty=False),
                                                orderLast=Field(STRS, omitempty=False))),
    resources=STRS,
    components=STRS,
    crds=STRS,
    bases=STRS,
    configMapGenerator=List(Struct("types.ConfigMapArgs", _GENERATOR_ARGS)),
    secretGenerator=List(Struct("types.SecretArgs", _GENERATOR_ARGS, type=STR)),
    helmGlobals=Struct("types.HelmGlobals", chartHome=STR, configHome=STR),
    helmCharts=List(Struct(
        "types.HelmChart", name=STR, version=STR, repo=STR, releaseName=STR, namespace=STR,
        additionalValuesFiles=STRS, valuesFile=STR, valuesInline=Map(ANY), valuesMerge=STR,
        includeCRDs="bool", skipHooks="bool", apiVersions=STRS, kubeVersion=STR, nameTemplate=STR,
        skipTests="bool", debug="bool")),
    helmChartInflationGenerator=List(Struct(
        "types.HelmChartArgs", chartName=STR, chartVersion=STR, chartRepoUrl=STR, chartHome=STR,
        chartRepoName=STR, helmBin=STR, helmHome=STR, values=STR, valuesLocal=Map(ANY), valuesMerge=STR,
        releaseName=STR, releaseNamespace=STR, extraArgs=STRS)),
    generatorOptions=_GENERATOR_OPTIONS,
    configurations=STRS,
    generators=STRS,
    transformers=STRS,
    validators=STRS,
    buildMetadata=STRS,
)
FIELDS = tuple(KUSTOMIZATION.fields)  # the top-level field names


class _Decoder:
    """Decodes a parsed kustomization into the schema as the reference does: it turns the YAML into
    JSON (map keys sorted) and decodes that with encoding/json, unknown fields refused. A key names
    a field exactly or else ignoring case (`Pairs:` sets `pairs`); keys landing on one field apply
    in sorted order (a scalar or list is replaced, a map or struct gains the later key's entries).
    The first problem in that order is the reference's error."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, message: str, field: str = "") -> KustomizationError:
        return KustomizationError(f"invalid Kustomization: json: {message}", path=self.path, field=field or None)

    def mismatch(self, value: Any, typ: Any, struct: str, where: tuple[str, ...]) -> KustomizationError:
        kind = json_kind(value)
        if kind == "number" and _go_name(typ) in ("int", "int64"):
            kind = f"number {_go_number(value)}"
        go = _go_name(typ)
        if isinstance(typ, Struct):
            go = typ.go  # a pointer is reported as what it points to
        return self.fail(f"cannot unmarshal {kind} into Go struct field {struct}.{'.'.join(where)} of type {go}",
                         ".".join(w for w in where if not w[:1].isupper()))

    def decode(self, value: Any, typ: Any, struct: str, where: tuple[str, ...]) -> Any:
        if value is None or typ == ANY:
            return value
        if isinstance(typ, Struct):
            if not isinstance(value, dict):
                raise self.mismatch(value, typ, struct, where)
            return self.struct(value, typ, where)
        if isinstance(typ, List):
            if not isinstance(value, list):
                raise self.mismatch(value, typ, struct, where)
            item = typ.item
            if isinstance(item, Struct):  # a null entry decodes as an empty struct
                return [self.decode({} if v is None else v, item, struct, where) for v in value]
            if isinstance(item, str) and item in _ZERO:  # and a null scalar as Go's zero value
                return [_ZERO[item] if v is None else self.decode(v, item, struct, where) for v in value]
            return [self.decode(v, item, struct, where) for v in value]
        if isinstance(typ, Map):
            if not isinstance(value, dict):
                raise self.mismatch(value, typ, struct, where)
            out = {}
            for key in sorted(value, key=_json_key):
                out[_json_key(key)] = self.decode(value[key], typ.value, struct, where)
            if typ.value == "string":  # a null value decodes as ""
                out = {k: "" if v is None else v for k, v in out.items()}
            return {_json_key(k): out[_json_key(k)] for k in value}
        if typ == "bool":
            ok = isinstance(value, bool)
        elif typ in ("int", "int64"):
            ok = isinstance(value, int) and not isinstance(value, bool) or (
                isinstance(value, float) and value.is_integer() and abs(value) < 1e21)
            if ok:
                return int(value)
        else:  # a string type
            ok = isinstance(value, str)
        if not ok:
            raise self.mismatch(value, typ, struct, where)
        return value

    def struct(self, value: dict[Any, Any], typ: Struct, where: tuple[str, ...]) -> dict[str, Any]:
        canon = {}
        for key in value:
            text = _json_key(key)
            canon[key] = text if text in typ.fields else typ.folded.get(text.lower())
        decoded: dict[str, Any] = {}
        names: dict[Any, str] = {}  # every key's field, once each is known to be one
        for key in sorted(value, key=_json_key):
            field = canon[key]
            if field is None:
                err = self.fail(f"unknown field {_go_quote(_json_key(key))}", ".".join(where))
                if not where:  # a top-level key: its line is known (the text stays the reference's)
                    err.locate(field=_json_key(key))
                raise err
            names[key] = field
            via, ftyp = typ.fields[field]
            item = self.decode(value[key], ftyp, typ.name, (*where, *via, field))
            if field in decoded:
                item = _decode_into(decoded[field], item, ftyp)
            decoded[field] = item
        return {names[key]: decoded[names[key]] for key in value}  # the file's order, for messages


# Go's zero values: what encoding/json leaves in a slice element given as null
_ZERO: dict[str, Any] = {"string": "", "types.PatchStrategicMerge": "", "bool": False, "int": 0, "int64": 0}


def _json_key(key: Any) -> str:
    """A YAML map key as the reference's YAML-to-JSON step spells it."""
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, float):
        return _go_number(key)
    return "null" if key is None else str(key)


def _go_number(value: Any) -> str:
    """A number as Go's encoding/json writes it (what its error messages quote)."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        if 1e-6 <= abs(value) < 1e21:
            return repr(value)
        mant, _, exp = f"{value!r}".partition("e")
        return f"{mant}e{exp[0]}{exp[1:].lstrip('0') or '0'}" if exp[0] in "+-" else f"{mant}e+{exp}"
    return str(value)


def _go_quote(text: str) -> str:
    from kustomize_py.errors import go_quote

    return go_quote(text)


def _decode_into(old: Any, new: Any, typ: Any) -> Any:
    """What encoding/json leaves when a second key decodes into an already set field."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return new
    if isinstance(typ, Map):
        return {**old, **new}
    if isinstance(typ, Struct):
        merged = dict(old)
        for key, item in new.items():
            merged[key] = _decode_into(merged[key], item, typ.fields[key][1]) if key in merged else item
        return merged
    return new


def json_kind(value: Any) -> str:
    """A value's JSON type as encoding/json's errors name it (bool, number, string, array, object)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


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
    """The name of the one kustomization file in the loader's root. As in the reference, a name
    counts only when the file can be loaded: a link leading out of the root is not found."""
    return _find(loader)[0]


def _find(loader: Loader) -> tuple[str, str]:
    """(name, real path) of the one kustomization file: checked as loader.read_resolved checks it."""
    found = [(n, real) for n in FILE_NAMES if loader.is_file(n) and (real := _loadable(loader, n))]
    if not found:
        raise KustomizationError(
            f"unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '{loader.root}'"
        ).locate(path=loader.root)
    if len(found) > 1:
        raise KustomizationError(f"Found multiple kustomization files under: {loader.root}").locate(path=loader.root)
    return found[0]


def _loadable(loader: Loader, name: str) -> str | None:
    """The real path of `name` when the load restriction lets it be read."""
    try:
        return loader.resolve(name)
    except KpyError:
        return None


_YN = __import__("re").compile(r"^(?:y|Y|n|N)$")
_GO_FLOAT = __import__("re").compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")


def _as_text(loader: Any, node: Any) -> str:
    return loader.construct_yaml_str(node)


def _number_unless_sexagesimal(loader: Any, node: Any) -> Any:
    if ":" in node.value:
        return loader.construct_yaml_str(node)
    if node.tag.endswith(":int"):
        return loader.construct_yaml_int(node)
    return loader.construct_yaml_float(node)


def _go_yaml_v2_bool(loader: Any, node: Any) -> bool:
    return node.value in ("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON")


_LOADER: Any = None  # the go-yaml v2 loader class, made on first use (never changed afterwards)


def _loader_class() -> Any:
    """PyYAML's (libyaml) safe loader with go-yaml v2's scalar rules; made once per process."""
    global _LOADER
    if _LOADER is not None:
        return _LOADER
    import yaml as _pyyaml

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
    # YAML 1.1's sexagesimal numbers (`1:30`) are text to go-yaml v2
    _Loader.add_constructor("tag:yaml.org,2002:int", _number_unless_sexagesimal)
    _Loader.add_constructor("tag:yaml.org,2002:float", _number_unless_sexagesimal)
    _Loader.add_implicit_resolver("tag:yaml.org,2002:bool", _YN, list("yYnN"))
    # go-yaml v2 also reads `1e30` (no dot) as a float, where YAML 1.1 has a string
    _Loader.add_implicit_resolver("tag:yaml.org,2002:float", _GO_FLOAT, list("-+.0123456789"))
    _LOADER = _Loader
    return _Loader


def _parse(data: bytes, path: str) -> list[Any]:
    """Parse a kustomization file as the reference does (YAML 1.1 through go-yaml v2, where a
    repeated key is not an error and the last one wins), unlike resource files."""
    import yaml as _pyyaml

    from kustomize_py.errors import YamlError
    from kustomize_py.yaml.v2 import load_all as load_all_v2

    _Loader = _loader_class()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise YamlError("kustomization file is not valid UTF-8", path=path) from None
    try:
        return load_all_v2(text, _Loader)
    except _pyyaml.YAMLError as err:
        from kustomize_py.yaml.load import go_yaml_message

        raise YamlError(f"invalid Kustomization: {go_yaml_message(err, text, v2=True)}", path=path) from None
    except RecursionError:
        raise YamlError("invalid Kustomization: nested too deeply", path=path) from None


def load(loader: Loader) -> Kustomization:
    """Read and validate the kustomization file in the loader's root."""
    name, real = _find(loader)  # found a file and checked it: read it without checking again
    path = loader.join(name)
    docs = _parse(loader.read_checked(name, real), path)
    if len(docs) > 1:
        raise KustomizationError("invalid Kustomization: expected a single document", path=path)
    raw = docs[0] if docs else {}
    if not isinstance(raw, dict):
        raise KustomizationError("invalid Kustomization: expected a mapping of fields", path=path)
    return from_dict(raw, path)


def from_dict(raw: dict[str, Any], path: str = "<kustomization>") -> Kustomization:
    fields = _Decoder(path).struct(raw, KUSTOMIZATION, ())
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
