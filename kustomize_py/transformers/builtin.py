"""The built-in transformers of one kustomization, run in the reference's fixed order."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kustomize_py.errors import KustomizationError
from kustomize_py.fieldspecs import FieldSpec, merge_specs
from kustomize_py.fieldspecs.spec import parse_specs

if TYPE_CHECKING:
    from kustomize_py.pipeline import Accumulator, Target


def run_all(target: Target, ra: Accumulator) -> None:
    k = target.kustomization
    items = ra.resources.items
    cfg = ra.config
    if k.get("patchesStrategicMerge"):
        from kustomize_py.transformers import patch

        patch.apply_strategic_merge_files(target, ra, k.get("patchesStrategicMerge"))
    if k.get("patches"):
        from kustomize_py.transformers import patch

        patch.apply_patches(target, ra, k.get("patches"))
    items = ra.resources.items
    if k.get("namespace"):
        from kustomize_py.transformers.namespace import set_namespace

        set_namespace(items, k.get("namespace"), cfg.get("namespace"))
        ra.resources.reindex()
    if k.get("namePrefix"):
        from kustomize_py.transformers.prefix_suffix import add_affix

        add_affix(items, cfg.get("namePrefix"), prefix=k.get("namePrefix"))
    if k.get("nameSuffix"):
        from kustomize_py.transformers.prefix_suffix import add_affix

        add_affix(items, cfg.get("nameSuffix"), suffix=k.get("nameSuffix"))
    run_labels(target, ra)
    if k.get("commonAnnotations"):
        from kustomize_py.transformers.labels import add_pairs

        add_pairs(items, k.get("commonAnnotations"), cfg.get("commonAnnotations"))
    if k.get("patchesJson6902"):
        from kustomize_py.transformers import patch

        patch.apply_json6902_entries(target, ra, k.get("patchesJson6902"))
    for replica in k.get("replicas", []):
        from kustomize_py.transformers.replicas import set_replicas

        set_replicas(ra.resources.items, replica, cfg.get("replicas"))
    for image in k.get("images", []):
        from kustomize_py.transformers.images import set_images

        if not isinstance(image, dict):
            raise KustomizationError("images entries must be mappings", path=k.path, field="images")
        set_images(ra.resources.items, image, cfg.get("images"))
    if k.get("replacements"):
        from kustomize_py.transformers.replacements import run_replacements

        run_replacements(target, ra, k.get("replacements"))
    ra.resources.reindex()


def run_labels(target: Target, ra: Accumulator) -> None:
    from kustomize_py.transformers.labels import add_pairs

    k = target.kustomization
    cfg = ra.config
    common = k.get("commonLabels") or {}
    labels = k.get("labels") or []
    for entry in labels:
        if not isinstance(entry, dict):
            raise KustomizationError("labels entries must be mappings", path=k.path, field="labels")
        pairs = {str(a): _str(b) for a, b in (entry.get("pairs") or {}).items()}
        specs = merge_specs(parse_specs(entry.get("fields") or [], k.path), cfg.get("labels"))
        if entry.get("includeSelectors"):
            specs = merge_specs(specs, cfg.get("commonLabels"))
        else:
            if entry.get("includeTemplates"):
                specs = merge_specs(specs, cfg.get("templateLabels"))
            specs = merge_specs(specs, [FieldSpec("metadata/labels", create=True)])
        add_pairs(ra.resources.items, pairs, specs)
    if common:
        add_pairs(ra.resources.items, {str(a): _str(b) for a, b in common.items()}, cfg.get("commonLabels"))


def _str(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return "" if v is None else str(v)
