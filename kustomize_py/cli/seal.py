"""`kpy seal`: turn a Secret into a SealedSecret offline, kubeseal-style (also --raw, --merge-into, --all)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from kustomize_py.errors import SealError


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "seal",
        help="encrypt a Secret into a SealedSecret with the controller's certificate",
        description="Read a Secret (YAML or JSON) from FILE or stdin and print the SealedSecret.",
    )
    p.add_argument("file", nargs="?", default="-", help="the Secret to seal (default: stdin)")
    p.add_argument(
        "--cert",
        action="append",
        default=[],
        metavar="[ENV=]CERT",
        help="controller certificate, PEM (first of a bundle); env SEALED_SECRETS_CERT. "
        "With --all, ENV=CERT (repeatable) gives the certificate for secrets/ENV/",
    )
    p.add_argument(
        "--scope",
        choices=("strict", "namespace-wide", "cluster-wide"),
        help="sealing scope (default: from the Secret's annotations, else strict)",
    )
    p.add_argument(
        "-n", "--namespace", help="namespace for a Secret that has none (must agree if it has one)"
    )
    p.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE atomically instead of stdout"
    )
    p.add_argument(
        "--format", choices=("yaml", "json"), help="output format (default: yaml, json for *.json)"
    )
    p.add_argument(
        "--merge-into",
        metavar="SEALED",
        help="add or update the items of an existing SealedSecret file",
    )
    p.add_argument("--allow-empty-data", action="store_true", help="accept a Secret without data")
    raw = p.add_argument_group("raw mode (one value)")
    raw.add_argument(
        "--raw", action="store_true", help="encrypt one value and print its base64 ciphertext"
    )
    raw.add_argument("--name", help="the Secret name the value is sealed for (strict scope)")
    raw.add_argument(
        "--from-file", metavar="[KEY=]PATH", help="read the value from PATH (default: stdin)"
    )
    bulk = p.add_argument_group("repository mode")
    bulk.add_argument(
        "--all",
        metavar="ROOT",
        dest="all_root",
        help="seal every <dir>/secrets/*.secret.yaml under ROOT into <dir>/sealed/",
    )
    bulk.add_argument(
        "--key",
        action="append",
        default=[],
        metavar="KEY.pem",
        help="with --all: private key(s) proving unchanged items by decryption",
    )
    bulk.add_argument(
        "--check",
        action="store_true",
        help="with --all: write nothing, exit 1 if a file is out of date",
    )


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as err:
        raise SealError(f"cannot read: {err.strerror}", path=path) from None


def _public_key(args: argparse.Namespace) -> Any:
    from kustomize_py.sealed.codec import load_certificate

    certs = _certs(args)
    if list(certs) != [None]:
        raise SealError("give exactly one --cert (ENV=CERT is only for --all)")
    return load_certificate(_read(certs[None]), source=certs[None])


def _certs(args: argparse.Namespace) -> dict[str | None, str]:
    """--cert values as {environment or None: path}."""
    values = args.cert or (
        [os.environ["SEALED_SECRETS_CERT"]] if os.environ.get("SEALED_SECRETS_CERT") else []
    )
    if not values:
        raise SealError("--cert is required (kpy never asks a cluster for the certificate)")
    certs: dict[str | None, str] = {}
    for value in values:
        env, sep, path = value.partition("=")
        key = env if sep and env and "/" not in env else None
        path = path if key else value
        if key in certs:
            raise SealError(f"--cert given twice for {key or 'the default'}")
        certs[key] = path
    return certs


def _emit(text: str, output: str | None, mode: int | None = None) -> None:
    if output:
        from kustomize_py.sealed.files import write_atomic

        write_atomic(output, text, mode=mode)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _format(args: argparse.Namespace, default_for: str | None) -> str:
    if args.format:
        return str(args.format)
    return "json" if default_for and default_for.lower().endswith(".json") else "yaml"


def _check_modes(args: argparse.Namespace) -> None:
    modes = [
        m
        for m, on in (
            ("--raw", args.raw),
            ("--merge-into", args.merge_into),
            ("--all", args.all_root),
        )
        if on
    ]
    if len(modes) > 1:
        raise SealError(f"{' and '.join(modes)} cannot be combined")
    if args.name and not args.raw:
        raise SealError("--name is only for --raw")
    if args.from_file and not args.raw:
        raise SealError("--from-file is only for --raw")
    if (args.key or args.check) and not args.all_root:
        raise SealError("--key and --check are only for --all (use `kpy unseal --key` to decrypt)")
    if args.all_root and (args.file != "-" or args.output):
        raise SealError("--all takes no input file and no --output")


def run(args: argparse.Namespace) -> int:
    _check_modes(args)
    if args.all_root:
        return _run_all(args)
    public_key = _public_key(args)
    if args.raw:
        return _run_raw(args, public_key)

    from kustomize_py.sealed.manifest import dump_all, parse_objects, seal_secret

    source = "<stdin>" if args.file == "-" else args.file
    secrets = parse_objects(_read(args.file), source)
    if not secrets:
        raise SealError("no Secret in the input", path=source)
    if args.merge_into:
        from kustomize_py.sealed.merge import merge_into

        if len(secrets) != 1:
            raise SealError("--merge-into takes exactly one Secret", path=source)
        existing = _read(args.merge_into).decode("utf-8")
        text = merge_into(
            existing,
            secrets[0],
            public_key,
            scope=args.scope,
            path=args.merge_into,
            fmt=_format(args, args.merge_into),
        )
        _emit(text, args.output or args.merge_into)
        return 0
    sealed = [
        seal_secret(
            s,
            public_key,
            scope=args.scope,
            namespace=args.namespace,
            allow_empty=args.allow_empty_data,
            source=source,
        )
        for s in secrets
    ]
    _emit(dump_all(sealed, _format(args, args.output)), args.output)
    return 0


def _run_raw(args: argparse.Namespace, public_key: Any) -> int:
    from kustomize_py.sealed.codec import encrypt_item

    if not args.scope:
        # kubeseal effectively needs it too: a raw value carries no annotations to read it from
        raise SealError("--raw needs --scope (strict needs --name and --namespace)")
    path = args.from_file.split("=", 1)[-1] if args.from_file else "-"
    value = _read(path)
    ciphertext = encrypt_item(
        public_key, value, scope=args.scope, namespace=args.namespace, name=args.name
    )
    _emit(ciphertext, args.output)  # no trailing newline, like kubeseal --raw
    return 0


def _run_all(args: argparse.Namespace) -> int:
    from kustomize_py.sealed.bulk import seal_all
    from kustomize_py.sealed.codec import load_certificate, load_private_keys

    certs = {env: load_certificate(_read(path), source=path) for env, path in _certs(args).items()}
    private_keys = [k for path in args.key for k in load_private_keys(_read(path), source=path)]
    outcomes = seal_all(
        args.all_root, certs, private_keys=private_keys, scope=args.scope, write=not args.check
    )
    root = Path(args.all_root)
    for outcome in outcomes:
        print(outcome.describe(root), file=sys.stderr)
    if not outcomes:
        print(f"no secrets/*.secret.yaml sources under {args.all_root}", file=sys.stderr)
    stale = [o for o in outcomes if o.status != "unchanged"]
    return 1 if args.check and stale else 0
