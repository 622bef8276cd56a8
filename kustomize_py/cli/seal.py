"""`kpy seal`: kubeseal's command line, offline (seal, --raw, --merge-into, --re-encrypt, --validate,
--recovery-unseal), plus the repository mode --all. Flags mean what they mean to kubeseal."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from kustomize_py.errors import SealError, go_quote

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


class _Track(argparse.Action):
    """`store`, `append` or `store_true`, remembering the option string the user typed, so that
    messages name the flag as it was given (`-n` or `--namespace`)."""

    def __init__(self, option_strings: list[str], dest: str, kind: str = "store", **kw: Any):
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


def _format_value(value: str) -> str:
    if value.lower() not in FORMATS:
        raise argparse.ArgumentTypeError(
            f"unsupported output format {value!r}: use json or yaml "
            "(-o is kubeseal's output format; write to a file with -w FILE)"
        )
    return value.lower()


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "seal",
        help="encrypt a Secret into a SealedSecret with the controller's certificate (kubeseal's flags)",
        description="kubeseal, offline: read a Secret (YAML or JSON) from -f FILE, FILE or stdin and "
        "print the SealedSecret (JSON unless -o yaml or a -w file ending in .yaml).",
    )
    add = p.add_argument
    add("files", nargs="*", default=[], metavar="FILE", help="input file(s) (default: stdin); same as -f")
    add("-f", "--secret-file", action=_Track, metavar="FILE", help="the input file (default: stdin)")
    add(
        "-w",
        "--sealed-secret-file",
        "--output",  # kpy's earlier long name for the output file; -o is kubeseal's format now
        action=_Track,
        metavar="FILE",
        help="write the output to FILE atomically (YAML if it ends in .yaml/.yml)",
    )
    add(
        "-o",
        "--format",
        action=_Track,
        type=_format_value,
        metavar="json|yaml",
        help="output format (default: json, as kubeseal; --re-encrypt and --merge-into keep the file's)",
    )
    add(
        "--cert",
        action=_Track,
        kind="append",
        default=[],
        metavar="[ENV=]CERT",
        help="controller certificate, PEM file (first of a bundle); env SEALED_SECRETS_CERT. "
        "With --all, ENV=CERT (repeatable) gives the certificate for secrets/ENV/ and sealed/ENV/",
    )
    add("--scope", action=_Track, choices=SCOPES, help="sealing scope (default: the Secret's annotations, else strict)")
    add("-n", "--namespace", action=_Track, help="namespace for a Secret that has none (must agree if it has one)")
    add("--name", action=_Track, help="name of the SealedSecret (overrides the Secret's; needed with --raw, strict)")
    add("--allow-empty-data", action=_Track, kind="true", help="accept a Secret without data")
    add(
        "--merge-into",
        action=_Track,
        metavar="FILE",
        help="add or update the items of an existing SealedSecret file, in place",
    )
    add("--raw", action=_Track, kind="true", help="encrypt one value and print its base64 ciphertext")
    add(
        "--from-file",
        action=_Track,
        kind="append",
        default=[],
        metavar="[KEY=]PATH",
        help="with --raw: read the value from PATH (default: stdin); only one",
    )
    add(
        "--re-encrypt",
        action=_Track,
        kind="true",
        help="re-encrypt SealedSecrets for --cert, opening them with --recovery-private-key; "
        "files are rewritten in place, only their ciphertext changes",
    )
    add("--rotate", action=_Track, kind="true", help=argparse.SUPPRESS)
    add(
        "--validate",
        action=_Track,
        kind="true",
        help="check SealedSecrets offline: prove every value opens with --recovery-private-key, "
        "or check their structure (and key size with --cert)",
    )
    add(
        "--recovery-unseal",
        action=_Track,
        kind="true",
        help="decrypt a SealedSecret with --recovery-private-key and print the Secret",
    )
    add(
        "--recovery-private-key",
        action=_Track,
        kind="append",
        default=[],
        metavar="KEY[,KEY...]",
        help="private key file(s): PEM, a key Secret or a List of them (repeatable, comma-separated)",
    )
    add("--fetch-cert", action=_Track, kind="true", help=argparse.SUPPRESS)
    for flag in ("--controller-namespace", "--controller-name", "--kubeconfig", "--context"):
        add(flag, action=_Track, help=argparse.SUPPRESS)
    bulk = p.add_argument_group("repository mode")
    bulk.add_argument(
        "--all",
        action=_Track,
        metavar="ROOT",
        dest="all_root",
        help="seal every <dir>/secrets/*.secret.yaml under ROOT into <dir>/sealed/ "
        "(with --re-encrypt or --validate: every file under a sealed/ directory)",
    )
    bulk.add_argument(
        "--key",
        action=_Track,
        kind="append",
        default=[],
        metavar="KEY.pem",
        help="with --all: private key(s) proving unchanged items by decryption",
    )
    bulk.add_argument(
        "--check",
        action=_Track,
        kind="true",
        help="with --all: write nothing, exit 1 if a file is out of date",
    )


# --- flags, environment, modes -------------------------------------------------------------------


def _typed(args: argparse.Namespace) -> dict[str, str]:
    return dict(getattr(args, "typed", None) or {})


def flag(args: argparse.Namespace, dest: str, default: str | None = None) -> str:
    """The flag (or environment variable) as the user gave it, for messages."""
    return _typed(args).get(dest) or default or "--" + dest.replace("_", "-")


def _apply_env(args: argparse.Namespace) -> None:
    typed = _typed(args)
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
_USES = {
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
_MODE_FLAGS = {
    "raw": "raw",
    "merge": "merge_into",
    "re-encrypt": "re_encrypt",
    "validate": "validate",
    "recovery-unseal": "recovery_unseal",
}


def _mode(args: argparse.Namespace) -> str:
    if args.rotate:
        _warn("--rotate is deprecated, use --re-encrypt (as in kubeseal)")
        args.re_encrypt = True
        typed = _typed(args)
        typed.setdefault("re_encrypt", "--rotate")
        args.typed = typed
    if args.fetch_cert:
        raise SealError(
            "--fetch-cert needs a cluster and kpy never contacts one; "
            "run `kubeseal --fetch-cert > cert.pem` once and pass --cert cert.pem"
        )
    chosen = [m for m, dest in _MODE_FLAGS.items() if getattr(args, dest)]
    if len(chosen) > 1:
        raise SealError(f"{' and '.join(flag(args, _MODE_FLAGS[m]) for m in chosen)} cannot be combined")
    mode = chosen[0] if chosen else "seal"
    if args.all_root:
        if mode not in ("seal", "re-encrypt", "validate"):
            raise SealError(f"--all cannot be combined with {flag(args, _MODE_FLAGS[mode])}")
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
    own = _MODE_FLAGS.get(mode)
    for dest, given in _typed(args).items():
        if given.startswith(ENV_PREFIX) or dest == own:
            continue
        if dest in CLUSTER_FLAGS:
            _warn(f"{given} is ignored: kpy never contacts a cluster (it uses --cert)")
        elif dest not in _USES[mode]:
            what = f"with {flag(args, own)}" if own else "when sealing a Secret"
            _warn(f"{given} is not used {what}; ignored")
    return mode


def _warn(message: str) -> None:
    print(f"kpy seal: warning: {message}", file=sys.stderr)


# --- inputs, keys, outputs ---------------------------------------------------------------------


def _read(path: str, what: str | None = None) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as err:
        given = f" (given to {what})" if what else ""
        raise SealError(f"cannot read{given}: {err.strerror}", path=path) from None


def _inputs(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(path or "-", the name used in messages) of each input."""
    if args.secret_file:
        return [(args.secret_file, "<stdin>" if args.secret_file == "-" else args.secret_file)]
    if args.files:
        return [(f, "<stdin>" if f == "-" else f) for f in args.files]
    return [("-", "<stdin>")]


def _read_text(path: str, source: str, what: str | None = None) -> str:
    try:
        return _read(path, what).decode("utf-8")
    except UnicodeDecodeError:
        raise SealError("is not UTF-8 text", path=source) from None


def _cert_path(value: str, given: str) -> str:
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


def _certs(args: argparse.Namespace) -> dict[str | None, str]:
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
        certs[key] = _cert_path(path, given)
    return certs


def _load_cert(path: str, args: argparse.Namespace) -> Any:
    from kustomize_py.sealed.codec import load_certificate

    return load_certificate(_read(path, flag(args, "cert")), source=path)


def _public_key(args: argparse.Namespace) -> Any:
    certs = _certs(args)
    if list(certs) != [None]:
        raise SealError(f"give exactly one {flag(args, 'cert')} (ENV=CERT is only for --all)")
    return _load_cert(certs[None], args)


def _key_files(values: list[str]) -> list[str]:
    """kubeseal's string-slice flags: repeated, or comma-separated, or both."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _private_keys(args: argparse.Namespace, dest: str = "recovery_private_key") -> list[Any]:
    from kustomize_py.sealed.codec import load_private_keys

    given = flag(args, dest)
    files = _key_files(getattr(args, dest))
    return [k for path in files for k in load_private_keys(_read(path, given), source=path)]


def _emit(text: str, output: str | None, mode: int | None = None) -> None:
    if output:
        from kustomize_py.sealed.files import write_atomic

        write_atomic(output, text, mode=mode)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _text_format(text: str) -> str:
    return "json" if text.lstrip().startswith("{") else "yaml"


def _output_format(args: argparse.Namespace, default: str) -> str:
    """-o, except that a -w file ending in .yaml/.yml is always YAML (as kubeseal decides)."""
    out = args.sealed_secret_file
    if out and Path(out).suffix in (".yaml", ".yml"):
        if args.format == "json":
            _warn(f"{flag(args, 'sealed_secret_file')} {out}: writing YAML for the .yaml name although "
                  f"{flag(args, 'format')} json was given (kubeseal does the same)")
        return "yaml"
    return str(args.format or default)


# --- the modes -----------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    _apply_env(args)
    mode = _mode(args)
    if mode == "all":
        return _run_all(args)
    if mode == "re-encrypt":
        return _run_reencrypt(args)
    if mode == "validate":
        return _run_validate(args)
    if mode == "recovery-unseal":
        return _run_recovery_unseal(args)
    public_key = _public_key(args)
    if mode == "raw":
        return _run_raw(args, public_key)
    if mode == "merge":
        return _run_merge(args, public_key)
    return _run_seal(args, public_key)


def _check_target(args: argparse.Namespace, secret: dict[str, Any], source: str) -> None:
    """kubeseal's namespace rules, with the flag as the user typed it."""
    from kustomize_py.sealed.scope import CLUSTER_WIDE, scope_from_annotations

    if secret.get("kind") != "Secret":
        return  # seal_secret says what is wrong
    meta = secret.get("metadata") if isinstance(secret.get("metadata"), dict) else {}
    namespace = meta.get("namespace")
    if args.namespace and namespace and namespace != args.namespace:
        raise SealError(
            f"namespace mismatch: input secret is in namespace {go_quote(namespace)} but "
            f"{flag(args, 'namespace')} {go_quote(args.namespace)} was specified",
            path=source,
            field="metadata.namespace",
        )
    scope = args.scope or scope_from_annotations(meta.get("annotations"))
    if scope != CLUSTER_WIDE and not (namespace or args.namespace):
        raise SealError(
            f"a {scope} Secret needs a namespace: set metadata.namespace or pass -n/--namespace "
            "(kpy reads no kubeconfig default namespace)",
            path=source,
            field="metadata.namespace",
        )


def _run_seal(args: argparse.Namespace, public_key: Any) -> int:
    from kustomize_py.sealed.manifest import dump_kubeseal, parse_objects, seal_secret

    ((path, source),) = _inputs(args)
    secrets = parse_objects(_read(path, flag(args, "secret_file", "FILE")), source)
    if not secrets:
        raise SealError("no secrets found; ensure the input is valid and UTF-8 encoded", path=source)
    for secret in secrets:
        _check_target(args, secret, source)
    sealed = [
        seal_secret(
            s,
            public_key,
            scope=args.scope,
            namespace=args.namespace,
            name=args.name,
            allow_empty=args.allow_empty_data,
            source=source,
        )
        for s in secrets
    ]
    _emit(dump_kubeseal(sealed, _output_format(args, "json")), args.sealed_secret_file)
    return 0


def _run_raw(args: argparse.Namespace, public_key: Any) -> int:
    from kustomize_py.sealed.codec import encrypt_item
    from kustomize_py.sealed.scope import CLUSTER_WIDE, STRICT

    scope = args.scope or STRICT  # kubeseal's default scope
    if scope != CLUSTER_WIDE:
        if not args.namespace:
            raise SealError(f"must provide the -n/--namespace flag with --raw and --scope {scope}")
        if scope == STRICT and not args.name:
            raise SealError("must provide the --name flag with --raw and --scope strict")
    else:
        for dest in ("namespace", "name"):
            if getattr(args, dest):
                _warn(f"{flag(args, dest)} is not part of a cluster-wide value; ignored")
    files = _key_files(args.from_file)
    if len(files) > 1:
        raise SealError(
            f"must provide only one {flag(args, 'from_file')} when encrypting a single item with "
            f"--raw (got {len(files)}: {', '.join(files)})"
        )
    path = files[0].split("=", 1)[-1] if files else "-"
    value = _read(path, flag(args, "from_file"))
    ciphertext = encrypt_item(
        public_key, value, scope=scope, namespace=args.namespace, name=args.name
    )
    _emit(ciphertext, args.sealed_secret_file)  # no trailing newline, like kubeseal --raw
    return 0


def _run_merge(args: argparse.Namespace, public_key: Any) -> int:
    from kustomize_py.sealed.manifest import dump_kubeseal, is_sealed_secret, parse_objects
    from kustomize_py.sealed.merge import merge_into

    target = args.merge_into
    given = flag(args, "merge_into")
    ((path, source),) = _inputs(args)
    secrets = parse_objects(_read(path, flag(args, "secret_file", "FILE")), source)
    if len(secrets) != 1:
        raise SealError(f"{given} takes exactly one Secret (found {len(secrets)})", path=source)
    existing = _read_text(target, target, given)
    docs = parse_objects(existing, target)
    if len(docs) != 1 or not is_sealed_secret(docs[0]):
        raise SealError(f"{given} needs a file holding exactly one SealedSecret", path=target)
    file_meta = docs[0].get("metadata") or {}
    name, namespace = file_meta.get("name"), file_meta.get("namespace")
    if args.namespace and namespace and args.namespace != namespace:
        raise SealError(
            f"namespace mismatch: {target} is in namespace {go_quote(namespace)} but "
            f"{flag(args, 'namespace')} {go_quote(args.namespace)} was specified",
            path=target,
            field="metadata.namespace",
        )
    if args.name and args.name != name:
        raise SealError(
            f"{given} seals under the file's name {name!r}, but {flag(args, 'name')} "
            f"{args.name!r} was given",
            path=target,
            field="metadata.name",
        )
    secret_meta = secrets[0].get("metadata") if isinstance(secrets[0].get("metadata"), dict) else {}
    for field, value in (("name", name), ("namespace", namespace)):
        own = secret_meta.get(field)
        if own and value and own != value:
            _warn(f"{source}: the Secret's {field} {own!r} is replaced by {value!r} from {target} "
                  "(as kubeseal does)")
    file_format = _text_format(existing)
    text = merge_into(
        existing,
        secrets[0],
        public_key,
        scope=args.scope,
        path=target,
        fmt=file_format,
        allow_empty=args.allow_empty_data,
        source=source,
    )
    out_format = _output_format(args, file_format)
    if out_format != file_format:
        _warn(f"writing {out_format} as asked; the {file_format} file's comments and layout are not kept")
        text = dump_kubeseal(parse_objects(text, target), out_format)
    _emit(text, args.sealed_secret_file or target)
    return 0


def _run_reencrypt(args: argparse.Namespace) -> int:
    from kustomize_py.sealed.bulk import reencrypted_state
    from kustomize_py.sealed.codec import fingerprint
    from kustomize_py.sealed.files import find_sealed_files, sealed_environment, write_atomic
    from kustomize_py.sealed.manifest import dump_kubeseal
    from kustomize_py.sealed.reencrypt import reencrypt_text

    given = flag(args, "re_encrypt")
    if not args.recovery_private_key:
        raise SealError(
            f"{given} works offline: give the old key(s) with --recovery-private-key OLD.pem "
            "and the new certificate with --cert NEW.pem"
        )
    keys = _private_keys(args)
    if args.all_root:
        root = args.all_root
        if not Path(root).is_dir():
            raise SealError("not a directory", path=root)
        certs = {env: _load_cert(p, args) for env, p in _certs(args).items()}
        jobs = []
        for path in find_sealed_files(root):
            env = sealed_environment(path, root)
            cert = certs.get(env, certs.get(None))
            if cert is None:
                raise SealError(f"no certificate for environment {env!r} (use --cert {env}=CERT)", path=str(path))
            jobs.append((str(path), str(path), cert))
        if args.sealed_secret_file:
            raise SealError("--all rewrites each file in place; -w cannot be used")
    else:
        public_key = _public_key(args)
        inputs = _inputs(args)
        if args.sealed_secret_file and len(inputs) > 1:
            raise SealError(f"{flag(args, 'sealed_secret_file')} takes one input; several files are rewritten in place")
        jobs = [(path, source, public_key) for path, source in inputs]

    planned = []
    for path, source, public_key in jobs:
        text = _read_text(path, source, flag(args, "secret_file", "FILE"))
        try:
            result = reencrypt_text(text, keys, public_key, source=source)
        except SealError as err:
            if "no key could decrypt" in err.message:
                given_keys = ", ".join(_key_files(args.recovery_private_key))
                err = SealError(f"{err.message} (keys from {flag(args, 'recovery_private_key')}: "
                                f"{given_keys})", path=err.path, field=err.field)
            raise err from None
        if not result.sealed_secrets:
            if args.all_root:
                continue  # some other file kept beside the sealed ones
            raise SealError("no SealedSecret in the input", path=source)
        in_format = _text_format(text)
        out_format = _output_format(args, in_format)
        new_text = result.text
        if out_format != in_format:
            new_text = dump_kubeseal(result.objects, out_format)
        target = args.sealed_secret_file or (None if path == "-" else path)
        changed = new_text != text or target != path
        state = None
        if changed and target == path and not args.check:
            new_values = [str(v) for o in result.objects for v in
                          ((o.get("spec") or {}).get("encryptedData") or {}).values()]
            state = reencrypted_state(Path(path), result.replaced, new_values, fingerprint(public_key))
        planned.append((source, target, new_text, result, changed, state))
    # everything is computed before anything is written: an error above writes nothing
    stale = 0
    for source, target, new_text, result, changed, state in planned:
        note = f", {result.kept} already sealed for the new key" if result.kept else ""
        status = "re-encrypted" if result.resealed else "unchanged"
        print(f"{status}: {source} ({result.resealed} value(s) in {result.sealed_secrets} "
              f"SealedSecret(s){note})", file=sys.stderr)
        stale += changed
        if args.check:
            continue
        if target is None:
            _emit(new_text, None)
        elif changed:
            write_atomic(target, new_text)
        if state is not None:
            write_atomic(state[0], state[1], mode=0o600)
            print(f"  updated {state[0]} for the new ciphertexts", file=sys.stderr)
    return 1 if args.check and stale else 0


def _validate_jobs(args: argparse.Namespace) -> list[tuple[str, str, Any]]:
    from kustomize_py.sealed.files import find_sealed_files, sealed_environment

    if args.all_root:
        root = args.all_root
        if not Path(root).is_dir():
            raise SealError("not a directory", path=root)
        certs = {env: _load_cert(p, args) for env, p in _certs(args).items()} if args.cert else {}
        return [
            (str(p), str(p), certs.get(sealed_environment(p, root), certs.get(None)))
            for p in find_sealed_files(root)
        ]
    public_key = _public_key(args) if args.cert else None
    return [(path, source, public_key) for path, source in _inputs(args)]


def _run_validate(args: argparse.Namespace) -> int:
    from kustomize_py.sealed.manifest import parse_objects
    from kustomize_py.sealed.validate import validate_objects

    keys = _private_keys(args) if args.recovery_private_key else []
    verdicts = []
    for path, source, public_key in _validate_jobs(args):
        objects = parse_objects(_read_text(path, source, flag(args, "secret_file", "FILE")), source)
        found = validate_objects(objects, source=source, private_keys=keys, public_key=public_key)
        if not found and not args.all_root:
            raise SealError("no SealedSecret in the input", path=source)
        verdicts += found
    for verdict in verdicts:
        print(verdict.describe(), file=sys.stderr)
    unchecked = sorted({n for v in verdicts for n in v.not_checked})
    if unchecked:
        print("not checked: " + "; ".join(unchecked), file=sys.stderr)
    bad = [v for v in verdicts if not v.ok]
    if bad:
        print(f"error: {len(bad)} of {len(verdicts)} SealedSecret(s) failed validation", file=sys.stderr)
    return 1 if bad else 0


def _run_recovery_unseal(args: argparse.Namespace) -> int:
    from kustomize_py.sealed.manifest import dump_kubeseal, is_sealed_secret, parse_objects, unseal

    if not args.recovery_private_key:
        raise SealError("--recovery-unseal needs --recovery-private-key KEY[,KEY...]")
    keys = _private_keys(args)
    ((path, source),) = _inputs(args)
    objects = parse_objects(_read(path, flag(args, "secret_file", "FILE")), source)
    sealed = [o for o in objects if is_sealed_secret(o)]
    if not sealed:
        raise SealError("no SealedSecret in the input", path=source)
    secrets = [unseal(s, keys, source=source) for s in sealed]
    out = args.sealed_secret_file
    _emit(dump_kubeseal(secrets, _output_format(args, "json")), out, mode=0o600 if out else None)
    return 0


def _run_all(args: argparse.Namespace) -> int:
    from kustomize_py.sealed.bulk import seal_all
    from kustomize_py.sealed.codec import load_private_keys

    certs = {env: _load_cert(path, args) for env, path in _certs(args).items()}
    private_keys = [k for path in args.key for k in load_private_keys(_read(path, flag(args, "key")), source=path)]
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
