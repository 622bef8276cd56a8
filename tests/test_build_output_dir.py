"""`kpy build -o` writes what `kubectl kustomize -o` writes: one file per resource in an existing
directory (namespace-prefixed when namespaced resources span several namespaces), or the stream
into one file; it fails like the reference when the file cannot be opened, and refuses to let
two resources share a file."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from kustomize_py.cli import main
from tests.transformer_fixtures import REFERENCE

HAVE_REFERENCE = os.access(REFERENCE, os.X_OK)
needs_reference = pytest.mark.skipif(not HAVE_REFERENCE, reason="reference renderer not installed")

MULTI_NAMESPACE = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: c, namespace: a}
data: {k: a}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: {k: none}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: Cm, namespace: B}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cr}
---
apiVersion: example.com/v1
kind: Foo
metadata: {name: f}
---
apiVersion: v1
kind: Namespace
metadata: {name: a}
"""
ONE_NAMESPACE = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: c, namespace: a}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d, namespace: a}
---
apiVersion: v1
kind: Namespace
metadata: {name: a}
"""


def tree(tmp_path: Path, resources: str, extra: str = "") -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "kustomization.yaml").write_text("resources: [r.yaml]\n" + extra, encoding="utf-8")
    (src / "r.yaml").write_text(resources, encoding="utf-8")
    return src


def files(directory: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(directory.iterdir())}


def kpy_and_reference(tmp_path: Path, src: Path) -> tuple[dict[str, str], dict[str, str] | None]:
    mine, theirs = tmp_path / "kpy", tmp_path / "ref"
    mine.mkdir()
    theirs.mkdir()
    assert main(["build", str(src), "-o", str(mine)]) == 0
    if not HAVE_REFERENCE:
        return files(mine), None
    subprocess.run([REFERENCE, "kustomize", str(src), "-o", str(theirs)], check=True, capture_output=True)
    return files(mine), files(theirs)


def test_multi_namespace_names_are_prefixed(tmp_path: Path) -> None:
    mine, theirs = kpy_and_reference(tmp_path, tree(tmp_path, MULTI_NAMESPACE))
    assert sorted(mine) == ["a_v1_configmap_c.yaml", "b_v1_configmap_cm.yaml", "default_example.com_v1_foo_f.yaml",
                            "default_v1_configmap_c.yaml", "rbac.authorization.k8s.io_v1_clusterrole_cr.yaml",
                            "v1_namespace_a.yaml"]
    assert "k: none" in mine["default_v1_configmap_c.yaml"] and "k: a" in mine["a_v1_configmap_c.yaml"]
    if theirs is not None:
        assert mine == theirs


def test_one_namespace_names_have_no_prefix(tmp_path: Path) -> None:
    mine, theirs = kpy_and_reference(tmp_path, tree(tmp_path, ONE_NAMESPACE, "namespace: z\n"))
    assert sorted(mine) == ["apps_v1_deployment_d.yaml", "v1_configmap_c.yaml", "v1_namespace_z.yaml"]
    if theirs is not None:
        assert mine == theirs


def test_two_resources_never_share_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # names differing only in case: the reference writes one file over the other
    src = tree(tmp_path, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n"
                         "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: C}\n")
    out = tmp_path / "out"
    out.mkdir()
    assert main(["build", str(src), "-o", str(out)]) == 1
    assert "v1_configmap_c.yaml" in capsys.readouterr().err
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("target, reason", [
    ("missing/dir/x.yaml", "no such file or directory"),
    ("newdir/", "is a directory"),
    ("r.yaml/x.yaml", "not a directory"),
])
def test_unopenable_output_fails_like_the_reference(tmp_path: Path, target: str, reason: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    src = tree(tmp_path, ONE_NAMESPACE)
    cwd = os.getcwd()
    os.chdir(src)
    try:
        before = sorted(p.name for p in src.iterdir())
        assert main(["build", ".", "-o", target]) == 1
        assert capsys.readouterr().err.strip() == f"Error: open {target}: {reason}"
        assert sorted(p.name for p in src.iterdir()) == before
        if HAVE_REFERENCE:
            ref = subprocess.run([REFERENCE, "kustomize", ".", "-o", target], capture_output=True, text=True,
                                 check=False)
            assert ref.returncode == 1
            assert ref.stderr.strip() == f"error: open {target}: {reason}"
    finally:
        os.chdir(cwd)


def test_output_file_is_the_stream(tmp_path: Path) -> None:
    src = tree(tmp_path, MULTI_NAMESPACE)
    assert main(["build", str(src), "-o", str(tmp_path / "all.yaml")]) == 0
    text = (tmp_path / "all.yaml").read_text(encoding="utf-8")
    if HAVE_REFERENCE:
        ref = subprocess.run([REFERENCE, "kustomize", str(src)], capture_output=True, text=True, check=True)
        assert text == ref.stdout
    assert text.count("\n---\n") == 5
