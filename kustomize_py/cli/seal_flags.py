"""kubeseal's flags for `kpy seal`: which were typed (and how, for messages), their
SEALED_SECRETS_<FLAG> environment twins, and which mode they select; a flag the mode does not use
is reported."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from kustomize_py.errors import SealError

ENV_PREFIX = "SEALED_SECRETS_"  # kubeseal reads every flag from SEALED_SECRETS_<FLAG> as well
# dest -> the kubeseal flag whose environment twin kpy reads
ENV_FLAGS = {
    "cert": "cert",
    "scope": "scope",
    "format": "format",
    "namespace": "namespace",
    "name": "name",
    "recovery_private_key": "recovery-private-key",
    "allow_empty_data": "allow-empty-data",
}
SCOPES = ("strict", "namespace-wide", "cluster-wide")
FORMATS = ("json", "yaml")
# kubeseal flags that reach a cluster: kpy accepts them so ported command lines run, and says so.
CLUSTER_FLAGS = ("controller_namespace", "controller_name", "kubeconfig", "context")


class Track(argparse.Action):
    """`store`, `append` or `store_true`, remembering the option string the user typed, so that
    messages name the flag as it was given (`-n` or `--namespace`)."""

    def __init__(self, option_strings: list[str], dest: str, kind: str = "store", **kw: Any) -> None:
        self.kind = kind
        if kind == "true":
            kw.setdefault("nargs", 0)
            kw.setdefault("default", False)
        super().__init__(option_strings, dest, **kw)

    def __call__(self, parser: Any, ns: Any, values: Any, option_string: str | None = None) -> None:
        if self.kind == "append":
            values = [*(getattr(ns, self.dest) or []), values]
        elif self.kind == "true":
            values = True
        setattr(ns, self.dest, values)
        typed = dict(getattr(ns, "typed", None) or {})
        typed[self.dest] = option_string or self.dest
        ns.typed = typed


def format_value(value: str) -> str:
    if value.lower() not in FORMATS:
        raise argparse.ArgumentTypeError(
            f"unsupported output format {value!r}: use json or yaml "
            "(-o is kubeseal's output format; write to a file with -w FILE)"
        )
    return value.lower()


def typed_flags(args: argparse.Namespace) -> dict[str, str]:
    return dict(getattr(args, "typed", None) or {})


def flag(args: argparse.Namespace, dest: str, default: str | None = None) -> str:
    """The flag (or environment variable) as the user gave it, for messages."""
    return typed_flags(args).get(dest) or default or "--" + dest.replace("_", "-")


def apply_env(args: argparse.Namespace) -> None:
    typed = typed_flags(args)
    for dest, name in ENV_FLAGS.items():
        var = ENV_PREFIX + name.upper().replace("-", "_")
        value = os.environ.get(var)
        if dest in typed or not value:
            continue
        if dest == "allow_empty_data":
            args.allow_empty_data = value.lower() in ("1", "true", "t", "yes")
        elif dest in ("cert", "recovery_private_key"):
            setattr(args, dest, [value])
        elif dest == "scope" and value not in SCOPES:
            raise SealError(f"{var}={value!r}: must be one of: {', '.join(SCOPES)}")
        elif dest == "format" and value.lower() not in FORMATS:
            raise SealError(f"{var}={value!r}: unsupported output format, use json or yaml")
        else:
            setattr(args, dest, value.lower() if dest == "format" else value)
        typed[dest] = var
    args.typed = typed


# which flags each mode reads (the mode's own flag aside); any other flag given is reported
USES = {
    "seal": {"files", "secret_file", "sealed_secret_file", "format", "cert", "scope", "namespace", "name",
             "allow_empty_data"},
    "raw": {"sealed_secret_file", "cert", "scope", "namespace", "name", "from_file"},
    "merge": {"files", "secret_file", "sealed_secret_file", "format", "cert", "scope", "namespace", "name",
              "allow_empty_data"},
    "re-encrypt": {"files", "secret_file", "sealed_secret_file", "format", "cert", "recovery_private_key",
                   "all_root", "check", "rotate"},
    "validate": {"files", "secret_file", "cert", "recovery_private_key", "all_root"},
    "recovery-unseal": {"files", "secret_file", "sealed_secret_file", "format", "recovery_private_key"},
    "all": {"cert", "scope", "key", "check"},
}
MODE_FLAGS = {
    "raw": "raw",
    "merge": "merge_into",
    "re-encrypt": "re_encrypt",
    "validate": "validate",
    "recovery-unseal": "recovery_unseal",
}


def resolve_mode(args: argparse.Namespace) -> str:
    if args.rotate:
        warn("--rotate is deprecated, use --re-encrypt (as in kubeseal)")
        args.re_encrypt = True
        typed = typed_flags(args)
        typed.setdefault("re_encrypt", "--rotate")
        args.typed = typed
    if args.fetch_cert:
        raise SealError(
            "--fetch-cert needs a cluster and kpy never contacts one; "
            "run `kubeseal --fetch-cert > cert.pem` once and pass --cert cert.pem"
        )
    chosen = [m for m, dest in MODE_FLAGS.items() if getattr(args, dest)]
    if len(chosen) > 1:
        raise SealError(f"{' and '.join(flag(args, MODE_FLAGS[m]) for m in chosen)} cannot be combined")
    mode = chosen[0] if chosen else "seal"
    if args.all_root:
        if mode not in ("seal", "re-encrypt", "validate"):
            raise SealError(f"--all cannot be combined with {flag(args, MODE_FLAGS[mode])}")
        if args.files or args.secret_file or args.sealed_secret_file:
            raise SealError("--all takes no input file, -f or -w: it finds the files under ROOT")
        if mode == "seal":
            mode = "all"
    if args.files and mode == "raw":
        raise SealError("--raw reads its value from --from-file or stdin, not from FILE")
    if args.from_file and mode != "raw":
        raise SealError(f"{flag(args, 'from_file')} requires --raw")
    if args.files and args.secret_file:
        raise SealError(f"give the input either as FILE or with {flag(args, 'secret_file')}, not both")
    if len(args.files) > 1 and mode not in ("re-encrypt", "validate"):
        raise SealError("only --re-encrypt and --validate take several input files")
    if args.recovery_private_key and mode not in ("re-encrypt", "validate", "recovery-unseal"):
        raise SealError(
            f"{flag(args, 'recovery_private_key')} is only read by --recovery-unseal, --re-encrypt "
            "and --validate (kubeseal ignores it otherwise)"
        )
    if (args.key or args.check) and not args.all_root:
        raise SealError("--key and --check are only for --all (use `kpy unseal --key` to decrypt)")
    if args.key and mode != "all":
        raise SealError("--key is for `seal --all`; with --re-encrypt or --validate use --recovery-private-key")
    own = MODE_FLAGS.get(mode)
    for dest, given in typed_flags(args).items():
        if given.startswith(ENV_PREFIX) or dest == own:
            continue
        if dest in CLUSTER_FLAGS:
            warn(f"{given} is ignored: kpy never contacts a cluster (it uses --cert)")
        elif dest not in USES[mode]:
            what = f"with {flag(args, own)}" if own else "when sealing a Secret"
            warn(f"{given} is not used {what}; ignored")
    return mode


def warn(message: str) -> None:
    print(f"kpy seal: warning: {message}", file=sys.stderr)
