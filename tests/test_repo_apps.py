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


def test_policy_destination_and_prune_per_environment(tmp_path, capsys):
    root = tmp_path / "assets"
    shutil.copytree(EXAMPLE, root)
    app = root / "argocd/applications/grafana-production.yaml"
    doc = yaml.safe_load(app.read_text())
    doc["spec"]["destination"]["server"] = "https://staging.k8s.example.internal:6443"
    doc["spec"].setdefault("syncPolicy", {})["automated"] = {"prune": True}
    app.write_text(yaml.safe_dump(doc))
    assert main(["apps", "check", str(root)]) == 1
    out = capsys.readouterr().out
    assert ("POLICY  grafana-production (argocd/applications/grafana-production.yaml): production: server is "
            "https://staging.k8s.example.internal:6443, expected https://prod.k8s.example.internal:6443") in out
    assert "production: prune is true, expected false" in out
    # the other Applications keep to their environment's settings
    assert out.count("POLICY") == 2


def test_unknown_layout_says_how_to_configure_it(tmp_path, capsys):
    k = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n"
    app = ("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: shop-eu\nspec:\n"
           "  source:\n    path: deploy/eu-west/shop\n  destination:\n    namespace: shop\n")
    (tmp_path / "deploy/eu-west/shop").mkdir(parents=True)
    (tmp_path / "deploy/eu-west/shop/kustomization.yaml").write_text(k)
    (tmp_path / "shop.yaml").write_text(app)
    assert main(["apps", "check", str(tmp_path)]) == 0
    assert 'layout: "apps/{env}"' in capsys.readouterr().out
    assert main(["tree", str(tmp_path)]) == 0
    assert "layout:" in capsys.readouterr().out
    (tmp_path / ".kpy.yaml").write_text('layout: "deploy/{env}/{workload}"\n')
    assert coverage(tmp_path) == [{"workload": "shop", "env": "eu-west", "path": "deploy/eu-west/shop",
                                   "apps": ["shop-eu"]}]
    assert main(["tree", str(tmp_path)]) == 0
    assert "shop" in capsys.readouterr().out


def test_envs_folder_layout_is_recognised(tmp_path):
    k = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n"
    for env in ("qa", "prod-eu"):
        (tmp_path / "envs" / env).mkdir(parents=True)
        (tmp_path / "envs" / env / "kustomization.yml").write_text(k)
    tree = repo_tree(tmp_path)
    assert tree["environments"] == ["qa", "prod-eu"]


def test_tree_matrix_wraps_to_the_terminal():
    from kustomize_py.repo.tree import format_text

    envs = [f"environment-{i:02d}" for i in range(12)]
    tree = {"environments": envs, "workloads": {"web": {e: {"path": f"web/overlays/{e}"} for e in envs[::2]}}}
    lines = format_text(tree, width=80).split("\n\nweb\n")[0].splitlines()
    assert max(len(line) for line in lines) <= 80
    assert sum(line.startswith("WORKLOAD") for line in lines) == 3  # three blocks of four columns
    assert "environment-11" in "".join(lines)
