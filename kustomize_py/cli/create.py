"""`kpy create`: a new kustomization.yaml in the current directory (kustomize create)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("create", aliases=["init"],
                       help="create a kustomization.yaml in the current directory (kustomize create)")
    p.set_defaults(command="create")  # `kpy init` runs as create
    p.add_argument("--resources", default="", help="comma-separated resource files, directories or URLs")
    p.add_argument("--namespace", default="", help="the namespace field")
    p.add_argument("--nameprefix", default="", help="the namePrefix field")
    p.add_argument("--namesuffix", default="", help="the nameSuffix field")
    p.add_argument("--labels", default="", help="commonLabels as k:v,k:v")
    p.add_argument("--annotations", default="", help="commonAnnotations as k:v,k:v")
    p.add_argument("--autodetect", action="store_true",
                   help="add the Kubernetes resource files found in the directory")
    p.add_argument("--recursive", action="store_true",
                   help="with --autodetect: search subdirectories, adding those with a kustomization")


def run(args: argparse.Namespace) -> int:
    from kustomize_py.edit import create

    create(".", resources=args.resources, namespace=args.namespace, nameprefix=args.nameprefix,
           namesuffix=args.namesuffix, labels=args.labels, annotations=args.annotations,
           autodetect=args.autodetect, recursive=args.recursive)
    return 0
