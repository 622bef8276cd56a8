"""kubeseal command lines, ported to `kpy seal`: same flags, same meaning, kubeseal's output shape.

The command lines come from github.com/bitnami-labs/sealed-secrets (Apache-2.0): README.md
("Usage", "Update existing secrets", "Raw mode", "Validate a Sealed Secret", "Re-encryption",
"Can I decrypt my secrets offline"), docs/bring-your-own-certificates.md, and the cases of
cmd/kubeseal/main_test.go and pkg/kubeseal/kubeseal_test.go. Where kpy deliberately differs
(docs/sealing.md has the table), the test says so.
"""

from __future__ import annotations

import base64
import io
import json
import sys
from pathlib import Path

import pytest

from kustomize_py.cli import main
from kustomize_py.sealed import codec
from kustomize_py.sealed.manifest import parse_objects

FIX = Path(__file__).parent / "fixtures" / "sealed"
CERT = str(FIX / "a.crt")
KEY = str(FIX / "a.key")

# `echo -n bar | kubectl create secret generic mysecret --dry-run=client --from-file=foo=/dev/stdin -o json`
KUBECTL_SECRET = """\
{
    "kind": "Secret",
    "apiVersion": "v1",
    "metadata": {
        "name": "mysecret",
        "creationTimestamp": null
    },
    "data": {
        "foo": "YmFy"
    }
}
"""


def kpy(args, capsys, monkeypatch, stdin: bytes | str = b""):
    monkeypatch.delenv("SEALED_SECRETS_CERT", raising=False)
    data = stdin.encode() if isinstance(stdin, str) else stdin
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    rc = main(args)
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture(scope="module")
def key():
    return codec.load_private_keys(Path(KEY).read_bytes())[0]


def opens(key, value, scope="strict", namespace=None, name=None):
    return codec.decrypt_item([key], value, scope=scope, namespace=namespace, name=name)


def test_readme_usage_f_and_w(capsys, monkeypatch, tmp_path, key):
    """`kubeseal -f mysecret.json -w mysealedsecret.json`: JSON in kubeseal's layout, nothing on stdout."""
    (tmp_path / "mysecret.json").write_text(KUBECTL_SECRET)
    out_file = tmp_path / "mysealedsecret.json"
    args = ["seal", "--cert", CERT, "-f", str(tmp_path / "mysecret.json"), "-w", str(out_file)]
    # kubeseal would take the kubeconfig's namespace; kpy asks for it (a deliberate difference)
    rc, out, err = kpy(args, capsys, monkeypatch)
    assert rc == 1 and not out_file.exists()
    assert f"{tmp_path / 'mysecret.json'}: field metadata.namespace: a strict Secret needs a namespace" in err
    rc, out, err = kpy(args + ["-n", "default"], capsys, monkeypatch)
    assert rc == 0 and out == "", err
    text = out_file.read_text()
    doc = json.loads(text)
    assert text.startswith('{\n  "kind": "SealedSecret",\n  "apiVersion": "bitnami.com/v1alpha1",\n')
    assert text.endswith("\n}\n")
    assert list(doc) == ["kind", "apiVersion", "metadata", "spec"]
    assert doc["metadata"] == {"name": "mysecret", "namespace": "default", "creationTimestamp": None}
    assert list(doc["spec"]) == ["template", "encryptedData"]
    # kubectl's Secret has no type, so neither has the template (kubeseal copies it)
    assert doc["spec"]["template"] == {
        "metadata": {"name": "mysecret", "namespace": "default", "creationTimestamp": None}
    }
    assert opens(key, doc["spec"]["encryptedData"]["foo"], namespace="default", name="mysecret") == b"bar"


def test_default_output_is_json_and_o_yaml_is_kubeseal_yaml(capsys, monkeypatch, tmp_path):
    """The issue's case: `-o yaml` is a format; it printed nothing and wrote a file `./yaml` before."""
    secret = KUBECTL_SECRET.replace('"creationTimestamp": null', '"namespace": "bar"')
    monkeypatch.chdir(tmp_path)
    rc, out, err = kpy(["seal", "--cert", CERT, "-o", "yaml"], capsys, monkeypatch, secret)
    assert rc == 0, err
    assert list(tmp_path.iterdir()) == []
    assert out.startswith("---\napiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n"
                          "  creationTimestamp: null\n  name: mysecret\n  namespace: bar\nspec:\n"
                          "  encryptedData:\n    foo: ")
    assert out.endswith("  template:\n    metadata:\n      creationTimestamp: null\n      name: mysecret\n"
                        "      namespace: bar\n")
    rc, out, err = kpy(["seal", "--cert", CERT, "--format", "json"], capsys, monkeypatch, secret)
    assert rc == 0 and json.loads(out)["kind"] == "SealedSecret"
    rc, out_default, err = kpy(["seal", "--cert", CERT], capsys, monkeypatch, secret)
    assert rc == 0 and out_default.startswith("{\n")
    with pytest.raises(SystemExit) as exit_:
        kpy(["seal", "--cert", CERT, "-o", "sealed.yaml"], capsys, monkeypatch, secret)
    assert exit_.value.code == 2
    assert "-o is kubeseal's output format; write to a file with -w FILE" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_w_with_yaml_extension_writes_yaml_even_over_o_json(capsys, monkeypatch, tmp_path):
    """main_test.go TestWriteToFile: -w *.yaml gives YAML; kubeseal also overrides an explicit -o json."""
    secret = KUBECTL_SECRET.replace('"creationTimestamp": null', '"namespace": "bar"')
    target = tmp_path / "out.yaml"
    rc, out, err = kpy(["seal", "--cert", CERT, "-o", "json", "-w", str(target)], capsys, monkeypatch, secret)
    assert rc == 0 and out == ""
    assert target.read_text().startswith("---\napiVersion: bitnami.com/v1alpha1\n")
    assert "-w" in err and "-o json" in err and "YAML" in err


def test_failed_seal_keeps_the_old_output_file(capsys, monkeypatch, tmp_path):
    """main_test.go TestFailToWriteToFile: a sealing error leaves the -w file as it was."""
    target = tmp_path / "out"
    target.write_text("previous content")
    rc, out, err = kpy(
        ["seal", "--cert", CERT, "-w", str(target)],
        capsys,
        monkeypatch,
        "apiVersion: v1\nkind: BadInput\nmetadata:\n  name: foo\n  namespace: bar\n",
    )
    assert rc == 1 and out == "" and "expected a v1 Secret" in err
    assert target.read_text() == "previous content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_readme_merge_into(capsys, monkeypatch, tmp_path, key):
    """`... | kubeseal > mysealedsecret.json` then `... | kubeseal --merge-into mysealedsecret.json`."""
    monkeypatch.chdir(tmp_path)
    first = KUBECTL_SECRET.replace('"creationTimestamp": null', '"namespace": "default"')
    rc, out, err = kpy(["seal", "--cert", CERT], capsys, monkeypatch, first)
    assert rc == 0, err
    Path("mysealedsecret.json").write_text(out)
    second = first.replace('"foo": "YmFy"', '"bar": "YmF6"')
    rc, out, err = kpy(["seal", "--cert", CERT, "--merge-into", "mysealedsecret.json"], capsys, monkeypatch, second)
    assert rc == 0 and out == "", err
    doc = json.loads(Path("mysealedsecret.json").read_text())
    items = doc["spec"]["encryptedData"]
    assert {k: opens(key, v, namespace="default", name="mysecret") for k, v in items.items()} == {
        "foo": b"bar",
        "bar": b"baz",
    }
    assert list(doc) == ["kind", "apiVersion", "metadata", "spec"]  # the JSON file stays JSON


def test_merge_into_uses_the_files_name_and_namespace(capsys, monkeypatch, tmp_path, key):
    """kubeseal_test.go TestMergeInto "bad name": the existing file's name and namespace win."""
    target = tmp_path / "sealed.yaml"
    good = "apiVersion: v1\nkind: Secret\nmetadata: {name: testname, namespace: testns}\nstringData: {bar: secret2}\n"
    rc, out, err = kpy(["seal", "--cert", CERT, "-o", "yaml"], capsys, monkeypatch, good)
    target.write_text(out)
    bad = "apiVersion: v1\nkind: Secret\nmetadata: {name: badname, namespace: badns}\nstringData: {foo: secret1}\n"
    rc, out, err = kpy(["seal", "--cert", CERT, "--merge-into", str(target)], capsys, monkeypatch, bad)
    assert rc == 0, err
    assert "'badns' is replaced by 'testns'" in err and "'badname' is replaced by 'testname'" in err
    items = parse_objects(target.read_text())[0]["spec"]["encryptedData"]
    assert opens(key, items["foo"], namespace="testns", name="testname") == b"secret1"
    # the case: the message named --namespace although it was never passed, and no file
    rc, out, err = kpy(
        ["seal", "--cert", CERT, "-n", "elsewhere", "--merge-into", str(target)], capsys, monkeypatch, bad
    )
    assert rc == 1
    assert err == (
        f'Error: {target}: field metadata.namespace: namespace mismatch: {target} is in namespace '
        f'"testns" but -n "elsewhere" was specified\n'
    )


def test_readme_raw_mode(capsys, monkeypatch, key, tmp_path):
    """`echo -n foo | kubeseal --raw --namespace bar --name mysecret` and the two wider scopes."""
    cases = [
        (["--namespace", "bar", "--name", "mysecret"], "strict", "bar", "mysecret"),
        (["--namespace", "bar", "--scope", "namespace-wide"], "namespace-wide", "bar", None),
        (["--scope", "cluster-wide"], "cluster-wide", None, None),
    ]
    for flags, scope, namespace, name in cases:
        rc, out, err = kpy(["seal", "--raw", "--cert", CERT, *flags], capsys, monkeypatch, b"foo")
        assert rc == 0, err
        assert out.startswith("AQ") and not out.endswith("\n")  # a 2048-bit key: prefix 0x0100
        assert opens(key, out, scope=scope, namespace=namespace, name=name) == b"foo"
    # strict is the default: a wrong name does not open it
    rc, out, err = kpy(["seal", "--raw", "--cert", CERT, "-n", "bar", "--name", "x"], capsys, monkeypatch, b"foo")
    with pytest.raises(Exception, match="no key could decrypt"):
        opens(key, out, namespace="bar", name="mysecret")
    value = tmp_path / "v"
    value.write_bytes(b"from-file")
    rc, out, err = kpy(
        ["seal", "--raw", "--cert", CERT, "--scope", "cluster-wide", "--from-file", f"k={value}", "-w",
         str(tmp_path / "ct")], capsys, monkeypatch)
    assert rc == 0 and out == ""
    assert opens(key, (tmp_path / "ct").read_text(), scope="cluster-wide") == b"from-file"


@pytest.mark.parametrize(
    ("flags", "message"),
    [  # main_test.go TestRawSealErrors, plus the flags kubeseal refuses around --raw
        ([], "must provide the -n/--namespace flag with --raw and --scope strict"),
        (["-n", "myns"], "must provide the --name flag with --raw and --scope strict"),
        (["--scope", "namespace-wide", "--name", "mysecret"],
         "must provide the -n/--namespace flag with --raw and --scope namespace-wide"),
        (["--scope", "cluster-wide", "--from-file", "a=x", "--from-file", "b=y"],
         "must provide only one --from-file when encrypting a single item with --raw (got 2: a=x, b=y)"),
        (["--scope", "cluster-wide", "--from-file", "a=x,b=y"], "must provide only one --from-file"),
    ],
)
def test_raw_errors(capsys, monkeypatch, flags, message):
    rc, out, err = kpy(["seal", "--raw", "--cert", CERT, *flags], capsys, monkeypatch, b"supersecret")
    assert rc == 1 and out == ""
    assert err.startswith(f"Error: {message}") and err.count("\n") == 1


def test_name_overrides_the_secret_name_outside_raw(capsys, monkeypatch, key):
    """kubeseal passes --name to Seal as the name override; kpy refused it outside --raw before."""
    secret = KUBECTL_SECRET.replace('"creationTimestamp": null', '"namespace": "bar"')
    rc, out, err = kpy(["seal", "--cert", CERT, "--name", "renamed"], capsys, monkeypatch, secret)
    assert rc == 0, err
    doc = json.loads(out)
    assert doc["metadata"]["name"] == doc["spec"]["template"]["metadata"]["name"] == "renamed"
    assert opens(key, doc["spec"]["encryptedData"]["foo"], namespace="bar", name="renamed") == b"bar"


def test_readme_scope_cluster_wide_and_byo_cert(capsys, monkeypatch, tmp_path, key):
    """`kubeseal --cert "./${PUBLICKEY}" --scope cluster-wide < mysecret.yaml`; file:// is a file too."""
    secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  a: b\n"
    rc, out, err = kpy(["seal", "--cert", "file://" + CERT, "--scope", "cluster-wide"], capsys, monkeypatch, secret)
    assert rc == 0, err
    doc = json.loads(out)
    assert doc["metadata"]["annotations"] == {"sealedsecrets.bitnami.com/cluster-wide": "true"}
    assert "namespace" not in doc["metadata"]  # kubeseal does not force one on cluster-wide secrets
    assert opens(key, doc["spec"]["encryptedData"]["a"], scope="cluster-wide") == b"b"


def test_cert_url_is_refused_clearly(capsys, monkeypatch):
    url = "https://your.intranet.company.com/sealed-secrets/your-cluster.cert"
    rc, out, err = kpy(["seal", "--cert", url], capsys, monkeypatch, KUBECTL_SECRET)
    assert rc == 1 and f"--cert {url}: kpy works offline and does not fetch certificates" in err
    monkeypatch.setenv("SEALED_SECRETS_CERT", url)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(KUBECTL_SECRET.encode())))
    assert main(["seal"]) == 1
    assert f"SEALED_SECRETS_CERT {url}: kpy works offline" in capsys.readouterr().err


def test_environment_twins(capsys, monkeypatch, key):
    """kubeseal reads every flag from SEALED_SECRETS_<FLAG>; kpy reads the ones that matter offline."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(KUBECTL_SECRET.encode())))
    monkeypatch.setenv("SEALED_SECRETS_CERT", CERT)
    monkeypatch.setenv("SEALED_SECRETS_FORMAT", "yaml")
    monkeypatch.setenv("SEALED_SECRETS_SCOPE", "namespace-wide")
    monkeypatch.setenv("SEALED_SECRETS_NAMESPACE", "envns")
    assert main(["seal"]) == 0
    doc = parse_objects(capsys.readouterr().out)[0]
    assert doc["metadata"]["namespace"] == "envns"
    assert opens(key, doc["spec"]["encryptedData"]["foo"], scope="namespace-wide", namespace="envns") == b"bar"


def test_multi_document_input(capsys, monkeypatch, key):
    """kubeseal_test.go TestSealWithMultiDocSecrets: one SealedSecret per Secret, in both formats."""
    s1 = "apiVersion: v1\nkind: Secret\nmetadata: {name: s1, namespace: testns}\ndata: {foo: MQ==}\n"
    s2 = "apiVersion: v1\nkind: Secret\nmetadata: {name: s2, namespace: testns}\ndata: {bar: Mg==}\n"
    rc, out, err = kpy(["seal", "--cert", CERT, "-o", "yaml"], capsys, monkeypatch, s1 + "---\n" + s2)
    assert rc == 0, err
    assert out.startswith("---\n") and not out.endswith("---\n") and out.count("---\n") == 2
    assert [d["metadata"]["name"] for d in parse_objects(out)] == ["s1", "s2"]
    j1, j2 = (json.dumps(parse_objects(s)[0]) for s in (s1, s2))
    rc, out, err = kpy(["seal", "--cert", CERT], capsys, monkeypatch, j1 + "\n" + j2)
    assert rc == 0, err
    docs = parse_objects(out)  # a stream of JSON objects, as kubeseal prints it, reads back
    assert [d["metadata"]["name"] for d in docs] == ["s1", "s2"]
    assert opens(key, docs[1]["spec"]["encryptedData"]["bar"], namespace="testns", name="s2") == b"2"


def test_json_escapes_like_go(capsys, monkeypatch):
    secret = ('{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "n", '
              '"annotations": {"link": "https://x/?a=1&b=<2>"}}, "stringData": {"k": "v"}}')
    rc, out, err = kpy(["seal", "--cert", CERT], capsys, monkeypatch, secret)
    assert rc == 0, err
    assert '"link": "https://x/?a=1\\u0026b=\\u003c2\\u003e"' in out
    assert json.loads(out)["spec"]["template"]["metadata"]["annotations"]["link"] == "https://x/?a=1&b=<2>"


def test_empty_data_message_names_the_flag(capsys, monkeypatch):
    secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: n}\n"
    rc, out, err = kpy(["seal", "--cert", CERT, "-f", "-"], capsys, monkeypatch, secret)
    assert rc == 1
    assert err == ("Error: <stdin>: field data: the Secret has no data or stringData; assuming this "
                   "is an error (seal it anyway with --allow-empty-data)\n")
    rc, out, err = kpy(["seal", "--cert", CERT, "--allow-empty-data"], capsys, monkeypatch, secret)
    assert rc == 0 and json.loads(out)["spec"]["encryptedData"] == {}


def test_recovery_unseal_with_comma_separated_keys(capsys, monkeypatch):
    """`kubeseal --recovery-unseal --recovery-private-key file1.key,file2.key` (stdin, JSON out)."""
    vector = FIX / "kubeseal-v0.14.1-strict"
    rc, out, err = kpy(
        ["seal", "--recovery-unseal", "--recovery-private-key", f"{KEY},{vector / 'tls.key'}"],
        capsys,
        monkeypatch,
        (vector / "sealed-secret.yaml").read_bytes(),
    )
    assert rc == 0, err
    secret = json.loads(out)
    assert list(secret)[:3] == ["kind", "apiVersion", "metadata"]
    assert base64.b64decode(secret["data"]["token"]) == b"sealed-secrets-example"
    rc, out, err = kpy(["unseal", "--recovery-private-key", f"{KEY},{vector / 'tls.key'}", "-o", "json",
                        str(vector / "sealed-secret.yaml")], capsys, monkeypatch)
    assert rc == 0 and json.loads(out)["data"]["token"] == secret["data"]["token"]


def test_flags_kpy_cannot_honour_are_named(capsys, monkeypatch):
    secret = KUBECTL_SECRET.replace('"creationTimestamp": null', '"namespace": "bar"')
    rc, out, err = kpy(["seal", "--controller-name", "sealed-secrets", "--cert", CERT], capsys, monkeypatch, secret)
    assert rc == 0 and "--controller-name is ignored: kpy never contacts a cluster" in err
    rc, out, err = kpy(["seal", "--fetch-cert"], capsys, monkeypatch)
    assert rc == 1 and "kubeseal --fetch-cert > cert.pem" in err
    rc, out, err = kpy(["seal", "--cert", CERT, "--from-file", "x"], capsys, monkeypatch, secret)
    assert rc == 1 and err == "Error: --from-file requires --raw\n"
    rc, out, err = kpy(["seal", "--cert", CERT, "--recovery-private-key", KEY], capsys, monkeypatch, secret)
    assert rc == 1 and "--recovery-private-key is only read by" in err
    rc, out, err = kpy(["seal", "--raw", "--cert", CERT, "--scope", "cluster-wide", "-o", "yaml"],
                       capsys, monkeypatch, b"v")
    assert rc == 0 and "-o is not used with --raw; ignored" in err
