"""Shared helpers (no tests) for the patch-engine tests: fixture loading and the reference renderer."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import yaml

from kustomize_py.merge import SchemaIndex, strategic_merge
from kustomize_py.transformers.json6902 import apply_json6902, parse_json6902
from kustomize_py.yaml.load import load_all

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "merge"
KUBECTL = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33"
HAVE_REFERENCE = Path(KUBECTL).exists()


def regen_module() -> Any:
    spec = importlib.util.spec_from_file_location("regen_merge_fixtures", ROOT / "scripts" / "regen_merge_fixtures.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def by_id(docs: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(d["kind"], d["metadata"]["name"]): d for d in docs if d}


def apply_case(case: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """What kustomize_py's engines make of a fixture case (raises PatchError like the build would)."""
    resources = load_all((case / "resource.yaml").read_text(), str(case / "resource.yaml"))
    patch_path = next(p for p in (case / "patch.yaml", case / "patch.json") if p.exists())
    if case.name.startswith("json6902"):
        ops = parse_json6902(patch_path.read_text(), patch_path.name)
        first, *rest = resources
        return by_id([apply_json6902(first, ops, patch_path.name), *rest])
    schema = SchemaIndex.builtin()
    if (case / "openapi.yaml").exists():
        schema = SchemaIndex.from_openapi(yaml.safe_load((case / "openapi.yaml").read_text()))
    patches = by_id(load_all(patch_path.read_text(), patch_path.name))
    out = []
    for res in resources:
        patch = patches.get((res["kind"], res["metadata"]["name"]))
        merged = res if patch is None else strategic_merge(res, patch, schema, source=patch_path.name)
        if merged is not None:
            out.append(merged)
    return by_id(out)


def run_reference_docs(files: dict[str, str], kustomization: dict[str, Any]) -> tuple[list[dict[str, Any]] | None, str]:
    """Build a throw-away kustomization with the reference; (docs, "") or (None, stderr)."""
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in files.items():
            (Path(tmp) / name).write_text(text)
        (Path(tmp) / "kustomization.yaml").write_text(yaml.safe_dump(kustomization))
        proc = subprocess.run([KUBECTL, "kustomize", tmp], capture_output=True, text=True, check=False)
    if proc.returncode:
        return None, proc.stderr
    return [d for d in yaml.safe_load_all(proc.stdout) if d], ""


__all__ = ["FIXTURES", "HAVE_REFERENCE", "apply_case", "by_id", "regen_module", "run_reference_docs", "shutil"]
