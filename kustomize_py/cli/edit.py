"""`kpy edit add|set|remove|fix ...`: kustomize's editing commands on the kustomization in the
current directory (same arguments, flags and messages), plus `set image --overlays GLOB`."""

from __future__ import annotations

import argparse
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_PATCH_FLAGS = (("--group", "group"), ("--version", "version"), ("--kind", "kind"),
                ("--name", "name"), ("--namespace", "namespace"),
                ("--annotation-selector", "annotationSelector"), ("--label-selector", "labelSelector"))


def _patch_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--path", default="", help="path to the patch file (not with --patch)")
    p.add_argument("--patch", default="", help="literal patch content (not with --path)")
    for flag, field in _PATCH_FLAGS:
        p.add_argument(flag, dest=f"target_{field}", default="", help=f"{field} in patch target")


def _generator_flags(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("name", nargs="*", help=f"the {what}'s name")
    p.add_argument("--from-file", action="append", default=[], metavar="[KEY=]SOURCE",
                   help="file or glob (comma-separated, repeatable)")
    p.add_argument("--from-literal", action="append", default=[], metavar="KEY=VALUE",
                   help="literal key=value (repeatable)")
    p.add_argument("--from-env-file", default="", metavar="PATH", help="env file of key=value lines")
    p.add_argument("--disableNameSuffixHash", action="store_true", help=f"no hash suffix on the {what}")
    p.add_argument("--namespace", default="", help=f"namespace of the {what}")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    edit = sub.add_parser("edit", help="edit the kustomization in the current directory (kustomize edit)")
    families = edit.add_subparsers(dest="edit_family", metavar="add|set|remove|fix")
    families.required = True

    add = families.add_parser("add", help="add an item to the kustomization").add_subparsers(
        dest="edit_what", metavar="WHAT")
    add.required = True
    p = add.add_parser("resource", help="add resource files, directories or URLs")
    p.add_argument("paths", nargs="*")
    p.add_argument("--no-verify", action="store_true", help="do not check that the resource exists")
    for what in ("component", "generator", "transformer"):
        add.add_parser(what, help=f"add {what} files").add_argument("paths", nargs="*")
    add.add_parser("base", help="add base directories (a,b) to resources").add_argument("paths", nargs="*")
    _patch_flags(add.add_parser("patch", help="add an item to patches"))
    for what in ("label", "annotation"):
        p = add.add_parser(what, help=f"add common{what.title()}s (k:v ...)")
        p.add_argument("pairs", nargs="*")
        p.add_argument("-f", "--force", action="store_true", help="overwrite existing keys")
    label = add.choices["label"]
    label.add_argument("--without-selector", action="store_true",
                       help="add to labels (without selectors) instead of commonLabels")
    label.add_argument("--include-templates", action="store_true",
                       help="with --without-selector: also label pod templates")
    add.add_parser("buildmetadata", help="add buildMetadata options (a,b)").add_argument("options", nargs="*")
    p = add.add_parser("configmap", help="add a configMapGenerator entry")
    _generator_flags(p, "configmap")
    p.add_argument("--behavior", default="", help="create, merge or replace")
    p = add.add_parser("secret", help="add a secretGenerator entry")
    _generator_flags(p, "secret")
    p.add_argument("--type", default="Opaque", help="the secret type (default Opaque)")

    st = families.add_parser("set", help="set a value in the kustomization").add_subparsers(
        dest="edit_what", metavar="WHAT")
    st.required = True
    p = st.add_parser("image", help="set images' new names, tags or digests")
    p.add_argument("images", nargs="*")
    p.add_argument("--overlays", metavar="GLOB", default=None,
                   help="(kpy) apply to every directory matching GLOB that has a kustomization")
    for what in ("namespace", "nameprefix", "namesuffix"):
        st.add_parser(what, help=f"set {what}").add_argument("values", nargs="*")
    st.add_parser("replicas", help="set replicas (name=count ...)").add_argument("values", nargs="*")
    for what in ("label", "annotation"):
        st.add_parser(what, help=f"set common{what.title()}s (k:v ...)").add_argument("pairs", nargs="*")
    st.add_parser("buildmetadata", help="set buildMetadata options (a,b)").add_argument("options", nargs="*")
    for what in ("configmap", "secret"):
        p = st.add_parser(what, help=f"change literal values or the namespace of a {what} generator")
        p.add_argument("name", nargs="*")
        p.add_argument("--from-literal", action="append", default=[], metavar="KEY=VALUE",
                       help="an existing key and its new value (repeatable)")
        p.add_argument("--namespace", default="", help=f"current namespace of the {what}")
        p.add_argument("--new-namespace", default="", help=f"new namespace of the {what}")

    rm = families.add_parser("remove", help="remove an item from the kustomization").add_subparsers(
        dest="edit_what", metavar="WHAT")
    rm.required = True
    for what in ("resource", "transformer"):
        rm.add_parser(what, help=f"remove {what}s matching patterns").add_argument("paths", nargs="*")
    _patch_flags(rm.add_parser("patch", help="remove a patch equal to the flags"))
    for what in ("label", "annotation"):
        p = rm.add_parser(what, help=f"remove common{what.title()}s keys (k1,k2)")
        p.add_argument("keys", nargs="*")
        p.add_argument("-i", "--ignore-non-existence", action="store_true",
                       help="no error for keys that are not there")
    for what in ("configmap", "secret"):
        p = rm.add_parser(what, help=f"remove {what} generators (a,b)")
        p.add_argument("names", nargs="*")
        p.add_argument("--namespace", default="", help=f"namespace of the {what}s")
    rm.add_parser("buildmetadata", help="remove buildMetadata options (a,b)").add_argument("options", nargs="*")

    p = families.add_parser("fix", help="move deprecated fields to their replacements")
    p.add_argument("--vars", action="store_true",
                   help="also convert vars to replacements (rewrites resource files that use them)")


def _target(args: argparse.Namespace) -> dict[str, str]:
    return {field: getattr(args, f"target_{field}") for _, field in _PATCH_FLAGS}


def _split_files(values: list[str]) -> list[str]:
    """pflag's string slice: each occurrence is a CSV list."""
    import csv

    out: list[str] = []
    for v in values:
        out.extend(next(csv.reader([v])) if v else [])
    return out


def _one(values: list[str]) -> Any:
    return values[0] if len(values) == 1 else values


def _dispatch(args: argparse.Namespace) -> Any:
    from kustomize_py import edit as e

    family, what, d = args.edit_family, getattr(args, "edit_what", None), "."
    if family == "fix":
        result, report = e.fix(d, vars=args.vars)
        print(report)
        return result
    if family == "add":
        if what == "resource":
            return e.add_resource(d, *args.paths, no_verify=args.no_verify)
        if what == "base":
            if len(args.paths) != 1:
                from kustomize_py.errors import EditError

                raise EditError("must specify a base directory")
            return e.add_base(d, args.paths[0])
        if what in ("component", "generator", "transformer"):
            return getattr(e, f"add_{what}")(d, *args.paths)
        if what == "patch":
            return e.add_patch(d, args.path, args.patch, **_target(args))
        if what == "label":
            return e.add_label(d, *args.pairs, force=args.force, without_selector=args.without_selector,
                               include_templates=args.include_templates)
        if what == "annotation":
            return e.add_annotation(d, *args.pairs, force=args.force)
        if what == "buildmetadata":
            return e.add_build_metadata(d, args.options)
        common = dict(files=_split_files(args.from_file), literals=args.from_literal,
                      env_file=args.from_env_file, disable_name_suffix_hash=args.disableNameSuffixHash,
                      namespace=args.namespace)
        if what == "configmap":
            return e.add_configmap(d, _one(args.name), behavior=args.behavior, **common)
        return e.add_secret(d, _one(args.name), secret_type=args.type, **common)
    if family == "set":
        if what == "image":
            if args.overlays is not None:
                for directory, changes in e.set_image_overlays(d, args.overlays, *args.images):
                    print(f"{directory}: " + ("; ".join(changes) if changes else "unchanged"))
                return None
            return e.set_image(d, *args.images)
        if what in ("namespace", "nameprefix", "namesuffix", "replicas"):
            return getattr(e, f"set_{what}")(d, *args.values)
        if what in ("label", "annotation"):
            return getattr(e, f"set_{what}")(d, *args.pairs)
        if what in ("configmap", "secret"):
            return getattr(e, f"set_{what}")(d, _one(args.name), literals=args.from_literal,
                                             namespace=args.namespace, new_namespace=args.new_namespace)
        return e.set_build_metadata(d, args.options)
    if what in ("resource", "transformer"):
        return getattr(e, f"remove_{what}")(d, *args.paths)
    if what == "patch":
        return e.remove_patch(d, args.path, args.patch, **_target(args))
    if what in ("label", "annotation"):
        return getattr(e, f"remove_{what}")(d, *args.keys, ignore_non_existence=args.ignore_non_existence)
    if what in ("configmap", "secret"):
        return getattr(e, f"remove_{what}")(d, *args.names, namespace=args.namespace)
    return e.remove_build_metadata(d, args.options)


def run(args: argparse.Namespace) -> int:
    result = _dispatch(args)
    for message in getattr(result, "warnings", []):
        print(message, file=sys.stderr)
    return 0
