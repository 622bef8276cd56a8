"""The transformer configuration: every field-spec section, merged from defaults, bases,
`configurations:` files and `crds:`."""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

from kustomize_py.errors import KustomizationError
from kustomize_py.fieldspecs.spec import FieldSpec, merge_specs, parse_specs
from kustomize_py.record import Record

SECTIONS = ("namePrefix", "nameSuffix", "commonLabels", "labels", "templateLabels", "commonAnnotations",
            "namespace", "varReference", "images", "replicas")
_BY_LOWER = {s.lower(): s for s in (*SECTIONS, "nameReference")}


class TransformerConfig(Record):
    __slots__ = _fields = ("specs", "name_reference")

    specs: dict[str, list[FieldSpec]]
    # nameReference: list of {group, version, kind, fieldSpecs: [FieldSpec]} (referenced kind -> referrers)
    name_reference: list[dict[str, Any]]

    def __init__(self, specs: dict[str, list[FieldSpec]] | None = None,
                 name_reference: list[dict[str, Any]] | None = None) -> None:
        self.specs = {} if specs is None else specs
        self.name_reference = [] if name_reference is None else name_reference

    def get(self, section: str) -> list[FieldSpec]:
        return self.specs.get(section, [])

    def merge(self, other: TransformerConfig) -> TransformerConfig:
        """The union of both; configs are never changed in place once made, so either side is
        returned as it is when the other adds nothing (every directory merges the defaults)."""
        if other is self or not other.specs and not other.name_reference:
            return self
        if not self.specs and not self.name_reference:  # the usual first merge: nothing to dedupe
            return other
        if other.specs == self.specs and other.name_reference == self.name_reference:
            # A base's config is usually the defaults, as is its overlay's: merging adds nothing
            # (configs are never changed in place, so the same one can be shared).
            return self
        out = TransformerConfig(dict(self.specs), [dict(r) for r in self.name_reference])
        for section, specs in other.specs.items():
            out.specs[section] = merge_specs(out.specs.get(section, []), specs)
        for ref in other.name_reference:
            same = next((r for r in out.name_reference if _gvk(r) == _gvk(ref)), None)
            if same is None:
                out.name_reference.append(dict(ref))
            else:
                same["fieldSpecs"] = merge_specs(same["fieldSpecs"], ref["fieldSpecs"])
        return out


def _gvk(ref: dict[str, Any]) -> tuple[str, str, str]:
    return (ref.get("group") or "", ref.get("version") or "", ref.get("kind") or "")


def from_data(data: Any, source: str) -> TransformerConfig:
    """A config from the YAML form used by `configurations:` files and the built-in defaults."""
    if data is None:
        return TransformerConfig()
    if not isinstance(data, dict):
        raise KustomizationError("a transformer configuration must be a mapping", path=source)
    out = TransformerConfig()
    for key, value in data.items():
        section = _BY_LOWER.get(str(key).lower())
        if section is None:
            raise KustomizationError(f"unknown transformer configuration field {key!r}", path=source)
        if section == "nameReference":
            for ref in value or []:
                if not isinstance(ref, dict):
                    raise KustomizationError("nameReference entries must be mappings", path=source)
                out.name_reference.append({
                    "group": str(ref.get("group") or ""),
                    "version": str(ref.get("version") or ""),
                    "kind": str(ref.get("kind") or ""),
                    "fieldSpecs": parse_specs(ref.get("fieldSpecs") or [], source),
                })
        else:
            out.specs[section] = merge_specs(out.specs.get(section, []), parse_specs(value or [], source))
    return out


_DEFAULT: TransformerConfig | None = None


def default_config() -> TransformerConfig:
    """The built-in config: one object shared by every build (configs are never changed in place)."""
    global _DEFAULT
    if _DEFAULT is None:
        from kustomize_py.fieldspecs import defaults

        _DEFAULT = from_data(defaults(), "kustomize_py/fieldspecs/defaults.yaml")
    return _DEFAULT
