"""The kpy-only `crd_merge_keys` option: off by default (reference behaviour), and when on, lists in
custom resources merge by the list-map-keys their CRD declares."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import kustomize_py

FIXTURE = Path(__file__).parent / "fixtures" / "crd_merge_keys"
REFERENCE = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33"


def _ports(result) -> list:
    widget = next(o for o in result.objects if o["kind"] == "Widget")
    return widget["spec"]["ports"]


def test_default_replaces_custom_resource_lists_like_kustomize():
    assert _ports(kustomize_py.build(FIXTURE)) == [{"name": "http", "port": 8080}]


def test_option_merges_by_the_crd_list_map_keys():
    ports = _ports(kustomize_py.build(FIXTURE, crd_merge_keys=True))
    assert ports == [{"name": "http", "port": 8080}, {"name": "https", "port": 443}]


@pytest.mark.skipif(shutil.which(REFERENCE) is None, reason="reference kustomize not installed")
def test_default_output_is_the_references():
    ref = subprocess.run([REFERENCE, "kustomize", str(FIXTURE)], capture_output=True, text=True, check=True)
    assert kustomize_py.build(FIXTURE).yaml == ref.stdout


def test_cli_flag(tmp_path):
    import sys

    out = subprocess.run([sys.executable, "-m", "kustomize_py", "build", "--crd-merge-keys", str(FIXTURE)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "port: 443" in out.stdout
