"""`kpy seal` and `kpy unseal` end to end, cross-checked with an independent implementation."""

from __future__ import annotations

import base64
import io
import json
import shutil
import sys
from pathlib import Path

import pytest

from kustomize_py.cli import main
from kustomize_py.sealed import codec
from kustomize_py.sealed.manifest import parse_objects

FIX = Path(__file__).parent / "fixtures" / "sealed"
VECTOR = FIX / "kubeseal-v0.14.1-strict"
CERT = str(FIX / "a.crt")
KEY = str(FIX / "a.key")

SECRET = """\
apiVersion: v1
kind: Secret
metadata:
  name: grafana-admin
  namespace: monitoring
  labels: {app: grafana}
stringData:
  password: hunter2-very-secret
data:
  user: YWRtaW4=
"""


def kpy(args, capsys, monkeypatch, stdin: bytes = b""):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    rc = main(args)
    out, err = capsys.readouterr()
    return rc, out, err


def test_unseal_real_kubeseal_vector(capsys, monkeypatch):
    expected = json.loads((VECTOR / "expected.json").read_text())
    rc, out, err = kpy(
        ["unseal", "--key", str(VECTOR / "tls.key"), str(VECTOR / "sealed-secret.yaml")],
        capsys,
        monkeypatch,
    )
    assert rc == 0, err
    secret = parse_objects(out)[0]
    assert secret["kind"] == "Secret" and secret["metadata"] == {
        "name": "credentials",
        "namespace": "foo",
    }
    assert base64.b64decode(secret["data"][expected["key"]]).decode() == expected["plaintext"]


def test_unseal_tries_every_key_and_reads_stdin(capsys, monkeypatch):
    text = (VECTOR / "sealed-secret.yaml").read_bytes()
    rc, out, err = kpy(
        ["unseal", "--key", KEY, "--key", str(VECTOR / "tls.key"), "--format", "json"],
        capsys,
        monkeypatch,
        text,
    )
    assert rc == 0, err
    assert json.loads(out)["data"]["token"] == base64.b64encode(b"sealed-secrets-example").decode()


def test_unseal_wrong_key(capsys, monkeypatch):
    rc, out, err = kpy(
        ["unseal", "--key", KEY, str(VECTOR / "sealed-secret.yaml")], capsys, monkeypatch
    )
    assert rc == 1 and out == ""
    assert (
        err.startswith("Error: ")
        and "no key could decrypt" in err
        and "spec.encryptedData.token" in err
    )


@pytest.fixture
def oaep():
    return pytest.importorskip("aes_gcm_rsa_oaep")


@pytest.fixture(scope="module")
def private_key():
    return codec.load_private_keys(Path(KEY).read_bytes())[0]


@pytest.mark.parametrize(
    ("scope", "label", "wrong"),
    [
        (
            "strict",
            b"monitoring/grafana-admin",
            [b"monitoring", b"", b"monitoring/grafana", b"other/grafana-admin"],
        ),
        ("namespace-wide", b"monitoring", [b"monitoring/grafana-admin", b"", b"other"]),
        ("cluster-wide", b"", [b"monitoring", b"monitoring/grafana-admin"]),
    ],
)
def test_seal_output_decrypts_with_independent_implementation(
    capsys, monkeypatch, oaep, private_key, scope, label, wrong
):
    rc, out, err = kpy(
        ["seal", "--cert", CERT, "--scope", scope], capsys, monkeypatch, SECRET.encode()
    )
    assert rc == 0, err
    assert "hunter2" not in out
    sealed = parse_objects(out)[0]
    items = sealed["spec"]["encryptedData"]
    assert (
        oaep.decrypt(base64.b64decode(items["password"]), private_key, label)
        == b"hunter2-very-secret"
    )
    assert oaep.decrypt(base64.b64decode(items["user"]), private_key, label) == b"admin"
    for bad in wrong:
        with pytest.raises(ValueError):  # cryptography's OAEP decryption failure
            oaep.decrypt(base64.b64decode(items["password"]), private_key, bad)


def test_independent_ciphertext_unseals_through_kpy(
    capsys, monkeypatch, oaep, private_key, tmp_path
):
    value = base64.b64encode(
        oaep.encrypt(b"from-elsewhere", private_key.public_key(), b"ns/name")
    ).decode()
    doc = {
        "apiVersion": "bitnami.com/v1alpha1",
        "kind": "SealedSecret",
        "metadata": {"name": "name", "namespace": "ns"},
        "spec": {
            "encryptedData": {"k": value},
            "template": {"metadata": {"name": "name", "namespace": "ns"}},
        },
    }
    rc, out, err = kpy(["unseal", "--key", KEY], capsys, monkeypatch, json.dumps(doc).encode())
    assert rc == 0, err
    assert base64.b64decode(parse_objects(out)[0]["data"]["k"]) == b"from-elsewhere"


def test_seal_then_unseal_round_trip_and_renamed_object_fails(capsys, monkeypatch, tmp_path):
    src = tmp_path / "s.yaml"
    src.write_text(SECRET)
    rc, out, err = kpy(
        ["seal", "--cert", CERT, str(src), "-w", str(tmp_path / "sealed.yaml")], capsys, monkeypatch
    )
    assert rc == 0 and out == "", err
    rc, out, err = kpy(["unseal", "--key", KEY, str(tmp_path / "sealed.yaml")], capsys, monkeypatch)
    assert rc == 0, err
    data = parse_objects(out)[0]["data"]
    assert base64.b64decode(data["password"]) == b"hunter2-very-secret"
    moved = (
        (tmp_path / "sealed.yaml")
        .read_text()
        .replace("namespace: monitoring", "namespace: prod", 1)
    )
    rc, out, err = kpy(["unseal", "--key", KEY], capsys, monkeypatch, moved.encode())
    assert rc == 1 and "no key could decrypt" in err and "hunter2" not in err


def test_seal_json_by_default_in_go_struct_order(capsys, monkeypatch, tmp_path):
    rc, _, err = kpy(
        ["seal", "--cert", CERT, "-w", str(tmp_path / "s.json")],
        capsys,
        monkeypatch,
        SECRET.encode(),
    )
    assert rc == 0, err
    assert list(json.loads((tmp_path / "s.json").read_text())) == [
        "kind",
        "apiVersion",
        "metadata",
        "spec",
    ]


def test_seal_json_input_and_namespace_flag(capsys, monkeypatch):
    doc = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "n"},
        "stringData": {"k": "v"},
    }
    rc, out, err = kpy(
        ["seal", "--cert", CERT, "-n", "ns"], capsys, monkeypatch, json.dumps(doc).encode()
    )
    assert rc == 0, err
    assert parse_objects(out)[0]["metadata"]["namespace"] == "ns"


def test_raw(capsys, monkeypatch, private_key, tmp_path):
    value_file = tmp_path / "pw"
    value_file.write_bytes(b"raw-value\n")
    rc, out, err = kpy(
        [
            "seal",
            "--raw",
            "--cert",
            CERT,
            "--scope",
            "strict",
            "--name",
            "n",
            "--namespace",
            "ns",
            "--from-file",
            f"password={value_file}",
        ],
        capsys,
        monkeypatch,
    )
    assert rc == 0, err
    assert not out.endswith("\n")
    assert (
        codec.decrypt_item([private_key], out, scope="strict", namespace="ns", name="n")
        == b"raw-value\n"
    )
    rc, out, err = kpy(
        ["seal", "--raw", "--cert", CERT, "--scope", "cluster-wide"],
        capsys,
        monkeypatch,
        b"stdin-value",
    )
    assert rc == 0, err
    assert (
        codec.decrypt_item([private_key], out, scope="cluster-wide", namespace=None, name=None)
        == b"stdin-value"
    )
    rc, out, err = kpy(
        ["seal", "--raw", "--cert", CERT, "--scope", "strict", "--namespace", "ns"],
        capsys,
        monkeypatch,
        b"x",
    )
    assert rc == 1 and "must provide the --name flag with --raw and --scope strict" in err


def test_merge_into_file(capsys, monkeypatch, private_key, tmp_path):
    target = tmp_path / "sealed.yaml"
    rc, out, err = kpy(["seal", "--cert", CERT], capsys, monkeypatch, SECRET.encode())
    target.write_text("# keep me\n" + out)
    before = parse_objects(target.read_text())[0]["spec"]["encryptedData"]
    update = b"apiVersion: v1\nkind: Secret\nmetadata: {name: whatever}\nstringData: {token: t0k}\n"
    rc, out, err = kpy(
        ["seal", "--cert", CERT, "--merge-into", str(target)], capsys, monkeypatch, update
    )
    assert rc == 0 and out == "", err
    text = target.read_text()
    assert text.startswith("# keep me\n")
    after = parse_objects(text)[0]["spec"]["encryptedData"]
    assert after["password"] == before["password"] and after["user"] == before["user"]
    assert (
        codec.decrypt_item(
            [private_key],
            after["token"],
            scope="strict",
            namespace="monitoring",
            name="grafana-admin",
        )
        == b"t0k"
    )


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["seal", "--cert", str(FIX / "a-expired.crt")], SECRET, "expired certificate"),
        (
            ["seal", "--cert", CERT],
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
            "expected a v1 Secret",
        ),
        (
            ["seal", "--cert", CERT],
            SECRET.replace("  namespace: monitoring\n", ""),
            "needs a namespace: set metadata.namespace or pass -n/--namespace",
        ),
        (
            ["seal", "--cert", CERT, "--namespace", "other"],
            SECRET,
            "<stdin>: field metadata.namespace: namespace mismatch: input secret is in namespace "
            '"monitoring" but --namespace "other" was specified',
        ),
        (
            ["seal", "--cert", CERT, "-n", "other"],
            SECRET,
            'but -n "other" was specified',
        ),
        (["seal"], SECRET, "--cert is required"),
        (["seal", "--cert", CERT, "--raw", "--merge-into", "x"], SECRET, "cannot be combined"),
        (["seal", "--cert", str(FIX / "missing.crt")], SECRET, "cannot read"),
    ],
)
def test_errors_write_nothing_and_never_leak(capsys, monkeypatch, tmp_path, args, stdin, message):
    monkeypatch.delenv("SEALED_SECRETS_CERT", raising=False)
    out_file = tmp_path / "out.yaml"
    rc, out, err = kpy(args + ["-w", str(out_file)], capsys, monkeypatch, stdin.encode())
    assert rc == 1, err
    assert err.startswith("Error: ") and message in err
    assert "hunter2" not in err and out == ""
    assert not out_file.exists() and list(tmp_path.iterdir()) == []


def test_failed_merge_leaves_the_file_untouched(capsys, monkeypatch, tmp_path):
    target = tmp_path / "sealed.yaml"
    shutil.copy(VECTOR / "sealed-secret.yaml", target)
    before = target.read_bytes()
    rc, _, err = kpy(
        ["seal", "--cert", str(FIX / "a-expired.crt"), "--merge-into", str(target)],
        capsys,
        monkeypatch,
        SECRET.encode(),
    )
    assert rc == 1 and "expired" in err
    rc, _, err = kpy(
        ["seal", "--cert", CERT, "--scope", "cluster-wide", "--merge-into", str(target)],
        capsys,
        monkeypatch,
        SECRET.encode(),
    )
    assert rc == 1 and "scope" in err
    assert target.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == [
        "sealed.yaml"
    ]


def test_unseal_skips_objects_that_are_not_sealed_secrets(capsys, monkeypatch):
    """`kpy build OVERLAY | kpy unseal --key K`: only the SealedSecrets come out, the rest is noted."""
    sealed = (VECTOR / "sealed-secret.yaml").read_text()
    other = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
    rc, out, err = kpy(["unseal", "--key", str(VECTOR / "tls.key")], capsys, monkeypatch,
                       (other + "---\n" + sealed).encode())
    assert rc == 0, err
    assert [o["kind"] for o in parse_objects(out)] == ["Secret"]
    assert "skipped 1 object" in err
    rc, out, err = kpy(["unseal", "--key", str(VECTOR / "tls.key")], capsys, monkeypatch, other.encode())
    assert rc == 1 and "no SealedSecret" in err
