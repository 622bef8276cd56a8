"""`kpy envdiff`: compare two overlays (promotion), or one overlay at two Git refs; Secrets redacted."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("envdiff", help="diff two overlays (staging vs production) or one overlay at two Git refs")
    p.add_argument("overlays", nargs="+", metavar="OVERLAY", help="one overlay with --ref, or two overlays")
    p.add_argument("--ref", action="append", default=[], metavar="REF",
                   help="Git ref; give it twice for REF_A..REF_B, once to compare REF with the working tree")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    p.add_argument("--exit-code", action="store_true", help="exit 1 when there are differences")


def run(args: argparse.Namespace) -> int:
    import os
    import sys

    from kustomize_py.errors import KpyError
    from kustomize_py.repo.envdiff import diff_overlays, diff_refs, presence
    from kustomize_py.sync.normalize import render_diffs

    note = ""
    if args.ref:
        if len(args.overlays) != 1 or len(args.ref) > 2:
            raise KpyError("with --ref give one overlay and one or two refs", field="--ref")
        ref_b = args.ref[1] if len(args.ref) > 1 else None
        diffs = diff_refs(args.overlays[0], args.ref[0], ref_b)
        status = presence(args.overlays[0], args.ref[0], ref_b)
        if status:
            where = f"{args.ref[0]} -> {ref_b or 'working tree'}"
            note = (f"{args.overlays[0]}: {status} ({where}): everything it deploys is "
                    f"{'new' if status == 'added' else 'deleted by a pruning controller'}")
    elif len(args.overlays) == 2:
        status = None
        diffs = diff_overlays(args.overlays[0], args.overlays[1])
    else:
        raise KpyError("give two overlays, or one overlay and --ref", field="OVERLAY")
    if args.format == "json":
        print(json.dumps({"diffs": [d.to_dict() for d in diffs],
                          **({"overlay": status} if args.ref and status else {})}, indent=2))
    else:
        colour = args.color == "always" or (args.color == "auto" and sys.stdout.isatty()
                                             and not os.environ.get("NO_COLOR"))
        if note:
            print(note)
        sys.stdout.write(render_diffs(diffs, colour=colour))
        if not diffs:
            print("no differences")
    return 1 if diffs and args.exit_code else 0
