"""`kpy unseal`: decrypt SealedSecrets offline with the controller's private keys (disaster recovery, tests)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kustomize_py.errors import SealError


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "unseal",
        help="decrypt SealedSecrets with the controller's private key(s) and print the Secrets",
        description="Every key given is tried for every item, as the controller does.",
    )
    p.add_argument("file", nargs="?", default="-", help="SealedSecret YAML/JSON (default: stdin)")
    p.add_argument(
        "--key",
        action="append",
        default=[],
        metavar="KEY",
        help="PEM private key, or a key Secret / List of them (repeatable)",
    )
    p.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (mode 0600) instead of stdout"
    )
    p.add_argument(
        "--format", choices=("yaml", "json"), help="output format (default: yaml, json for *.json)"
    )


def run(args: argparse.Namespace) -> int:
    from kustomize_py.cli.seal import _emit, _format, _read
    from kustomize_py.sealed.codec import load_private_keys
    from kustomize_py.sealed.manifest import dump_all, parse_objects, unseal

    if not args.key:
        raise SealError("--key is required")
    keys = [k for path in args.key for k in load_private_keys(_read(path), source=path)]
    source = "<stdin>" if args.file == "-" else args.file
    objects = parse_objects(_read(args.file), source)
    # Other objects are skipped, so `kpy build OVERLAY | kpy unseal --key K` shows the overlay's Secrets.
    sealed = [o for o in objects if o.get("kind") == "SealedSecret"]
    if not sealed:
        raise SealError("no SealedSecret in the input", path=source)
    if len(sealed) < len(objects):
        print(f"kpy unseal: skipped {len(objects) - len(sealed)} object(s) that are not SealedSecrets",
              file=sys.stderr)
    secrets = [unseal(s, keys, source=source) for s in sealed]
    _emit(
        dump_all(secrets, _format(args, args.output)),
        args.output,
        mode=0o600 if args.output else None,
    )
    return 0
