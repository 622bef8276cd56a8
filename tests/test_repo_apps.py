"""`kpy apps`: coverage of every workload x environment, and generating the missing Applications."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from kustomize_py.cli import main
from kustomize_py.repo.apps import coverage, generate
from kustomize_py.repo.tree import repo_tree

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "assets"


def test_example_repo_is_covered(capsys):
    rows = coverage(EXAMPLE)
    assert len(rows) == 9 and all(r["apps"] == [f"{r['workload']}-{r['env']}"] for r in rows)
    assert main(["apps", "check", str(EXAMPLE)]) == 0
    assert generate(EXAMPLE, dry_run=True) == []


def test_generate_recreates_the_example_applications(tmp_path):
    root = tmp_path / "assets"
    shutil.copytree(EXAMPLE, root)
    for env in ("dev", "production"):
        (root / f"argocd/applications/grafana-{env}.yaml").unlink()
    assert main(["apps", "check", str(root)]) == 1
    assert generate(root) == ["argocd/applications/grafana-dev.yaml", "argocd/applications/grafana-production.yaml"]
    for env in ("dev", "production"):
        made = yaml.safe_load((root / f"argocd/applications/grafana-{env}.yaml").read_text())
        assert made == yaml.safe_load((EXAMPLE / f"argocd/applications/grafana-{env}.yaml").read_text())
    assert all(r["apps"] for r in coverage(root))


def test_generate_for_a_new_workload_adds_to_kustomization(tmp_path):
    root = tmp_path / "assets"
    shutil.copytree(EXAMPLE, root)
    shutil.copytree(root / "prometheus", root / "loki")
    shutil.rmtree(root / "loki/overlays/staging")
    assert generate(root) == ["argocd/applications/loki-dev.yaml", "argocd/applications/loki-production.yaml"]
    kust = (root / "argocd/applications/kustomization.yaml").read_text()
    assert kust.endswith("  - loki-dev.yaml\n  - loki-production.yaml\n")
    assert "# Argo CD Applications live" in kust  # comments survive the edit
    app = yaml.safe_load((root / "argocd/applications/loki-production.yaml").read_text())
    assert app["spec"]["source"]["path"] == "loki/overlays/production"
    assert app["spec"]["syncPolicy"]["automated"]["prune"] is False
    assert app["spec"]["destination"]["namespace"] == "monitoring"
    assert not list((root / "argocd/applications").glob(".*"))  # no temporary files left


def test_tree_of_example_repo(capsys):
    tree = repo_tree(EXAMPLE)
    assert tree["environments"] == ["dev", "staging", "production"]
    prod = tree["workloads"]["cert-manager"]["production"]
    assert prod["replicas"] == {"cert-manager": 2}
    assert prod["images"] == ["quay.io/jetstack/cert-manager-controller:v1.14.7"]
    assert tree["workloads"]["grafana"]["staging"]["nameSuffix"] == "-staging"
    assert main(["tree", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["WORKLOAD", "dev", "staging", "production"]
