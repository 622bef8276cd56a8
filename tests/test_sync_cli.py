"""`kpy sync`, `kpy status`, `kpy diff` end to end (memory, directory and git backends)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "sync"))

import sync_helpers as h

from kustomize_py.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "sync" / "repo"
SECRET = "not-a-real-password-42"


@pytest.fixture
def repo(tmp_path):
    dest = tmp_path / "repo"
    shutil.copytree(FIXTURE, dest)
    h.init_repo(dest)
    h.git(dest, "add", "-A")
    h.git(dest, "commit", "-q", "-m", "apps")
    return dest


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_sync_an_application_to_a_directory_then_status_and_diff(repo, capsys, tmp_path):
    out_dir = f"directory:{tmp_path / 'out'}"
    code, out, err = run(capsys, "sync", "shop-staging", "--repo", str(repo), "--backend", out_dir)
    assert code == 0, err
    assert "shop-staging: Succeeded: 4 created" in out
    assert "created         Namespace shop-staging" in err and "(wave 1)" in err
    assert (tmp_path / "out/shop-staging/shop-staging/deployment.apps-web.yaml").exists()
    code, out, _ = run(capsys, "status", "--repo", str(repo), "--backend", out_dir, "--format", "json")
    apps = {a["app"]: a for a in json.loads(out)["apps"]}
    assert apps["shop-staging"]["status"] == "Synced" and apps["shop-base"]["status"] == "OutOfSync"
    assert apps["shop-base"]["counts"]["missing"] == 2
    code, out, _ = run(capsys, "status", "shop-base", "--repo", str(repo), "--backend", out_dir, "--exit-code")
    assert code == 1 and "missing" in out
    (repo / "shop/base/configmap.yaml").write_text((repo / "shop/base/configmap.yaml").read_text()
                                                    .replace("fast", "slow"))
    (repo / "shop/overlays/staging/secret.yaml").write_text(
        (repo / "shop/overlays/staging/secret.yaml").read_text().replace(SECRET, "changed-secret-99"))
    code, out, _ = run(capsys, "diff", "shop-staging", "--repo", str(repo), "--backend", out_dir, "--exit-code")
    assert code == 1
    assert "=== modified: ConfigMap shop-staging/settings" in out and "+  mode: slow" in out
    assert "=== modified: Secret shop-staging/db" in out
    assert SECRET not in out and "changed-secret" not in out and "\x1b[" not in out
    code, out, _ = run(capsys, "diff", "shop-staging", "--repo", str(repo), "--backend", out_dir, "--format", "json")
    assert {d["name"] for d in json.loads(out)["diffs"]} == {"settings", "db"}


def test_sync_json_dry_run_and_failure_report(repo, capsys, tmp_path):
    state = tmp_path / "state.json"
    code, out, err = run(capsys, "sync", "shop-staging", "--repo", str(repo), "--backend", f"memory:{state}",
                         "--dry-run", "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["dryRun"] and report["summary"] == "4 would-create" and err == ""
    assert not state.exists()
    manifests = tmp_path / "bad.yaml"
    manifests.write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"
                         "  selector: {matchLabels: {app: web}}\n")
    run(capsys, "sync", str(manifests), "--app-name", "bad", "--namespace", "x", "--backend", f"memory:{state}")
    manifests.write_text(manifests.read_text().replace("app: web", "app: other"))
    code, out, err = run(capsys, "sync", str(manifests), "--app-name", "bad", "--namespace", "x",
                         "--backend", f"memory:{state}")
    assert code == 1 and "Failed" in out and "immutable" in err and "nothing was changed" in out


def test_sync_to_git_branch_and_prune(repo, capsys):
    backend = f"git:{repo}@rendered/staging"
    # The overlay renders a plain Secret: the git backend refuses it before writing anything.
    code, out, err = run(capsys, "sync", "shop-staging", "--repo", str(repo), "--backend", backend)
    assert code == 1 and "refusing to commit a plaintext Secret" in err and "kpy seal" in err
    assert "nothing was changed" in out and SECRET not in out + err
    assert subprocess.run(["git", "-C", str(repo), "rev-parse", "--verify", "-q", "rendered/staging"],
                          capture_output=True).returncode != 0  # no commit, no branch
    backend_args = ("--backend", backend, "--allow-plaintext-secrets")
    code, out, err = run(capsys, "sync", "shop-staging", "--repo", str(repo), *backend_args)
    assert code == 0, err
    assert h.git(repo, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"
    (repo / "shop/overlays/staging/kustomization.yaml").write_text("resources:\n  - ../../base\n")
    # The Application says syncPolicy.automated.prune: true, so the sync prunes without --prune.
    code, out, _ = run(capsys, "sync", "shop-staging", "--repo", str(repo), *backend_args)
    assert code == 0 and "1 pruned" in out
    tree = h.git(repo, "ls-tree", "-r", "--name-only", "rendered/staging")
    assert "secret-db" not in tree and "deployment.apps-web" in tree
    # The rendered-manifests branch holds the Secret as rendered (the repo had it in clear text too);
    # the commit messages must not.
    assert SECRET not in h.git(repo, "log", "--format=%B", "rendered/staging")


def test_overlay_directory_and_unknown_target(repo, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(repo)
    code, out, err = run(capsys, "sync", "shop/base", "--namespace", "dev", "--backend", "memory")
    assert code == 0 and "shop-base: Succeeded: 2 created" in out
    code, _, err = run(capsys, "sync", "nope", "--backend", "memory")
    assert code == 1 and "no app or overlay directory named 'nope'" in err


@pytest.mark.parametrize("name,flag", [("sync", "--prune"), ("status", "--exit-code"), ("diff", "--color")])
def test_each_subcommand_has_its_own_help(name, flag):
    out = subprocess.run([sys.executable, "-m", "kustomize_py", name, "--help"], capture_output=True, text=True).stdout
    assert f"usage: kpy {name}" in out and flag in out and "--backend" in out


def test_importing_kustomize_py_does_not_load_the_sync_layer():
    code = "import sys, kustomize_py; print(any(m.startswith('kustomize_py.sync') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert out.strip() == "False"
