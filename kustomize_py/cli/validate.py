"""`kpy validate [PATH ...]`: schema validation of manifests and rendered overlays, offline."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kustomize_py.validate import Validator


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("validate", help="validate manifests or rendered overlays against Kubernetes schemas "
                                        "and the CRDs they ship, offline")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="a kustomization directory (rendered first), a manifest file (YAML or JSON, "
                        "multi-document), or - for standard input (default: the current directory when "
                        "it holds a kustomization, else every overlay under it, as kpy check renders them)")
    p.add_argument("--kubernetes-version", metavar="X.Y",
                   help="Kubernetes minor version of the built-in schemas (default: the newest shipped)")
    p.add_argument("--no-strict", dest="strict", action="store_false", default=None,
                   help="allow fields the schema does not know (default: they are errors, like "
                        "kubectl apply --validate=strict)")
    p.add_argument("--ignore-missing-schemas", action="store_true", default=None,
                   help="skip custom resources no CRD describes instead of reporting them")
    p.add_argument("--crd", action="append", default=[], metavar="FILE|DIR",
                   help="CustomResourceDefinitions to validate custom resources against (repeatable)")
    p.add_argument("--skip", action="append", default=[], metavar="KIND",
                   help="kinds (Widget) or apiVersion/kind (example.com/v1/Widget) to leave unchecked; "
                        "repeatable or comma-separated")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--list-versions", action="store_true", help="print the shipped Kubernetes versions and exit")


def _config() -> tuple[dict[str, Any], str]:
    """The `validate:` settings of the nearest .kpy.yaml, from the current directory up to the
    repository root (the directory holding .git); relative `crds` are made relative to it."""
    from kustomize_py.repo.discover import CONFIG_FILE, load_config
    from kustomize_py.validate.config import settings

    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            found = settings(load_config(folder), str(folder / CONFIG_FILE))
            return found, str(folder)
        if (folder / ".git").exists():
            break
    return {}, "."


def _repository_targets(validator: Validator) -> list[str]:
    """No PATH: the current directory when it is a kustomization, else every overlay under it
    (what kpy check renders), with the CRDs found anywhere under it."""
    from kustomize_py.validate.inputs import crd_objects, is_kustomization_dir

    if is_kustomization_dir("."):
        return ["."]
    from kustomize_py.repo.graph import build_graph

    validator.add_crds(crd_objects(".", lenient=True))
    return build_graph(Path(".")).targets


def run(args: argparse.Namespace) -> int:
    from kustomize_py.errors import KpyError
    from kustomize_py.validate import Validator, bundle
    from kustomize_py.validate.inputs import crd_objects, read
    from kustomize_py.validate.problems import Problem, format_json, format_text

    if args.list_versions:
        print("\n".join(bundle.versions()))
        return 0
    config, base = _config()
    skip = [k.strip() for entry in args.skip for k in entry.split(",") if k.strip()]
    validator = Validator(
        kubernetes_version=args.kubernetes_version or config.get("kubernetesVersion"),
        strict=config.get("strict", True) if args.strict is None else args.strict,
        ignore_missing_schemas=bool(args.ignore_missing_schemas or config.get("ignoreMissingSchemas")),
        skip_kinds=[*skip, *config.get("skipKinds", ())])
    for path in [*(os.path.join(base, p) for p in config.get("crds", ())), *args.crd]:
        if validator.add_crds(crd_objects(path)) == 0:
            print(f"warning: {path}: no CustomResourceDefinition found", file=sys.stderr)
    paths = args.paths or _repository_targets(validator)
    if not paths:
        print("warning: no kustomization found under the current directory: nothing to validate", file=sys.stderr)
    if paths.count("-") > 1:
        raise KpyError("standard input (-) can be read once")
    sources: list[tuple[str, list[object]]] = []
    problems: list[Problem] = []
    from kustomize_py.cache import ParseCache

    cache = ParseCache()  # overlays share their bases: parse each file once
    for path in paths:
        try:
            objects = read(path, cache)
        except KpyError as err:  # a source that does not build or parse is a problem; the others still run
            problems.append(Problem(path, 0, "", "", "", "", "", f"cannot read: {err}"))
            continue
        validator.add_crds(objects)  # CRDs in any input describe custom resources in every input
        sources.append((path, objects))
    checked = 0
    for path, objects in sources:
        problems += validator.check(objects, path)
        checked += len(objects)
    if args.format == "json":
        sys.stdout.write(format_json(problems, checked))
    else:
        sys.stdout.write(format_text(problems))
        verdict = f"{len(problems)} problem{'s' * (len(problems) != 1)}" if problems else "valid"
        print(f"{checked} document{'s' * (checked != 1)} checked against Kubernetes {validator.version} "
              f"schemas{'' if validator.strict else ' (not strict)'}: {verdict}", file=sys.stderr)
    return 1 if problems else 0
