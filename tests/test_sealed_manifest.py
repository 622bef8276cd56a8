"""SealedSecret objects in kubeseal's shape, unsealing, text output and merge-into."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from kustomize_py.errors import SealError
from kustomize_py.sealed import codec
from kustomize_py.sealed.manifest import dump, parse_objects, seal_secret, unseal
from kustomize_py.sealed.merge import merge_into
from kustomize_py.sealed.scope import ANNOTATION_CLUSTER_WIDE, ANNOTATION_NAMESPACE_WIDE

FIX = Path(__file__).parent / "fixtures" / "sealed"
VECTOR = FIX / "kubeseal-v0.14.1-strict"


@pytest.fixture(scope="module")
def key():
    return codec.load_private_keys((FIX / "a.key").read_bytes())[0]


@pytest.fixture(scope="module")
def pub(key):
    return key.public_key()


def secret(**extra):
    base = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "db", "namespace": "apps", "labels": {"app": "db"}},
        "data": {"password": base64.b64encode(b"p4ss").decode()},
        "stringData": {"user": "admin"},
    }
    base.update(extra)
    return base


def test_shape_matches_the_real_kubeseal_output_except_ciphertext():
    public = codec.load_certificate((VECTOR / "tls.crt").read_bytes())
    real_text = (VECTOR / "sealed-secret.yaml").read_text()
    real = parse_objects(real_text)[0]
    ours = seal_secret(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "credentials", "namespace": "foo"},
            "type": "Opaque",
            "stringData": {"token": "sealed-secrets-example"},
        },
        public,
    )
    ours["spec"]["encryptedData"]["token"] = real["spec"]["encryptedData"]["token"]
    assert ours == real
    # kubeseal appends one extra newline after its YAML; otherwise the text is identical
    assert dump(ours) == real_text.rstrip("\n") + "\n"


def test_items_metadata_and_scope(key, pub):
    s = secret(type="kubernetes.io/basic-auth", immutable=True)
    s["metadata"]["annotations"] = {
        "kubectl.kubernetes.io/last-applied-configuration": "{...p4ss...}",
        "note": "kept",
        ANNOTATION_NAMESPACE_WIDE: "true",
    }
    s["metadata"].update(
        uid="u",
        resourceVersion="1",
        creationTimestamp="2020-01-01T00:00:00Z",
        ownerReferences=[{"kind": "X"}],
        managedFields=[{}],
    )
    out = seal_secret(s, pub)
    assert out["apiVersion"] == "bitnami.com/v1alpha1" and out["kind"] == "SealedSecret"
    assert out["metadata"] == {
        "name": "db",
        "namespace": "apps",
        "creationTimestamp": None,
        "annotations": {ANNOTATION_NAMESPACE_WIDE: "true"},
    }
    tmpl = out["spec"]["template"]
    assert tmpl["type"] == "kubernetes.io/basic-auth" and tmpl["immutable"] is True
    assert tmpl["metadata"] == {
        "name": "db",
        "namespace": "apps",
        "labels": {"app": "db"},
        "creationTimestamp": None,
        "annotations": {"note": "kept", ANNOTATION_NAMESPACE_WIDE: "true"},
    }
    assert sorted(out["spec"]["encryptedData"]) == ["password", "user"]
    enc = out["spec"]["encryptedData"]
    assert (
        codec.decrypt_item(
            [key], enc["password"], scope="namespace-wide", namespace="apps", name="other"
        )
        == b"p4ss"
    )
    assert (
        codec.decrypt_item([key], enc["user"], scope="namespace-wide", namespace="apps", name=None)
        == b"admin"
    )
    assert "p4ss" not in dump(out)


def test_explicit_scope_rewrites_the_annotations(key, pub):
    s = secret()
    s["metadata"]["annotations"] = {ANNOTATION_NAMESPACE_WIDE: "true"}
    out = seal_secret(s, pub, scope="cluster-wide")
    assert out["metadata"]["annotations"] == {ANNOTATION_CLUSTER_WIDE: "true"}
    assert out["spec"]["template"]["metadata"]["annotations"] == {ANNOTATION_CLUSTER_WIDE: "true"}
    strict = seal_secret(s, pub, scope="strict")
    assert (
        "annotations" not in strict["metadata"]
        and "annotations" not in strict["spec"]["template"]["metadata"]
    )
    enc = strict["spec"]["encryptedData"]["user"]
    assert codec.decrypt_item([key], enc, scope="strict", namespace="apps", name="db") == b"admin"


def test_string_data_wins_and_type_is_copied_as_kubeseal_does(key, pub):
    s = secret(
        data={"k": base64.b64encode(b"from-data").decode()}, stringData={"k": "from-stringData"}
    )
    out = seal_secret(s, pub)
    assert "type" not in out["spec"]["template"]  # kubeseal: Type copied, omitted when empty
    back = unseal(out, [key])
    assert back["type"] == "Opaque"  # what the API server defaults it to
    assert base64.b64decode(back["data"]["k"]) == b"from-stringData"
    assert seal_secret(secret(type="kubernetes.io/tls"), pub)["spec"]["template"]["type"] == (
        "kubernetes.io/tls"
    )


def test_namespace_option(pub):
    s = secret()
    del s["metadata"]["namespace"]
    with pytest.raises(SealError, match="must declare a namespace"):
        seal_secret(s, pub)
    assert seal_secret(s, pub, namespace="x")["metadata"]["namespace"] == "x"
    assert "namespace" not in seal_secret(s, pub, scope="cluster-wide")["metadata"]
    with pytest.raises(SealError, match="namespace mismatch: the Secret is in namespace .apps. but .other."):
        seal_secret(secret(), pub, namespace="other")


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}},
            "expected a v1 Secret",
        ),
        (
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": {"namespace": "x"},
                "stringData": {"a": "hunter2"},
            },
            "missing metadata.name",
        ),
        (
            {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x", "namespace": "y"}},
            "has no data",
        ),
        (
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": {"name": "x", "namespace": "y"},
                "stringData": {"a": 1234},
            },
            "must be a string",
        ),
        (
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": {"name": "x", "namespace": "y"},
                "data": {"a": "hunter2!!"},
            },
            "invalid base64",
        ),
        (
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": {"name": "x", "namespace": "y"},
                "stringData": {"a b": "hunter2"},
            },
            "Secret key",
        ),
    ],
)
def test_bad_secrets(pub, doc, message):
    with pytest.raises(SealError, match=message) as err:
        seal_secret(doc, pub, source="in.yaml")
    assert "hunter2" not in str(err.value) and "1234" not in str(err.value)
    assert str(err.value).startswith("in.yaml: ")


def test_allow_empty(pub):
    out = seal_secret(
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x", "namespace": "y"}},
        pub,
        allow_empty=True,
    )
    assert out["spec"]["encryptedData"] == {}


def test_yaml_11_values_are_not_coerced(pub):
    docs = parse_objects(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: x, namespace: y}\nstringData:\n  pin: 0123\n"
    )
    with pytest.raises(SealError, match="stringData.pin: must be a string"):
        seal_secret(docs[0], pub)


def test_json_output_follows_go_struct_order(pub):
    out = seal_secret(secret(type="Opaque"), pub)
    text = dump(out, "json")
    data = json.loads(text)
    assert list(data) == ["kind", "apiVersion", "metadata", "spec"]
    assert list(data["metadata"]) == ["name", "namespace", "creationTimestamp"]
    assert list(data["spec"]) == ["template", "encryptedData"]
    assert list(data["spec"]["template"]) == ["metadata", "type"]
    assert list(data["spec"]["template"]["metadata"]) == [
        "name",
        "namespace",
        "creationTimestamp",
        "labels",
    ]
    assert text.startswith('{\n  "kind": "SealedSecret",') and text.endswith("}\n")


def test_unseal_binds_to_the_sealed_secret_metadata(key, pub):
    out = seal_secret(secret(), pub)
    back = unseal(out, [key])
    assert back == {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "db", "namespace": "apps", "labels": {"app": "db"}},
        "type": "Opaque",
        "data": {
            "password": base64.b64encode(b"p4ss").decode(),
            "user": base64.b64encode(b"admin").decode(),
        },
    }
    for field, value in (("name", "db2"), ("namespace", "apps2")):
        moved = json.loads(json.dumps(out))
        moved["metadata"][field] = value
        with pytest.raises(SealError, match="no key could decrypt") as err:
            unseal(moved, [key], source="s.yaml")
        assert "spec.encryptedData." in str(err.value)


def test_unseal_template_data(key, pub):
    out = seal_secret(secret(), pub)
    out["spec"]["template"]["data"] = {
        "url": 'db://{{ .user }}:{{ index . "password" }}@h',
        "user": None,
    }
    back = unseal(out, [key])
    assert base64.b64decode(back["data"]["url"]) == b"db://admin:p4ss@h"
    assert "user" not in back["data"]
    out["spec"]["template"]["data"] = {"x": "{{ toJson .password }}"}
    with pytest.raises(SealError, match="templates are supported"):
        unseal(out, [key])


def test_unseal_refuses_non_sealed(key):
    with pytest.raises(SealError, match="expected a bitnami.com SealedSecret"):
        unseal({"apiVersion": "v1", "kind": "Secret"}, [key])


MERGE_BASE = """\
# the grafana admin credentials (sealed; edit with kpy seal --merge-into)
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: db
  namespace: apps   # pinned: strict scope
  creationTimestamp: null
spec:
  encryptedData:
    alpha: {alpha}
    password: {password}
  template:
    metadata:
      name: db
      namespace: apps
      labels:
        app: db
    type: Opaque
"""


def test_merge_into_keeps_comments_order_and_other_items(key, pub):
    alpha = codec.encrypt_item(pub, b"A", scope="strict", namespace="apps", name="db")
    old_pw = codec.encrypt_item(pub, b"old", scope="strict", namespace="apps", name="db")
    text = MERGE_BASE.format(alpha=alpha, password=old_pw)
    update = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "ignored", "labels": {"tier": "x"}},
        "stringData": {"password": "new", "beta": "B"},
    }
    merged = merge_into(text, update, pub)
    assert merged.startswith("# the grafana admin credentials")
    assert "namespace: apps   # pinned: strict scope\n  creationTimestamp: null\n" in merged
    doc = parse_objects(merged)[0]
    assert list(doc["metadata"]) == ["name", "namespace", "creationTimestamp"]
    assert list(doc["spec"]["encryptedData"]) == ["alpha", "beta", "password"]
    assert doc["spec"]["encryptedData"]["alpha"] == alpha
    assert doc["spec"]["template"]["metadata"]["labels"] == {"app": "db", "tier": "x"}
    plain = unseal(doc, [key])["data"]
    assert {k: base64.b64decode(v) for k, v in plain.items()} == {
        "alpha": b"A",
        "beta": b"B",
        "password": b"new",
    }


def test_merge_into_refuses_a_different_scope(pub):
    text = MERGE_BASE.format(alpha="AA==", password="AA==")
    with pytest.raises(SealError, match="sealed with scope strict"):
        merge_into(text, secret(), pub, scope="cluster-wide")
    with pytest.raises(SealError, match="not a SealedSecret"):
        merge_into("apiVersion: v1\nkind: Secret\n", secret(), pub)
