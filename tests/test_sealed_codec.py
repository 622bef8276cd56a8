"""The kubeseal hybrid cipher, labels, certificates and keys (kustomize_py.sealed.codec / scope)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kustomize_py.errors import SealError
from kustomize_py.sealed import codec
from kustomize_py.sealed.manifest import parse_objects
from kustomize_py.sealed.scope import (
    ANNOTATION_CLUSTER_WIDE,
    ANNOTATION_NAMESPACE_WIDE,
    encryption_label,
    scope_from_annotations,
    with_scope_annotations,
)

FIX = Path(__file__).parent / "fixtures" / "sealed"
VECTOR = FIX / "kubeseal-v0.14.1-strict"
UTC = dt.UTC


@pytest.fixture(scope="module")
def key_a():
    return codec.load_private_keys((FIX / "a.key").read_bytes())[0]


@pytest.fixture(scope="module")
def key_b():
    return codec.load_private_keys((FIX / "b.key").read_bytes())[0]


@pytest.fixture(scope="module")
def real():
    expected = json.loads((VECTOR / "expected.json").read_text())
    sealed = parse_objects((VECTOR / "sealed-secret.yaml").read_text())[0]
    keys = codec.load_private_keys((VECTOR / "tls.key").read_bytes())
    return expected, sealed, keys


def test_labels_for_the_three_scopes():
    assert encryption_label("strict", "myns", "myname") == b"myns/myname"
    assert encryption_label("namespace-wide", "myns", "myname") == b"myns"
    assert encryption_label("cluster-wide", "myns", "myname") == b""
    assert encryption_label("cluster-wide", None, None) == b""
    with pytest.raises(SealError, match="namespace"):
        encryption_label("strict", None, "x")
    with pytest.raises(SealError, match="namespace"):
        encryption_label("namespace-wide", "", None)
    with pytest.raises(SealError, match="unknown scope"):
        encryption_label("global", "a", "b")


def test_scope_annotations():
    assert scope_from_annotations(None) == "strict"
    assert scope_from_annotations({ANNOTATION_NAMESPACE_WIDE: "true"}) == "namespace-wide"
    assert (
        scope_from_annotations({ANNOTATION_NAMESPACE_WIDE: "true", ANNOTATION_CLUSTER_WIDE: "true"})
        == "cluster-wide"
    )
    assert (
        scope_from_annotations({ANNOTATION_CLUSTER_WIDE: "yes"}) == "strict"
    )  # only the string "true" counts
    both = {ANNOTATION_NAMESPACE_WIDE: "true", ANNOTATION_CLUSTER_WIDE: "true", "x": "y"}
    assert with_scope_annotations(both, "strict") == {"x": "y"}
    assert with_scope_annotations(both, "namespace-wide") == {
        "x": "y",
        ANNOTATION_NAMESPACE_WIDE: "true",
    }
    assert with_scope_annotations({}, "cluster-wide") == {ANNOTATION_CLUSTER_WIDE: "true"}


def test_real_kubeseal_vector_decrypts(real):
    expected, sealed, keys = real
    value = sealed["spec"]["encryptedData"][expected["key"]]
    plain = codec.decrypt_item(
        keys, value, scope="strict", namespace=expected["namespace"], name=expected["name"]
    )
    assert plain == expected["plaintext"].encode()
    raw = base64.b64decode(value)
    assert int.from_bytes(raw[:2], "big") == 512 and len(raw) == 2 + 512 + len(plain) + 16


@pytest.mark.parametrize("label", [b"foocredentials", b"foo", b"", b"foo/credential"])
def test_real_vector_refuses_wrong_labels(real, label):
    _, sealed, keys = real
    raw = base64.b64decode(sealed["spec"]["encryptedData"]["token"])
    with pytest.raises(SealError, match="no key could decrypt"):
        codec.decrypt(keys, raw, label)


def test_reseal_with_the_real_certificate(real):
    _expected, _, keys = real
    public = codec.load_certificate(
        (VECTOR / "tls.crt").read_bytes(), now=dt.datetime(2026, 1, 1, tzinfo=UTC)
    )
    value = codec.encrypt_item(
        public, b"sealed-secrets-example", scope="strict", namespace="foo", name="credentials"
    )
    assert value.startswith(("AgA", "AgB", "AgC", "AgD"))
    assert (
        codec.decrypt_item(keys, value, scope="strict", namespace="foo", name="credentials")
        == b"sealed-secrets-example"
    )


def test_real_certificate_has_an_unreadable_key_usage_which_we_never_touch():
    # Documents why load_certificate must not read extensions: cryptography rejects EncipherOnly alone.
    from cryptography import x509

    cert = x509.load_pem_x509_certificate((VECTOR / "tls.crt").read_bytes())
    with pytest.raises(ValueError):
        _ = cert.extensions
    assert codec.load_certificate(
        (VECTOR / "tls.crt").read_bytes(), now=dt.datetime(2030, 1, 1, tzinfo=UTC)
    )


def test_layout_2048(key_a):
    ct = codec.encrypt(key_a.public_key(), b"x" * 22, b"ns/n")
    assert ct[:2] == b"\x01\x00" and len(ct) == 2 + 256 + 22 + 16
    assert base64.b64encode(ct).startswith(b"AQ")
    assert codec.decrypt([key_a], ct, b"ns/n") == b"x" * 22
    assert ct != codec.encrypt(key_a.public_key(), b"x" * 22, b"ns/n")  # randomised


def test_cluster_wide_ignores_name_and_namespace(key_a):
    value = codec.encrypt_item(
        key_a.public_key(), b"v", scope="cluster-wide", namespace=None, name=None
    )
    assert (
        codec.decrypt_item([key_a], value, scope="cluster-wide", namespace="any", name="thing")
        == b"v"
    )
    with pytest.raises(SealError):
        codec.decrypt_item([key_a], value, scope="namespace-wide", namespace="any", name="thing")


def test_every_key_is_tried(key_a, key_b):
    ct = codec.encrypt(key_b.public_key(), b"secret", b"ns")
    assert codec.decrypt([key_a, key_b], ct, b"ns") == b"secret"
    with pytest.raises(SealError, match="no key could decrypt"):
        codec.decrypt([key_a], ct, b"ns")
    with pytest.raises(SealError, match="no private key"):
        codec.decrypt([], ct, b"ns")


@pytest.mark.parametrize("cut", [0, 1, 2, 100, 257])
def test_truncated_in_the_header_or_wrapped_key(key_a, cut):
    ct = codec.encrypt(key_a.public_key(), b"secret", b"")
    with pytest.raises(SealError, match="too short"):
        codec.decrypt([key_a], ct[:cut], b"")


def test_truncated_or_corrupted_payload(key_a):
    ct = codec.encrypt(key_a.public_key(), b"secret-value", b"")
    for bad in (ct[:-1], ct[:-17], ct[:-5] + b"\x00" * 5):
        with pytest.raises(SealError, match="corrupted or truncated") as err:
            codec.decrypt([key_a], bad, b"")
        assert "secret-value" not in str(err.value)


def test_bad_base64_never_echoes_the_value(key_a):
    with pytest.raises(SealError, match="invalid base64") as err:
        codec.decrypt_item(
            [key_a], "not*base64!hunter2", scope="cluster-wide", namespace=None, name=None
        )
    assert "hunter2" not in str(err.value)


def test_certificate_expiry_uses_the_injected_clock():
    pem = (FIX / "a-expired.crt").read_bytes()
    assert codec.load_certificate(pem, now=dt.datetime(2020, 6, 1, tzinfo=UTC))
    assert codec.load_certificate(pem, now=dt.datetime(2020, 6, 1))  # naive means UTC
    with pytest.raises(SealError, match="expired certificate"):
        codec.load_certificate(pem, now=dt.datetime(2021, 1, 2, tzinfo=UTC))
    with pytest.raises(SealError, match="expired certificate"):
        codec.load_certificate(pem)  # the real clock


def test_bundle_first_certificate_wins(key_a, key_b):
    public = codec.load_certificate((FIX / "b-then-a.bundle.crt").read_bytes())
    assert codec.fingerprint(public) == codec.fingerprint(key_b.public_key())
    assert codec.fingerprint(public) != codec.fingerprint(key_a.public_key())


def test_certificate_errors():
    with pytest.raises(SealError, match="no PEM certificate") as err:
        codec.load_certificate((FIX / "a.key").read_bytes(), source="a.key")
    assert str(err.value).startswith("a.key: ")
    with pytest.raises(SealError, match="not an RSA key"):
        codec.load_certificate((FIX / "ec.crt").read_bytes())
    with pytest.raises(SealError, match="cannot parse"):
        codec.load_certificate(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")


def test_fingerprint_matches_ssh_keygen(real):
    public = codec.load_certificate(
        (VECTOR / "tls.crt").read_bytes(), now=dt.datetime(2026, 1, 1, tzinfo=UTC)
    )
    # value from `ssh-keygen -lf` on the OpenSSH form of this public key
    assert codec.fingerprint(public) == "SHA256:s5na5hZp9IkC+KhFz2q8VYlmbvcGZ8S2wgmgh5ncIdU"


def test_private_keys_from_pem_secret_and_list(key_a, key_b):
    a_pem, b_pem = (FIX / "a.key").read_bytes(), (FIX / "b.key").read_bytes()
    both = codec.load_private_keys(a_pem + b_pem)
    assert [codec.fingerprint(k.public_key()) for k in both] == [
        codec.fingerprint(key_a.public_key()),
        codec.fingerprint(key_b.public_key()),
    ]

    def secret(pem: bytes) -> dict:
        return {
            "apiVersion": "v1",
            "kind": "Secret",
            "type": "kubernetes.io/tls",
            "metadata": {"name": "sealed-secrets-keyabcde"},
            "data": {"tls.key": base64.b64encode(pem).decode(), "tls.crt": ""},
        }

    assert len(codec.load_private_keys(json.dumps(secret(a_pem)).encode())) == 1
    listing = {"apiVersion": "v1", "kind": "List", "items": [secret(a_pem), secret(b_pem)]}
    assert len(codec.load_private_keys(json.dumps(listing).encode())) == 2
    with pytest.raises(SealError, match="tls.key"):
        codec.load_private_keys(b"apiVersion: v1\nkind: Secret\ndata: {}\n", source="k.yaml")
    with pytest.raises(SealError, match="cannot parse the private key"):
        codec.load_private_keys(
            b"-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"
        )


def test_importing_the_package_does_not_import_cryptography():
    code = (
        "import sys, kustomize_py, kustomize_py.sealed, kustomize_py.cli\n"
        "bad = [m for m in sys.modules if m.startswith(('cryptography', 'ruamel'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
