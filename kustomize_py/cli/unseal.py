"""`kpy unseal`: decrypt SealedSecrets offline with the controller's private keys (disaster recovery, tests)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kustomize_py.errors import SealError


def register(subparsers: Any) -> None:
    from kustomize_py.cli.seal_flags import Track, format_value

    p = subparsers.add_parser(
        "unseal",
        help="decrypt SealedSecrets with the controller's private key(s) and print the Secrets",
        description="Every key given is tried for every item, as the controller does "
        "(kubeseal's form: kpy seal --recovery-unseal --recovery-private-key KEY).",
    )
    p.add_argument("file", nargs="?", default="-", help="SealedSecret YAML/JSON (default: stdin)")
    p.add_argument(
        "--key",
        "--recovery-private-key",
        action=Track,
        kind="append",
        default=[],
        metavar="KEY[,KEY...]",
        help="PEM private key, or a key Secret / List of them (repeatable, comma-separated)",
    )
    p.add_argument(
        "-o",
        "--format",
        action=Track,
        type=format_value,
        metavar="yaml|json",
        help="output format (default: yaml)",
    )
    p.add_argument(
        "-w", "--output", action=Track, metavar="FILE", help="write to FILE (mode 0600) instead of stdout"
    )


def run(args: argparse.Namespace) -> int:
    from kustomize_py.cli.seal_io import emit, load_keys, read_file
    from kustomize_py.sealed.manifest import dump_all, parse_objects, unseal

    if not args.key:
        raise SealError("--key is required")
    keys = load_keys(args, "key")
    source = "<stdin>" if args.file == "-" else args.file
    objects = parse_objects(read_file(args.file, "FILE"), source)
    # Other objects are skipped, so `kpy build OVERLAY | kpy unseal --key K` shows the overlay's Secrets.
    sealed = [o for o in objects if o.get("kind") == "SealedSecret"]
    if not sealed:
        raise SealError("no SealedSecret in the input", path=source)
    if len(sealed) < len(objects):
        print(f"kpy unseal: skipped {len(objects) - len(sealed)} object(s) that are not SealedSecrets",
              file=sys.stderr)
    secrets = [unseal(s, keys, source=source) for s in sealed]
    fmt = args.format or ("json" if (args.output or "").lower().endswith(".json") else "yaml")
    emit(dump_all(secrets, fmt), args.output, mode=0o600 if args.output else None)
    return 0
