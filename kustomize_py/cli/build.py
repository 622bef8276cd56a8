"""`kpy build DIR`: render a kustomization like `kustomize build`."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("build", help="render a kustomization directory (like `kustomize build`)")
    p.add_argument("path", nargs="?", default=".", help="kustomization directory (default: .)")
    p.add_argument("-o", "--output", help="write to FILE, or one file per resource into an existing DIR")
    p.add_argument("--load-restrictor", default="LoadRestrictionsRootOnly",
                   choices=["LoadRestrictionsRootOnly", "LoadRestrictionsNone"],
                   help="whether files may be loaded from outside the kustomization root")
    p.add_argument("--enable-helm", action="store_true", help="inflate helmCharts with the helm binary")
    p.add_argument("--helm-command", default="helm", help="helm binary to use (default: helm)")


def run(args: argparse.Namespace) -> int:
    from kustomize_py.output import write_output
    from kustomize_py.pipeline import build

    result = build(args.path, load_restrictor=args.load_restrictor, enable_helm=args.enable_helm,
                   helm_command=args.helm_command, warn=lambda m: print(m, file=sys.stderr))
    if args.output:
        write_output(result, args.output)
    else:
        sys.stdout.write(result.yaml)
    return 0
