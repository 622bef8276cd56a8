"""Rendering many overlays in one process: discovery rule, shared parse cache, errors, `--all`."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from kustomize_py.errors import KpyError
from kustomize_py.multi import build_all, find_overlays, output_name, write_all
from kustomize_py.pipeline import build

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
import generate  # noqa: E402


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  k: v\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    _write(tmp_path / "base" / "kustomization.yaml", "resources:\n- cm.yaml\n")
    _write(tmp_path / "base" / "cm.yaml", CM.format(name="shared"))
    _write(tmp_path / "comp" / "kustomization.yaml",
           "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonAnnotations:\n  c: x\n")
    for env in ("dev", "prod"):
        _write(tmp_path / "overlays" / env / "kustomization.yaml",
               f"resources:\n- ../../base\ncomponents:\n- ../../comp\nnamePrefix: {env}-\nnamespace: {env}\n")
    _write(tmp_path / "lone" / "kustomization.yml", "resources:\n- cm.yaml\n")
    _write(tmp_path / "lone" / "cm.yaml", CM.format(name="lone"))
    _write(tmp_path / ".hidden" / "kustomization.yaml", "resources: []\n")
    return tmp_path


def test_find_overlays_skips_bases_components_and_hidden(repo: Path) -> None:
    found = [p.relative_to(repo.resolve()).as_posix() for p in find_overlays(repo)]
    assert found == ["lone", "overlays/dev", "overlays/prod"]


def test_output_name_mirrors_path(repo: Path) -> None:
    assert output_name(repo, repo / "overlays" / "prod") == "overlays__prod.yaml"


def test_build_all_matches_single_builds(repo: Path) -> None:
    results = build_all(repo)
    assert len(results) == 3
    for overlay, res in results.items():
        assert not isinstance(res, KpyError), res
        assert res.yaml == build(overlay).yaml
    prod = results[(repo / "overlays" / "prod").resolve()].yaml
    assert "name: prod-shared" in prod and "namespace: prod" in prod


def test_shared_cache_does_not_leak_mutations(tmp_path: Path) -> None:
    # both overlays read the same base file; the first one's prefix must not show in the second
    overlays = generate.many_overlays(tmp_path, workloads=1)
    results = build_all(tmp_path)
    for ov in overlays:
        assert results[ov.resolve()].yaml == build(ov).yaml
    dev = results[overlays[0].resolve()].yaml
    assert "staging-" not in dev and "prod-" not in dev


def test_errors_are_per_overlay(repo: Path) -> None:
    _write(repo / "broken" / "kustomization.yaml", "resources:\n- missing.yaml\n")
    progress: list[tuple[int, int]] = []
    results = build_all(repo, on_progress=lambda d, t, _p: progress.append((d, t)))
    assert isinstance(results[(repo / "broken").resolve()], KpyError)
    assert sum(not isinstance(r, KpyError) for r in results.values()) == 3
    assert progress == [(1, 4), (2, 4), (3, 4), (4, 4)]
    written = write_all(repo, results, repo / "out")
    assert sorted(p.name for p in written) == ["lone.yaml", "overlays__dev.yaml", "overlays__prod.yaml"]


def test_parallel_jobs_give_same_output(repo: Path) -> None:
    one = {k: v.yaml for k, v in build_all(repo).items()}
    two = {k: v.yaml for k, v in build_all(repo, jobs=2).items()}
    assert one == two


def test_cli_all_writes_files_and_fails_on_any_error(repo: Path) -> None:
    from kustomize_py.cli import main

    out = repo / "out"
    assert main(["build", "--all", str(repo), "-o", str(out)]) == 0
    assert (out / "overlays__dev.yaml").read_text() == build(repo / "overlays" / "dev").yaml
    _write(repo / "broken" / "kustomization.yaml", "resources:\n- missing.yaml\n")
    assert main(["build", "--all", str(repo), "-o", str(out)]) == 1
    assert not (out / "broken.yaml").exists()


def test_benchmark_quick_smoke(tmp_path: Path) -> None:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick", "--no-reference",
                           "--workdir", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "big-overlay N=5" in proc.stdout and "many-6-overlays" in proc.stdout
    assert time.perf_counter() - start < 30


@pytest.mark.parametrize("name", ["defaults.yaml", "cluster_scoped.yaml"])
def test_bundled_field_spec_data_reads_as_with_kustomize_rules(name: str) -> None:
    # load_data takes libyaml's fast path for start-up speed; it must agree with our own loader
    from importlib import resources

    from kustomize_py.fieldspecs import load_data
    from kustomize_py.yaml import load

    text = resources.files("kustomize_py.fieldspecs").joinpath(name).read_text(encoding="utf-8")
    assert load_data(name) == load(text, name)


def test_shared_parse_cache_keeps_blank_values(tmp_path):
    """A base file with a blank value (`args:`) renders the same alone and from the shared cache:
    strategic merge drops blank fields, so the cache must keep the loader's record of them."""
    import kustomize_py
    from kustomize_py.multi import build_all

    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "dep.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  template:\n    spec:\n"
        "      containers:\n      - name: c\n        image: i\n        args:\n")
    (tmp_path / "base" / "kustomization.yaml").write_text("resources: [dep.yaml]\n")
    patch = ("patches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: x\n"
             "    spec:\n      template:\n        spec:\n          containers:\n          - name: c\n            image: j\n")
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "kustomization.yaml").write_text("resources: [../base]\n" + patch)
    alone = kustomize_py.build(tmp_path / "a").yaml
    assert "args" not in alone
    results = build_all(tmp_path)
    assert len(results) == 2
    assert all(r.yaml == alone for r in results.values())


def test_two_overlays_never_share_an_output_file(tmp_path: Path) -> None:
    from kustomize_py.errors import KpyError

    for rel in ("a__b", "a/b"):
        d = tmp_path / rel
        d.mkdir(parents=True)
        (d / "kustomization.yaml").write_text("namePrefix: p-\nresources: [cm.yaml]\n")
        (d / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    results = build_all(tmp_path)
    with pytest.raises(KpyError, match="would both be written to a__b.yaml"):
        write_all(tmp_path, results, tmp_path / "out")
    assert not (tmp_path / "out").exists()
