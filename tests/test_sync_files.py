"""The directory and git backends for real: files on disk, commits made with the system git."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "sync"))

import sync_helpers as h

from kustomize_py.errors import SyncError
from kustomize_py.sync.backends import open_backend
from kustomize_py.sync.backends.directory import DirectoryBackend
from kustomize_py.sync.backends.git import GitBackend
from kustomize_py.sync.engine import SyncOptions, sync

OPTS = SyncOptions(namespace="shop")
PRUNE = SyncOptions(namespace="shop", prune=True)


def test_directory_layout_one_file_per_object(tmp_path):
    backend = DirectoryBackend(tmp_path / "out")
    assert sync("shop", h.sample_app(), backend, OPTS).ok
    files = sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert files == ["shop/_cluster/namespace-shop.yaml", "shop/shop/configmap-settings.yaml",
                     "shop/shop/deployment.apps-db.yaml", "shop/shop/deployment.apps-web.yaml",
                     "shop/shop/service-web.yaml"]
    text = (tmp_path / "out/shop/shop/configmap-settings.yaml").read_text()
    assert "argocd.argoproj.io/tracking-id: shop:/ConfigMap:shop/settings" in text


def test_directory_resync_rewrites_only_the_changed_file_and_prunes_files(tmp_path):
    out = tmp_path / "out"
    sync("shop", h.sample_app(), DirectoryBackend(out), OPTS)
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*.yaml")}
    inodes = {p: p.stat().st_ino for p in out.rglob("*.yaml")}
    desired = h.sample_app()
    desired[1] = h.configmap("settings", {"mode": "slow"}, wave=-1)
    backend = DirectoryBackend(out)
    assert sync("shop", desired, backend, OPTS).count("configured") == 1
    assert backend.writes == ["shop/shop/configmap-settings.yaml"]
    changed = [p for p in stamps if p.stat().st_ino != inodes[p] or p.stat().st_mtime_ns != stamps[p]]
    assert [p.name for p in changed] == ["configmap-settings.yaml"]
    assert not [p for p in out.rglob(".*") if p.is_file()]  # no temporary files left behind
    only_ns = [h.namespace("shop")]
    sync("shop", only_ns, DirectoryBackend(out), OPTS)
    assert len(list(out.rglob("*.yaml"))) == 5  # prune off: nothing removed
    sync("shop", only_ns, DirectoryBackend(out), PRUNE)
    assert sorted(p.name for p in out.rglob("*.yaml")) == ["namespace-shop.yaml"]
    assert not (out / "shop" / "shop").exists()  # emptied folder removed


@pytest.fixture
def repo(tmp_path):
    return h.init_repo(tmp_path / "repo")


def commits(repo, branch="rendered/staging"):
    return h.git(repo, "rev-list", branch).split()


def test_git_commits_rendered_manifests_without_touching_the_checkout(repo):
    head, status = h.git(repo, "rev-parse", "HEAD"), h.git(repo, "status", "--porcelain")
    (repo / "work.txt").write_text("uncommitted user work\n")
    h.git(repo, "add", "work.txt")
    index_before = h.git(repo, "ls-files", "-s")
    result = sync("shop", h.sample_app(), GitBackend(repo, "rendered/staging"), OPTS)
    assert result.ok and result.note and len(result.note) == 40
    assert h.git(repo, "rev-parse", "HEAD") == head and h.git(repo, "ls-files", "-s") == index_before
    assert h.git(repo, "status", "--porcelain").strip() == "A  work.txt" and status == ""
    assert h.git(repo, "symbolic-ref", "HEAD").strip() == "refs/heads/main"
    tree = h.git(repo, "ls-tree", "-r", "--name-only", "rendered/staging").split()
    assert tree == ["shop/_cluster/namespace-shop.yaml", "shop/shop/configmap-settings.yaml",
                    "shop/shop/deployment.apps-db.yaml", "shop/shop/deployment.apps-web.yaml",
                    "shop/shop/service-web.yaml"]
    message = h.git(repo, "log", "-1", "--format=%B", "rendered/staging")
    assert message.startswith("kpy sync shop: 5 created")
    assert "created     apps/Deployment shop/web" in message
    assert "kind: Deployment" in h.git(repo, "show", "rendered/staging:shop/shop/deployment.apps-web.yaml")


def test_git_resync_commits_only_changes_and_nothing_when_unchanged(repo):
    sync("shop", h.sample_app(), GitBackend(repo, "rendered/staging"), OPTS)
    again = sync("shop", h.sample_app(), GitBackend(repo, "rendered/staging"), OPTS)
    assert again.note is None and len(commits(repo)) == 1
    desired = h.sample_app()
    desired[0] = h.deployment("web", wave=1, image="nginx:1.28")
    changed = sync("shop", desired, GitBackend(repo, "rendered/staging"), OPTS)
    assert len(commits(repo)) == 2
    files = h.git(repo, "diff-tree", "--no-commit-id", "--name-only", "-r", changed.note).split()
    assert files == ["shop/shop/deployment.apps-web.yaml"]
    assert "1 configured" in h.git(repo, "log", "-1", "--format=%s", "rendered/staging")


def test_git_prune_only_with_prune_and_apps_side_by_side(repo):
    sync("shop", h.sample_app(), GitBackend(repo, "rendered/staging"), OPTS)
    sync("blog", [h.configmap("blog", {"a": "b"})], GitBackend(repo, "rendered/staging"), SyncOptions(namespace="blog"))
    fewer = [o for o in h.sample_app() if o["kind"] != "Service"]
    kept = sync("shop", fewer, GitBackend(repo, "rendered/staging"), OPTS)
    assert kept.note is None and kept.count("extraneous") == 1
    pruned = sync("shop", fewer, GitBackend(repo, "rendered/staging"), PRUNE)
    assert pruned.note and pruned.count("pruned") == 1
    tree = h.git(repo, "ls-tree", "-r", "--name-only", "rendered/staging").split()
    assert "shop/shop/service-web.yaml" not in tree and "blog/blog/configmap-blog.yaml" in tree
    assert "1 pruned" in h.git(repo, "log", "-1", "--format=%s", "rendered/staging")


def test_git_failed_wave_commits_what_was_applied_and_says_so(repo):
    backend = h.FailingBackend(GitBackend(repo, "rendered/staging"), {"web"})
    result = sync("shop", h.sample_app(), backend, OPTS)
    assert not result.ok
    tree = h.git(repo, "ls-tree", "-r", "--name-only", "rendered/staging").split()
    # Wave -1 went through; the Service "web" failed in wave 0, so nothing after it was written.
    assert tree == ["shop/_cluster/namespace-shop.yaml", "shop/shop/configmap-settings.yaml"]
    assert "(partial: sync failed)" in h.git(repo, "log", "-1", "--format=%s", "rendered/staging")
    assert sync("shop", h.sample_app(), GitBackend(repo, "rendered/staging"), OPTS).count("created") == 3


def test_git_refuses_a_checked_out_branch_and_works_on_bare_repos(repo, tmp_path):
    with pytest.raises(SyncError, match="checked out"):
        GitBackend(repo, "main")
    bare = tmp_path / "bare.git"
    h.git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))
    result = sync("shop", h.sample_app(), open_backend(f"git:{bare}@envs/staging", base=tmp_path), OPTS)
    assert result.ok and h.git(bare, "rev-parse", "envs/staging").strip() == result.note


def test_git_dry_run_commits_nothing(repo):
    result = sync("shop", h.sample_app(), GitBackend(repo, "rendered/staging"),
                  SyncOptions(namespace="shop", dry_run=True))
    assert result.ok and "rendered/staging" not in h.git(repo, "branch", "--list")
