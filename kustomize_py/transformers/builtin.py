"""The built-in transformers of one kustomization, run in the reference's fixed order.

Each configured transformer instance is one step; with `buildMetadata` set, every step records
itself on the resources (origin or transformation annotations) like the reference does.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

from kustomize_py.errors import KustomizationError
from kustomize_py.fieldspecs import FieldSpec, merge_specs
from kustomize_py.fieldspecs.spec import parse_specs

if TYPE_CHECKING:
    from kustomize_py.fieldspecs.config import TransformerConfig
    from kustomize_py.pipeline import Accumulator, Target
    from kustomize_py.resource import Resource

# (builtin plugin kind, action); an action may return the resources it changed (see run_all)
Step = tuple[str, Callable[[], "list[Resource] | None"]]


def steps(target: Target, ra: Accumulator) -> list[Step]:
    """The transformer instances this kustomization configures, in the reference's order."""
    k = target.kustomization
    cfg = ra.config
    out: list[Step] = []

    def items() -> list[Any]:
        return ra.resources.items

    def on_items(fn: Callable[[list[Any], Any, Any], None], arg: Any, specs_key: str) -> Callable[[], None]:
        """A step running `fn` on the resources as they are then, with `arg` and the field specs."""
        return lambda: fn(items(), arg, cfg.get(specs_key))

    if k.get("patchesStrategicMerge") or k.get("patches") or k.get("patchesJson6902"):
        from kustomize_py.transformers import patch  # only then: it costs start-up time

    # Like the reference, every transformer is configured (its patch files read and parsed) before
    # any runs: a bad patch file fails the build even when an earlier transformer would fail too.
    if k.get("patchesStrategicMerge"):
        smps = patch.configure_strategic_merge_files(target, k.get("patchesStrategicMerge"))
        out.append(("PatchStrategicMergeTransformer",
                    partial(patch.apply_strategic_merge_files, target, ra, k.get("patchesStrategicMerge"), smps)))
    for entry in k.get("patches", []):
        out.append(("PatchTransformer",
                    partial(patch.apply_patch_config, target, ra, entry, patch.configure_patch(target, entry))))
    if k.get("namespace"):
        from kustomize_py.transformers.namespace import set_namespace

        def ns() -> None:  # run_all reindexes after it
            set_namespace(items(), k.get("namespace"), cfg.get("namespace"))

        out.append(("NamespaceTransformer", ns))
    if k.get("namePrefix"):
        from kustomize_py.transformers.prefix_suffix import add_affix

        out.append(("PrefixTransformer", lambda: add_affix(items(), cfg.get("namePrefix"), prefix=k.get("namePrefix"))))
    if k.get("nameSuffix"):
        from kustomize_py.transformers.prefix_suffix import add_affix

        out.append(("SuffixTransformer", lambda: add_affix(items(), cfg.get("nameSuffix"), suffix=k.get("nameSuffix"))))
    if k.get("labels") or k.get("commonLabels"):
        out.extend(("LabelTransformer", fn) for fn in label_steps(target, ra))
    if k.get("commonAnnotations"):
        from kustomize_py.transformers.labels import add_pairs

        out.append(("AnnotationsTransformer",
                    lambda: add_pairs(items(), _strmap(k.get("commonAnnotations")), cfg.get("commonAnnotations"))))
    for entry in k.get("patchesJson6902", []):
        out.append(("PatchJson6902Transformer",
                    partial(patch.apply_json6902_configured, ra, patch.configure_json6902(target, entry))))
    for replica in k.get("replicas", []):
        out.append(("ReplicaCountTransformer", partial(_replicas, ra, replica)))
    images = k.get("images", [])
    for image in images:
        if not isinstance(image, dict):
            raise KustomizationError("images entries must be mappings", path=k.path, field="images")
    if images and not target.tracking:
        from kustomize_py.transformers.images import set_image_list

        # One pass for all entries (the same result; with buildMetadata each entry is its own step).
        out.append(("ImageTagTransformer", on_items(set_image_list, images, "images")))
    elif images:
        from kustomize_py.transformers.images import set_images

        out.extend(("ImageTagTransformer", on_items(set_images, image, "images")) for image in images)
    if k.get("replacements"):
        from kustomize_py.transformers.replacements import apply_replacements, load_replacements

        loaded = load_replacements(target.loader, k.get("replacements"), k.path)
        out.append(("ReplacementTransformer", lambda: apply_replacements(ra.resources, loaded, k.path)))
    return out


def _replicas(ra: Accumulator, replica: dict[str, Any]) -> list[Any]:
    """One `replicas:` entry, on the resources that have (or had) its name; returns them."""
    from kustomize_py.transformers.replicas import set_replicas

    name = replica.get("name")
    chosen = ra.resources.named(name) if isinstance(name, str) else ra.resources.items
    set_replicas(chosen, replica, ra.config.get("replicas"))
    return chosen


# The kustomization fields that configure a step above: a kustomization with none runs nothing.
FIELDS = frozenset({"patchesStrategicMerge", "patches", "namespace", "namePrefix", "nameSuffix", "labels",
                    "commonLabels", "commonAnnotations", "patchesJson6902", "replicas", "images", "replacements"})


def run_all(target: Target, ra: Accumulator) -> None:
    fields = target.kustomization.fields
    if not any(fields[name] for name in fields.keys() & FIELDS):  # most bases: skip making the steps
        return
    memo = getattr(target.options.cache, "passes", None)  # a watch session's (transformers/reuse.py)
    if memo is not None:
        from kustomize_py.transformers import reuse

        if reuse.run(target, ra, memo):
            return
    for kind, action in steps(target, ra):
        # a step returning the resources it changed keeps the index itself (None: rebuild it)
        ra.resources.reindex(action())
        if target.tracking:
            record_transformer(ra, target.configured_origin("builtin", kind))


def record_transformer(ra: Accumulator, origin: dict[str, Any]) -> None:
    """The reference notes each transformer on every resource: as its origin if it has none."""
    for res in ra.resources.items:
        if res.origin is None:
            res.origin = dict(origin)
        else:
            res.transformations.append(dict(origin))


def label_steps(target: Target, ra: Accumulator) -> list[Callable[[], list[Resource] | None]]:
    from kustomize_py.transformers.labels import add_pairs

    k = target.kustomization
    cfg = ra.config
    out: list[Callable[[], list[Resource] | None]] = []

    def add(pairs: dict[str, str], specs: list[FieldSpec]) -> Callable[[], list[Resource] | None]:
        if not pairs:  # adds nothing: nothing to reindex either (run_all's [] = no resource changed)
            return list
        return lambda: add_pairs(ra.resources.items, pairs, specs)

    for entry in k.get("labels") or []:
        if not isinstance(entry, dict):
            raise KustomizationError("labels entries must be mappings", path=k.path, field="labels")
        out.append(add(_strmap(entry.get("pairs") or {}), _label_specs(entry, cfg, k.path)))
    out.append(add(_strmap(k.get("commonLabels") or {}), cfg.get("commonLabels")))
    return out


# (config, flags, specs) of the last `labels` entry without `fields`: every directory of a tree
# shares the built-in config, so its entries' specs are merged once (specs are never changed).
_LAST_LABEL_SPECS: tuple[Any, tuple[bool, bool], list[FieldSpec]] | None = None


def _label_specs(entry: dict[str, Any], cfg: TransformerConfig, source: str) -> list[FieldSpec]:
    """The field specs a `labels` entry sets its pairs at."""
    global _LAST_LABEL_SPECS
    fields = entry.get("fields") or []
    flags = (bool(entry.get("includeSelectors")), bool(entry.get("includeTemplates")))
    last = _LAST_LABEL_SPECS
    if not fields and last is not None and last[0] is cfg and last[1] == flags:
        return last[2]
    specs = merge_specs(parse_specs(fields, source), cfg.get("labels"))
    if flags[0]:
        specs = merge_specs(specs, cfg.get("commonLabels"))
    else:
        if flags[1]:
            specs = merge_specs(specs, cfg.get("templateLabels"))
        specs = merge_specs(specs, [FieldSpec("metadata/labels", create=True)])
    if not fields:
        _LAST_LABEL_SPECS = (cfg, flags, specs)
    return specs


def _strmap(m: dict[Any, Any]) -> dict[str, str]:
    return {str(a): _str(b) for a, b in m.items()}


def _str(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return "" if v is None else str(v)
