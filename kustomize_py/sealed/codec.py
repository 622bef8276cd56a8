"""The kubeseal hybrid cipher (RSA-OAEP-SHA256 wrapping a one-time AES-256-GCM key), certificates and keys.

`cryptography` is imported inside the functions so that importing kustomize_py stays light.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from kustomize_py.errors import SealError
from kustomize_py.sealed.scope import encryption_label

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

SESSION_KEY_BYTES = 32  # AES-256
# The session key is used once, so the controller's all-zero nonce is safe; we must match it.
NONCE = bytes(12)
_PEM_CERT = re.compile(rb"-----BEGIN CERTIFICATE-----\s.*?-----END CERTIFICATE-----", re.DOTALL)
_PEM_KEY = re.compile(
    rb"-----BEGIN (RSA |ENCRYPTED )?PRIVATE KEY-----\s.*?-----END (RSA |ENCRYPTED )?PRIVATE KEY-----",
    re.DOTALL,
)


def _oaep(label: bytes) -> Any:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    # Go's rsa.EncryptOAEP uses the same hash for OAEP and MGF1; an empty label equals no label.
    return padding.OAEP(
        mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=label or None
    )


def encrypt(public_key: RSAPublicKey, plaintext: bytes, label: bytes = b"") -> bytes:
    """uint16_be(len(R)) || R || AES-GCM(K, zero nonce, plaintext), R = OAEP(K, label)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    session_key = os.urandom(SESSION_KEY_BYTES)
    wrapped = public_key.encrypt(session_key, _oaep(label))
    return (
        len(wrapped).to_bytes(2, "big")
        + wrapped
        + AESGCM(session_key).encrypt(NONCE, plaintext, None)
    )


def decrypt(private_keys: Sequence[RSAPrivateKey], ciphertext: bytes, label: bytes = b"") -> bytes:
    """The plaintext, trying every key in turn as the controller does (the ciphertext names no key)."""
    return decrypt_with_key(private_keys, ciphertext, label)[0]


def decrypt_with_key(
    private_keys: Sequence[RSAPrivateKey], ciphertext: bytes, label: bytes = b""
) -> tuple[bytes, RSAPrivateKey]:
    """The plaintext and the key that opened it."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if len(ciphertext) < 2:
        raise SealError("ciphertext too short")
    wrapped_len = int.from_bytes(ciphertext[:2], "big")
    if len(ciphertext) < wrapped_len + 2:
        raise SealError("ciphertext too short")
    wrapped, sealed = ciphertext[2 : wrapped_len + 2], ciphertext[wrapped_len + 2 :]
    if not private_keys:
        raise SealError("no private key given")
    for key in private_keys:
        try:
            session_key = key.decrypt(wrapped, _oaep(label))
        except ValueError:
            continue  # wrong key, wrong label, or a length that does not fit this key: try the next key
        try:
            return AESGCM(session_key).decrypt(NONCE, sealed, None), key
        except (InvalidTag, ValueError):
            raise SealError(
                "ciphertext is corrupted or truncated (AES-GCM authentication failed)"
            ) from None
    raise SealError("no key could decrypt secret (wrong key, or wrong name, namespace or scope)")


def same_key(public_a: RSAPublicKey, public_b: RSAPublicKey) -> bool:
    return bool(public_a.public_numbers() == public_b.public_numbers())


def encrypt_item(
    public_key: RSAPublicKey,
    plaintext: bytes,
    *,
    scope: str,
    namespace: str | None,
    name: str | None,
) -> str:
    """One `spec.encryptedData` value: base64 (standard, padded) of the hybrid ciphertext."""
    label = encryption_label(scope, namespace, name)
    return base64.b64encode(encrypt(public_key, plaintext, label)).decode("ascii")


def decrypt_item(
    private_keys: Sequence[RSAPrivateKey],
    value: str,
    *,
    scope: str,
    namespace: str | None,
    name: str | None,
) -> bytes:
    """The plaintext of one `spec.encryptedData` value."""
    label = encryption_label(scope, namespace, name)
    return decrypt(private_keys, b64decode_strict(value), label)


def b64decode_strict(value: object, field: str | None = None, path: str | None = None) -> bytes:
    """Standard base64 with padding, as Go's StdEncoding; errors never echo the value."""
    if not isinstance(value, str):
        raise SealError("expected a base64 string", path=path, field=field)
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise SealError("invalid base64", path=path, field=field) from None


def _utc(moment: _dt.datetime | None) -> _dt.datetime:
    if moment is None:
        return _dt.datetime.now(_dt.UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=_dt.UTC)


def load_certificate(
    pem: bytes, *, now: _dt.datetime | None = None, source: str | None = None
) -> RSAPublicKey:
    """The RSA public key of the first certificate in a PEM bundle, refused once it has expired.

    Only NotAfter is checked, like kubeseal. The extensions are never read: the controller's
    certificates carry KeyUsage=EncipherOnly alone, which `cryptography` refuses to parse.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

    match = _PEM_CERT.search(pem)
    if not match:
        raise SealError("no PEM certificate found", path=source)
    try:
        cert = x509.load_pem_x509_certificate(match.group(0))
        public_key = cert.public_key()
    except ValueError as err:
        raise SealError(f"cannot parse the certificate: {err}", path=source) from None
    if not isinstance(public_key, RSAPublicKey):
        raise SealError("the certificate's key is not an RSA key", path=source)
    not_after = getattr(cert, "not_valid_after_utc", None) or cert.not_valid_after.replace(
        tzinfo=_dt.UTC
    )
    if _utc(now) > not_after:
        raise SealError(
            f"refusing to encrypt with an expired certificate (expired {not_after:%Y-%m-%d})",
            path=source,
        )
    return public_key


def load_private_keys(data: bytes, *, source: str | None = None) -> list[RSAPrivateKey]:
    """RSA keys from PEM (PKCS#1 or PKCS#8, several blocks allowed), a Secret with `tls.key`, or a List of them."""
    blocks = [m.group(0) for m in _PEM_KEY.finditer(data)]
    if blocks:
        return [_parse_key(b, source) for b in blocks]
    from kustomize_py.yaml import load_all

    keys: list[RSAPrivateKey] = []
    for doc in load_all(data, source or "<keys>"):
        items = (
            doc.get("items")
            if isinstance(doc, dict) and doc.get("kind", "").endswith("List")
            else [doc]
        )
        for item in items or []:
            tls_key = (item.get("data") or {}).get("tls.key") if isinstance(item, dict) else None
            if tls_key is None:
                raise SealError(
                    "expected a PEM private key, or a Secret with data.tls.key", path=source
                )
            keys.extend(
                _parse_key(m.group(0), source)
                for m in _PEM_KEY.finditer(b64decode_strict(tls_key, "data.tls.key"))
            )
    if not keys:
        raise SealError("no private key found", path=source)
    return keys


def _parse_key(block: bytes, source: str | None) -> RSAPrivateKey:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(block, password=None)
    except (ValueError, TypeError):
        # the library's message may describe the key; keep ours generic
        raise SealError(
            "cannot parse the private key (encrypted or malformed PEM)", path=source
        ) from None
    if not isinstance(key, RSAPrivateKey):
        raise SealError("the private key is not an RSA key", path=source)
    return key


def fingerprint(public_key: RSAPublicKey) -> str:
    """SSH-style `SHA256:<base64>` of the public key, the id the controller files its keys under."""
    from cryptography.hazmat.primitives import serialization

    openssh = public_key.public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    blob = base64.b64decode(openssh.split()[1])
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def public_keys_of(private_keys: Iterable[RSAPrivateKey]) -> list[RSAPublicKey]:
    return [k.public_key() for k in private_keys]
