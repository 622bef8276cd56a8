"""Validating Kubernetes objects: each document against the schema of its apiVersion and kind,
built-in (the shipped bundle) or from a CRD, with compiled validators reused."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from kustomize_py.validate import bundle, crds, schemas
from kustomize_py.validate.problems import Problem, field_path, messages


class Validator:
    """Options and custom-resource schemas for validating many sources. `skip_kinds` holds kinds
    (`Widget`) or apiVersion/kind pairs (`example.com/v1/Widget`) left unchecked."""

    def __init__(self, *, kubernetes_version: str | None = None, strict: bool = True,
                 ignore_missing_schemas: bool = False, skip_kinds: Iterable[str] = ()) -> None:
        self.version = bundle.normalise_version(kubernetes_version)
        self.strict = strict
        self.ignore_missing_schemas = ignore_missing_schemas
        self.skip_kinds = frozenset(skip_kinds)
        self.crd_schemas: dict[tuple[str, str], Any] = {}
        self._compiled: dict[tuple[str, str], Any] = {}
        kinds = bundle.load(self.version)["kinds"]
        self._builtin_groups = {key.rsplit("/", 2)[0] if key.count("/") == 2 else "" for key in kinds}
        self._builtin_versions: dict[str, list[str]] = {}
        for key in kinds:
            api_version, kind = key.rsplit("/", 1)
            self._builtin_versions.setdefault(kind, []).append(api_version)

    def add_crds(self, objects: Iterable[Any]) -> int:
        """Learn the custom resources of every CRD among `objects`; returns how many CRDs."""
        count = 0
        for obj in objects:
            if crds.is_crd(obj):
                count += 1
                for key, schema in crds.schemas(obj).items():
                    self.crd_schemas[key] = schema
                    self._compiled.pop(key, None)
        return count

    def check(self, objects: Iterable[Any], source: str = "<input>") -> list[Problem]:
        """The problems of `objects` (plain dicts, as parsed), in document order."""
        problems: list[Problem] = []
        for index, obj in enumerate(objects, 1):
            problems.extend(self._check_one(obj, source, index))
        return problems

    def _check_one(self, obj: Any, source: str, index: int) -> list[Problem]:
        if not isinstance(obj, dict):
            return [Problem(source, index, "", "", "", "", "", f"expected an object, got {type(obj).__name__}")]
        api_version, kind = obj.get("apiVersion"), obj.get("kind")
        meta = obj.get("metadata")
        meta = meta if isinstance(meta, dict) else {}
        namespace, name = str(meta.get("namespace") or ""), str(meta.get("name") or "")

        def problem(field: str, message: str) -> Problem:
            return Problem(source, index, str(api_version or ""), str(kind or ""), namespace, name, field, message)

        missing = [f for f, v in (("apiVersion", api_version), ("kind", kind)) if not isinstance(v, str) or not v]
        if missing:
            return [problem(f, "required field is missing") for f in missing]
        assert isinstance(api_version, str) and isinstance(kind, str)
        if kind in self.skip_kinds or f"{api_version}/{kind}" in self.skip_kinds:
            return []
        validator = self._validator(api_version, kind)
        if validator is None:
            message = self._missing(api_version, kind)
            return [problem("", message)] if message else []
        found: dict[tuple[str, str], None] = {}
        for error in validator.iter_errors(obj):
            for parts, message in messages(error):
                found.setdefault((field_path(parts), message))
        return [problem(field, message) for field, message in sorted(found)]

    def _validator(self, api_version: str, kind: str) -> Any:
        key = (api_version, kind)
        if key in self.crd_schemas:
            if key not in self._compiled:
                self._compiled[key] = _custom(json.dumps(self.crd_schemas[key], sort_keys=True, default=str),
                                              self.version, self.strict)
            return self._compiled[key]
        return schemas.builtin(self.version, self.strict, api_version, kind)

    def _missing(self, api_version: str, kind: str) -> str | None:
        group = api_version.rsplit("/", 1)[0] if "/" in api_version else ""
        served = self._builtin_versions.get(kind)
        if group in self._builtin_groups and served:
            return (f"Kubernetes {self.version} does not serve {kind} in {api_version} "
                    f"(it does in {', '.join(sorted(served))})")
        if group in self._builtin_groups:
            return f"Kubernetes {self.version} has no kind {kind} in {api_version}"
        if self.ignore_missing_schemas:
            return None
        return (f"no schema for {api_version} {kind}: no CRD in the input defines it "
                "(add one with --crd, or use --ignore-missing-schemas or --skip)")


_CUSTOM: dict[tuple[str, str, bool], Any] = {}


def _custom(schema_text: str, version: str, strict: bool) -> Any:
    # keyed by the schema's text: the same CRD seen in many overlays compiles once
    key = (schema_text, version, strict)
    if key not in _CUSTOM:
        _CUSTOM[key] = schemas.custom(json.loads(schema_text), version, strict)
    return _CUSTOM[key]


def validate(objects: Iterable[Any], *, kubernetes_version: str | None = None, strict: bool = True,
             crds: Iterable[Any] = (), ignore_missing_schemas: bool = False, skip_kinds: Iterable[str] = (),
             source: str = "<input>") -> list[Problem]:
    """Validate Kubernetes objects (plain dicts) offline against the schemas of Kubernetes
    `kubernetes_version` (default: the newest shipped) and of the CRDs among `objects` and `crds`.
    Returns the problems found (empty when everything is valid)."""
    objects = list(objects)
    validator = Validator(kubernetes_version=kubernetes_version, strict=strict,
                          ignore_missing_schemas=ignore_missing_schemas, skip_kinds=skip_kinds)
    validator.add_crds(crds)
    validator.add_crds(objects)
    return validator.check(objects, source)
