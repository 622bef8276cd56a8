"""Offline key rotation (`kpy seal --re-encrypt`) and the offline `--validate`.

The old file is a real kubeseal output (controller v0.14.1, 4096-bit key, see fixtures/sealed/README.md)
dressed as a repository keeps it: comments, labels, an Argo CD sync-wave, spec.template.data templates.
It is re-encrypted for the 2048-bit test certificate a.crt.
"""

from __future__ import annotations

import base64
import io
import json
import shutil
import sys
from pathlib import Path

import pytest

from kustomize_py.cli import main
from kustomize_py.errors import SealError
from kustomize_py.sealed import codec
from kustomize_py.sealed.manifest import parse_objects, unseal
from kustomize_py.sealed.reencrypt import item_spans, reencrypt_text

FIX = Path(__file__).parent / "fixtures" / "sealed"
VECTOR = FIX / "kubeseal-v0.14.1-strict"
OLD_KEY = str(VECTOR / "tls.key")
NEW_CERT, NEW_KEY = str(FIX / "a.crt"), str(FIX / "a.key")
REAL = parse_objects((VECTOR / "sealed-secret.yaml").read_text())[0]["spec"]["encryptedData"]["token"]

KEPT = """\
# Production credentials. Rotate with: kpy seal --re-encrypt (docs/sealing.md)
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: credentials
  namespace: foo
  labels: {{team: payments, tier: "backend"}}   # flow style, kept
  annotations:
    argocd.argoproj.io/sync-wave: "-1"
spec:
  encryptedData:
    # the API token
    token: {token}
  template:
    metadata:
      name: credentials
      namespace: foo
      annotations:
        sealedsecrets.bitnami.com/managed: "true"
    type: Opaque
    data:
      config.json: |
        {{"url": "https://api.example/", "token": {{{{ toJson .token }}}}}}
      header: 'Bearer {{{{ index . "token" }}}}'
"""


def kpy(args, capsys, monkeypatch, stdin: bytes | str = b""):
    data = stdin.encode() if isinstance(stdin, str) else stdin
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    rc = main(args)
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture(scope="module")
def keys():
    return {
        "old": codec.load_private_keys(Path(OLD_KEY).read_bytes()),
        "new": codec.load_private_keys(Path(NEW_KEY).read_bytes()),
    }


def values(text):
    return [v for doc in parse_objects(text) for v in (doc.get("spec") or {}).get("encryptedData", {}).values()]


def without(text, vals):
    """`text` with every ciphertext replaced by a marker: what must not change."""
    for v in vals:
        text = text.replace(v, "<CIPHERTEXT>")
    return text


def test_reencrypt_keeps_every_other_byte_and_opens_with_the_new_key(capsys, monkeypatch, tmp_path, keys):
    old_text = KEPT.format(token=REAL)
    src = tmp_path / "credentials.yaml"
    src.write_text(old_text)
    out_file = tmp_path / "rotated.yaml"
    rc, out, err = kpy(["seal", "--re-encrypt", "--recovery-private-key", OLD_KEY, "--cert", NEW_CERT,
                        "-f", str(src), "-w", str(out_file)], capsys, monkeypatch)
    assert rc == 0 and out == "", err
    assert f"re-encrypted: {src} (1 value(s) in 1 SealedSecret(s))" in err
    new_text = out_file.read_text()
    assert src.read_text() == old_text  # -w given: the input is left alone
    (new_value,) = values(new_text)
    assert new_value != REAL and new_value.startswith("AQ")  # now sealed for a 2048-bit key
    assert without(new_text, [new_value]) == without(old_text, [REAL])
    old_doc, new_doc = parse_objects(old_text)[0], parse_objects(new_text)[0]
    for doc in (old_doc, new_doc):  # unseal renders item references only, not Sprig's toJson
        del doc["spec"]["template"]["data"]["config.json"]
    old_secret = unseal(old_doc, keys["old"])
    new_secret = unseal(new_doc, keys["new"])
    assert new_secret == old_secret
    assert base64.b64decode(new_secret["data"]["token"]) == b"sealed-secrets-example"
    assert base64.b64decode(new_secret["data"]["header"]) == b"Bearer sealed-secrets-example"
    with pytest.raises(SealError, match="no key could decrypt"):
        unseal(new_doc, keys["old"])


def test_in_place_stdin_and_idempotence(capsys, monkeypatch, tmp_path, keys):
    """-f without -w rewrites the file (kubeseal's rule); a second run with both keys changes nothing."""
    old_text = KEPT.format(token=REAL)
    src = tmp_path / "s.yaml"
    src.write_text(old_text)
    args = ["seal", "--re-encrypt", "--recovery-private-key", f"{OLD_KEY},{NEW_KEY}", "--cert", NEW_CERT]
    assert kpy(args + ["-f", str(src)], capsys, monkeypatch)[0] == 0
    once = src.read_text()
    assert once != old_text and without(once, values(once)) == without(old_text, [REAL])
    rc, out, err = kpy(args + ["-f", str(src)], capsys, monkeypatch)
    assert rc == 0 and src.read_text() == once
    assert "unchanged" in err and "1 already sealed for the new key" in err
    # stdin -> stdout: `kubeseal --re-encrypt <my_sealed_secret.json >tmp.json`
    rc, out, err = kpy(args, capsys, monkeypatch, old_text)
    assert rc == 0 and without(out, values(out)) == without(old_text, [REAL])


def test_json_stream_keeps_its_layout(capsys, monkeypatch, keys):
    """kubeseal's JSON output for two Secrets (a stream of objects) stays JSON, byte for byte."""
    pub_old = keys["old"][0].public_key()
    docs = []
    for name, scope_ann in (("a", {}), ("b", {"sealedsecrets.bitnami.com/namespace-wide": "true"})):
        scope = "namespace-wide" if scope_ann else "strict"
        value = codec.encrypt_item(pub_old, name.encode() * 3, scope=scope, namespace="ns", name=name)
        meta = {"name": name, "namespace": "ns", "creationTimestamp": None, **({"annotations": scope_ann} if scope_ann else {})}
        docs.append({"kind": "SealedSecret", "apiVersion": "bitnami.com/v1alpha1", "metadata": meta,
                     "spec": {"template": {"metadata": meta}, "encryptedData": {"k": value}}})
    old_text = "".join(json.dumps(d, indent=4) + "\n" for d in docs)
    rc, out, err = kpy(["seal", "--re-encrypt", "--recovery-private-key", OLD_KEY, "--cert", NEW_CERT],
                       capsys, monkeypatch, old_text)
    assert rc == 0, err
    assert without(out, values(out)) == without(old_text, values(old_text))
    plain = [base64.b64decode(unseal(d, keys["new"])["data"]["k"]) for d in parse_objects(out)]
    assert plain == [b"aaa", b"bbb"]
    # an explicit -o converts (kubeseal's layout), and says the comments are not kept
    rc, out, err = kpy(["seal", "--re-encrypt", "--recovery-private-key", OLD_KEY, "--cert", NEW_CERT,
                        "-o", "yaml"], capsys, monkeypatch, old_text)
    assert rc == 0 and out.startswith("---\napiVersion: bitnami.com/v1alpha1\n") and out.count("---\n") == 2


def test_multi_document_yaml_with_other_objects_and_scopes(keys):
    pub_old = keys["old"][0].public_key()
    ns_wide = codec.encrypt_item(pub_old, b"nw", scope="namespace-wide", namespace="apps", name=None)
    cluster = codec.encrypt_item(pub_old, b"cw", scope="cluster-wide", namespace=None, name=None)
    old_text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: untouched}\ndata: {k: v}\n---\n"
        "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: x\n  namespace: apps\n"
        "  annotations: {sealedsecrets.bitnami.com/namespace-wide: 'true'}\n"
        f'spec:\n  encryptedData: {{a: "{ns_wide}", b: \'{ns_wide}\'}}\n---\n'
        "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: y\n"
        "  annotations:\n    sealedsecrets.bitnami.com/cluster-wide: \"true\"\n"
        f"spec:\n  encryptedData:\n    c: {cluster}\n"
    )
    result = reencrypt_text(old_text, keys["old"], keys["new"][0].public_key(), source="multi.yaml")
    assert (result.resealed, result.kept, result.sealed_secrets, result.others) == (3, 0, 2, 1)
    new_vals = values(result.text)
    assert without(result.text, new_vals) == without(old_text, [ns_wide, cluster])
    assert '{a: "AQ' in result.text and ", b: 'AQ" in result.text  # quoting kept
    x, y = parse_objects(result.text)[1:]
    x["metadata"]["name"] = "renamed"  # namespace-wide: still opens under another name
    y["metadata"]["namespace"] = "anywhere"  # cluster-wide: opens anywhere
    assert base64.b64decode(unseal(x, keys["new"])["data"]["b"]) == b"nw"
    assert base64.b64decode(unseal(y, keys["new"])["data"]["c"]) == b"cw"


def test_refuses_when_the_old_key_cannot_open_a_value(capsys, monkeypatch, tmp_path):
    old_text = KEPT.format(token=REAL)
    src = tmp_path / "s.yaml"
    src.write_text(old_text)
    rc, out, err = kpy(["seal", "--re-encrypt", "--recovery-private-key", NEW_KEY, "--cert", NEW_CERT, str(src)],
                       capsys, monkeypatch)
    assert rc == 1 and out == ""
    assert err.startswith(f"Error: {src}: field spec.encryptedData.token: no key could decrypt secret")
    assert "refusing to re-encrypt (tried as strict foo/credentials)" in err
    assert f"(keys from --recovery-private-key: {NEW_KEY})" in err
    assert src.read_text() == old_text and sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]
    rc, out, err = kpy(["seal", "--re-encrypt", "--cert", NEW_CERT, str(src)], capsys, monkeypatch)
    assert rc == 1 and "--re-encrypt works offline: give the old key(s) with --recovery-private-key" in err
    rc, out, err = kpy(["seal", "--rotate", "--cert", NEW_CERT, str(src)], capsys, monkeypatch)
    assert rc == 1 and "--rotate is deprecated" in err and "--rotate works offline" in err


def test_many_files_in_place_are_all_or_nothing(capsys, monkeypatch, tmp_path):
    good = tmp_path / "good.yaml"
    bad = tmp_path / "bad.yaml"
    good.write_text(KEPT.format(token=REAL))
    bad.write_text(KEPT.format(token=REAL).replace("name: credentials\n  namespace", "name: moved\n  namespace", 1))
    before = {p: p.read_text() for p in (good, bad)}
    args = ["seal", "--re-encrypt", "--recovery-private-key", OLD_KEY, "--cert", NEW_CERT]
    rc, out, err = kpy(args + [str(good), str(bad)], capsys, monkeypatch)
    assert rc == 1 and f"{bad}: field spec.encryptedData.token" in err
    assert {p: p.read_text() for p in before} == before  # the good file was not written either
    rc, out, err = kpy(args + [str(good), str(bad), "-w", str(tmp_path / "x")], capsys, monkeypatch)
    assert rc == 1 and "-w takes one input" in err
    rc, out, err = kpy(args + [str(good)], capsys, monkeypatch)
    assert rc == 0 and good.read_text() != before[good]


def test_all_reencrypts_the_repositorys_sealed_files(capsys, monkeypatch, tmp_path, keys):
    """`kpy seal --all ROOT --re-encrypt`: every file under a sealed/ directory, per-environment certs."""
    repo = tmp_path / "assets"
    shutil.copytree(Path(__file__).parent.parent / "examples" / "assets", repo)
    files = sorted(repo.glob("*/sealed/*/*.yaml"))
    files = [f for f in files if f.name != "kustomization.yaml"]
    before = {f: f.read_text() for f in files}
    kustomizations = {f: f.read_bytes() for f in repo.glob("*/sealed/*/kustomization.yaml")}
    demo_key = str(FIX / "a.key")
    args = ["seal", "--all", str(repo), "--re-encrypt", "--recovery-private-key", demo_key,
            "--cert", f"production={FIX / 'b.crt'}", "--cert", NEW_CERT]
    rc, out, err = kpy(args + ["--check"], capsys, monkeypatch)
    assert rc == 1 and "re-encrypted: " in err and {f: f.read_text() for f in files} == before
    rc, out, err = kpy(args, capsys, monkeypatch)
    assert rc == 0, err
    b_keys = codec.load_private_keys((FIX / "b.key").read_bytes())
    for f in files:
        text = f.read_text()
        assert without(text, values(text)) == without(before[f], values(before[f]))
        production = f.parent.name == "production"
        assert (text != before[f]) == production  # a.crt is the demo cert already: nothing to do
        opened = unseal(parse_objects(text)[0], b_keys if production else keys["new"])
        assert opened == unseal(parse_objects(before[f])[0], keys["new"])
    assert {f: f.read_bytes() for f in kustomizations} == kustomizations


def test_validate_with_the_private_key_proves_each_value_opens(capsys, monkeypatch, tmp_path):
    src = tmp_path / "s.yaml"
    src.write_text(KEPT.format(token=REAL))
    rc, out, err = kpy(["seal", "--validate", "--recovery-private-key", OLD_KEY, str(src)], capsys, monkeypatch)
    assert rc == 0 and out == ""
    assert err == (
        f"{src}: SealedSecret foo/credentials (strict): ok, 1 value(s), every value opens with the private key\n"
        "not checked: spec.template.data.config.json (a template beyond item references)\n"
    )
    moved = src.read_text().replace("namespace: foo\n  labels", "namespace: bar\n  labels")
    rc, out, err = kpy(["seal", "--validate", "--recovery-private-key", OLD_KEY], capsys, monkeypatch, moved)
    assert rc == 1
    assert "metadata.namespace: 'bar' differs from spec.template.metadata.namespace 'foo'" in err
    moved = moved.replace("      namespace: foo", "      namespace: bar")
    rc, out, err = kpy(["seal", "--validate", "--recovery-private-key", OLD_KEY], capsys, monkeypatch, moved)
    assert rc == 1 and "spec.encryptedData.token: unable to decrypt sealed secret: no key could decrypt" in err
    assert "sealed-secrets-example" not in err


def test_validate_without_the_key_checks_structure_and_says_what_it_did_not(capsys, monkeypatch, tmp_path):
    src = tmp_path / "s.yaml"
    src.write_text(KEPT.format(token=REAL))
    rc, out, err = kpy(["seal", "--validate", str(src)], capsys, monkeypatch)
    assert rc == 0
    assert "ok, 1 value(s), structure only" in err
    assert "that each value opens (needs the controller's private key)" in err
    assert "the key size (needs the certificate)" in err
    rc, out, err = kpy(["seal", "--validate", "--cert", str(VECTOR / "tls.crt"), str(src)], capsys, monkeypatch)
    assert rc == 0 and "the key size" not in err
    rc, out, err = kpy(["seal", "--validate", "--cert", NEW_CERT, str(src)], capsys, monkeypatch)
    assert rc == 1 and "spec.encryptedData.token: sealed for a 4096-bit key, but the certificate's key has 2048 bits" in err
    broken = (
        KEPT.format(token=REAL)
        .replace('argocd.argoproj.io/sync-wave: "-1"', "sealedsecrets.bitnami.com/namespace-wide: \"yes\"")
        .replace(f"token: {REAL}", f"token: {REAL[:40]}\n    other: not*base64")
        .replace('index . "token"', 'index . "missing"')
    )
    rc, out, err = kpy(["seal", "--validate"], capsys, monkeypatch, broken)
    assert rc == 1
    for expected in (
        "metadata.annotations.sealedsecrets.bitnami.com/namespace-wide: 'yes' is not \"true\"",
        "spec.encryptedData.token: ciphertext too short (30 bytes)",
        "spec.encryptedData.other: invalid base64",
        "spec.template.data.header: refers to 'missing', which is not sealed",
        "error: 1 of 1 SealedSecret(s) failed validation",
    ):
        assert expected in err
    scoped = KEPT.format(token=REAL).replace(
        '    argocd.argoproj.io/sync-wave: "-1"', '    sealedsecrets.bitnami.com/cluster-wide: "true"')
    rc, out, err = kpy(["seal", "--validate"], capsys, monkeypatch, scoped)
    assert rc == 1 and "the scope annotations say cluster-wide but spec.template.metadata says strict" in err


def test_spans_are_exact(keys):
    text = 'spec:\n  encryptedData: {a: "AAA", b: \'BBB\', c: CCC}\n'
    (spans,) = item_spans(text)
    assert [text[s.start:s.end] for s in spans.values()] == ['"AAA"', "'BBB'", "CCC"]
    with pytest.raises(SealError, match="only plain or quoted ciphertext values"):
        item_spans("spec:\n  encryptedData:\n    a: |\n      AAA\n", "f.yaml")


def test_a_value_behind_an_anchor_or_alias_is_refused_not_garbled(keys):
    value = codec.encrypt_item(keys["old"][0].public_key(), b"x", scope="cluster-wide", namespace=None, name=None)
    text = ("apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: s\n"
            "  annotations: {sealedsecrets.bitnami.com/cluster-wide: 'true'}\n"
            f"spec:\n  encryptedData:\n    a: &v {value}\n    b: *v\n")
    with pytest.raises(SealError, match="spec.encryptedData.a: (cannot locate|this value is shared)"):
        reencrypt_text(text, keys["old"], keys["new"][0].public_key(), source="a.yaml")


def test_validate_all_on_the_example_repository(capsys, monkeypatch):
    """The CI step of docs/sealing.md: no private key, the public certificate only."""
    assets = Path(__file__).parent.parent / "examples" / "assets"
    cert = str(assets / ".sealing" / "demo-cert.pem")
    rc, out, err = kpy(["seal", "--all", str(assets), "--validate", "--cert", cert], capsys, monkeypatch)
    assert rc == 0, err
    lines = [line for line in err.splitlines() if ": SealedSecret " in line]
    assert len(lines) == 6 and all(line.endswith("structure only") for line in lines)
    assert err.splitlines()[-1] == "not checked: that each value opens (needs the controller's private key)"
    rc, out, err = kpy(["seal", "--all", str(assets), "--validate", "--cert", str(VECTOR / "tls.crt")],
                       capsys, monkeypatch)
    assert rc == 1 and "error: 6 of 6 SealedSecret(s) failed validation" in err
    rc, out, err = kpy(["seal", "--all", str(assets), "--validate", "--recovery-private-key", NEW_KEY],
                       capsys, monkeypatch)
    assert rc == 0 and err.count("every value opens with the private key") == 6
