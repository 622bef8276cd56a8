"""Inputs and outputs of `kpy seal` and `kpy unseal`: files or stdin, certificates (never URLs),
private keys (repeated or comma-separated), atomic output and kubeseal's choice of format."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kustomize_py.cli.seal_flags import flag, warn
from kustomize_py.errors import SealError

def read_file(path: str, what: str | None = None) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as err:
        given = f" (given to {what})" if what else ""
        raise SealError(f"cannot read{given}: {err.strerror}", path=path) from None


def input_files(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(path or "-", the name used in messages) of each input."""
    if args.secret_file:
        return [(args.secret_file, "<stdin>" if args.secret_file == "-" else args.secret_file)]
    if args.files:
        return [(f, "<stdin>" if f == "-" else f) for f in args.files]
    return [("-", "<stdin>")]


def read_text(path: str, source: str, what: str | None = None) -> str:
    try:
        return read_file(path, what).decode("utf-8")
    except UnicodeDecodeError:
        raise SealError("is not UTF-8 text", path=source) from None


def cert_path(value: str, given: str) -> str:
    """A local path for a --cert value; URLs are refused (kpy is offline), file:// is opened."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(value)
    scheme = parts.scheme.lower()
    if len(scheme) <= 1:  # no scheme, or a Windows drive letter: a file, as kubeseal decides
        return value
    if scheme == "file":
        return unquote(parts.path)
    raise SealError(
        f"{given} {value}: kpy works offline and does not fetch certificates; download it "
        f"first (e.g. `curl -fsSLo cert.pem '{value}'`) and pass the file"
    )


def cert_paths(args: argparse.Namespace) -> dict[str | None, str]:
    """--cert values as {environment or None: path}."""
    given = flag(args, "cert")
    if not args.cert:
        raise SealError(
            "--cert is required: kpy never asks a cluster for the certificate "
            "(get it once with `kubeseal --fetch-cert > cert.pem`)"
        )
    certs: dict[str | None, str] = {}
    for value in args.cert:
        env, sep, path = value.partition("=")
        key = env if sep and env and "/" not in env and ":" not in env else None
        path = path if key else value
        if key in certs:
            raise SealError(f"{given} given twice for {key or 'the default'}")
        certs[key] = cert_path(path, given)
    return certs


def load_cert(path: str, args: argparse.Namespace) -> Any:
    from kustomize_py.sealed.codec import load_certificate

    return load_certificate(read_file(path, flag(args, "cert")), source=path)


def the_public_key(args: argparse.Namespace) -> Any:
    certs = cert_paths(args)
    if list(certs) != [None]:
        raise SealError(f"give exactly one {flag(args, 'cert')} (ENV=CERT is only for --all)")
    return load_cert(certs[None], args)


def key_files(values: list[str]) -> list[str]:
    """kubeseal's string-slice flags: repeated, or comma-separated, or both."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def load_keys(args: argparse.Namespace, dest: str = "recovery_private_key") -> list[Any]:
    from kustomize_py.sealed.codec import load_private_keys

    given = flag(args, dest)
    files = key_files(getattr(args, dest))
    return [k for path in files for k in load_private_keys(read_file(path, given), source=path)]


def emit(text: str, output: str | None, mode: int | None = None) -> None:
    if output:
        from kustomize_py.sealed.files import write_atomic

        write_atomic(output, text, mode=mode)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def text_format(text: str) -> str:
    return "json" if text.lstrip().startswith("{") else "yaml"


def output_format(args: argparse.Namespace, default: str) -> str:
    """-o, except that a -w file ending in .yaml/.yml is always YAML (as kubeseal decides)."""
    out = args.sealed_secret_file
    if out and Path(out).suffix in (".yaml", ".yml"):
        if args.format == "json":
            warn(f"{flag(args, 'sealed_secret_file')} {out}: writing YAML for the .yaml name although "
                  f"{flag(args, 'format')} json was given (kubeseal does the same)")
        return "yaml"
    return str(args.format or default)
