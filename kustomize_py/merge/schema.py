"""Merge keys and patch strategies per GVK and field path, as kyaml's openapi package sees them.

The built-in table (k8s_merge_schema.json, Kubernetes v1.21 like kyaml) is derived by
scripts/derive_merge_keys.py and loaded once, lazily. Schema nodes are kept in a compact form:
a definition name (a `$ref`), or a dict with "p" (properties), "ap" (additionalProperties),
"a" (array items; present only when the field is an array with items), "ps" (patch strategy),
"mk" (patch merge key), "lmk" (list map keys).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from kustomize_py.errors import PatchError

_REF = "#/definitions/"
Node = Any  # str (a definition name) or dict (compact schema node)


def compact_schema(spec: Mapping[str, Any]) -> dict[str, Any]:
    """One swagger/OpenAPI schema object in the compact form (nothing pruned)."""
    out: dict[str, Any] = {}
    for src, dst in (
        ("x-kubernetes-patch-strategy", "ps"),
        ("x-kubernetes-patch-merge-key", "mk"),
        ("x-kubernetes-list-map-keys", "lmk"),
    ):
        if src in spec:
            out[dst] = spec[src]
    # kyaml's Elements() only answers for a schema whose type is exactly ["array"].
    if spec.get("type") in ("array", ["array"]) and isinstance(spec.get("items"), Mapping):
        out["a"] = _compact_ref_or_node(spec["items"])
    if isinstance(spec.get("additionalProperties"), Mapping):
        out["ap"] = _compact_ref_or_node(spec["additionalProperties"])
    if isinstance(spec.get("properties"), Mapping):
        out["p"] = {str(k): _compact_ref_or_node(v) for k, v in spec["properties"].items() if isinstance(v, Mapping)}
    return out


def _compact_ref_or_node(spec: Mapping[str, Any]) -> Node:
    ref = spec.get("$ref")
    if isinstance(ref, str):
        return ref[len(_REF):] if ref.startswith(_REF) else "\0unresolvable"
    return compact_schema(spec)


def _gvk_keys(ext: Any) -> list[tuple[str, str]]:
    out = []
    for g in ext if isinstance(ext, list) else []:
        if isinstance(g, Mapping) and isinstance(g.get("kind"), str) and isinstance(g.get("version"), str):
            api = f"{g['group']}/{g['version']}" if g.get("group") else g["version"]
            out.append((api, g["kind"]))
    return out


@dataclass(frozen=True)
class FieldSchema:
    """The schema of one node (a resource, a field, or a list's elements)."""

    index: SchemaIndex
    node: dict[str, Any]

    def field(self, name: str) -> FieldSchema | None:
        """Schema of map entry `name`: a declared property, else the additionalProperties schema."""
        props = self.node.get("p") or {}
        sub = props.get(name)
        if sub is None:
            sub = self.node.get("ap")
        return self.index.resolve(sub)

    def items(self) -> FieldSchema | None:
        """Schema of this list's elements (None when not an array with items)."""
        return self.index.resolve(self.node.get("a"))

    def lookup(self, *path: str) -> FieldSchema | None:
        """Walk field names; "[]" steps into list elements."""
        cur: FieldSchema | None = self
        for part in path:
            if cur is None:
                return None
            cur = cur.items() if part == "[]" else cur.field(part)
        return cur

    @property
    def strategy(self) -> str:
        """x-kubernetes-patch-strategy as written ("merge", "merge,retainKeys", "replace", or "")."""
        return str(self.node.get("ps") or "")

    @property
    def merge_keys(self) -> tuple[str, ...]:
        """Merge keys kyaml uses: list-map-keys when present, else the patch merge key, else ()."""
        if "ps" not in self.node:
            return ()
        if isinstance(self.node.get("lmk"), list):
            return tuple(str(k) for k in self.node["lmk"])
        if "mk" in self.node:
            return (str(self.node["mk"]),)
        return ()

    @property
    def is_merge_list(self) -> bool:
        """True when the list merges element-wise (strategy contains "merge"); else it is replaced."""
        return "merge" in self.strategy.split(",")


@dataclass(frozen=True)
class SchemaIndex:
    """Definitions by name plus the GVK -> definition index; immutable, extend with with_*()."""

    definitions: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    kinds: Mapping[tuple[str, str], str] = field(default_factory=dict)
    # resolve()'s answers: a merge resolves a schema node for every field it walks
    _resolved: dict[Any, tuple[Any, FieldSchema | None]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    @staticmethod
    def builtin() -> SchemaIndex:
        """Kustomize's default: the Kubernetes v1.21 built-in kinds."""
        return _builtin()

    @staticmethod
    def empty() -> SchemaIndex:
        """No schema at all: every list is replaced by the patch's list."""
        return SchemaIndex()

    @staticmethod
    def from_openapi(doc: Mapping[str, Any], source: str = "<openapi>") -> SchemaIndex:
        """The index kustomize uses for `openapi: {path: FILE}`: the file's definitions only.

        Kustomize then ignores the built-in Kubernetes schema for the whole build (checked with
        v5.6.0: a Deployment's containers are replaced, not merged, once a custom schema is set).
        """
        return SchemaIndex.empty().with_openapi(doc, source)

    def with_openapi(self, doc: Mapping[str, Any], source: str = "<openapi>") -> SchemaIndex:
        """This index plus the `definitions` of a swagger document; same-named definitions win."""
        if not isinstance(doc, Mapping):
            raise PatchError("OpenAPI schema must be a mapping with 'definitions'", path=source)
        defs = doc.get("definitions") or {}
        if not isinstance(defs, Mapping):
            raise PatchError("'definitions' must be a mapping", path=source, field="definitions")
        new_defs = dict(self.definitions)
        new_kinds = dict(self.kinds)
        for name, spec in defs.items():
            if not isinstance(spec, Mapping):
                continue
            new_defs[str(name)] = compact_schema(spec)
            for key in _gvk_keys(spec.get("x-kubernetes-group-version-kind")):
                new_kinds[key] = str(name)
        return SchemaIndex(new_defs, new_kinds)

    def with_crds(self, docs: Iterable[Mapping[str, Any]]) -> SchemaIndex:
        """Kustomize's `crds:` files feed only field specs (name references, labels, prefixes),
        never merge keys, so for strategic merge this returns the index unchanged."""
        return self

    def for_kind(self, api_version: str, kind: str) -> FieldSchema | None:
        """Schema of a resource type, or None when the GVK is unknown (custom resources)."""
        name = self.kinds.get((api_version, kind))
        return None if name is None else self.resolve(name)

    def resolve(self, node: Node) -> FieldSchema | None:
        if node is None:
            return None
        key = node if isinstance(node, str) else id(node)  # (the node is kept with the answer)
        hit = self._resolved.get(key)
        if hit is not None:
            return hit[1]
        if isinstance(node, str):
            found = self.definitions.get(node)
            out = None if found is None else FieldSchema(self, found)
        else:
            out = FieldSchema(self, node)
        self._resolved[key] = (node, out)
        return out


@lru_cache(maxsize=1)
def _builtin() -> SchemaIndex:
    text = resources.files("kustomize_py.merge").joinpath("k8s_merge_schema.json").read_text()
    table = json.loads(text)
    defs = {name: {"p": props} for name, props in table["definitions"].items()}
    kinds: dict[tuple[str, str], str] = {}
    for key, name in table["gvk"].items():
        api, kind = key.split(" ", 1)
        if not name:
            # Known to kyaml but nothing mergeable below: keep a non-nil, empty schema.
            name = "\0empty"
        kinds[(api, kind)] = name
    defs["\0empty"] = {}
    return SchemaIndex(defs, kinds)


def schema_from_crd_objects(objs: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """kpy extension (off by default): a swagger doc for `SchemaIndex.with_openapi` built from the
    CustomResourceDefinition objects of a build.

    Kustomize never does this. Lists marked `x-kubernetes-list-type: map` merge on their
    `x-kubernetes-list-map-keys`, `set` lists merge as primitive sets; explicit
    `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key` are kept.
    """
    definitions: dict[str, Any] = {}
    for obj in objs:
        if not isinstance(obj, Mapping) or obj.get("kind") != "CustomResourceDefinition":
            continue
        spec = obj.get("spec") or {}
        group = spec.get("group") or ""
        kind = (spec.get("names") or {}).get("kind")
        if not kind:
            continue
        versions = spec.get("versions") or []
        legacy = (spec.get("validation") or {}).get("openAPIV3Schema")  # apiextensions v1beta1
        if not versions and spec.get("version"):
            versions = [{"name": spec["version"]}]
        for ver in versions:
            name = ver.get("name")
            schema = (ver.get("schema") or {}).get("openAPIV3Schema") or legacy
            if not name or not isinstance(schema, Mapping):
                continue
            node = _crd_to_swagger(schema)
            node["x-kubernetes-group-version-kind"] = [{"group": group, "version": name, "kind": kind}]
            definitions[f"{group}.{name}.{kind}"] = node
    return {"definitions": definitions}


def _crd_to_swagger(schema: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {k: v for k, v in schema.items() if k.startswith("x-kubernetes-patch")}
    if "type" in schema:
        out["type"] = schema["type"]
    list_type = schema.get("x-kubernetes-list-type")
    if list_type == "map" and schema.get("x-kubernetes-list-map-keys"):
        out.setdefault("x-kubernetes-patch-strategy", "merge")
        out["x-kubernetes-list-map-keys"] = list(schema["x-kubernetes-list-map-keys"])
    elif list_type == "set":
        out.setdefault("x-kubernetes-patch-strategy", "merge")
    if isinstance(schema.get("items"), Mapping):
        out["items"] = _crd_to_swagger(schema["items"])
    if isinstance(schema.get("properties"), Mapping):
        out["properties"] = {k: _crd_to_swagger(v) for k, v in schema["properties"].items() if isinstance(v, Mapping)}
    if isinstance(schema.get("additionalProperties"), Mapping):
        out["additionalProperties"] = _crd_to_swagger(schema["additionalProperties"])
    return out
