"""`kustomize edit remove ...`: drop resources, transformers, patches, labels, annotations,
ConfigMap/Secret generators and buildMetadata options."""

from __future__ import annotations

from fnmatch import fnmatchcase

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

from kustomize_py.edit.add import patch_entry, same_patch
from kustomize_py.edit.common import Result, build_metadata_options, edit, go_list, namespace_equal
from kustomize_py.errors import EditError


def _path_match(pattern: str, name: str) -> bool:
    """Go's filepath.Match: like fnmatch, but `*` and `?` never cross a '/'."""
    if pattern.count("/") != name.count("/"):
        return False
    return all(fnmatchcase(n, p) for p, n in zip(pattern.split("/"), name.split("/")))


def _remove_matching(directory: str, field: str, patterns: tuple[str, ...], what: str) -> Result:
    if not patterns:
        raise EditError(f"must specify a {what} file")

    def change(k: dict[str, Any], warnings: list[str]) -> bool | None:
        items = k.get(field) or []
        gone = {i for p in patterns for i in items if _path_match(p, i)}
        if not gone:
            return False
        k[field] = [i for i in items if i not in gone]
        return None

    return edit(directory, change)


def remove_resource(directory: str, *patterns: str) -> Result:
    """`edit remove resource PATTERN...`: entries matching a pattern are removed."""
    return _remove_matching(directory, "resources", patterns, "resource")


def remove_transformer(directory: str, *patterns: str) -> Result:
    """`edit remove transformer PATTERN...`."""
    return _remove_matching(directory, "transformers", patterns, "transformer")


def remove_patch(directory: str, path: str = "", patch: str = "", **target: str) -> Result:
    """`edit remove patch`: patches equal to the one the flags describe are removed."""
    if patch and path:
        raise EditError("patch and path can't be set at the same time")
    gone = patch_entry(path, patch, **target)

    def change(k: dict[str, Any], warnings: list[str]) -> bool | None:
        patches = k.get("patches") or []
        kept = [p for p in patches if not same_patch(p, gone)]
        if len(kept) == len(patches):
            warnings.append(f"patch {patch} doesn't exist in kustomization file")
            return False
        k["patches"] = kept
        return None

    return edit(directory, change)


def _names(arg: str, kind: str) -> list[str]:
    out = arg.split(",")
    for name in out:
        if not name:
            raise EditError(f"invalid {kind}: '' (name is empty)")
    return out


def _remove_keys(directory: str, field: str, kind: str, args: tuple[str, ...], ignore: bool) -> Result:
    # kustomize names the kind "label" in these messages for annotations too.
    if not args:
        raise EditError("must specify label")
    if len(args) > 1:
        raise EditError("labels must be comma-separated, with no spaces")
    keys = _names(args[0], "label")

    def change(k: dict[str, Any], warnings: list[str]) -> None:
        m = k.get(field)
        if m is None and not ignore:
            raise EditError(f"{field} is not defined in kustomization file")
        for key in keys:
            if (m is None or key not in m) and not ignore:
                raise EditError(f"{kind} {key} is not defined in kustomization file")
            if m is not None:
                m.pop(key, None)

    return edit(directory, change)


def remove_label(directory: str, *args: str, ignore_non_existence: bool = False) -> Result:
    """`edit remove label k1,k2`: keys removed from `commonLabels`."""
    return _remove_keys(directory, "commonLabels", "label", args, ignore_non_existence)


def remove_annotation(directory: str, *args: str, ignore_non_existence: bool = False) -> Result:
    """`edit remove annotation k1,k2`: keys removed from `commonAnnotations`."""
    return _remove_keys(directory, "commonAnnotations", "annotation", args, ignore_non_existence)


def _remove_generated(directory: str, field: str, what: str, args: tuple[str, ...],
                      namespace: str) -> Result:
    if not args:
        raise EditError(f"at least one {what} name must be specified")
    if len(args) > 1:
        raise EditError(f"too many arguments: {go_list(list(args))}; to provide multiple {what}s "
                        f"to remove, please separate {what} names by commas")
    names = args[0].split(",")

    def change(k: dict[str, Any], warnings: list[str]) -> None:
        entries = k.get(field) or []
        found = set()
        kept = []
        for e in entries:
            if e.get("name", "") in names and namespace_equal(e.get("namespace"), namespace):
                found.add(e.get("name", ""))
                continue
            kept.append(e)
        if not found:
            raise EditError(f"no specified {what}(s) were found in the kustomization.yaml file")
        for n in names:
            if n not in found:
                warnings.append(f"{what} {n} doesn't exist in kustomization file")
        k[field] = kept

    return edit(directory, change)


def remove_configmap(directory: str, *args: str, namespace: str = "") -> Result:
    """`edit remove configmap a,b [--namespace NS]`."""
    return _remove_generated(directory, "configMapGenerator", "configmap", args, namespace)


def remove_secret(directory: str, *args: str, namespace: str = "") -> Result:
    """`edit remove secret a,b [--namespace NS]`."""
    return _remove_generated(directory, "secretGenerator", "secret", args, namespace)


def remove_build_metadata(directory: str, options: str) -> Result:
    """`edit remove buildmetadata a,b`."""
    opts = build_metadata_options([options] if isinstance(options, str) else list(options))

    def change(k: dict[str, Any], warnings: list[str]) -> None:
        k["buildMetadata"] = [o for o in k.get("buildMetadata") or [] if o not in opts]

    return edit(directory, change)


__all__ = ["remove_annotation", "remove_build_metadata", "remove_configmap", "remove_label",
           "remove_patch", "remove_resource", "remove_secret", "remove_transformer"]
