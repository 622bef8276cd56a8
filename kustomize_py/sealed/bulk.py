"""`kpy seal --all`: seal every git-ignored plaintext Secret source of a repo into its `sealed/` directory.

Convention: `<dir>/secrets/[<env>/]<stem>.secret.yaml` (one Secret, never committed) is sealed into
`<dir>/sealed/[<env>/]<stem>.yaml`, with the certificate of <env>'s cluster. Re-running on
unchanged inputs rewrites nothing (see docs/sealing.md).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets as _secrets
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from kustomize_py.errors import SealError
from kustomize_py.sealed import codec
from kustomize_py.sealed.files import OUTPUT_DIR, SOURCE_DIR, files_below, split_at, write_atomic
from kustomize_py.sealed.manifest import dump, is_sealed_secret, parse_objects, seal_secret
from kustomize_py.sealed.scope import encryption_label, scope_from_annotations

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

SOURCE_SUFFIXES = (".secret.yaml", ".secret.yml", ".secret.json")
# Local, git-ignored bookkeeping kept beside the plaintext it describes (never in the sealed output).
STATE_FILE = ".kpy-seal-state.json"


@attrs.frozen
class SealOutcome:
    """What `seal_all` did (or would do) for one plaintext source."""

    source: Path
    output: Path
    status: str  # "created", "updated" or "unchanged"
    kept: tuple[str, ...]
    resealed: tuple[str, ...]
    text: str = attrs.field(repr=False)

    def describe(self, root: Path) -> str:
        rel = os.path.relpath(self.output, root)
        return f"{self.status}: {rel} ({len(self.resealed)} sealed, {len(self.kept)} kept)"


def find_sources(root: str | os.PathLike[str]) -> list[Path]:
    """Every `*.secret.{yaml,yml,json}` in or below a `secrets/` directory under root, sorted.

    Hidden directories are skipped."""
    return [path for path in files_below(root, SOURCE_DIR) if path.name.endswith(SOURCE_SUFFIXES)]


def _split(source: Path) -> tuple[Path, tuple[str, ...]]:
    """(the directory holding `secrets/`, the sub-directories between `secrets/` and the file)."""
    base, sub = split_at(source.parent.parts, SOURCE_DIR)
    return Path(*base), sub


def environment_of(source: Path) -> str | None:
    """The first directory under `secrets/` (an environment, so a cluster and its certificate)."""
    sub = _split(source)[1]
    return sub[0] if sub else None


def output_path(source: Path) -> Path:
    """`<dir>/secrets/<sub>/<stem>.secret.yaml` -> `<dir>/sealed/<sub>/<stem>.yaml`."""
    stem = next(source.name[: -len(s)] for s in SOURCE_SUFFIXES if source.name.endswith(s))
    if stem in ("", "kustomization", "Kustomization"):
        raise SealError(
            "this file name cannot be used (the sealed file would clash)", path=str(source)
        )
    base, sub = _split(source)
    return base.joinpath(OUTPUT_DIR, *sub, f"{stem}.yaml")


def _digest(salt: bytes, plaintext: bytes) -> str:
    return hmac.new(salt, plaintext, hashlib.sha256).hexdigest()


def _ct_digest(ciphertext: str) -> str:
    return hashlib.sha256(ciphertext.encode("ascii")).hexdigest()


def _load_state(directory: Path) -> dict[str, Any]:
    path = directory / STATE_FILE
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"version": 1, "salt": _secrets.token_hex(32), "outputs": {}}
    except (OSError, ValueError):
        raise SealError(
            "unreadable seal state; delete it to reseal everything", path=str(path)
        ) from None
    if (
        not isinstance(state, dict)
        or state.get("version") != 1
        or not isinstance(state.get("outputs"), dict)
    ):
        raise SealError("unknown seal state format; delete it to reseal everything", path=str(path))
    return state


def _existing_items(output: Path) -> dict[str, str]:
    try:
        docs = parse_objects(output.read_text(encoding="utf-8"), str(output))
    except FileNotFoundError:
        return {}
    if len(docs) != 1 or not is_sealed_secret(docs[0]):
        raise SealError(
            "exists but is not a single SealedSecret; refusing to overwrite it", path=str(output)
        )
    items = (docs[0].get("spec") or {}).get("encryptedData") or {}
    return {k: v for k, v in items.items() if isinstance(v, str)}


def _target(secret: dict[str, Any], scope: str | None) -> tuple[str, str | None, str | None]:
    meta = secret.get("metadata") or {}
    effective = scope or scope_from_annotations(meta.get("annotations"))
    return effective, meta.get("namespace"), meta.get("name")


def _plan_one(
    source: Path,
    public_key: RSAPublicKey,
    cert_id: str,
    private_keys: Sequence[RSAPrivateKey],
    state: dict[str, Any],
    scope: str | None,
) -> tuple[SealOutcome, dict[str, Any]]:
    docs = parse_objects(source.read_bytes(), str(source))
    if len(docs) != 1:
        raise SealError("a plaintext source must hold exactly one Secret", path=str(source))
    secret = docs[0]
    output = output_path(source)
    existing = _existing_items(output)
    target_scope, namespace, name = _target(secret, scope)
    salt = bytes.fromhex(state["salt"])
    previous = state["outputs"].get(output.name) or {}
    same_target = previous.get("cert") == cert_id and previous.get("target") == [
        target_scope,
        namespace,
        name,
    ]
    kept: list[str] = []

    def reuse(key: str, plaintext: bytes) -> str | None:
        old = existing.get(key)
        if old is None:
            return None
        if private_keys:
            # Proof by decryption under the label of the new target: nothing else is trusted.
            try:
                label = encryption_label(target_scope, namespace, name)
                ok = codec.decrypt(private_keys, codec.b64decode_strict(old), label) == plaintext
            except SealError:
                ok = False
        else:
            recorded = (previous.get("items") or {}).get(key) or {}
            ok = (
                same_target
                and hmac.compare_digest(recorded.get("plaintext", ""), _digest(salt, plaintext))
                and recorded.get("ciphertext") == _ct_digest(old)
            )
        if ok:
            kept.append(key)
            return old
        return None

    sealed = seal_secret(secret, public_key, scope=scope, reuse=reuse, source=str(source))
    text = dump(sealed, "yaml")
    items = sealed["spec"]["encryptedData"]
    plaintexts = _plain_items(secret, str(source))
    entry = {
        "cert": cert_id,
        "target": [target_scope, namespace, name],
        "items": {
            k: {"plaintext": _digest(salt, plaintexts[k]), "ciphertext": _ct_digest(v)}
            for k, v in items.items()
        },
    }
    old_text = output.read_text(encoding="utf-8") if output.exists() else None
    status = "created" if old_text is None else ("unchanged" if old_text == text else "updated")
    resealed = tuple(k for k in items if k not in kept)
    return SealOutcome(source, output, status, tuple(kept), resealed, text), entry


def _plain_items(secret: dict[str, Any], source: str) -> dict[str, bytes]:
    from kustomize_py.sealed.manifest import secret_items

    return secret_items(secret, source)


def _git_check(paths: Sequence[Path]) -> None:
    """Refuse plaintext (or its state) that git would commit; silent outside a git work tree."""
    if not paths:
        return
    cwd = paths[0].parent
    try:
        inside = subprocess.run(
            ["git", "rev-parse", "--is-inside-work-tree"],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return  # no git: nothing to protect against
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        return
    for path in paths:
        tracked = subprocess.run(
            ["git", "ls-files", "--error-unmatch", path.name],
            cwd=path.parent,
            capture_output=True,
            check=False,
        )
        if tracked.returncode == 0:
            raise SealError(
                "plaintext secret source is tracked by git; remove it from the index (git rm --cached)",
                path=str(path),
            )
        ignored = subprocess.run(
            ["git", "check-ignore", "-q", path.name],
            cwd=path.parent,
            capture_output=True,
            check=False,
        )
        if ignored.returncode != 0:
            raise SealError(
                "is not ignored by git; add '*.secret.yaml' and '.kpy-seal-state.json' to .gitignore (see docs/sealing.md)",
                path=str(path),
            )


def seal_all(
    root: str | os.PathLike[str],
    certs: RSAPublicKey | Mapping[str | None, RSAPublicKey],
    *,
    private_keys: Sequence[RSAPrivateKey] = (),
    scope: str | None = None,
    write: bool = True,
) -> list[SealOutcome]:
    """Seal every plaintext source under `root`; write only files whose text changes.

    `certs` is one public key for every source, or a map from environment (the first directory
    under `secrets/`) to its cluster's key, where the key None is the default.
    An existing ciphertext is kept when its plaintext is unchanged: proven by decrypting it when
    `private_keys` are given (only keys matching `public_key` count), else by the local state file.
    Everything is computed before anything is written, so an error writes nothing.
    """
    root_path = Path(root)
    if not root_path.is_dir():
        raise SealError("not a directory", path=str(root))
    by_env: dict[str | None, RSAPublicKey] = dict(certs) if isinstance(certs, Mapping) else {None: certs}
    key_ids = {codec.fingerprint(k.public_key()): k for k in private_keys}
    cert_ids = {env: codec.fingerprint(pub) for env, pub in by_env.items()}
    if private_keys and not set(key_ids) & set(cert_ids.values()):
        raise SealError("none of the private keys belongs to a certificate given")
    sources = find_sources(root_path)
    by_dir: dict[Path, list[Path]] = {}
    for source in sources:
        by_dir.setdefault(source.parent, []).append(source)
    _git_check(sources + [d / STATE_FILE for d in by_dir])

    outcomes: list[SealOutcome] = []
    states: dict[Path, dict[str, Any]] = {}
    seen_outputs: dict[Path, Path] = {}
    for directory, dir_sources in by_dir.items():
        state = _load_state(directory)
        new_outputs: dict[str, Any] = {}
        for source in dir_sources:
            env = environment_of(source)
            env_key = env if env in by_env else None
            if env_key not in by_env:
                raise SealError(
                    f"no certificate for environment {env!r} (use --cert {env}=CERT)",
                    path=str(source),
                )
            cert_id = cert_ids[env_key]
            matching = [key_ids[cert_id]] if cert_id in key_ids else []
            outcome, entry = _plan_one(source, by_env[env_key], cert_id, matching, state, scope)
            if outcome.output in seen_outputs:
                raise SealError(
                    f"seals to the same file as {seen_outputs[outcome.output].name}",
                    path=str(source),
                )
            seen_outputs[outcome.output] = source
            outcomes.append(outcome)
            new_outputs[outcome.output.name] = entry
        states[directory] = {"version": 1, "salt": state["salt"], "outputs": new_outputs}
    if write:
        for outcome in outcomes:
            if outcome.status != "unchanged":
                write_atomic(outcome.output, outcome.text)
        # A new sealed file is listed in its directory's kustomization (repo tooling, issue 13).
        from kustomize_py.repo.sealed_index import index_new_files

        index_new_files([o.output for o in outcomes if o.status == "created"])
        for directory, state in states.items():
            text = json.dumps(state, indent=2, sort_keys=True) + "\n"
            path = directory / STATE_FILE
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                write_atomic(path, text, mode=0o600)
    return outcomes



def reencrypted_state(
    output: Path, replaced: Mapping[str, str], values: Sequence[str], cert_id: str
) -> tuple[Path, str] | None:
    """After `seal --re-encrypt` rewrites `output` (a `sealed/` file whose items are now `values`),
    the new text of the state beside its plaintext source, so that the next `seal --all` keeps the
    new ciphertexts instead of resealing everything. Only items whose recorded ciphertext is the one
    replaced change; the certificate is recorded once every recorded item matches. None when there
    is no state for `output`."""
    parts = output.parent.parts
    if OUTPUT_DIR not in parts or not replaced:
        return None
    base, sub = split_at(parts, OUTPUT_DIR)
    path = Path(*base, SOURCE_DIR, *sub) / STATE_FILE
    if not path.is_file():
        return None
    state = _load_state(path.parent)
    entry = state["outputs"].get(output.name)
    if not isinstance(entry, dict) or not isinstance(entry.get("items"), dict):
        return None
    by_digest = {_ct_digest(old): _ct_digest(new) for old, new in replaced.items()}
    current = {_ct_digest(v) for v in values}
    for item in entry["items"].values():
        if isinstance(item, dict) and item.get("ciphertext") in by_digest:
            item["ciphertext"] = by_digest[item["ciphertext"]]
    if all(isinstance(i, dict) and i.get("ciphertext") in current for i in entry["items"].values()):
        entry["cert"] = cert_id
    return path, json.dumps(state, indent=2, sort_keys=True) + "\n"
