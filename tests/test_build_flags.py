"""Every flag of `kubectl kustomize` is accepted by `kpy build`, with the reference's behaviour,
warnings and exit status (compared with the reference when it is installed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.transformer_fixtures import REFERENCE

HAVE_REFERENCE = os.access(REFERENCE, os.X_OK)
ROOT = Path(__file__).resolve().parent.parent

RESOURCES = """\
apiVersion: v1
kind: Service
metadata: {name: s}
---
apiVersion: v1
kind: Namespace
metadata: {name: ns}
"""
EXTERNAL_PLUGIN = """\
transformers:
- |-
  apiVersion: example.com/v1
  kind: MyFn
  metadata:
    name: fn
    annotations:
      config.kubernetes.io/function: |
        container:
          image: example.com/fn:v1
"""


def kpy(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kustomize_py", "build", *args], capture_output=True, text=True,
                          check=False, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def ref(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str] | None:
    if not HAVE_REFERENCE:
        return None
    return subprocess.run([REFERENCE, "kustomize", *args], capture_output=True, text=True, check=False,
                          env={**os.environ, **(env or {})})


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "kustomization.yaml").write_text("resources: [r.yaml]\n", encoding="utf-8")
    (tmp_path / "r.yaml").write_text(RESOURCES, encoding="utf-8")
    return tmp_path


def kinds(stdout: str) -> list[str]:
    return [line.split(": ")[1] for line in stdout.splitlines() if line.startswith("kind: ")]


def warnings(stderr: str) -> list[str]:
    """Warning lines without the reference's log prefix (klog time and pid)."""
    return [line[line.index("Warning"):] if "] Warning" in line else line for line in stderr.splitlines()]


# flags, expected kinds in order, expected stderr lines, env
CASES = {
    "no flag": ([], ["Namespace", "Service"], [], {}),
    "reorder none": (["--reorder", "none"], ["Service", "Namespace"],
                     ["Flag --reorder has been deprecated, use the new 'sortOptions' field in kustomization.yaml "
                      "instead."], {}),
    "reorder legacy": (["--reorder=legacy"], ["Namespace", "Service"],
                       ["Flag --reorder has been deprecated, use the new 'sortOptions' field in kustomization.yaml "
                        "instead."], {}),
    "function flags": (["--enable-alpha-plugins", "-e", "A=b", "--env", "C", "--mount", "type=bind,src=/x,dst=/y",
                        "--network", "--network-name", "host", "--as-current-user"], ["Namespace", "Service"], [], {}),
    "managedby flag": (["--enable-managedby-label"], ["Namespace", "Service"],
                       ["Flag --enable-managedby-label has been deprecated, The flag `enable-managedby-label` has been "
                        "deprecated. Use the `managedByLabel` option in the `buildMetadata` field instead."], {}),
    "managedby env": ([], ["Namespace", "Service"], [], {"KUSTOMIZE_ENABLE_MANAGEDBY_LABEL": "on"}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_flag_like_the_reference(name: str, tree: Path) -> None:
    flags, order, stderr, env = CASES[name]
    mine = kpy([str(tree), *flags], env)
    assert mine.returncode == 0, mine.stderr
    assert kinds(mine.stdout) == order
    assert mine.stderr.splitlines() == stderr
    labelled = "app.kubernetes.io/managed-by: kustomize-(devel)" in mine.stdout
    assert labelled == name.startswith("managedby")
    theirs = ref([str(tree), *flags], env)
    if theirs is not None:
        assert (theirs.returncode, theirs.stdout, theirs.stderr.splitlines()) == (0, mine.stdout, stderr)


def test_reorder_with_sort_options_warns_and_keeps_the_field(tree: Path) -> None:
    (tree / "kustomization.yaml").write_text("resources: [r.yaml]\nsortOptions: {order: fifo}\n", encoding="utf-8")
    mine = kpy([str(tree), "--reorder", "legacy"])
    assert kinds(mine.stdout) == ["Service", "Namespace"]
    assert warnings(mine.stderr)[-1].startswith("Warning: Sorting order is set both in 'kustomization.yaml'")
    theirs = ref([str(tree), "--reorder", "legacy"])
    if theirs is not None:
        assert theirs.stdout == mine.stdout
        assert warnings(theirs.stderr) == warnings(mine.stderr)


@pytest.mark.parametrize("flags, message", [
    (["--reorder", "bogus"], "illegal flag value --reorder bogus; legal values: [legacy none]"),
    (["--load-restrictor", "bogus"],
     "illegal flag value --load-restrictor bogus; legal values: [LoadRestrictionsRootOnly LoadRestrictionsNone]"),
    (["--reorder"], None),
    (["--bogus"], None),
])
def test_usage_errors_exit_like_the_reference(flags: list[str], message: str | None, tree: Path) -> None:
    mine = kpy([str(tree), *flags])
    assert mine.returncode == 1 and mine.stdout == ""
    if message:
        assert mine.stderr.splitlines()[-1] == f"Error: {message}"
    theirs = ref([str(tree), *flags])
    if theirs is not None:
        assert theirs.returncode == 1
        if message:
            assert f"error: {message}" in theirs.stderr


def test_alpha_plugins_fail_clearly_when_a_function_is_needed(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text(EXTERNAL_PLUGIN, encoding="utf-8")
    plain = kpy([str(tmp_path)])
    assert plain.returncode == 1 and "external plugins disabled; unable to load external plugin 'MyFn'" in plain.stderr
    alpha = kpy([str(tmp_path), "--enable-alpha-plugins", "--network"])
    assert alpha.returncode == 1 and alpha.stdout == ""
    assert "unable to run external plugin 'MyFn'" in alpha.stderr and "KRM functions" in alpha.stderr
    assert "Traceback" not in alpha.stderr


def test_alpha_plugins_enable_helm_as_in_the_reference() -> None:
    from argparse import Namespace

    from kustomize_py.cli.build import build_options

    args = Namespace(load_restrictor="LoadRestrictionsRootOnly", enable_helm=False, helm_command="helm",
                     helm_kube_version="", helm_api_versions=[], helm_debug=False, crd_merge_keys=False,
                     reorder=None, enable_managedby_label=False, enable_alpha_plugins=True)
    assert build_options(args)["enable_helm"] is True
