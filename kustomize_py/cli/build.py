"""`kpy build DIR`: render a kustomization like `kustomize build`."""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time

if TYPE_CHECKING:
    import argparse
    from typing import Any


RESTRICTORS = ("LoadRestrictionsRootOnly", "LoadRestrictionsNone")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("build", help="render a kustomization directory (like `kustomize build`)")
    p.add_argument("path", nargs="?", default=".", help="kustomization directory (default: .)")
    p.add_argument("-o", "--output", help="write to FILE, or one file per resource into an existing DIR "
                   "(with --all: the directory that receives one file per overlay)")
    p.add_argument("--all", metavar="ROOT", dest="all_root",
                   help="build every overlay under ROOT (kustomizations no other one includes) into -o DIR, "
                        "one file per overlay named after its path (a/b/overlays/prod -> a__b__overlays__prod.yaml)")
    p.add_argument("-j", "--jobs", type=int, default=1, help="with --all: worker processes (default 1)")
    p.add_argument("--load-restrictor", default="LoadRestrictionsRootOnly", metavar="{" + ",".join(RESTRICTORS) + "}",
                   help="whether files may be loaded from outside the kustomization root")
    p.add_argument("--enable-helm", action="store_true", help="inflate helmCharts with the helm binary")
    p.add_argument("--helm-command", default="helm", help="helm binary to use (default: helm)")
    p.add_argument("--helm-kube-version", default="", metavar="VERSION",
                   help="Kubernetes version helm uses for Capabilities.KubeVersion (for charts without "
                        "kubeVersion of their own)")
    p.add_argument("--helm-api-versions", action="append", default=[], metavar="GROUP/VERSION",
                   help="an API version helm uses for Capabilities.APIVersions (repeatable; for charts "
                        "without apiVersions of their own)")
    p.add_argument("--helm-debug", action="store_true", help="run helm template with --debug")
    # The rest of kubectl kustomize's flags. kpy runs no external plugin or KRM function: with
    # --enable-alpha-plugins a kustomization that needs one fails naming it, and the function
    # flags (-e, --mount, --network, --network-name, --as-current-user) only matter to those.
    p.add_argument("--enable-alpha-plugins", action="store_true",
                   help="as in kubectl kustomize (also enables helm); kpy still runs only builtin plugins "
                        "and fails naming any external plugin or KRM function a kustomization needs")
    p.add_argument("-e", "--env", action="append", default=[], metavar="KEY[=VALUE]",
                   help="accepted for kubectl kustomize compatibility: environment for KRM functions, "
                        "which kpy does not run")
    p.add_argument("--mount", action="append", default=[], metavar="OPTIONS",
                   help="accepted for compatibility: storage mounts for KRM functions (not run by kpy)")
    p.add_argument("--network", action="store_true",
                   help="accepted for compatibility: network access for KRM functions (not run by kpy)")
    p.add_argument("--network-name", default="bridge", metavar="NAME",
                   help="accepted for compatibility: docker network for KRM functions (not run by kpy)")
    p.add_argument("--as-current-user", action="store_true",
                   help="accepted for compatibility: run KRM function containers as the current user "
                        "(not run by kpy)")
    p.add_argument("--reorder", metavar="legacy|none",
                   help="deprecated (use sortOptions): 'legacy' sorts by kind as by default, 'none' keeps "
                        "the input order; a kustomization's sortOptions wins")
    p.add_argument("--enable-managedby-label", action="store_true",
                   help="deprecated (use buildMetadata: [managedByLabel]): label every resource "
                        "app.kubernetes.io/managed-by (also KUSTOMIZE_ENABLE_MANAGEDBY_LABEL=on)")
    p.add_argument("--crd-merge-keys", action="store_true",
                   help="kpy only, off by default: patches to custom resources merge lists by the "
                        "x-kubernetes-list-map-keys of CRDs in the build (kustomize replaces those lists)")
    p.add_argument("--watch", action="store_true",
                   help="kpy only: after the first build, build again whenever a file the kustomization "
                        "reads changes, and print what changed in the output (Ctrl-C to stop)")
    p.add_argument("--watch-poll", action="store_true",
                   help="with --watch: poll file times instead of using the watchfiles package")


def simple_args(argv: list[str]) -> argparse.Namespace | None:
    """For `kpy build [DIR]` with no options, the namespace `register`'s parser would produce,
    without importing and building argparse (milliseconds of every start); None otherwise.
    A test checks it against the real parser, so options added above must be added here too."""
    if not argv or argv[0] != "build" or len(argv) > 2 or any(a.startswith("-") for a in argv[1:]):
        return None
    from types import SimpleNamespace

    # A duck-typed stand-in for argparse.Namespace (argparse itself is what this avoids importing).
    return SimpleNamespace(  # type: ignore[return-value]
        version=False, command="build", path=argv[1] if len(argv) > 1 else ".", output=None, all_root=None,
        jobs=1, load_restrictor="LoadRestrictionsRootOnly", enable_helm=False, helm_command="helm",
        helm_kube_version="", helm_api_versions=[], helm_debug=False, crd_merge_keys=False,
        enable_alpha_plugins=False, env=[], mount=[], network=False, network_name="bridge",
        as_current_user=False, reorder=None, enable_managedby_label=False, watch=False, watch_poll=False)


def build_options(args: argparse.Namespace) -> dict[str, Any]:
    """`build()`'s keyword options from the command line (the same for one overlay and --all)."""
    import os

    managed_by = args.enable_managedby_label or os.environ.get("KUSTOMIZE_ENABLE_MANAGEDBY_LABEL") == "on"
    return {"load_restrictor": args.load_restrictor,
            # the reference's --enable-alpha-plugins turns helm on too
            "enable_helm": args.enable_helm or args.enable_alpha_plugins,
            "helm_command": args.helm_command, "helm_kube_version": args.helm_kube_version,
            "helm_api_versions": tuple(args.helm_api_versions),  # not split at commas, like kubectl
            "helm_debug": args.helm_debug, "crd_merge_keys": args.crd_merge_keys,
            "reorder": args.reorder or "", "managed_by_label": managed_by,
            "enable_alpha_plugins": args.enable_alpha_plugins}


def check_flags(args: argparse.Namespace) -> None:
    """What the reference says about flags before building: deprecations, then bad values."""
    from kustomize_py.errors import KpyError

    if args.reorder is not None:
        print("Flag --reorder has been deprecated, use the new 'sortOptions' field in kustomization.yaml instead.",
              file=sys.stderr)
    if args.enable_managedby_label:
        print("Flag --enable-managedby-label has been deprecated, The flag `enable-managedby-label` has been "
              "deprecated. Use the `managedByLabel` option in the `buildMetadata` field instead.", file=sys.stderr)
    if args.load_restrictor not in RESTRICTORS:
        raise KpyError(f"illegal flag value --load-restrictor {args.load_restrictor}; "
                       f"legal values: [{' '.join(RESTRICTORS)}]")
    if args.reorder is not None and args.reorder not in ("legacy", "none"):
        raise KpyError(f"illegal flag value --reorder {args.reorder}; legal values: [legacy none]")
    if args.watch_poll and not args.watch:
        raise KpyError("--watch-poll chooses how --watch notices changes; add --watch")


def run(args: argparse.Namespace) -> int:
    check_flags(args)
    if args.watch:
        from kustomize_py.cli.watching import watch_build

        return watch_build(args, build_options(args))
    if args.all_root:
        return run_all(args)
    from kustomize_py.pipeline import build

    result = build(args.path, warn=lambda m: print(m, file=sys.stderr), **build_options(args))
    if args.output:
        from kustomize_py.output import write_output  # tempfile & co. only when writing files

        write_output(result, args.output)
    else:
        sys.stdout.write(result.yaml)
    return 0


def run_all(args: argparse.Namespace) -> int:
    """`kpy build --all ROOT -o DIR`: every overlay into its own file; failures reported per overlay."""
    from kustomize_py.errors import KpyError
    from kustomize_py.multi import build_all, write_all

    if not args.output:
        raise KpyError("--all needs -o OUTDIR (one file per overlay is written there)")
    if args.path != ".":
        raise KpyError("give either a kustomization directory or --all ROOT, not both")
    progress = _progress_bar if sys.stderr.isatty() else None
    results = build_all(args.all_root, jobs=max(1, args.jobs), on_progress=progress, **build_options(args))
    if progress:
        sys.stderr.write("\r\033[K")
    write_all(args.all_root, results, args.output)
    failed = {ov: err for ov, err in results.items() if isinstance(err, KpyError)}
    for overlay, err in failed.items():
        print(f"Error: {overlay}: {err}", file=sys.stderr)
    if not results:
        print(f"no overlays found under {args.all_root}", file=sys.stderr)
    return 1 if failed else 0


def _progress_bar(done: int, total: int, overlay: object) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {str(overlay)[-40:]}\033[K")
    sys.stderr.flush()
