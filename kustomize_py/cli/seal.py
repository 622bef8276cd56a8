"""`kpy seal`: kubeseal's command line, offline (seal, --raw, --merge-into, --re-encrypt, --validate,
--recovery-unseal), plus the repository mode --all. Flags mean what they mean to kubeseal; their
handling is in seal_flags.py, files and keys in seal_io.py."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kustomize_py.cli import seal_flags as sf
from kustomize_py.cli import seal_io as sio
from kustomize_py.errors import SealError, go_quote


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "seal",
        help="encrypt a Secret into a SealedSecret with the controller's certificate (kubeseal's flags)",
        description="kubeseal, offline: read a Secret (YAML or JSON) from -f FILE, FILE or stdin and "
        "print the SealedSecret (JSON unless -o yaml or a -w file ending in .yaml).",
    )
    add = p.add_argument
    add("files", nargs="*", default=[], metavar="FILE", help="input file(s) (default: stdin); same as -f")
    add("-f", "--secret-file", action=sf.Track, metavar="FILE", help="the input file (default: stdin)")
    add(
        "-w",
        "--sealed-secret-file",
        "--output",  # kpy's earlier long name for the output file; -o is kubeseal's format now
        action=sf.Track,
        metavar="FILE",
        help="write the output to FILE atomically (YAML if it ends in .yaml/.yml)",
    )
    add(
        "-o",
        "--format",
        action=sf.Track,
        type=sf.format_value,
        metavar="json|yaml",
        help="output format (default: json, as kubeseal; --re-encrypt and --merge-into keep the file's)",
    )
    add(
        "--cert",
        action=sf.Track,
        kind="append",
        default=[],
        metavar="[ENV=]CERT",
        help="controller certificate, PEM file (first of a bundle); env SEALED_SECRETS_CERT. "
        "With --all, ENV=CERT (repeatable) gives the certificate for secrets/ENV/ and sealed/ENV/",
    )
    add("--scope", action=sf.Track, choices=sf.SCOPES, help="sealing scope (default: the Secret's annotations, else strict)")
    add("-n", "--namespace", action=sf.Track, help="namespace for a Secret that has none (must agree if it has one)")
    add("--name", action=sf.Track, help="name of the SealedSecret (overrides the Secret's; needed with --raw, strict)")
    add("--allow-empty-data", action=sf.Track, kind="true", help="accept a Secret without data")
    add(
        "--merge-into",
        action=sf.Track,
        metavar="FILE",
        help="add or update the items of an existing SealedSecret file, in place",
    )
    add("--raw", action=sf.Track, kind="true", help="encrypt one value and print its base64 ciphertext")
    add(
        "--from-file",
        action=sf.Track,
        kind="append",
        default=[],
        metavar="[KEY=]PATH",
        help="with --raw: read the value from PATH (default: stdin); only one",
    )
    add(
        "--re-encrypt",
        action=sf.Track,
        kind="true",
        help="re-encrypt SealedSecrets for --cert, opening them with --recovery-private-key; "
        "files are rewritten in place, only their ciphertext changes",
    )
    add("--rotate", action=sf.Track, kind="true", help=argparse.SUPPRESS)
    add(
        "--validate",
        action=sf.Track,
        kind="true",
        help="check SealedSecrets offline: prove every value opens with --recovery-private-key, "
        "or check their structure (and key size with --cert)",
    )
    add(
        "--recovery-unseal",
        action=sf.Track,
        kind="true",
        help="decrypt a SealedSecret with --recovery-private-key and print the Secret",
    )
    add(
        "--recovery-private-key",
        action=sf.Track,
        kind="append",
        default=[],
        metavar="KEY[,KEY...]",
        help="private key file(s): PEM, a key Secret or a List of them (repeatable, comma-separated)",
    )
    add("--fetch-cert", action=sf.Track, kind="true", help=argparse.SUPPRESS)
    for flag in ("--controller-namespace", "--controller-name", "--kubeconfig", "--context"):
        add(flag, action=sf.Track, help=argparse.SUPPRESS)
    bulk = p.add_argument_group("repository mode")
    bulk.add_argument(
        "--all",
        action=sf.Track,
        metavar="ROOT",
        dest="all_root",
        help="seal every <dir>/secrets/*.secret.yaml under ROOT into <dir>/sealed/ "
        "(with --re-encrypt or --validate: every file under a sealed/ directory)",
    )
    bulk.add_argument(
        "--key",
        action=sf.Track,
        kind="append",
        default=[],
        metavar="KEY.pem",
        help="with --all: private key(s) proving unchanged items by decryption",
    )
    bulk.add_argument(
        "--check",
        action=sf.Track,
        kind="true",
        help="with --all: write nothing, exit 1 if a file is out of date",
    )


def run(args: argparse.Namespace) -> int:
    sf.apply_env(args)
    mode = sf.resolve_mode(args)
    if mode == "all":
        return _run_all(args)
    if mode == "re-encrypt":
        return _run_reencrypt(args)
    if mode == "validate":
        return _run_validate(args)
    if mode == "recovery-unseal":
        return _run_recovery_unseal(args)
    public_key = sio.the_public_key(args)
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
    meta = secret.get("metadata")
    if not isinstance(meta, dict):
        meta = {}
    namespace = meta.get("namespace")
    if args.namespace and namespace and namespace != args.namespace:
        raise SealError(
            f"namespace mismatch: input secret is in namespace {go_quote(namespace)} but "
            f"{sf.flag(args, 'namespace')} {go_quote(args.namespace)} was specified",
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

    ((path, source),) = sio.input_files(args)
    secrets = parse_objects(sio.read_file(path, sf.flag(args, "secret_file", "FILE")), source)
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
    sio.emit(dump_kubeseal(sealed, sio.output_format(args, "json")), args.sealed_secret_file)
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
                sf.warn(f"{sf.flag(args, dest)} is not part of a cluster-wide value; ignored")
    files = sio.key_files(args.from_file)
    if len(files) > 1:
        raise SealError(
            f"must provide only one {sf.flag(args, 'from_file')} when encrypting a single item with "
            f"--raw (got {len(files)}: {', '.join(files)})"
        )
    path = files[0].split("=", 1)[-1] if files else "-"
    value = sio.read_file(path, sf.flag(args, "from_file"))
    ciphertext = encrypt_item(
        public_key, value, scope=scope, namespace=args.namespace, name=args.name
    )
    sio.emit(ciphertext, args.sealed_secret_file)  # no trailing newline, like kubeseal --raw
    return 0


def _run_merge(args: argparse.Namespace, public_key: Any) -> int:
    from kustomize_py.sealed.manifest import dump_kubeseal, is_sealed_secret, parse_objects
    from kustomize_py.sealed.merge import merge_into

    target = args.merge_into
    given = sf.flag(args, "merge_into")
    ((path, source),) = sio.input_files(args)
    secrets = parse_objects(sio.read_file(path, sf.flag(args, "secret_file", "FILE")), source)
    if len(secrets) != 1:
        raise SealError(f"{given} takes exactly one Secret (found {len(secrets)})", path=source)
    existing = sio.read_text(target, target, given)
    docs = parse_objects(existing, target)
    if len(docs) != 1 or not is_sealed_secret(docs[0]):
        raise SealError(f"{given} needs a file holding exactly one SealedSecret", path=target)
    file_meta = docs[0].get("metadata") or {}
    name, namespace = file_meta.get("name"), file_meta.get("namespace")
    if args.namespace and namespace and args.namespace != namespace:
        raise SealError(
            f"namespace mismatch: {target} is in namespace {go_quote(namespace)} but "
            f"{sf.flag(args, 'namespace')} {go_quote(args.namespace)} was specified",
            path=target,
            field="metadata.namespace",
        )
    if args.name and args.name != name:
        raise SealError(
            f"{given} seals under the file's name {name!r}, but {sf.flag(args, 'name')} "
            f"{args.name!r} was given",
            path=target,
            field="metadata.name",
        )
    secret_meta = secrets[0].get("metadata")
    if not isinstance(secret_meta, dict):
        secret_meta = {}
    for field, value in (("name", name), ("namespace", namespace)):
        own = secret_meta.get(field)
        if own and value and own != value:
            sf.warn(f"{source}: the Secret's {field} {own!r} is replaced by {value!r} from {target} "
                  "(as kubeseal does)")
    file_format = sio.text_format(existing)
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
    out_format = sio.output_format(args, file_format)
    if out_format != file_format:
        sf.warn(f"writing {out_format} as asked; the {file_format} file's comments and layout are not kept")
        text = dump_kubeseal(parse_objects(text, target), out_format)
    sio.emit(text, args.sealed_secret_file or target)
    return 0


def _run_reencrypt(args: argparse.Namespace) -> int:
    from kustomize_py.sealed.bulk import reencrypted_state
    from kustomize_py.sealed.codec import fingerprint
    from kustomize_py.sealed.files import find_sealed_files, sealed_environment, write_atomic
    from kustomize_py.sealed.manifest import dump_kubeseal
    from kustomize_py.sealed.reencrypt import reencrypt_text

    given = sf.flag(args, "re_encrypt")
    if not args.recovery_private_key:
        raise SealError(
            f"{given} works offline: give the old key(s) with --recovery-private-key OLD.pem "
            "and the new certificate with --cert NEW.pem"
        )
    keys = sio.load_keys(args)
    if args.all_root:
        root = args.all_root
        if not Path(root).is_dir():
            raise SealError("not a directory", path=root)
        certs = {env: sio.load_cert(p, args) for env, p in sio.cert_paths(args).items()}
        jobs = []
        for found in find_sealed_files(root):
            env = sealed_environment(found, root)
            cert = certs.get(env, certs.get(None))
            if cert is None:
                raise SealError(f"no certificate for environment {env!r} (use --cert {env}=CERT)", path=str(found))
            jobs.append((str(found), str(found), cert))
        if args.sealed_secret_file:
            raise SealError("--all rewrites each file in place; -w cannot be used")
    else:
        public_key = sio.the_public_key(args)
        inputs = sio.input_files(args)
        if args.sealed_secret_file and len(inputs) > 1:
            raise SealError(f"{sf.flag(args, 'sealed_secret_file')} takes one input; several files are rewritten in place")
        jobs = [(path, source, public_key) for path, source in inputs]

    planned = []
    for path, source, public_key in jobs:
        text = sio.read_text(path, source, sf.flag(args, "secret_file", "FILE"))
        try:
            result = reencrypt_text(text, keys, public_key, source=source)
        except SealError as err:
            if "no key could decrypt" in err.message:
                given_keys = ", ".join(sio.key_files(args.recovery_private_key))
                err = SealError(f"{err.message} (keys from {sf.flag(args, 'recovery_private_key')}: "
                                f"{given_keys})", path=err.path, field=err.field)
            raise err from None
        if not result.sealed_secrets:
            if args.all_root:
                continue  # some other file kept beside the sealed ones
            raise SealError("no SealedSecret in the input", path=source)
        in_format = sio.text_format(text)
        out_format = sio.output_format(args, in_format)
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
            sio.emit(new_text, None)
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
        certs = {env: sio.load_cert(p, args) for env, p in sio.cert_paths(args).items()} if args.cert else {}
        return [
            (str(p), str(p), certs.get(sealed_environment(p, root), certs.get(None)))
            for p in find_sealed_files(root)
        ]
    public_key = sio.the_public_key(args) if args.cert else None
    return [(path, source, public_key) for path, source in sio.input_files(args)]


def _run_validate(args: argparse.Namespace) -> int:
    from kustomize_py.sealed.manifest import parse_objects
    from kustomize_py.sealed.validate import validate_objects

    keys = sio.load_keys(args) if args.recovery_private_key else []
    verdicts = []
    for path, source, public_key in _validate_jobs(args):
        objects = parse_objects(sio.read_text(path, source, sf.flag(args, "secret_file", "FILE")), source)
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
    keys = sio.load_keys(args)
    ((path, source),) = sio.input_files(args)
    objects = parse_objects(sio.read_file(path, sf.flag(args, "secret_file", "FILE")), source)
    sealed = [o for o in objects if is_sealed_secret(o)]
    if not sealed:
        raise SealError("no SealedSecret in the input", path=source)
    secrets = [unseal(s, keys, source=source) for s in sealed]
    out = args.sealed_secret_file
    sio.emit(dump_kubeseal(secrets, sio.output_format(args, "json")), out, mode=0o600 if out else None)
    return 0


def _run_all(args: argparse.Namespace) -> int:
    from kustomize_py.sealed.bulk import seal_all

    certs = {env: sio.load_cert(path, args) for env, path in sio.cert_paths(args).items()}
    private_keys = sio.load_keys(args, "key")
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
