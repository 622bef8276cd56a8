"""A watch session reuses each kustomization's per-object transformer results between builds
(transformers/reuse.py). The oracle is a fresh build of the same files: after every kind of edit
the reusing build must print the same bytes, or fail with the same message."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from kustomize_py import build
from kustomize_py.errors import KpyError
from kustomize_py.watch import WatchCache
from tests.conformance.runner import cases, corpus_dir

REPO = Path(__file__).resolve().parents[1]
PER_OBJECT = {"namespace", "namePrefix", "nameSuffix", "labels", "commonLabels", "commonAnnotations", "images",
              "replicas"}


def _outcome(path: Path, cache: WatchCache | None = None) -> str:
    try:
        out = build(path, cache=cache, warn=lambda m: None).yaml
    except KpyError as err:
        out = f"error: {err}"
    if cache is not None:
        cache.sweep()
    return out


def _edits(root: Path) -> list[tuple[Path, str]]:
    """(file, new text): for each resource-like YAML file, its first object with a changed label
    and data value, then renamed."""
    out = []
    for path in sorted(root.rglob("*.y*ml")):
        if path.name.startswith("kustomization"):
            continue
        try:
            docs = list(yaml.safe_load_all(path.read_text()))
        except (yaml.YAMLError, UnicodeDecodeError):
            continue
        first = next((d for d in docs if isinstance(d, dict) and isinstance(d.get("metadata"), dict)), None)
        if first is None:
            continue
        meta = first["metadata"]
        if not isinstance(meta.get("labels") or {}, dict):
            continue
        meta["labels"] = dict(meta.get("labels") or {}, edited="yes")
        if isinstance(first.get("data"), dict):
            first["data"]["edited"] = "yes"
        out.append((path, yaml.safe_dump_all(docs, sort_keys=False)))
        if isinstance(meta.get("name"), str):
            meta["name"] += "-renamed"
            out.append((path, yaml.safe_dump_all(docs, sort_keys=False)))
    return out


def _check_edits(root: Path, entry: Path) -> dict[str, int]:
    """Every edit of `_edits` through one watch cache, each compared with a fresh build."""
    cache = WatchCache()
    first = _outcome(entry, cache)
    assert first == _outcome(entry)
    counts = {"reused": 0, "ran": 0}
    for path, text in _edits(root):
        original = path.read_text()
        path.write_text(text)
        try:
            assert _outcome(entry, cache) == _outcome(entry), f"after editing {path.relative_to(root)}"
            counts["reused"] += cache.passes.last[0]
            counts["ran"] += cache.passes.last[1]
        finally:
            path.write_text(original)
        assert _outcome(entry, cache) == first
    return counts


def _copy(src: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "tree"
    shutil.copytree(src, dst, symlinks=True)
    return dst


def test_example_overlays_rebuild_like_fresh_builds_after_each_edit(tmp_path: Path) -> None:
    root = _copy(REPO / "examples" / "assets", tmp_path)
    total = {"reused": 0, "ran": 0}
    for overlay in ("grafana/overlays/staging", "grafana/overlays/production"):
        counts = _check_edits(root / "grafana", root / overlay)
        total = {k: total[k] + counts[k] for k in total}
    assert total["reused"] > 0 and total["ran"] > 0


def test_one_edited_object_is_the_only_one_transformed_again(tmp_path: Path) -> None:
    base, overlay = tmp_path / "base", tmp_path / "overlay"
    base.mkdir()
    overlay.mkdir()
    names = []
    for i in range(20):
        (base / f"cm{i}.yaml").write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm{i}\ndata:\n  i: '{i}'\n")
        names.append(f"cm{i}.yaml")
    (base / "kustomization.yaml").write_text("resources:\n" + "".join(f"- {n}\n" for n in names))
    (overlay / "kustomization.yaml").write_text("resources:\n- ../base\nnamePrefix: p-\nnamespace: prod\n"
                                                "labels:\n- pairs: {team: a}\n  includeSelectors: true\n")
    cache = WatchCache()
    _outcome(overlay, cache)
    # two steps reuse results: the overlay's transformers, then name references (each 20 objects)
    assert cache.passes.last == (0, 40)
    (base / "cm3.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm3\ndata:\n  i: 'three'\n")
    built = _outcome(overlay, cache)
    assert cache.passes.last == (38, 2)
    assert built == _outcome(overlay)
    assert "i: three" in built and "name: p-cm3" in built
    # an edit of the kustomization itself runs the whole pass again
    (overlay / "kustomization.yaml").write_text("resources:\n- ../base\nnamePrefix: q-\nnamespace: prod\n")
    built = _outcome(overlay, cache)
    assert cache.passes.last == (0, 40)
    assert built == _outcome(overlay)


def test_an_edit_that_makes_ids_collide_fails_like_a_fresh_build(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: x\n")
    (tmp_path / "b.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: y\n")
    (tmp_path / "kustomization.yaml").write_text("resources:\n- a.yaml\n- b.yaml\nnamespace: z\n")
    cache = WatchCache()
    _outcome(tmp_path, cache)
    (tmp_path / "b.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: y\n")
    failed = _outcome(tmp_path, cache)
    assert failed.startswith("error: ") and failed == _outcome(tmp_path)
    (tmp_path / "b.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: y\n")
    assert _outcome(tmp_path, cache) == _outcome(tmp_path)


CORPUS = corpus_dir()


def _corpus_cases() -> list[dict[str, Any]]:
    if CORPUS is None:
        return []
    return [c for c in cases(CORPUS) if c["expect"] == "ok" and not c.get("options")
            and PER_OBJECT & set(c.get("features") or [])]


@pytest.mark.skipif(CORPUS is None, reason="the conformance corpus (../shared/conformance) is not here")
def test_conformance_trees_rebuild_like_fresh_builds_after_each_edit(tmp_path: Path) -> None:
    checked = reused = 0
    for case in _corpus_cases():
        work = tmp_path / case["_name"]
        files = case["_dir"] / "files"
        if not files.is_dir():
            continue
        shutil.copytree(files, work, symlinks=True)
        counts = _check_edits(work, work / case["entry"])
        checked += 1
        reused += counts["reused"]
    assert checked > 50 and reused > 0, json.dumps({"checked": checked, "reused": reused})


def test_a_generator_edit_renames_the_referral_in_unchanged_referrers(tmp_path: Path) -> None:
    (tmp_path / "app.env").write_text("LEVEL=1\n")
    (tmp_path / "deploy.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n"
        "      containers:\n      - name: c\n        envFrom:\n        - configMapRef:\n            name: conf\n")
    (tmp_path / "kustomization.yaml").write_text(
        "resources:\n- deploy.yaml\nnamePrefix: p-\nconfigMapGenerator:\n- name: conf\n  envs:\n  - app.env\n")
    cache = WatchCache()
    before = _outcome(tmp_path, cache)
    (tmp_path / "app.env").write_text("LEVEL=2\n")
    after = _outcome(tmp_path, cache)
    assert after == _outcome(tmp_path) and after != before
    new_name = next(line.split(": ")[1] for line in after.splitlines() if line.startswith("  name: p-conf-"))
    assert f"name: {new_name}" in after.split("kind: Deployment")[1]


def test_a_failed_build_keeps_the_last_good_results_for_the_next(tmp_path: Path) -> None:
    for i in range(5):
        (tmp_path / f"cm{i}.yaml").write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm{i}\n")
    (tmp_path / "kustomization.yaml").write_text(
        "resources:\n" + "".join(f"- cm{i}.yaml\n" for i in range(5)) + "namespace: ns\n")
    cache = WatchCache()
    _outcome(tmp_path, cache)
    (tmp_path / "cm0.yaml").write_text("kind: [broken\n")
    with pytest.raises(KpyError):
        build(tmp_path, cache=cache)
    cache.failed()
    (tmp_path / "cm0.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm0\ndata: {a: b}\n")
    assert _outcome(tmp_path, cache) == _outcome(tmp_path)
    assert cache.passes.last[0] == 8  # four objects reused in the pass and in name references
