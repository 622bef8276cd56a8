"""`kpy edit` / `kpy create` beyond the ported upstream cases: every edited kustomization builds
with the reference (kubectl 1.33, Kustomize v5.6.0) to what the edit intends, the library API,
`set image --overlays`, nothing written on failure, and no editing code on the build path."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kustomize_py import edit
from kustomize_py.errors import EditError, KpyError
from tests.test_edit_upstream import run_kpy

REFERENCE = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33"
needs_reference = pytest.mark.skipif(not os.access(REFERENCE, os.X_OK), reason="reference kubectl absent")

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: registry.example/web:1.0
      - name: side
        image: busybox
"""


def _repo(tmp_path: Path) -> Path:
    base = tmp_path / "base"
    base.mkdir()
    (base / "deploy.yaml").write_text(DEPLOYMENT)
    (base / "kustomization.yaml").write_text("resources:\n- deploy.yaml\n")
    for env in ("staging", "prod"):
        d = tmp_path / "overlays" / env
        d.mkdir(parents=True)
        (d / "kustomization.yaml").write_text(
            f"# {env} overlay\nresources:\n- ../../base\n\n# promoted by CI\nimages:\n"
            "- name: registry.example/web\n  newTag: \"1.0\"\n")
    return tmp_path


def _reference(directory: Path) -> list[dict]:
    done = subprocess.run([REFERENCE, "kustomize", str(directory)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return list(yaml.safe_load_all(done.stdout))


def _kpy_build(directory: Path) -> str:
    from kustomize_py import build

    return build(str(directory)).yaml


@needs_reference
def test_each_edit_builds_with_the_reference_as_intended(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    overlay = repo / "overlays" / "prod"
    (overlay / "app.env").write_text("MODE=prod\n")
    steps = [
        (["edit", "set", "image", "registry.example/web=registry.example/web:2.0", "busybox:1.36"],
         lambda objs: [c["image"] for c in objs[-1]["spec"]["template"]["spec"]["containers"]]
         == ["registry.example/web:2.0", "busybox:1.36"]),
        (["edit", "set", "namespace", "prod"], lambda objs: all(o["metadata"]["namespace"] == "prod" for o in objs)),
        (["edit", "set", "nameprefix", "p-"], lambda objs: objs[-1]["metadata"]["name"] == "p-web"),
        (["edit", "set", "replicas", "web=3"], lambda objs: objs[-1]["spec"]["replicas"] == 3),
        (["edit", "add", "label", "team:a"],
         lambda objs: objs[-1]["spec"]["selector"]["matchLabels"] == {"app": "web", "team": "a"}),
        (["edit", "add", "label", "--without-selector", "tier:web"],
         lambda objs: objs[-1]["metadata"]["labels"]["tier"] == "web"
         and "tier" not in objs[-1]["spec"]["selector"]["matchLabels"]),
        (["edit", "add", "annotation", "owner:ci"], lambda objs: objs[-1]["metadata"]["annotations"] == {"owner": "ci"}),
        (["edit", "add", "configmap", "app", "--from-env-file=app.env"],
         lambda objs: objs[0]["kind"] == "ConfigMap" and objs[0]["data"] == {"MODE": "prod"}),
        (["edit", "add", "patch", "--kind", "Deployment", "--patch",
          "[{\"op\": \"add\", \"path\": \"/spec/paused\", \"value\": true}]"],
         lambda objs: objs[-1]["spec"]["paused"] is True),
        (["edit", "add", "buildmetadata", "managedByLabel"],
         lambda objs: "app.kubernetes.io/managed-by" in objs[-1]["metadata"]["labels"]),
        (["edit", "remove", "buildmetadata", "managedByLabel"],
         lambda objs: "app.kubernetes.io/managed-by" not in objs[-1]["metadata"]["labels"]),
        (["edit", "fix"], lambda objs: objs[-1]["spec"]["selector"]["matchLabels"]["team"] == "a"),
    ]
    for argv, intended in steps:
        rc, _, err = run_kpy(overlay, argv)
        assert rc == 0, (argv, err)
        objs = _reference(overlay)
        assert intended(objs), (argv, (overlay / "kustomization.yaml").read_text())
        assert _kpy_build(overlay) == subprocess.run([REFERENCE, "kustomize", str(overlay)],
                                                     capture_output=True, text=True).stdout
    text = (overlay / "kustomization.yaml").read_text()
    assert text.startswith("# prod overlay\nresources:\n- ../../base\n\n# promoted by CI\nimages:\n")


@needs_reference
def test_create_autodetect_builds(tmp_path: Path) -> None:
    (tmp_path / "deploy.yaml").write_text(DEPLOYMENT)
    (tmp_path / "notes.md").write_text("# not a resource\n")
    rc, _, err = run_kpy(tmp_path, ["create", "--autodetect", "--namespace", "x", "--nameprefix", "a-"])
    assert rc == 0, err
    objs = _reference(tmp_path)
    assert [(o["metadata"]["namespace"], o["metadata"]["name"]) for o in objs] == [("x", "a-web")]


def test_library_set_image_keywords(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    prod = repo / "overlays" / "prod"
    result = edit.set_image(str(prod), "registry.example/web", new_tag="2.1")
    assert result.changed and result.path.endswith("kustomization.yaml")
    assert "  newTag: \"2.1\"\n" in (prod / "kustomization.yaml").read_text()
    edit.set_image(str(prod), "registry.example/web", new_name="mirror.example/web")
    text = (prod / "kustomization.yaml").read_text()
    assert "newName: mirror.example/web\n  newTag: \"2.1\"" in text  # the tag is kept
    again = edit.set_image(str(prod), "registry.example/web", new_name="mirror.example/web")
    assert not again.changed


def test_library_errors_are_edit_errors(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("resources: []\n")
    with pytest.raises(EditError, match="invalid format of image"):
        edit.set_image(str(tmp_path), "bad")
    with pytest.raises(KpyError, match="Missing kustomization file"):
        edit.set_namespace(str(tmp_path / "nowhere"), "x")


def test_set_image_overlays_promotes_each_and_reports(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / "overlays" / "empty").mkdir()  # no kustomization: not touched
    rc, out, err = run_kpy(repo, ["edit", "set", "image", "--overlays", "overlays/*",
                                  "registry.example/web=registry.example/web:3.0"])
    assert rc == 0, err
    assert out.splitlines() == [
        "overlays/prod: registry.example/web: registry.example/web:1.0 -> registry.example/web:3.0",
        "overlays/staging: registry.example/web: registry.example/web:1.0 -> registry.example/web:3.0",
    ]
    for env in ("staging", "prod"):
        text = (repo / "overlays" / env / "kustomization.yaml").read_text()
        assert "newName: registry.example/web\n  newTag: \"3.0\"\n" in text
        assert text.startswith(f"# {env} overlay\n")
    rc, out, _ = run_kpy(repo, ["edit", "set", "image", "--overlays", "overlays/*",
                                "registry.example/web=registry.example/web:3.0"])
    assert out.splitlines() == ["overlays/prod: unchanged", "overlays/staging: unchanged"]


def test_set_image_overlays_writes_nothing_when_one_fails(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    staging = repo / "overlays" / "staging" / "kustomization.yaml"
    staging.write_text("bogus: field\n")
    prod = repo / "overlays" / "prod" / "kustomization.yaml"
    before = prod.read_text()
    rc, _, err = run_kpy(repo, ["edit", "set", "image", "--overlays", "overlays/*", "registry.example/web:9"])
    assert rc == 1 and 'unknown field "bogus"' in err and "overlays/staging/kustomization.yaml:" in err
    assert prod.read_text() == before


def test_set_image_overlays_without_match_is_an_error(tmp_path: Path) -> None:
    rc, _, err = run_kpy(tmp_path, ["edit", "set", "image", "--overlays", "nothing/*", "a:1"])
    assert rc == 1 and "no directory with a kustomization file matches" in err


@pytest.mark.parametrize("argv, message", [
    (["edit", "set", "replicas", "web=x"], "invalid format of replica, use the following format: <name>=<count>"),
    (["edit", "set", "replicas"], "no replicas specified"),
    (["edit", "add", "configmap", "c", "--from-literal=a=b", "--behavior=bogus"],
     'invalid behavior: must be one of "create", "merge", or "replace"'),
    (["edit", "add", "configmap", "c", "--from-env-file=x.env", "--from-literal=a=b"],
     "from-env-file cannot be combined with from-file or from-literal"),
    (["edit", "add", "configmap", "c"], "at least from-env-file, or from-file or from-literal must be set"),
    (["edit", "add", "configmap", "c", "d", "--from-literal=a=b"], "name must be specified once"),
    (["edit", "add", "secret", "s", "--from-file=missing.txt"],
     "at least from-env-file, or from-file or from-literal must be set"),
    (["edit", "add", "secret", "s", "--from-literal=novalue"], "failed to create secret"),
    (["edit", "add", "patch", "--path", "p.yaml", "--patch", "x"], "patch and path can't be set at the same time"),
    (["edit", "add", "base", "nowhere"], "nowhere does not exist"),
    (["edit", "remove", "configmap", "nope"], "no specified configmap(s) were found in the kustomization.yaml file"),
])
def test_rejected_arguments_exit_non_zero_and_write_nothing(tmp_path: Path, argv: list[str], message: str) -> None:
    original = "# keep me\nresources:\n- a.yaml\nreplicas:\n- name: web\n  count: 2\n"
    (tmp_path / "kustomization.yaml").write_text(original)
    rc, _, err = run_kpy(tmp_path, argv)
    assert rc == 1, err
    assert message in err and "Traceback" not in err
    assert (tmp_path / "kustomization.yaml").read_text() == original
    assert [p.name for p in tmp_path.iterdir()] == ["kustomization.yaml"]


def test_warnings_go_to_stderr(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("generators:\n- g.yaml\n")
    (tmp_path / "g.yaml").write_text("")
    rc, _, err = run_kpy(tmp_path, ["edit", "add", "generator", "g.yaml", "none*.yaml"])
    assert rc == 0
    assert "none*.yaml has no match" in err and "generator g.yaml already in kustomization file" in err


def test_create_refuses_an_existing_kustomization(tmp_path: Path) -> None:
    (tmp_path / "Kustomization").write_text("namePrefix: a-\n")
    rc, _, err = run_kpy(tmp_path, ["create", "--namespace", "x"])
    assert rc == 1 and "kustomization file already exists" in err
    assert not (tmp_path / "kustomization.yaml").exists()


def test_create_writes_kustomizes_field_order(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("")
    rc, _, err = run_kpy(tmp_path, ["init", "--resources", "a.yaml", "--labels", "b:c,a:d",
                                    "--annotations", "x:y", "--namesuffix=-s", "--nameprefix", "p-",
                                    "--namespace", "n"])  # "n" is a YAML 1.1 boolean: quoted
    assert rc == 0, err
    assert (tmp_path / "kustomization.yaml").read_text() == (
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- a.yaml\n"
        "namePrefix: p-\nnameSuffix: -s\nnamespace: \"n\"\ncommonLabels:\n  a: d\n  b: c\n"
        "commonAnnotations:\n  x: \"y\"\n")


def test_help_lists_every_subcommand() -> None:
    from kustomize_py.cli import _parser

    parser = _parser("edit")
    families = next(a for a in parser._subparsers._group_actions[0].choices["edit"]._actions
                    if a.dest == "edit_family").choices
    whats = {f: sorted(next(a for a in p._actions if a.dest == "edit_what").choices)
             for f, p in families.items() if f != "fix"}
    assert whats == {
        "add": ["annotation", "base", "buildmetadata", "component", "configmap", "generator", "label",
                "patch", "resource", "secret", "transformer"],
        "set": ["annotation", "buildmetadata", "configmap", "image", "label", "nameprefix", "namespace",
                "namesuffix", "replicas", "secret"],
        "remove": ["annotation", "buildmetadata", "configmap", "label", "patch", "resource", "secret",
                   "transformer"],
    }


def test_build_does_not_load_the_editing_code(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("resources:\n- cm.yaml\n")
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
    code = ("import io, sys, json\nfrom kustomize_py.cli import main\n"
            "real, sys.stdout = sys.stdout, io.StringIO()\n"
            f"rc = main(['build', {str(tmp_path)!r}])\nsys.stdout = real\n"
            "print(json.dumps([rc, sorted(sys.modules)]))\n")
    root = str(Path(__file__).parents[1])
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": root})
    rc, modules = json.loads(done.stdout)
    assert rc == 0
    assert not [m for m in modules if m.startswith(("kustomize_py.edit", "kustomize_py.cli.edit", "ruamel"))]


def test_edit_needs_no_reference_binary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    (tmp_path / "kustomization.yaml").write_text("namespace: a\n")
    assert shutil.which("kustomize") is None
    rc, _, err = run_kpy(tmp_path, ["edit", "set", "namespace", "b"])
    assert rc == 0, err
    assert (tmp_path / "kustomization.yaml").read_text() == (
        "namespace: b\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n")


VARS_KUSTOMIZATION = """resources:
- pod.yaml
- secret.yaml
# the old way
vars:
- name: SECRET_NAME
  objref:
    kind: Secret
    name: my-secret
    apiVersion: v1
- name: POD_ARGS
  objref:
    kind: Secret
    name: my-secret
    apiVersion: v1
  fieldref:
    fieldPath: metadata.name
"""
VARS_POD = """apiVersion: v1
kind: Pod
metadata:
  name: my-pod
spec:
  containers:
  - image: busybox
    name: c
    args: ["--secret=$(POD_ARGS)"]
    env:
    - name: TOKEN
      value: prefix-$(SECRET_NAME)-suffix
"""
VARS_SECRET = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: my-secret\ntype: Opaque\n"


@needs_reference
def test_fix_vars_builds_the_same_with_the_reference(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text(VARS_KUSTOMIZATION)
    (tmp_path / "pod.yaml").write_text(VARS_POD)
    (tmp_path / "secret.yaml").write_text(VARS_SECRET)
    before = subprocess.run([REFERENCE, "kustomize", str(tmp_path)], capture_output=True, text=True)
    assert before.returncode == 0, before.stderr
    rc, out, err = run_kpy(tmp_path, ["edit", "fix", "--vars"])
    assert rc == 0, err
    assert "vars -> replacements" in out and "Warning" not in out
    text = (tmp_path / "kustomization.yaml").read_text()
    assert "vars:" not in text and "replacements:" in text
    assert "SECRET_NAME_PLACEHOLDER" in (tmp_path / "pod.yaml").read_text()
    after = subprocess.run([REFERENCE, "kustomize", str(tmp_path)], capture_output=True, text=True)
    assert after.returncode == 0, after.stderr
    assert after.stdout == before.stdout
    assert _kpy_build(tmp_path) == after.stdout


def test_fix_vars_that_cannot_convert_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text(VARS_KUSTOMIZATION)
    pod = VARS_POD.replace("prefix-$(SECRET_NAME)-suffix", "a-$(SECRET_NAME)_b")
    (tmp_path / "pod.yaml").write_text(pod)
    (tmp_path / "secret.yaml").write_text(VARS_SECRET)
    rc, _, err = run_kpy(tmp_path, ["edit", "fix", "--vars"])
    assert rc == 1
    assert "error with pod.yaml: cannot convert all vars to replacements; $(SECRET_NAME) is not delimited" in err
    assert (tmp_path / "kustomization.yaml").read_text() == VARS_KUSTOMIZATION
    assert (tmp_path / "pod.yaml").read_text() == pod


def test_fix_vars_with_a_broken_nested_kustomization_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "kustomization.yaml").write_text("resources: [a\n")
    (tmp_path / "kustomization.yaml").write_text("resources:\n- base\nvars:\n- name: X\n  objref:\n    kind: A\n    name: a\n")
    rc, _, err = run_kpy(tmp_path, ["edit", "fix", "--vars"])
    assert rc == 1 and "error converting YAML to JSON" in err and "Traceback" not in err


def test_add_label_without_selector_for_several_new_keys_needs_force_like_kustomize(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("resources: []\n")
    rc, _, err = run_kpy(tmp_path, ["edit", "add", "label", "--without-selector", "a:1", "b:2"])
    assert rc == 1 and "already in kustomization file. Use --force to override." in err
    rc, _, err = run_kpy(tmp_path, ["edit", "add", "label", "--without-selector", "-f", "a:1", "b:2"])
    assert rc == 0, err
    assert "labels:\n- pairs:\n    a: \"1\"\n    b: \"2\"\n" in (tmp_path / "kustomization.yaml").read_text()
