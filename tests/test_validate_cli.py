"""`kpy validate` end to end: inputs (-, files, kustomization directories), options, .kpy.yaml,
output formats and exit codes; the example repository validates clean."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest

from kustomize_py.cli import main

CORPUS = Path(__file__).parent / "fixtures" / "validate"
EXAMPLE = Path(__file__).parent.parent / "examples" / "assets"
WIDGET = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: huge\n"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = main(["validate", *args])
    out, err = capsys.readouterr()
    return rc, out, err


def test_valid_file_exits_zero_and_says_so(capsys):
    rc, out, err = run(capsys, str(CORPUS / "valid" / "workloads.yaml"))
    assert (rc, out) == (0, "")
    assert "3 documents checked against Kubernetes 1.37 schemas: valid" in err


def test_invalid_file_exits_one_with_a_line_per_problem(capsys):
    path = str(CORPUS / "invalid" / "service.yaml")
    rc, out, err = run(capsys, path)
    assert rc == 1
    assert out.splitlines() == [f"{path}: Service web: spec.ports[0].port: expected integer, got string \"http\"",
                                f"{path}: Service web: spec.ports[1].nodePort: expected integer, got string \"30080\"",
                                f"{path}: Service web: spec.selecter: unknown field"]
    assert "3 problems" in err


def test_json_format(capsys):
    path = str(CORPUS / "invalid" / "configmap.yaml")
    rc, out, _ = run(capsys, "--format", "json", path)
    data = json.loads(out)
    assert rc == 1 and data["valid"] is False and data["documents"] == 1
    assert data["problems"][0] == {"source": path, "document": 1, "api_version": "v1", "kind": "ConfigMap",
                                   "namespace": "", "name": "settings", "field": "data.DEBUG",
                                   "message": "expected string, got boolean true"}
    rc, out, _ = run(capsys, "--format", "json", str(CORPUS / "valid" / "rbac.yaml"))
    assert rc == 0 and json.loads(out) == {"valid": True, "documents": 5, "problems": []}


def test_standard_input(capsys, monkeypatch):
    text = (CORPUS / "invalid" / "hpa.yaml").read_text()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    rc, out, _ = run(capsys, "-")
    assert rc == 1
    assert out.splitlines()[0] == "-: HorizontalPodAutoscaler web: spec.maxReplicas: required field is missing"


def test_json_and_list_documents(tmp_path, capsys):
    doc = {"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"k": "v"}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}, "data": {"k": 1}}]}
    (tmp_path / "list.json").write_text(json.dumps(doc))
    rc, out, _ = run(capsys, str(tmp_path / "list.json"))
    assert rc == 1 and out == f"{tmp_path / 'list.json'}: ConfigMap b: data.k: expected string, got integer 1\n"


def test_unquoted_annotation_values_in_files_are_what_kubectl_sends(tmp_path, capsys):
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
                                      "  annotations:\n    port: 8080\n    ok: \"1\"\n")
    rc, out, _ = run(capsys, str(tmp_path / "cm.yaml"))
    assert rc == 1 and out.strip().endswith("ConfigMap c: metadata.annotations.port: expected string, got integer 8080")


def overlay(tmp_path: Path, replicas: str) -> Path:
    base = tmp_path / "base"
    base.mkdir(exist_ok=True)
    (base / "kustomization.yaml").write_text("resources:\n- deploy.yaml\n")
    (base / "deploy.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n"
        "  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n"
        "        image: nginx\n")
    prod = tmp_path / "prod"
    prod.mkdir(exist_ok=True)
    (prod / "kustomization.yaml").write_text(
        "resources:\n- ../base\nnamespace: shop\npatches:\n- patch: |\n    apiVersion: apps/v1\n    kind: Deployment\n"
        f"    metadata:\n      name: web\n    spec:\n      replicas: {replicas}\n")
    return prod


def test_kustomization_directory_is_rendered_first(tmp_path, capsys):
    prod = overlay(tmp_path, "three")
    rc, out, _ = run(capsys, str(prod))
    assert rc == 1
    assert out == f'{prod}: Deployment shop/web: spec.replicas: expected integer, got string "three"\n'
    overlay(tmp_path, "3")
    assert run(capsys, str(prod))[0] == 0


def test_unreadable_sources_are_problems_and_the_rest_still_run(tmp_path, capsys):
    (tmp_path / "bad.yaml").write_text("a: [unclosed\n")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "kustomization.yaml").write_text("resources:\n- missing.yaml\n")
    path = str(CORPUS / "invalid" / "cronjob.yaml")
    rc, out, _ = run(capsys, str(tmp_path / "bad.yaml"), str(broken), path, str(tmp_path / "nope.yaml"),
                     str(tmp_path))
    lines = out.splitlines()
    assert rc == 1
    assert lines[0].startswith(f"{tmp_path / 'bad.yaml'}: cannot read: {tmp_path / 'bad.yaml'}")
    assert lines[1].startswith(f"{broken}: cannot read: ") and "missing.yaml" in lines[1]
    assert lines[2] == f"{tmp_path / 'nope.yaml'}: cannot read: {tmp_path / 'nope.yaml'}: no such file or directory"
    assert "must hold a kustomization file" in lines[3]
    assert sum(line.startswith(path) for line in lines) == 3


def test_crds_from_files_directories_and_the_input(tmp_path, capsys):
    (tmp_path / "w.yaml").write_text(WIDGET)
    rc, out, _ = run(capsys, str(tmp_path / "w.yaml"))
    assert rc == 1 and "no schema for example.com/v1 Widget" in out
    expected = f'{tmp_path / "w.yaml"}: Widget w: spec.size: must be one of "small", "large"; got "huge"\n'
    for crd in (str(CORPUS / "crds"), str(CORPUS / "crds" / "widgets.yaml")):
        assert run(capsys, "--crd", crd, str(tmp_path / "w.yaml"))[:2] == (1, expected)
    # a CRD in the input (in any source, before or after) describes the custom resources of every source
    (tmp_path / "both.yaml").write_text((CORPUS / "crds" / "widgets.yaml").read_text().split("\n---\n")[0]
                                        + "\n---\n" + WIDGET)
    rc, out, _ = run(capsys, str(tmp_path / "both.yaml"))
    assert (rc, out) == (1, expected.replace("w.yaml", "both.yaml"))
    rc, out, _ = run(capsys, str(tmp_path / "w.yaml"), str(tmp_path / "both.yaml"))
    assert out.startswith(expected)


def test_crd_path_without_crds_warns(tmp_path, capsys):
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
    rc, _, err = run(capsys, "--crd", str(tmp_path), str(tmp_path / "cm.yaml"))
    assert rc == 0 and f"warning: {tmp_path}: no CustomResourceDefinition found" in err


def test_ignore_missing_schemas_and_skip(tmp_path, capsys):
    (tmp_path / "w.yaml").write_text(WIDGET + "---\napiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: i\n")
    rc, out, _ = run(capsys, "--ignore-missing-schemas", str(tmp_path / "w.yaml"))
    # an apiVersion Kubernetes no longer serves is reported all the same: it would not apply
    assert rc == 1 and out.splitlines() == [f"{tmp_path / 'w.yaml'}: Ingress i: Kubernetes 1.37 does not serve "
                                            "Ingress in extensions/v1beta1 (it does in networking.k8s.io/v1)"]
    assert run(capsys, "--skip", "Widget,extensions/v1beta1/Ingress", str(tmp_path / "w.yaml"))[0] == 0
    assert run(capsys, "--skip", "example.com/v1/Widget", "--skip", "Ingress", str(tmp_path / "w.yaml"))[0] == 0


def test_no_strict(capsys):
    path = str(CORPUS / "invalid" / "ingress.yaml")
    rc, out, err = run(capsys, "--no-strict", path)
    assert rc == 1 and out == f"{path}: Ingress web: spec.rules[0].http.paths[0].pathType: required field is missing\n"
    assert "(not strict)" in err


def test_kubernetes_version_option(tmp_path, capsys):
    (tmp_path / "dc.yaml").write_text("apiVersion: resource.k8s.io/v1\nkind: DeviceClass\nmetadata:\n  name: gpu\nspec: {}\n")
    assert run(capsys, "--kubernetes-version", "1.34", str(tmp_path / "dc.yaml"))[0] == 0
    assert run(capsys, "--kubernetes-version", "1.33", str(tmp_path / "dc.yaml"))[0] == 1
    rc, _, err = run(capsys, "--kubernetes-version", "2.0", str(tmp_path / "dc.yaml"))
    assert rc == 1 and "Error: field kubernetes-version: no schemas for Kubernetes '2.0'; shipped: 1.25" in err
    rc, out, _ = run(capsys, "--list-versions")
    assert rc == 0 and out.split()[-1] == "1.37" and "1.33" in out.split()


def test_kpy_yaml_settings(tmp_path, capsys, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "crds").mkdir()
    (tmp_path / "crds" / "widgets.yaml").write_text((CORPUS / "crds" / "widgets.yaml").read_text())
    (tmp_path / "apps").mkdir()
    (tmp_path / "apps" / "w.yaml").write_text(WIDGET + "---\napiVersion: example.com/v1\nkind: Sprocket\nmetadata:\n  name: s\n")
    monkeypatch.chdir(tmp_path / "apps")
    (tmp_path / ".kpy.yaml").write_text("validate:\n  crds: [crds]\n  skipKinds: [Sprocket]\n  kubernetesVersion: 1.30\n")
    rc, out, err = run(capsys, "w.yaml")
    assert rc == 1 and out == 'w.yaml: Widget w: spec.size: must be one of "small", "large"; got "huge"\n'
    assert "Kubernetes 1.30 schemas" in err
    (tmp_path / ".kpy.yaml").write_text("validate:\n  ignoreMissingSchemas: true\n  strict: false\n")
    assert run(capsys, "w.yaml")[0] == 0
    (tmp_path / ".kpy.yaml").write_text("validate:\n  skipKind: [Sprocket]\n")
    rc, _, err = run(capsys, "w.yaml")
    assert rc == 1 and f"{tmp_path / '.kpy.yaml'}: field validate.skipKind: unknown setting" in err
    (tmp_path / ".kpy.yaml").write_text("validate:\n  strict: maybe\n")
    rc, _, err = run(capsys, "w.yaml")
    assert rc == 1 and "field validate.strict: expected true or false" in err


def test_example_repository_validates_clean(capsys, monkeypatch):
    monkeypatch.chdir(EXAMPLE)  # its .kpy.yaml names the kinds whose CRDs live elsewhere
    dirs = sorted(os.path.relpath(d, EXAMPLE) for d, _, files in os.walk(EXAMPLE) if "kustomization.yaml" in files)
    assert len(dirs) >= 10
    rc, out, err = run(capsys, *dirs)
    assert (rc, out) == (0, "")
    assert ": valid" in err


def test_no_path_validates_every_overlay_of_the_repository(tmp_path, capsys, monkeypatch):
    prod = overlay(tmp_path, "three")
    (tmp_path / "crds").mkdir()
    (tmp_path / "crds" / "w.yaml").write_text((CORPUS / "crds" / "widgets.yaml").read_text())
    (tmp_path / "base" / "w.yaml").write_text(WIDGET)
    (tmp_path / "base" / "kustomization.yaml").write_text("resources:\n- deploy.yaml\n- w.yaml\n")
    monkeypatch.chdir(tmp_path)
    rc, out, _ = run(capsys)
    # prod is the only target (base is included by it); the Widget CRD is found in the repository
    assert rc == 1 and out.splitlines() == [
        'prod: Deployment shop/web: spec.replicas: expected integer, got string "three"',
        'prod: Widget shop/w: spec.size: must be one of "small", "large"; got "huge"']
    monkeypatch.chdir(prod)
    rc, out, _ = run(capsys)
    assert rc == 1 and out.startswith('.: Deployment shop/web: spec.replicas')
    monkeypatch.chdir(tmp_path / "crds")
    rc, out, err = run(capsys)
    assert (rc, out) == (0, "") and "nothing to validate" in err
