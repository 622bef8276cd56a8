"""Strategic merge patch (kyaml merge2 semantics) and the merge-key schema index it reads."""

from kustomize_py.merge.schema import FieldSchema, SchemaIndex, schema_from_crd_objects
from kustomize_py.merge.strategic import is_json6902, strategic_merge

__all__ = ["FieldSchema", "SchemaIndex", "is_json6902", "schema_from_crd_objects", "strategic_merge"]
