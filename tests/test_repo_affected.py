"""`kpy affected`: changed files mapped to overlays through every field that names a file."""

from __future__ import annotations

import json

import pytest

from kustomize_py.cli import main
from kustomize_py.repo.affected import affected_targets, changed_files
from kustomize_py.repo.graph import build_graph
from tests.repo_fixtures import commit, git, make_repo

K = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
FILES = {
    "README.md": "docs\n",
    "unused.yaml": "kind: ConfigMap\n",
    "app/base/kustomization.yaml": K + """resources:
  - deployment.yaml
configurations:
  - nameref.yaml
configMapGenerator:
  - name: app-env
    envs:
      - app.env
    files:
      - conf=settings.conf
""",
    "app/base/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n",
    "app/base/app.env": "A=1\n",
    "app/base/settings.conf": "x\n",
    "app/base/nameref.yaml": "nameReference: []\n",
    "app/base/notes.txt": "not read by anything\n",
    "components/monitoring/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
                                                "patches:\n  - path: patch.yaml\n",
    "components/monitoring/patch.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n",
    "app/overlays/dev/kustomization.yaml": K + "resources:\n  - ../../base\ncomponents:\n"
                                           "  - ../../../components/monitoring\n",
    "app/overlays/prod/kustomization.yaml": K + """resources:
  - ../../base
transformers:
  - prefix.yaml
secretGenerator:
  - name: creds
    env: prod.env
openapi:
  path: schema.json
""",
    "app/overlays/prod/prefix.yaml": "apiVersion: builtin\nkind: PrefixSuffixTransformer\nmetadata:\n  name: p\n",
    "app/overlays/prod/prod.env": "B=2\n",
    "app/overlays/prod/schema.json": "{}\n",
    "other/overlays/dev/kustomization.yaml": K + """resources:
  - cm.yaml
crds:
  - crds/widget.json
replacements:
  - path: repl.yaml
patchesStrategicMerge:
  - smp.yaml
  - |-
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: inline
""",
    "other/overlays/dev/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
    "other/overlays/dev/crds/widget.json": "{}\n",
    "other/overlays/dev/repl.yaml": "source: {}\n",
    "other/overlays/dev/smp.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
}
APP_BOTH = ["app/overlays/dev", "app/overlays/prod"]


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return make_repo(tmp_path_factory.mktemp("affected") / "repo", FILES)


@pytest.mark.parametrize("changed, expected", [
    ("app/base/app.env", APP_BOTH),  # generator envs
    ("app/base/settings.conf", APP_BOTH),  # generator files, key=path
    ("app/base/nameref.yaml", APP_BOTH),  # configurations
    ("app/base/deployment.yaml", APP_BOTH),
    ("app/base/kustomization.yaml", APP_BOTH),
    ("components/monitoring/patch.yaml", ["app/overlays/dev"]),  # through a component
    ("app/overlays/prod/prefix.yaml", ["app/overlays/prod"]),  # transformer file
    ("app/overlays/prod/prod.env", ["app/overlays/prod"]),  # deprecated generator env
    ("app/overlays/prod/schema.json", ["app/overlays/prod"]),  # openapi.path
    ("other/overlays/dev/crds/widget.json", ["other/overlays/dev"]),  # crds
    ("other/overlays/dev/repl.yaml", ["other/overlays/dev"]),  # replacements path
    ("other/overlays/dev/smp.yaml", ["other/overlays/dev"]),  # patchesStrategicMerge file
    ("README.md", []),
    ("unused.yaml", []),
    ("app/base/notes.txt", []),
])
def test_working_tree_change_affects_exactly(repo, changed, expected):
    path = repo / changed
    before = path.read_text()
    try:
        path.write_text(before + "# changed\n")
        files = changed_files(repo, "HEAD")
        assert files == [changed]
        assert affected_targets(repo, files) == expected
    finally:
        path.write_text(before)


def test_commit_range_and_cli_matrix(repo, capsys, monkeypatch):
    (repo / "app/overlays/prod/prod.env").write_text("B=3\n")
    (repo / "components/monitoring/patch.yaml").write_text("# new\n")
    commit(repo, "change env and component")
    try:
        assert changed_files(repo, "HEAD~1", "HEAD") == ["app/overlays/prod/prod.env",
                                                          "components/monitoring/patch.yaml"]
        monkeypatch.chdir(repo)
        assert main(["affected", "--base", "HEAD~1", "--head", "HEAD", "--format", "matrix"]) == 0
        assert json.loads(capsys.readouterr().out) == {"include": [{"overlay": o} for o in APP_BOTH]}
        assert main(["affected", "--base", "HEAD~1", "--head", "HEAD"]) == 0
        assert capsys.readouterr().out.split() == APP_BOTH
    finally:
        git(repo, "revert", "--no-edit", "HEAD")


def test_untracked_new_file_referenced_counts(repo):
    kfile = repo / "other/overlays/dev/kustomization.yaml"
    before = kfile.read_text()
    try:
        kfile.write_text(before.replace("  - cm.yaml\n", "  - cm.yaml\n  - new.yaml\n"))
        (repo / "other/overlays/dev/new.yaml").write_text("kind: ConfigMap\n")
        files = changed_files(repo, "HEAD")
        assert "other/overlays/dev/new.yaml" in files
        assert affected_targets(repo, ["other/overlays/dev/new.yaml"]) == ["other/overlays/dev"]
    finally:
        kfile.write_text(before)
        (repo / "other/overlays/dev/new.yaml").unlink()


def test_graph_targets_and_inline_patch_is_not_a_file(repo):
    graph = build_graph(repo)
    assert graph.targets == ["app/overlays/dev", "app/overlays/prod", "other/overlays/dev"]
    assert not any("\n" in f for f in graph.nodes["other/overlays/dev"].files)
    assert "components/monitoring" in graph.nodes["app/overlays/dev"].dirs


def test_example_repo_base_env_file():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "examples" / "assets"
    assert affected_targets(root, ["grafana/base/grafana.env"]) == [
        "grafana/overlays/dev", "grafana/overlays/production", "grafana/overlays/staging"]
    assert affected_targets(root, ["grafana/overlays/staging/grafana.env"]) == ["grafana/overlays/staging"]
    assert affected_targets(root, ["argocd/applications/grafana-dev.yaml"]) == ["argocd/applications"]


# --- deletions, renames, refs, deployments (issue 13) ---

K_OVERLAY = K + "resources:\n  - ../../base\n"
SMALL = {
    "web/base/kustomization.yaml": K + "resources:\n  - cm.yaml\n",
    "web/base/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n",
    "web/overlays/dev/kustomization.yaml": K_OVERLAY,
    "web/overlays/prod/kustomization.yaml": K_OVERLAY,
}


def _rows(capsys, *argv):
    assert main(["affected", *argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_removed_and_renamed_overlays_are_listed_as_removed(tmp_path, capsys, monkeypatch):
    repo = make_repo(tmp_path / "r", SMALL)
    git(repo, "rm", "-q", "-r", "web/overlays/prod")
    git(repo, "mv", "web/overlays/dev", "web/overlays/development")
    commit(repo, "remove prod, rename dev")
    monkeypatch.chdir(repo)
    out = _rows(capsys, "--base", "HEAD~1", "--head", "HEAD")
    assert out["removed"] == ["web/overlays/dev", "web/overlays/prod"]
    assert out["added"] == ["web/overlays/development"]
    assert out["overlays"] == ["web/overlays/development"]
    assert out["include"] == [{"overlay": "web/overlays/development"}]
    assert main(["affected", "--base", "HEAD~1", "--head", "HEAD"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "web/overlays/dev (removed)", "web/overlays/development", "web/overlays/prod (removed)"]


def test_head_ref_is_read_not_the_working_tree(tmp_path, capsys, monkeypatch):
    repo = make_repo(tmp_path / "r", SMALL)
    (repo / "web/overlays/prod/patch.yaml").write_text("kind: ConfigMap\n")
    commit(repo, "a file prod does not read yet")
    (repo / "web/overlays/prod/kustomization.yaml").write_text(K_OVERLAY + "patches:\n  - path: patch.yaml\n")
    commit(repo, "prod reads it")
    first = git(repo, "rev-parse", "HEAD~2").strip()
    second = git(repo, "rev-parse", "HEAD~1").strip()
    # The working tree (HEAD) has prod reading patch.yaml; at `second` nothing reads it.
    monkeypatch.chdir(repo)
    assert _rows(capsys, "--base", first, "--head", second)["targets"] == []
    git(repo, "rm", "-q", "-r", "web/overlays/dev")  # the work tree differs from --head: ignored
    assert _rows(capsys, "--base", second, "--head", "HEAD")["targets"] == [
        {"path": "web/overlays/prod", "status": "changed"}]


def test_shallow_clone_says_to_fetch_history(tmp_path, capsys, monkeypatch):
    repo = make_repo(tmp_path / "r", SMALL)
    commit(repo, "second")
    commit(repo, "third")
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    monkeypatch.chdir(clone)
    code = main(["affected", "--base", "HEAD~2"])
    err = capsys.readouterr().err
    assert code != 0 and "Traceback" not in err
    assert "shallow clone" in err and "fetch-depth: 0" in err


APPS = {
    **SMALL,
    "plain/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n",
    "argocd/plain.yaml": """apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: plain
spec:
  source:
    repoURL: https://example.com/r.git
    path: plain
  destination:
    namespace: plain
""",
    "argocd/base.yaml": """apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web-base
spec:
  source:
    path: web/base
  destination:
    namespace: web
""",
    "apps/staging/kustomization.yaml": K + "resources:\n  - ../../web/base\n",
    "clusters/staging/apps.yaml": """apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  sourceRef:
    kind: GitRepository
    name: flux-system
  path: ./apps/staging
  prune: true
""",
}


def test_application_paths_and_flux_clusters_are_targets(tmp_path):
    repo = make_repo(tmp_path / "r", APPS)
    assert affected_targets(repo, ["plain/cm.yaml"]) == ["plain"]  # a plain directory an app deploys
    assert affected_targets(repo, ["web/base/cm.yaml"]) == ["apps/staging", "web/base", "web/overlays/dev",
                                                            "web/overlays/prod"]  # a base an app deploys
    # A Flux Kustomization edited under clusters/<env>: that cluster folder is what Flux syncs.
    assert affected_targets(repo, ["clusters/staging/apps.yaml"]) == ["clusters/staging"]
