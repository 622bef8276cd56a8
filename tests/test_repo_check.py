"""`kpy check`: build errors, plaintext Secrets, SealedSecret scopes, Application coverage, risky deletion."""

from __future__ import annotations

import json

import pytest

from kustomize_py.cli import main
from kustomize_py.repo.check import run_checks
from tests.repo_fixtures import make_repo

K = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
"""
PATCH = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n"


def app(workload: str, env: str, *, path: str | None = None, prune: bool = True, finalizer: bool = False) -> str:
    fin = "  finalizers:\n    - resources-finalizer.argocd.argoproj.io\n" if finalizer else ""
    return f"""apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {workload}-{env}
{fin}spec:
  project: default
  source:
    repoURL: https://git.example.com/repo.git
    path: {path or f'{workload}/overlays/{env}'}
  destination:
    server: https://kubernetes.default.svc
    namespace: {workload}
  syncPolicy:
    automated:
      prune: {'true' if prune else 'false'}
"""


def clean_files() -> dict[str, str]:
    files = {
        "web/base/kustomization.yaml": K + "resources:\n  - deployment.yaml\n",
        "web/base/deployment.yaml": DEPLOY,
        "argocd/applications/kustomization.yaml": K + "resources:\n  - web-dev.yaml\n  - web-prod.yaml\n",
    }
    for env in ("dev", "prod"):
        files[f"web/overlays/{env}/kustomization.yaml"] = (
            K + f"namespace: web-{env}\nresources:\n  - ../../base\npatches:\n  - path: replicas.yaml\n")
        files[f"web/overlays/{env}/replicas.yaml"] = PATCH
        files[f"argocd/applications/web-{env}.yaml"] = app("web", env, finalizer=True)
    return files


def checks(report) -> set[tuple[str, str | None]]:
    return {(i.check, i.file) for i in report.issues}


def test_clean_repo_passes(tmp_path):
    root = make_repo(tmp_path / "r", clean_files())
    report = run_checks(root)
    assert report.issues == []
    assert report.ok
    assert report.overlays == ["argocd/applications", "web/overlays/dev", "web/overlays/prod"]


def test_plaintext_secret_committed_and_rendered(tmp_path, capsys):
    files = clean_files()
    files["web/overlays/dev/db.yaml"] = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n"
                                         "stringData:\n  password: hunter2-value\n")
    files["web/overlays/dev/kustomization.yaml"] = files["web/overlays/dev/kustomization.yaml"].replace("  - ../../base\n", "  - ../../base\n  - db.yaml\n")
    root = make_repo(tmp_path / "r", files)
    report = run_checks(root)
    assert not report.ok
    found = checks(report)
    assert ("plaintext-secret", "web/overlays/dev/db.yaml") in found
    assert any(i.overlay == "web/overlays/dev" and i.check == "plaintext-secret" for i in report.issues)
    assert main(["check", str(root), "--format", "json"]) == 1
    out = capsys.readouterr().out
    assert "hunter2" not in out
    assert json.loads(out)["ok"] is False
    # allowed by name, on the command line or in .kpy.yaml
    assert run_checks(root, allow_secrets=["db"]).ok
    (root / ".kpy.yaml").write_text("check:\n  allowSecrets: [db]\n")
    assert run_checks(root).ok


def test_broken_patch_names_overlay_and_files_limit_scope(tmp_path, capsys):
    files = clean_files()
    files["web/overlays/prod/replicas.yaml"] = PATCH.replace("name: web", "name: missing-web")
    root = make_repo(tmp_path / "r", files)
    report = run_checks(root)
    assert [(i.check, i.overlay) for i in report.issues] == [("build", "web/overlays/prod")]
    # only dev is affected by a dev file: the broken prod overlay is not rendered
    assert run_checks(root, files=["web/overlays/dev/replicas.yaml"]).ok
    assert not run_checks(root, files=["web/base/deployment.yaml"]).ok
    assert main(["check", str(root)]) == 1
    assert "web/overlays/prod" in capsys.readouterr().out


def test_missing_and_broken_applications(tmp_path):
    files = clean_files()
    del files["argocd/applications/web-prod.yaml"]
    files["argocd/applications/kustomization.yaml"] = K + "resources:\n  - web-dev.yaml\n  - ghost.yaml\n"
    files["argocd/applications/ghost.yaml"] = app("ghost", "dev")
    root = make_repo(tmp_path / "r", files)
    found = {(i.check, i.overlay, i.file) for i in run_checks(root).issues}
    assert ("app-missing", "web/overlays/prod", "web/overlays/prod") in found
    assert ("app-path", None, "argocd/applications/ghost.yaml") in found
    assert len(found) == 2


def test_risky_app_of_apps_and_self_management(tmp_path):
    files = clean_files()
    files["argocd/root.yaml"] = app("root", "all", path="argocd/applications", prune=True).replace(
        "name: root-all", "name: root")
    root = make_repo(tmp_path / "r", files)
    issues = [i for i in run_checks(root).issues if i.check == "risky-deletion"]
    assert [i.file for i in issues] == ["argocd/root.yaml"]
    assert "web-dev" in issues[0].message
    # the same parent without automated prune is fine
    (root / "argocd/root.yaml").write_text(files["argocd/root.yaml"].replace("prune: true", "prune: false"))
    assert not [i for i in run_checks(root).issues if i.check == "risky-deletion"]
    # an app deploying Argo CD's own controller with prune
    files2 = clean_files()
    files2["argocd/install/kustomization.yaml"] = K + "resources:\n  - server.yaml\n"
    files2["argocd/install/server.yaml"] = DEPLOY.replace("name: web\n", "name: argocd-server\n", 1)
    files2["argocd/self.yaml"] = app("argocd", "self", path="argocd/install")
    root2 = make_repo(tmp_path / "r2", files2)
    risky = [i for i in run_checks(root2).issues if i.check == "risky-deletion"]
    assert [i.file for i in risky] == ["argocd/self.yaml"]
    assert "Argo CD itself" in risky[0].message


def test_sealed_secret_renamed_by_overlay(tmp_path):
    files = clean_files()
    files["web/base/sealed.yaml"] = """apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: db
  namespace: web-dev
spec:
  encryptedData:
    password: AgBy3i4OJSWK
  template:
    metadata:
      name: db
      namespace: web-dev
"""
    files["web/base/kustomization.yaml"] = K + "resources:\n  - deployment.yaml\n  - sealed.yaml\n"
    files["web/overlays/prod/kustomization.yaml"] = files["web/overlays/prod/kustomization.yaml"].replace(
        "namespace: web-prod\n", "namespace: web-prod\nnamePrefix: p-\n")
    root = make_repo(tmp_path / "r", files)
    sealed = [i for i in run_checks(root).issues if i.check == "sealed-scope"]
    assert {i.overlay for i in sealed} == {"web/overlays/prod"}
    assert any("metadata.name" in i.message for i in sealed)


@pytest.mark.parametrize("args", [["--format", "json"], []])
def test_cli_clean_exit_zero(tmp_path, capsys, args):
    root = make_repo(tmp_path / "r", clean_files())
    assert main(["check", str(root), *args]) == 0
    out = capsys.readouterr().out
    assert "0 error(s)" in out or json.loads(out)["ok"] is True


def test_run_checks_reports_progress_per_overlay(tmp_path):
    from pathlib import Path

    from kustomize_py.repo.check import run_checks

    root = Path(__file__).resolve().parents[1] / "examples" / "assets"
    seen: list[tuple[int, int]] = []
    report = run_checks(root, on_progress=lambda done, total, target: seen.append((done, total)))
    assert report.ok
    assert seen and seen[-1][0] == seen[-1][1] == len(report.overlays)


# --- real-repository files (issue 13) ---

SECRET = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}\nstringData:\n  password: hunter2-value\n"


def test_secrets_in_lists_and_json_are_found_sops_is_not_plaintext(tmp_path):
    files = clean_files()
    files["raw/list.yaml"] = ("apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Secret\n"
                              "    metadata:\n      name: in-list\n    data:\n      k: aHVudGVyMg==\n")
    files["raw/s.json"] = json.dumps({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "as-json"},
                                      "data": {"k": "aHVudGVyMg=="}})
    files["raw/sops.yaml"] = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: sopsed\ndata:\n"
                              "  k: ENC[AES256_GCM,data:abc,type:str]\nsops:\n  mac: ENC[x]\n  version: 3.8.1\n")
    root = make_repo(tmp_path / "r", files)
    found = checks(run_checks(root))
    assert ("plaintext-secret", "raw/list.yaml") in found
    assert ("plaintext-secret", "raw/s.json") in found
    assert ("plaintext-secret", "raw/sops.yaml") not in found


def test_components_are_not_built_alone_and_config_marks_targets(tmp_path):
    files = clean_files()
    files["components/probe/kustomization.yaml"] = ("apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
                                                   "patches:\n  - path: p.yaml\n")
    files["components/probe/p.yaml"] = PATCH
    files["scratch/broken/kustomization.yaml"] = K + "resources:\n  - missing.yaml\n"
    root = make_repo(tmp_path / "r", files)
    report = run_checks(root)
    assert "components/probe" not in report.overlays
    assert ("build", "scratch/broken") in {(i.check, i.overlay) for i in report.issues}
    (root / ".kpy.yaml").write_text("check:\n  exclude: [scratch]\n")
    report = run_checks(root)
    assert report.ok and "scratch/broken" not in report.overlays
    (root / ".kpy.yaml").write_text("check:\n  targets: ['*/overlays/*']\n")
    assert run_checks(root).overlays == ["web/overlays/dev", "web/overlays/prod"]
    (root / ".kpy.yaml").write_text("check:\n  exlude: [scratch]\n")
    assert main(["check", str(root)]) == 1  # a misspelt setting is an error naming it, not ignored


def test_helm_charts_need_enable_helm_and_say_so(tmp_path, capsys):
    files = clean_files()
    files["charts-app/kustomization.yaml"] = K + "helmCharts:\n  - name: podinfo\n    version: 6.0.0\n"
    root = make_repo(tmp_path / "r", files)
    report = run_checks(root)
    helm = [i for i in report.issues if i.overlay == "charts-app"]
    assert report.ok and [i.severity for i in helm] == ["warning"]
    assert "--enable-helm" in helm[0].message
    report = run_checks(root, enable_helm=True, helm_command=str(tmp_path / "no-such-helm"))
    assert not report.ok  # now it is rendered, with the helm binary given


def test_unlisted_sealed_file_is_reported_and_seal_all_lists_new_ones(tmp_path):
    sealed = ("apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: db\n  namespace: web\n"
              "spec:\n  encryptedData:\n    pw: AgBy3i4OJSWK\n")
    files = clean_files()
    files["web/sealed/kustomization.yaml"] = K + "# sealed secrets of web\nresources:\n  - old.yaml\n"
    files["web/sealed/old.yaml"] = sealed.replace("name: db", "name: old")
    files["web/sealed/db.yaml"] = sealed
    root = make_repo(tmp_path / "r", files)
    assert ("sealed-unused", "web/sealed/db.yaml") in checks(run_checks(root))
    from kustomize_py.repo.sealed_index import index_new_files

    assert index_new_files([root / "web/sealed/db.yaml"]) == [root / "web/sealed/kustomization.yaml"]
    text = (root / "web/sealed/kustomization.yaml").read_text()
    assert "# sealed secrets of web" in text and "- db.yaml" in text
    assert ("sealed-unused", "web/sealed/db.yaml") not in checks(run_checks(root))


def test_seal_all_adds_created_files_to_the_sealed_kustomization(tmp_path):
    from pathlib import Path

    cert = Path(__file__).parent / "fixtures" / "sealed" / "a.crt"
    root = make_repo(tmp_path / "r", {"web/sealed/kustomization.yaml": K + "resources: []\n",
                                      ".gitignore": "*.secret.yaml\n.kpy-seal-state.json\n"})
    (root / "web/secrets").mkdir()
    (root / "web/secrets/db.secret.yaml").write_text(SECRET.format(name="db").replace("  name: db\n",
                                                                                        "  name: db\n  namespace: web\n"))
    assert main(["seal", "--all", str(root), "--cert", str(cert)]) == 0
    assert "- db.yaml" in (root / "web/sealed/kustomization.yaml").read_text()


APP_KINDS = {
    "apps/chart.yaml": """apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: podinfo
spec:
  source:
    repoURL: https://stefanprodan.github.io/podinfo
    chart: podinfo
    targetRevision: 6.5.0
  destination:
    namespace: podinfo
""",
    "apps/multi.yaml": """apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: multi
spec:
  sources:
    - repoURL: https://charts.example.com
      chart: redis
      targetRevision: 1.0.0
    - repoURL: https://git.example.com/repo.git
      ref: values
    - repoURL: https://git.example.com/repo.git
      path: web/overlays/dev
  destination:
    namespace: web
""",
    "clusters/a/web.yaml": app("web", "prod"),
    "clusters/b/web.yaml": app("web", "prod"),  # the same name in two cluster folders
    "chart/Chart.yaml": "apiVersion: v2\nname: apps\nversion: 0.1.0\n",
    "chart/templates/app.yaml": """{{- range .Values.apps }}
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {{ .name }}
spec:
  source:
    path: {{ .path | quote }}
{{- end }}
""",
    "apps/set.yaml": """apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: envs
spec:
  generators:
    - list:
        elements:
          - env: dev
          - env: prod
    - git:
        repoURL: https://git.example.com/repo.git
        directories:
          - path: web/overlays/*
  template:
    metadata:
      name: 'web-{{env}}'
    spec:
      source:
        repoURL: https://git.example.com/repo.git
        path: 'web/overlays/{{env}}'
      destination:
        namespace: web
""",
}


def test_discovery_classifies_real_application_shapes(tmp_path):
    from kustomize_py.repo.deployments import discover

    files = clean_files()
    del files["argocd/applications/web-dev.yaml"], files["argocd/applications/web-prod.yaml"]
    files["argocd/applications/kustomization.yaml"] = K + "resources: []\n"
    root = make_repo(tmp_path / "r", {**files, **APP_KINDS})
    found = {(d.source, d.name, d.type, d.path) for d in discover(root)}
    assert ("apps/chart.yaml", "podinfo", "helm-chart", None) in found
    assert ("apps/multi.yaml", "multi", "helm-chart", None) in found
    assert ("apps/multi.yaml", "multi", "kustomize", "web/overlays/dev") in found
    assert ("clusters/a/web.yaml", "web-prod", "kustomize", "web/overlays/prod") in found
    assert ("clusters/b/web.yaml", "web-prod", "kustomize", "web/overlays/prod") in found
    assert ("chart/templates/app.yaml", "app", "templated", None) in found
    # the list generator fills the template; the git one gives `path`, which this template does not use
    assert {(t, p) for s, _, t, p in found if s == "apps/set.yaml"} == {
        ("kustomize", "web/overlays/dev"), ("kustomize", "web/overlays/prod"), ("unresolved", None)}
    report = run_checks(root)
    assert report.ok, format_issues(report)


def test_applicationset_alone_counts_as_coverage(tmp_path):
    files = clean_files()
    del files["argocd/applications/web-dev.yaml"], files["argocd/applications/web-prod.yaml"]
    files["argocd/applications/kustomization.yaml"] = K + "resources:\n  - set.yaml\n"
    files["argocd/applications/set.yaml"] = APP_KINDS["apps/set.yaml"].replace("    - list:\n        elements:\n"
                                                                              "          - env: dev\n"
                                                                              "          - env: prod\n", "")
    files["argocd/applications/set.yaml"] = files["argocd/applications/set.yaml"].replace(
        "'web/overlays/{{env}}'", "'{{path}}'")
    root = make_repo(tmp_path / "r", files)
    assert not [i for i in run_checks(root).issues if i.check == "app-missing"]


def format_issues(report) -> str:
    from kustomize_py.repo.check import format_text

    return format_text(report)


FLUX = {  # the shape of fluxcd/flux2-kustomize-helm-example (Apache-2.0), reduced
    "apps/base/podinfo/kustomization.yaml": K + "resources:\n  - deployment.yaml\n",
    "apps/base/podinfo/deployment.yaml": DEPLOY,
    "apps/staging/kustomization.yaml": K + "resources:\n  - ../base/podinfo\npatches:\n  - path: replicas.yaml\n",
    "apps/staging/replicas.yaml": PATCH,
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
    "clusters/staging/flux-system/kustomization.yaml": K + "resources:\n  - ns.yaml\n",
    "clusters/staging/flux-system/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n",
}


def test_flux_layout_removal_and_base_ref(tmp_path, capsys, monkeypatch):
    from tests.repo_fixtures import git

    root = make_repo(tmp_path / "r", FLUX)
    report = run_checks(root)
    assert report.ok, format_issues(report)
    assert report.overlays == ["apps/staging", "clusters/staging/flux-system"]
    git(root, "rm", "-q", "clusters/staging/apps.yaml")
    monkeypatch.chdir(root)
    assert main(["check", "--files"]) == 1  # a deletion-only change, read from the index
    out = capsys.readouterr().out
    assert "[app-removed] Kustomization apps is removed: Flux garbage-collects everything it applied" in out
    git(root, "commit", "-q", "-m", "drop apps")
    assert main(["check", "--base", "HEAD~1"]) == 1
    assert "[app-removed]" in capsys.readouterr().out
    assert main(["check", "--base", "HEAD~1", "--allow-removal", "apps"]) == 0


def test_other_repository_sources_and_git_file_generators(tmp_path):
    from kustomize_py.repo.deployments import discover

    files = clean_files()
    files["config/dev/config.json"] = json.dumps({"env": "dev", "cluster": {"name": "dev-1"}})
    files["config/prod/config.json"] = json.dumps({"env": "prod", "cluster": {"name": "prod-1"}})
    files["argocd/set.yaml"] = """apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: by-file
spec:
  generators:
    - git:
        repoURL: https://git.example.com/repo.git
        files:
          - path: config/*/config.json
  template:
    metadata:
      name: 'web-{{cluster.name}}'
    spec:
      source:
        repoURL: https://git.example.com/repo.git
        path: 'web/overlays/{{env}}'
      destination:
        name: '{{cluster.name}}'
"""
    files["argocd/elsewhere.yaml"] = app("billing", "prod").replace("https://git.example.com/repo.git",
                                                                    "git@github.com:acme/billing.git")
    root = make_repo(tmp_path / "r", files)
    (root / ".kpy.yaml").write_text("repoURLs: [https://git.example.com/repo]\n")
    found = {(d.name, d.type, d.path, d.server) for d in discover(root)}
    assert ("by-file", "kustomize", "web/overlays/dev", "dev-1") in found
    assert ("by-file", "kustomize", "web/overlays/prod", "prod-1") in found
    assert ("billing-prod", "other-repo", None, "https://kubernetes.default.svc") in found
    assert run_checks(root).ok  # billing's path lives in another repository: not an error here


def test_files_outside_git_are_checked_without_removals(tmp_path):
    from tests.repo_fixtures import write_tree

    write_tree(tmp_path, clean_files())
    report = run_checks(tmp_path, files=["web/overlays/dev/replicas.yaml", "argocd/applications/web-dev.yaml"])
    assert report.ok and "web/overlays/dev" in report.overlays
