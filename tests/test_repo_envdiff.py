"""Environment-to-environment and ref-to-ref diffs: pairing across suffixes and hashes, redaction."""

from __future__ import annotations

import json

from kustomize_py.cli import main
from kustomize_py.repo.envdiff import diff_overlays, diff_refs
from tests.repo_fixtures import commit, make_repo
from tests.test_repo_check import DEPLOY, K


def files() -> dict[str, str]:
    out = {"web/base/kustomization.yaml": K + "resources:\n  - deployment.yaml\n", "web/base/deployment.yaml": DEPLOY}
    for env, replicas, password in (("staging", 1, "s3cret-staging"), ("production", 3, "s3cret-prod")):
        out[f"web/overlays/{env}/kustomization.yaml"] = K + f"""nameSuffix: -{env}
resources:
  - ../../base
replicas:
  - name: web
    count: {replicas}
configMapGenerator:
  - name: settings
    literals:
      - LEVEL={env}
secretGenerator:
  - name: creds
    literals:
      - password={password}
"""
    return out


def test_staging_vs_production_pairs_by_original_name(tmp_path):
    root = make_repo(tmp_path / "r", files())
    diffs = diff_overlays(root / "web/overlays/staging", root / "web/overlays/production")
    by_kind = {d.key.kind: d for d in diffs}
    assert set(by_kind) == {"Deployment", "ConfigMap", "Secret"}
    assert all(d.action == "modified" for d in diffs)
    text = "\n".join(line for d in diffs for line in d.lines)
    assert "+  replicas: 3" in text
    assert "s3cret" not in text and "czNjcmV0" not in text  # redacted, plain and base64
    assert by_kind["Deployment"].key.name == "web-production"


def test_same_overlay_at_two_refs(tmp_path, capsys):
    root = make_repo(tmp_path / "r", files())
    kfile = root / "web/overlays/production/kustomization.yaml"
    kfile.write_text(kfile.read_text().replace("LEVEL=production", "LEVEL=debug"))
    commit(root, "debug logs in production")
    diffs = diff_refs(root / "web/overlays/production", "HEAD~1", "HEAD")
    assert [(d.action, d.key.kind) for d in diffs] == [("modified", "ConfigMap")]
    assert diffs[0].renamed  # the hash suffix changed; paired, not added + removed
    # working tree against a ref, through the CLI
    kfile.write_text(kfile.read_text().replace("count: 3", "count: 5"))
    assert main(["envdiff", str(root / "web/overlays/production"), "--ref", "HEAD", "--format", "json",
                 "--exit-code"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert [d["kind"] for d in out["diffs"]] == ["Deployment"]
    assert main(["envdiff", str(root / "web/overlays/production"), "--ref", "HEAD~1", "--ref", "HEAD~1"]) == 0


def test_kpy_diff_accepts_two_overlays_and_refs(tmp_path, capsys, monkeypatch):
    """`kpy diff A B` and `kpy diff --ref R PATH` are the promotion forms of `kpy diff` (no backend)."""
    root = make_repo(tmp_path / "r", files())
    monkeypatch.chdir(root)
    assert main(["diff", "web/overlays/staging", "web/overlays/production", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {d["kind"] for d in out["diffs"]} == {"Deployment", "ConfigMap", "Secret"}
    assert "s3cret" not in json.dumps(out)
    base = tmp_path / "r"
    (base / "web/overlays/staging/kustomization.yaml").write_text(
        (base / "web/overlays/staging/kustomization.yaml").read_text().replace("count: 1", "count: 5"))
    commit(base, "scale staging")
    assert main(["diff", "web/overlays/staging", "--ref", "HEAD~1", "--ref", "HEAD", "--exit-code"]) == 1
    text = capsys.readouterr().out
    assert "replicas: 1" in text and "replicas: 5" in text


def test_overlay_added_or_removed_between_refs(tmp_path, capsys):
    import shutil

    root = make_repo(tmp_path / "r", files())
    shutil.rmtree(root / "web/overlays/production")
    commit(root, "drop production")
    prod = str(root / "web/overlays/production")
    assert main(["envdiff", prod, "--ref", "HEAD~1", "--ref", "HEAD"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{prod}: removed (HEAD~1 -> HEAD)")
    assert "=== removed: apps/v1/Deployment/web-production" in out.replace(" ", " ") or "removed" in out
    assert main(["envdiff", prod, "--ref", "HEAD", "--ref", "HEAD~1", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["overlay"] == "added" and {d["action"] for d in data["diffs"]} == {"added"}
    assert "s3cret" not in json.dumps(data)
    # working tree (where it no longer exists) against a ref: removed, not an internal error
    assert main(["envdiff", prod, "--ref", "HEAD~1"]) == 0
    assert "removed" in capsys.readouterr().out


def test_no_differences_is_said_and_sealed_ciphertext_is_summarised(tmp_path, capsys):
    ciphertext = "AgB" + "x" * 600
    sealed = ("apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: db\n  namespace: web\n"
              f"spec:\n  encryptedData:\n    pw: {ciphertext}\n")
    tree = files()
    tree["web/base/sealed.yaml"] = sealed
    tree["web/base/kustomization.yaml"] = K + "resources:\n  - deployment.yaml\n  - sealed.yaml\n"
    root = make_repo(tmp_path / "r", tree)
    overlay = str(root / "web/overlays/staging")
    assert main(["envdiff", overlay, "--ref", "HEAD"]) == 0
    assert capsys.readouterr().out == "no differences\n"
    (root / "web/base/sealed.yaml").write_text(sealed.replace(ciphertext, "AgC" + "y" * 610))
    assert main(["envdiff", overlay, "--ref", "HEAD"]) == 0
    out = capsys.readouterr().out
    assert "SealedSecret" in out and "(ciphertext, 613 chars, sha256:" in out
    assert "xxxxxxxx" not in out and "yyyyyyyy" not in out


def test_flux_cluster_folder_diffs_like_flux(tmp_path, capsys):
    tree = files()
    tree["clusters/staging/web.yaml"] = ("apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
                                         "metadata:\n  name: web\n  namespace: flux-system\nspec:\n"
                                         "  path: ./web/overlays/staging\n  prune: true\n")
    tree["clusters/staging/flux-system/kustomization.yaml"] = K + "resources:\n  - ns.yaml\n"
    tree["clusters/staging/flux-system/ns.yaml"] = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n"
    root = make_repo(tmp_path / "r", tree)
    (root / "clusters/staging/web.yaml").write_text(tree["clusters/staging/web.yaml"].replace("prune: true",
                                                                                              "prune: false"))
    assert main(["envdiff", str(root / "clusters/staging"), "--ref", "HEAD", "--format", "json"]) == 0
    diffs = json.loads(capsys.readouterr().out)["diffs"]
    assert [(d["action"], d["kind"]) for d in diffs] == [("modified", "Kustomization")]
