"""`kustomize edit set ...`: images, namespace, name prefix/suffix, replicas, labels,
annotations, buildMetadata; plus kpy's opt-in `set image` across several overlays."""

from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

from kustomize_py.edit.common import Result, build_metadata_options, edit, key_values
from kustomize_py.errors import EditError
from kustomize_py.transformers.images import split_image

PRESERVE = "*"
IMAGE_FORMATS = """invalid format of image, use one of the following options:
- <image>=<newimage>:<newtag>
- <image>=<newimage>@<digest>
- <image>=<newimage>:<newtag>@<digest>
- <image>=<newimage>
- <image>:<newtag>
- <image>:<newtag>@<digest>
- <image>@<digest>"""
# An annotation key as Kubernetes accepts it (optional DNS prefix, then a name).
_ANNOTATION_KEY = re.compile(
    r"([a-zA-Z](([-a-zA-Z0-9.]{0,251})[a-zA-Z0-9])?/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]{0,61}[a-zA-Z0-9])?")


def parse_image_arg(arg: str) -> dict[str, str]:
    """One `set image` argument as an `images` entry (fields left empty are absent)."""
    key, sep, value = arg.partition("=")
    if not sep:
        key, value = "", arg
    name, tag, digest = split_image(value)
    if name == arg:
        raise EditError(IMAGE_FORMATS)
    entry = {"name": key or name, "newName": name if key else "", "newTag": tag, "digest": digest}
    return {f: v for f, v in entry.items() if v}


def _preserve(arg: dict[str, str], old: dict[str, str]) -> dict[str, str]:
    # kustomize rebuilds the entry from name/newName/newTag/digest here, so tagSuffix goes.
    out = {"name": arg["name"]}
    for f in ("newName", "newTag", "digest"):
        v = arg.get(f, "")
        if v == PRESERVE:
            v = old.get(f, "")
        if v:
            out[f] = v
    return out


def images_after(current: list[dict[str, Any]], args: list[str]) -> list[dict[str, Any]]:
    """The `images` list after `set image ARGS`, sorted by name as kustomize writes it."""
    if not args:
        raise EditError("no image specified")
    wanted: dict[str, dict[str, str]] = {}
    for arg in args:
        entry = parse_image_arg(arg)
        wanted[entry["name"]] = entry
    merged: dict[str, dict[str, Any]] = dict(wanted)
    for im in current:
        name = im.get("name", "")
        if name in wanted:  # a `*` in the argument keeps this entry's value
            merged[name] = _preserve(merged[name], im)
            continue
        merged[name] = im
    out = []
    for im in merged.values():
        if PRESERVE in im.values():
            im = _preserve(im, {})
        out.append(im)
    return sorted(out, key=lambda im: im.get("name", "").encode())


def set_image(directory: str, *args: str, new_name: str | None = None,
              new_tag: str | None = None, digest: str | None = None) -> Result:
    """`edit set image ARG...` (`name=new:tag`, `name:tag`, `name@digest`; `*` keeps a value).
    Keyword form: `set_image(dir, "app", new_tag="1.2")` changes only the fields given."""
    if new_name is not None or new_tag is not None or digest is not None:
        if len(args) != 1:
            raise EditError("give exactly one image name with new_name/new_tag/digest")
        args = (f"{args[0]}={new_name or PRESERVE}:{new_tag or PRESERVE}@{digest or PRESERVE}",)

    def change(k: dict[str, Any], warnings: list[str]) -> None:
        k["images"] = images_after(k.get("images") or [], list(args))

    return edit(directory, change)


def set_image_overlays(root: str, pattern: str, *args: str) -> list[tuple[str, list[str]]]:
    """kpy's `set image ... --overlays GLOB`: the same `set image` in every directory under `root`
    matching `pattern` that holds a kustomization; returns (directory, what changed) for each.
    Every file is checked before any is written, so a failure leaves all untouched."""
    import glob
    import os

    from kustomize_py.edit.kustfile import FILE_NAMES, KustFile

    dirs = sorted(d for d in glob.glob(pattern, root_dir=root)
                  if any(os.path.isfile(os.path.join(root, d, n)) for n in FILE_NAMES))
    if not dirs:
        raise EditError(f"--overlays {pattern}: no directory with a kustomization file matches")
    planned = []
    for d in dirs:
        kf = KustFile(os.path.join(root, d))
        k = kf.read()
        before = {im.get("name", ""): im for im in k.get("images") or []}
        k["images"] = images_after(k.get("images") or [], list(args))
        after = {im.get("name", ""): im for im in k["images"]}
        changes = [f"{n}: {_image_text(before.get(n))} -> {_image_text(im)}"
                   for n, im in after.items() if before.get(n) != im]
        planned.append((d, kf, k, changes))
    for _, kf, k, _ in planned:
        kf.write(k)
    return [(d, changes) for d, _, _, changes in planned]


def _image_text(im: dict[str, Any] | None) -> str:
    if not im:
        return "(none)"
    text = im.get("newName") or im.get("name", "")
    if im.get("newTag"):
        text += ":" + im["newTag"]
    if im.get("digest"):
        text += "@" + im["digest"]
    return text


def _set_scalar(directory: str, field: str, what: str, args: tuple[str, ...]) -> Result:
    if len(args) != 1:
        raise EditError(f"must specify exactly one {what} value")

    def change(k: dict[str, Any], warnings: list[str]) -> None:
        k[field] = args[0]

    return edit(directory, change)


def set_namespace(directory: str, *args: str) -> Result:
    """`edit set namespace NS`."""
    return _set_scalar(directory, "namespace", "namespace", args)


def set_nameprefix(directory: str, *args: str) -> Result:
    """`edit set nameprefix PREFIX`."""
    return _set_scalar(directory, "namePrefix", "prefix", args)


def set_namesuffix(directory: str, *args: str) -> Result:
    """`edit set namesuffix SUFFIX` (a leading '-' needs `--`)."""
    return _set_scalar(directory, "nameSuffix", "suffix", args)


def set_replicas(directory: str, *args: str) -> Result:
    """`edit set replicas name=count ...`: entries replaced by name, sorted by name."""
    if not args:
        raise EditError("no replicas specified")
    wanted: dict[str, dict[str, Any]] = {}
    for arg in args:
        parts = arg.split("=")
        if len(parts) != 2 or not re.fullmatch(r"[+-]?[0-9]+", parts[1]) or \
                not -2**63 <= int(parts[1]) < 2**63:
            raise EditError("invalid format of replica, use the following format: <name>=<count>")
        wanted[parts[0]] = {"name": parts[0], "count": int(parts[1])}

    def change(k: dict[str, Any], warnings: list[str]) -> None:
        merged = dict(wanted)
        for rep in k.get("replicas") or []:
            merged.setdefault(rep.get("name", ""), rep)
        k["replicas"] = sorted(merged.values(), key=lambda r: r.get("name", "").encode())

    return edit(directory, change)


def set_label(directory: str, *pairs: str) -> Result:
    """`edit set label k:v ...`: `commonLabels` entries added or overwritten."""
    if not pairs:
        raise EditError("must specify label")
    values = key_values(list(pairs), "label")

    def change(k: dict[str, Any], warnings: list[str]) -> None:
        k.setdefault("commonLabels", {}).update(values)

    return edit(directory, change)


def set_annotation(directory: str, *pairs: str) -> Result:
    """`edit set annotation k:v ...`: `commonAnnotations` entries added or overwritten."""
    if not pairs:
        raise EditError("must specify annotation")
    values = key_values(list(pairs), "annotation")
    for key in values:
        if not _ANNOTATION_KEY.fullmatch(key):
            raise EditError("invalid annotation key: see the syntax and character set rules at "
                            "https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/")

    def change(k: dict[str, Any], warnings: list[str]) -> None:
        k.setdefault("commonAnnotations", {}).update(values)

    return edit(directory, change)


def set_build_metadata(directory: str, options: str) -> Result:
    """`edit set buildmetadata a,b`: the options replace the field entirely."""
    opts = build_metadata_options([options] if isinstance(options, str) else list(options))

    def change(k: dict[str, Any], warnings: list[str]) -> None:
        k["buildMetadata"] = opts

    return edit(directory, change)



def _literal_pair(value: str) -> tuple[str, str]:
    if value.count("=") != 1:
        raise EditError("invalid format: literal values must be specified in the key=value format")
    key, _, v = value.partition("=")
    return key, v


def _set_generated(directory: str, field: str, kind: str, what: str, names: list[str] | str,
                   literals: list[str], namespace: str, new_namespace: str) -> Result:
    names = [names] if isinstance(names, str) else list(names)
    if len(names) != 1:
        raise EditError("failed to validate flags: name must be specified once")
    if not literals and not new_namespace:
        raise EditError("failed to validate flags: at least one of [--from-literal, --new-namespace] "
                        "must be specified")
    from kustomize_py.edit.add import _check_generates, _merge_global_options
    from kustomize_py.edit.common import namespace_equal

    def change(k: dict[str, Any], warnings: list[str]) -> None:
        args = next((e for e in k.get(field) or [] if e.get("name", "") == names[0]
                     and namespace_equal(namespace, e.get("namespace"))), None)
        if args is None:
            raise EditError(f"failed to create {what}: could not set new {kind} value: "
                            f'unable to find {kind} with name "{names[0]}"')
        if literals:
            # kustomize rebuilds the list from a map (in no fixed order); kpy keeps file order
            sources: dict[str, str] = {}
            try:
                for item in args.get("literals") or []:
                    key, value = _literal_pair(item)
                    sources[key] = value
                for item in literals:
                    key, value = _literal_pair(item)
                    if key not in sources:
                        raise EditError(f"key '{key}' not found in resource")
                    sources[key] = value
            except EditError as err:
                raise EditError(f"failed to create {what}: failed to update literal sources: failed to "
                                f"update resource: {err.message}") from None
            args["literals"] = [f"{key}={value}" for key, value in sources.items()]
        if new_namespace:
            args["namespace"] = new_namespace
        args["options"] = _merge_global_options(args.get("options"), k.get("generatorOptions"))
        _check_generates(directory, what, args, field == "secretGenerator")

    return edit(directory, change)


def set_configmap(directory: str, name: str, *, literals: Sequence[str] = (), namespace: str = "",
                  new_namespace: str = "") -> Result:
    """`edit set configmap NAME --from-literal K=V... [--namespace NS] [--new-namespace NS]`:
    change existing literal keys or the namespace of a configMapGenerator entry."""
    return _set_generated(directory, "configMapGenerator", "ConfigMap", "configmap", name, list(literals),
                          namespace, new_namespace)


def set_secret(directory: str, name: str, *, literals: Sequence[str] = (), namespace: str = "",
               new_namespace: str = "") -> Result:
    """`edit set secret NAME --from-literal K=V... [--namespace NS] [--new-namespace NS]`."""
    return _set_generated(directory, "secretGenerator", "Secret", "secret", name, list(literals),
                          namespace, new_namespace)


__all__ = ["images_after", "parse_image_arg", "set_annotation", "set_build_metadata", "set_image",
           "set_image_overlays", "set_label", "set_nameprefix", "set_namespace", "set_namesuffix",
           "set_replicas", "split_image", "set_configmap", "set_secret"]
