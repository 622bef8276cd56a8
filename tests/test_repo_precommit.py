"""The pre-commit hooks, run through the real pre-commit framework (try-repo) on a temporary repo."""

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
    """A git repo holding this work tree's package and hooks (try-repo installs from a commit)."""
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


def try_repo(repo: Path, source: Path, home: Path, hook: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    done = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(source), hook, "--all-files"],
                          cwd=repo, capture_output=True, text=True, env=env, timeout=600, check=False)
    if "An unexpected error has occurred" in done.stdout + done.stderr and "pip" in done.stdout + done.stderr:
        pytest.skip("pre-commit could not install the hook environment (no package index?)")
    return done


def test_clean_repo_passes_then_plaintext_secret_fails(tmp_path, hook_source, home):
    repo = make_repo(tmp_path / "r", clean_files())
    done = try_repo(repo, hook_source, home, "kpy-check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout
    (repo / "web/base/leak.yaml").write_text("apiVersion: v1\nkind: Secret\nmetadata:\n  name: leak\n"
                                             "data:\n  token: c2VjcmV0\n")
    git(repo, "add", "web/base/leak.yaml")
    done = try_repo(repo, hook_source, home, "kpy-check")
    assert done.returncode == 1
    assert "web/base/leak.yaml" in done.stdout
    assert "plaintext-secret" in done.stdout
    assert "c2VjcmV0" not in done.stdout


def test_broken_patch_fails_naming_the_overlay(tmp_path, hook_source, home):
    files = clean_files()
    repo = make_repo(tmp_path / "r", files)
    (repo / "web/overlays/prod/replicas.yaml").write_text(PATCH.replace("name: web", "name: nope"))
    commit(repo, "break the prod patch")
    done = try_repo(repo, hook_source, home, "kpy-check")
    assert done.returncode == 1
    assert "web/overlays/prod/replicas.yaml" in done.stdout
    assert "[build]" in done.stdout


def test_validate_hook_checks_every_overlay(tmp_path, hook_source, home):
    files = clean_files()
    files[".kpy.yaml"] = "validate:\n  skipKinds: [argoproj.io/v1alpha1/Application]\n"
    repo = make_repo(tmp_path / "r", files)
    done = try_repo(repo, hook_source, home, "kpy-validate")
    assert done.returncode == 0, done.stdout + done.stderr
    (repo / "web/overlays/prod/replicas.yaml").write_text(PATCH.replace("replicas: 3", "replicas: three"))
    commit(repo, "a string for a number")
    done = try_repo(repo, hook_source, home, "kpy-validate")
    assert done.returncode == 1
    assert 'web/overlays/prod: Deployment web-prod/web: spec.replicas: expected integer, got string "three"' in done.stdout
