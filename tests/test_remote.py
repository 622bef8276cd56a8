"""Remote resources: URL parsing like the reference's RepoSpec, builds from local file:// git
repositories through the on-disk cache (with a logging `git` wrapper), HTTP files, and errors."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from kustomize_py import remote
from kustomize_py.errors import CycleError, KpyError, LoadRestrictionError, RemoteError
from kustomize_py.pipeline import build

REFERENCE = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33"
REAL_GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(REAL_GIT is None, reason="needs git")

# -- parsing: expectations taken from the reference's own RepoSpec test table ------------------------

PARSED = [
    # url, host, repo path, kustomization root, ref
    ("https://github.com/org/repo//path/to/base?ref=v1", "https://github.com/", "org/repo", "path/to/base", "v1"),
    ("github.com/org/repo/path?ref=v1", "https://github.com/", "org/repo", "path", "v1"),
    ("git@github.com:org/repo.git//path?ref=v1", "git@github.com:", "org/repo.git", "path", "v1"),
    ("git@github.com/org/repo", "git@github.com:", "org/repo", "", ""),
    ("ssh://git@github.com/org/repo.git//dir", "git@github.com:", "org/repo.git", "dir", ""),
    ("ssh://git.example.com:7999/org/repo//dir?version=main", "ssh://git.example.com:7999/", "org/repo", "dir",
     "main"),
    ("git::https://gitlab.com/org/repo//dir?ref=main", "https://gitlab.com/", "org/repo", "dir", "main"),
    ("http://github.com/org/repo/dir", "https://github.com/", "org/repo", "dir", ""),
    ("hTTps://github.com/org/repo", "https://github.com/", "org/repo", "", ""),
    ("https://example.com/org/repo.git/sub/dir", "https://example.com/", "org/repo.git", "sub/dir", ""),
    ("https://dev.azure.com/org/project/_git/repo/path/base", "https://dev.azure.com/",
     "org/project/_git/repo", "path/base", ""),
    ("file:///tmp/x/repo//base?ref=v1&timeout=5", "file://", "/tmp/x/repo", "base", "v1"),
    ("file:///tmp/x/repo", "file://", "/tmp/x/repo", "", ""),
    ("package@v1.28.0.example/configs/base", "package@v1.28.0.example/", "configs/base", "", ""),
    ("https://github.com/kubernetes-sigs/kustomize//examples/multibases/dev/?submodules=0&ref=kustomize%2Fv4.5.7",
     "https://github.com/", "kubernetes-sigs/kustomize", "examples/multibases/dev/", "kustomize/v4.5.7"),
]


@pytest.mark.parametrize(("url", "host", "repo_path", "subdir", "ref"), PARSED)
def test_parse_repo_spec(url: str, host: str, repo_path: str, subdir: str, ref: str) -> None:
    spec = remote.parse_repo_spec(url)
    assert (spec.host, spec.repo_path, spec.subdir, spec.ref) == (host, repo_path, subdir, ref)
    assert spec.clone_url == host + repo_path
    assert remote.is_remote(url)


@pytest.mark.parametrize(("url", "why"), [
    ("/tmp", "uri looks like abs path"),
    ("../../tmp", "failed to parse scheme"),
    ("base", "failed to parse scheme"),
    ("src/github.com/org/repo/path", "failed to parse scheme"),
    ("ssh://git.example.com", "failed to parse repo path segment"),
    ("https://github.com/thisisa404.yaml", "failed to parse repo path segment"),
    ("https://github.com/org/repo.git//path/../../exits/repo", "url path exits repo"),
    ("file:///tmp/repo//../outside", "url path exits repo"),
    ("file:////tmp//path/to/whatever", "failed to parse repo path segment"),
])
def test_parse_errors(url: str, why: str) -> None:
    with pytest.raises(RemoteError, match=why):
        remote.parse_repo_spec(url)


def test_local_paths_are_not_remote() -> None:
    for path in ("base", "../base", "deploy.yaml", "/abs/dir", "./github.com-stuff"):
        assert not remote.is_remote(path)
    assert remote.is_remote("https://example.com/file.yaml")  # not git, but an HTTP file


@pytest.mark.parametrize(("query", "expected"), [
    ("", ("", 27.0, True)),
    ("ref=v1&version=main", ("v1", 27.0, True)),
    ("version=main", ("main", 27.0, True)),
    ("timeout=61", ("", 61.0, True)),
    ("timeout=1m30s&submodules=false", ("", 90.0, False)),
    ("timeout=0&submodules=maybe", ("", 27.0, True)),
    ("ref=a;b", ("", 27.0, True)),  # Go's query parser rejects ';': every default
])
def test_query(query: str, expected: tuple[str, float, bool]) -> None:
    assert remote._parse_query(query) == expected


def test_redacts_credentials() -> None:
    assert remote.redact("https://bob:s3cret@example.com/org/repo") == "https://bob:***@example.com/org/repo"


# -- local repositories ---------------------------------------------------------------------------------


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    cmd = [REAL_GIT or "git", "-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "init.defaultBranch=main",
           *args]
    return subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


BASE = {
    "base/kustomization.yaml": "resources:\n- cm.yaml\ncommonLabels:\n  from: remote\n",
    "base/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  level: one\n",
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository: v1 (lightweight tag) and v2 (annotated) on two commits, branch main at v2."""
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q")
    _write(root, BASE)
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "one")
    _git(root, "tag", "v1")
    _write(root, {"base/cm.yaml": BASE["base/cm.yaml"].replace("one", "two")})
    _git(root, "commit", "-qam", "two")
    _git(root, "tag", "-a", "v2", "-m", "second")
    return root


@pytest.fixture
def git_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `git` on PATH that records each invocation's arguments, then runs the real git."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "git.log"
    log.touch()
    wrapper = bin_dir / "git"
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{REAL_GIT}" "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("KPY_REMOTE_CACHE", str(tmp_path / "cache"))
    for name in (remote.ENV_TTL, remote.ENV_REFRESH, remote.ENV_OFFLINE):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    return log


def _network_calls(log: Path) -> list[str]:
    """git commands that talk to the remote (ls-remote, fetch)."""
    return [line for line in log.read_text().splitlines() if line.split(" ")[0] in ("ls-remote", "fetch", "clone")]


def _overlay(tmp_path: Path, url: str, extra: str = "namePrefix: dev-\n", name: str = "overlay") -> Path:
    overlay = tmp_path / name
    _write(overlay, {"kustomization.yaml": f"resources:\n- {url}\n{extra}"})
    return overlay


def _reference(directory: Path | str) -> str:
    if not os.path.exists(REFERENCE):
        pytest.skip("reference kustomize (kubectl 1.33) not installed")
    env = {**os.environ, "PATH": os.path.dirname(REAL_GIT or "/usr/bin/git") + os.pathsep + "/usr/bin:/bin",
           "GIT_CONFIG_GLOBAL": os.devnull}
    done = subprocess.run([REFERENCE, "kustomize", str(directory)], capture_output=True, text=True, env=env,
                          check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_build_from_tag_matches_reference_and_uses_cache(tmp_path: Path, repo: Path, git_log: Path) -> None:
    overlay = _overlay(tmp_path, f"file://{repo}//base?ref=v1")
    first = build(overlay).yaml
    assert "level: one" in first and "name: dev-settings" in first
    assert first == _reference(overlay)
    calls = _network_calls(git_log)
    assert [c.split(" ")[0] for c in calls] == ["ls-remote", "fetch"]
    git_log.write_text("")
    assert build(overlay).yaml == first
    assert git_log.read_text() == ""  # a tag is trusted once cached: no git at all


def test_annotated_tag_and_commit_sha(tmp_path: Path, repo: Path, git_log: Path) -> None:
    assert "level: two" in build(_overlay(tmp_path, f"file://{repo}//base?ref=v2")).yaml
    sha = _git(repo, "rev-parse", "v1").strip()
    overlay = _overlay(tmp_path, f"file://{repo}//base?ref={sha}", name="by-sha")
    assert "level: one" in build(overlay).yaml
    git_log.write_text("")
    assert "level: one" in build(overlay).yaml
    assert git_log.read_text() == ""  # a full commit id names its content: the cache answers


def test_branch_resolves_with_ls_remote_and_ttl(tmp_path: Path, repo: Path, git_log: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    overlay = _overlay(tmp_path, f"file://{repo}//base?ref=main")
    assert "level: two" in build(overlay).yaml
    git_log.write_text("")
    build(overlay)
    assert [c.split(" ")[0] for c in _network_calls(git_log)] == ["ls-remote"]  # no second clone
    # a new commit on the branch is picked up
    _write(repo, {"base/cm.yaml": BASE["base/cm.yaml"].replace("one", "three")})
    _git(repo, "commit", "-qam", "three")
    assert "level: three" in build(overlay).yaml
    # within the TTL the branch is not even resolved
    monkeypatch.setenv(remote.ENV_TTL, "3600")
    git_log.write_text("")
    assert "level: three" in build(overlay).yaml
    assert git_log.read_text() == ""


def test_refresh_re_resolves_tags(tmp_path: Path, repo: Path, git_log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    overlay = _overlay(tmp_path, f"file://{repo}//base?ref=v1")
    build(overlay)
    monkeypatch.setenv(remote.ENV_REFRESH, "1")
    git_log.write_text("")
    build(overlay)
    assert [c.split(" ")[0] for c in _network_calls(git_log)] == ["ls-remote"]  # the tree itself is reused


def test_offline_uses_cache_or_says_why(tmp_path: Path, repo: Path, git_log: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(remote.ENV_OFFLINE, "1")
    with pytest.raises(RemoteError, match="not cached"):
        build(_overlay(tmp_path, f"file://{repo}//base?ref=main"))
    monkeypatch.delenv(remote.ENV_OFFLINE)
    build(_overlay(tmp_path, f"file://{repo}//base?ref=main"))
    monkeypatch.setenv(remote.ENV_OFFLINE, "1")
    git_log.write_text("")
    assert "level: two" in build(_overlay(tmp_path, f"file://{repo}//base?ref=main")).yaml
    assert git_log.read_text() == ""


def test_unreachable_remote_falls_back_to_cached_branch(tmp_path: Path, repo: Path, git_log: Path) -> None:
    overlay = _overlay(tmp_path, f"file://{repo}//base?ref=main")
    build(overlay)
    repo.rename(tmp_path / "gone")
    result = build(overlay)
    assert "level: two" in result.yaml
    assert any("using cached commit" in w for w in result.warnings)


def test_damaged_cache_index_entry_is_a_cache_miss(tmp_path: Path, repo: Path, git_log: Path) -> None:
    overlay = _overlay(tmp_path, f"file://{repo}//base?ref=v1")
    first = build(overlay).yaml
    (index,) = (tmp_path / "cache").glob("*/refs.json")
    for junk in ("abc", {"kind": "tag"}, {"commit": 7}, {"commit": ""}):
        data = json.loads(index.read_text())
        data["refs"]["v1"] = junk
        index.write_text(json.dumps(data))
        git_log.write_text("")
        assert build(overlay).yaml == first, junk  # resolved again instead of a TypeError/KeyError
        assert [c.split(" ")[0] for c in _network_calls(git_log)] == ["ls-remote"], junk


def test_missing_ref_is_a_clear_error(tmp_path: Path, repo: Path, git_log: Path) -> None:
    with pytest.raises(RemoteError) as err:
        build(_overlay(tmp_path, f"file://{repo}//base?ref=no-such-tag"))
    assert "no-such-tag" in str(err.value) and f"file://{repo}" in str(err.value)
    cache = tmp_path / "cache"
    assert not list(cache.glob("*/.tmp-*"))  # the failed clone left nothing behind


def test_missing_repository_names_the_url(tmp_path: Path, git_log: Path) -> None:
    with pytest.raises(RemoteError, match=f"file://{tmp_path}/nothing"):
        build(_overlay(tmp_path, f"file://{tmp_path}/nothing//base?ref=v1"))


def test_subdir_escaping_the_repo(tmp_path: Path, repo: Path, git_log: Path) -> None:
    with pytest.raises(KpyError, match="url path exits repo"):
        build(_overlay(tmp_path, f"file://{repo}//base/../../x?ref=v1"))
    assert _network_calls(git_log) == []  # refused before any git


def test_symlink_escaping_the_repo(tmp_path: Path, repo: Path, git_log: Path) -> None:
    (tmp_path / "outside").mkdir()
    _write(tmp_path / "outside", BASE)
    (repo / "link").symlink_to(tmp_path / "outside" / "base")
    _git(repo, "add", "link")
    _git(repo, "commit", "-qm", "link")
    with pytest.raises(LoadRestrictionError, match="outside of repo"):
        build(_overlay(tmp_path, f"file://{repo}//link?ref=main"))


def test_bases_inside_a_clone_stay_inside(tmp_path: Path, repo: Path, git_log: Path) -> None:
    _write(tmp_path / "outside", BASE)  # the cache is tmp_path/cache/<key>/<commit>
    _write(repo, {"escape/kustomization.yaml": "resources:\n- ../../../../outside/base\n"})
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "escape")
    with pytest.raises(KpyError, match="must be within the repo"):
        build(_overlay(tmp_path, f"file://{repo}//escape?ref=main"))


def test_cycle_between_remote_refs(tmp_path: Path, repo: Path, git_log: Path) -> None:
    url = f"file://{repo}//loop?ref=main"
    _write(repo, {"loop/kustomization.yaml": f"resources:\n- {url}\n"})
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "loop")
    with pytest.raises(CycleError, match=r"cycle detected: URI '.*' referenced by previous URI"):
        build(_overlay(tmp_path, url))


def test_remote_component_and_top_level_url(tmp_path: Path, repo: Path, git_log: Path) -> None:
    _write(repo, {"comp/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
                                             "namePrefix: c-\n"})
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "component")
    overlay = tmp_path / "with-component"
    _write(overlay, {"kustomization.yaml": f"resources:\n- file://{repo}//base?ref=main\n"
                                           f"components:\n- file://{repo}//comp?ref=main\n"})
    out = build(overlay).yaml
    assert "name: c-settings" in out
    assert out == _reference(overlay)
    top = build(f"file://{repo}//base?ref=v1").yaml
    assert "level: one" in top and top == _reference(f"file://{repo}//base?ref=v1")


def test_origin_annotations_name_repo_and_ref(tmp_path: Path, repo: Path, git_log: Path) -> None:
    overlay = _overlay(tmp_path, f"file://{repo}//base?ref=v1",
                       extra="buildMetadata: [originAnnotations]\nconfigMapGenerator:\n- name: local\n"
                             "  literals: [a=b]\n")
    out = build(overlay).yaml
    assert f"repo: file://{repo}" in out
    assert out == _reference(overlay)


# -- plain files over HTTP ---------------------------------------------------------------------------


@pytest.fixture
def http_root(tmp_path: Path):  # type: ignore[no-untyped-def]
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def test_http_file_resource(tmp_path: Path, http_root: tuple[Path, str]) -> None:
    root, base_url = http_root
    _write(root, {"cm.yaml": BASE["base/cm.yaml"]})
    overlay = _overlay(tmp_path, f"{base_url}/cm.yaml")
    out = build(overlay).yaml
    assert "name: dev-settings" in out
    assert out == _reference(overlay)


def test_http_status_error(tmp_path: Path, http_root: tuple[Path, str]) -> None:
    _, base_url = http_root
    with pytest.raises(RemoteError, match=r"HTTP Error: status code 404 \(Not Found\)"):
        build(_overlay(tmp_path, f"{base_url}/missing.yaml"))


def test_unreachable_http_file(tmp_path: Path) -> None:
    with pytest.raises(RemoteError, match="cannot fetch 'http://127.0.0.1:9/x.yaml'"):
        build(_overlay(tmp_path, "http://127.0.0.1:9/x.yaml"))
