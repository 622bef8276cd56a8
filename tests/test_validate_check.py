"""`kpy check` validates every overlay it builds (unless `.kpy.yaml` says `validate: {enabled:
false}`), with the CRDs found anywhere in the repository."""

from __future__ import annotations

from kustomize_py.cli import main
from kustomize_py.repo.check import run_checks
from tests.repo_fixtures import make_repo
from tests.test_repo_check import clean_files

APP_CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: applications.argoproj.io
spec:
  group: argoproj.io
  names: {kind: Application, plural: applications}
  scope: Namespaced
  versions:
  - name: v1alpha1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            x-kubernetes-preserve-unknown-fields: true
            required: [destination, project, source]
            properties:
              project: {type: string}
"""


def schema_issues(report) -> list[tuple[str | None, str | None, str]]:
    return [(i.overlay, i.file, i.message) for i in report.issues if i.check == "schema"]


def test_check_validates_by_default_passing_over_kinds_without_a_schema(tmp_path):
    files = clean_files()
    files["web/overlays/dev/replicas.yaml"] = files["web/overlays/dev/replicas.yaml"].replace("3", '"3"')
    root = make_repo(tmp_path / "r", files)
    # the clean repo's Argo CD Applications have no CRD here: passed over, not an error
    assert schema_issues(run_checks(root)) == [
        ("web/overlays/dev", "web/base/deployment.yaml",
         'Deployment web-dev/web: spec.replicas: expected integer, got string "3"')]
    (root / ".kpy.yaml").write_text("validate:\n  enabled: false\n")
    assert schema_issues(run_checks(root)) == []


def test_check_validates_each_overlay_and_names_the_source_file(tmp_path, capsys):
    files = clean_files()
    files["web/overlays/dev/replicas.yaml"] = files["web/overlays/dev/replicas.yaml"].replace("3", "three")
    files[".kpy.yaml"] = "validate:\n  strict: true\n"
    files["crds/argocd/application-crd.yaml"] = APP_CRD  # anywhere in the repository
    root = make_repo(tmp_path / "r", files)
    report = run_checks(root)
    assert schema_issues(report) == [
        ("web/overlays/dev", "web/base/deployment.yaml",
         'Deployment web-dev/web: spec.replicas: expected integer, got string "three"')]
    assert not report.ok
    assert main(["check", str(root)]) == 1
    assert "[schema] Deployment web-dev/web: spec.replicas" in capsys.readouterr().out


def test_check_reports_kinds_without_schema_unless_configured(tmp_path):
    files = clean_files()
    files[".kpy.yaml"] = "validate: {}\n"
    root = make_repo(tmp_path / "r", files)
    missing = schema_issues(run_checks(root))
    assert len(missing) == 2 and all("no schema for argoproj.io/v1alpha1 Application" in m for _, _, m in missing)
    (root / ".kpy.yaml").write_text("validate:\n  skipKinds: [Application]\n")
    assert schema_issues(run_checks(root)) == []
    (root / ".kpy.yaml").write_text("validate:\n  enabled: false\n")
    assert schema_issues(run_checks(root)) == []
