"""The pre-commit hooks, run through the real pre-commit framework on temporary repos, from a
.pre-commit-config.yaml naming this work tree's hooks by commit (as a user's config does)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.repo_fixtures import commit, git, make_repo
from tests.test_repo_check import PATCH, clean_files

pytest.importorskip("pre_commit")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def hook_source(tmp_path_factory) -> Path:
    """A git repo holding this work tree's package and hooks (pre-commit installs from a commit)."""
    src = tmp_path_factory.mktemp("hooks") / "kustomize_py"
    shutil.copytree(ROOT / "kustomize_py", src / "kustomize_py",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(ROOT / name, src / name)
    make_repo(src, {})
    return src


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def run_with_config(repo: Path, source: Path, home: Path, hook: dict[str, object],
                    env_extra: dict[str, str] | None = None, all_files: bool = False
                    ) -> subprocess.CompletedProcess[str]:
    """`pre-commit run` with a .pre-commit-config.yaml naming the hook source by commit (args allowed)."""
    import json

    rev = git(source, "rev-parse", "HEAD").strip()
    config = {"repos": [{"repo": str(source), "rev": rev, "hooks": [hook]}]}
    (repo / ".pre-commit-config.yaml").write_text(json.dumps(config))
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never", **(env_extra or {})}
    argv = [sys.executable, "-m", "pre_commit", "run", *(["--all-files"] if all_files else [])]
    done = subprocess.run(argv, cwd=repo, capture_output=True, text=True,
                          env=env, timeout=600, check=False)
    if "An unexpected error has occurred" in done.stdout + done.stderr and "pip" in done.stdout + done.stderr:
        pytest.skip("pre-commit could not install the hook environment (no package index?)")
    return done


def test_clean_repo_passes_then_plaintext_secret_fails(tmp_path, hook_source, home):
    repo = make_repo(tmp_path / "r", clean_files())
    done = run_with_config(repo, hook_source, home, {"id": "kpy-check"}, all_files=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout
    (repo / "web/base/leak.yaml").write_text("apiVersion: v1\nkind: Secret\nmetadata:\n  name: leak\n"
                                             "data:\n  token: c2VjcmV0\n")
    git(repo, "add", "web/base/leak.yaml")
    done = run_with_config(repo, hook_source, home, {"id": "kpy-check"}, all_files=True)
    assert done.returncode == 1
    assert "web/base/leak.yaml" in done.stdout
    assert "plaintext-secret" in done.stdout
    assert "c2VjcmV0" not in done.stdout


def test_broken_patch_fails_naming_the_overlay(tmp_path, hook_source, home):
    files = clean_files()
    repo = make_repo(tmp_path / "r", files)
    (repo / "web/overlays/prod/replicas.yaml").write_text(PATCH.replace("name: web", "name: nope"))
    commit(repo, "break the prod patch")
    done = run_with_config(repo, hook_source, home, {"id": "kpy-check"}, all_files=True)
    assert done.returncode == 1
    assert "web/overlays/prod/replicas.yaml" in done.stdout
    assert "[build]" in done.stdout


def test_validate_hook_checks_every_overlay(tmp_path, hook_source, home):
    files = clean_files()
    files[".kpy.yaml"] = "validate:\n  skipKinds: [argoproj.io/v1alpha1/Application]\n"
    repo = make_repo(tmp_path / "r", files)
    done = run_with_config(repo, hook_source, home, {"id": "kpy-validate"}, all_files=True)
    assert done.returncode == 0, done.stdout + done.stderr
    (repo / "web/overlays/prod/replicas.yaml").write_text(PATCH.replace("replicas: 3", "replicas: three"))
    commit(repo, "a string for a number")
    done = run_with_config(repo, hook_source, home, {"id": "kpy-validate"}, all_files=True)
    assert done.returncode == 1
    assert 'web/overlays/prod: Deployment web-prod/web: spec.replicas: expected integer, got string "three"' in done.stdout


def test_deletion_only_commits_are_checked(tmp_path, hook_source, home):
    """pre-commit passes no deleted file: the hook still runs (always_run) and kpy reads the index."""
    repo = make_repo(tmp_path / "r", clean_files())
    # Removing the prod overlay while its Application stays: the Application now deploys nothing.
    git(repo, "rm", "-q", "-r", "web/overlays/prod")
    hook = {"id": "kpy-check"}  # by commit, so the hook environment is installed once for the three runs
    done = run_with_config(repo, hook_source, home, hook)
    assert done.returncode == 1, done.stdout
    assert "[target-removed] web/overlays/prod is removed but Application web-prod still deploys it" in done.stdout
    # Removing the Application too: Argo CD cascade-deletes (it carries the resources finalizer).
    git(repo, "rm", "-q", "argocd/applications/web-prod.yaml")
    (repo / "argocd/applications/kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - web-dev.yaml\n")
    git(repo, "add", "-u")
    done = run_with_config(repo, hook_source, home, hook)
    assert done.returncode == 1, done.stdout
    assert "[app-removed] Application web-prod is removed" in done.stdout
    assert "[target-removed] web/overlays/prod is removed:" in done.stdout
    # An intended removal, said so for this commit.
    done = run_with_config(repo, hook_source, home, hook,
                           env_extra={"KPY_ALLOW_REMOVALS": "web-prod,web/overlays/prod"})
    assert done.returncode == 0, done.stdout


def test_seal_hook_runs_although_plaintext_is_ignored(tmp_path, hook_source, home):
    cert = Path(__file__).parent / "fixtures" / "sealed" / "a.crt"
    repo = make_repo(tmp_path / "r", {**clean_files(), ".gitignore": "*.secret.yaml\n.kpy-seal-state.json\n"})
    (repo / "web/secrets").mkdir(parents=True)
    (repo / "web/secrets/db.secret.yaml").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: web\nstringData:\n  pw: hunter2\n")
    hook = {"id": "kpy-seal", "args": ["--cert", str(cert)]}
    done = run_with_config(repo, hook_source, home, hook)
    assert done.returncode == 1, done.stdout  # nothing staged, the plaintext is ignored: it still runs
    assert "created: web/sealed/db.yaml" in done.stdout
    assert "hunter2" not in done.stdout
    from kustomize_py.cli import main

    assert main(["seal", "--all", str(repo), "--cert", str(cert)]) == 0
    done = run_with_config(repo, hook_source, home, hook)
    assert done.returncode == 0, done.stdout
