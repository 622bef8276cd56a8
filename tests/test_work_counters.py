"""Linear work for every feature of the benchmark matrix, checked by counting instead of timing:
each row's work counters (resources examined by lookups, resources indexed) must grow like the
number of apps. Plus the index behind them: it must select exactly what a scan selects."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from kustomize_py import work
from kustomize_py.errors import KpyError
from kustomize_py.pipeline import build
from kustomize_py.resource import Resource
from kustomize_py.resources import ResourceList
from kustomize_py.selector import literal_prefix, select
from kustomize_py.transformers.images import set_image_list, set_images

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
import matrix_trees  # noqa: E402

SMALL, LARGE = 15, 60  # 4x the apps: linear work is 4x, a scan per app would be 16x


def _counts(tmp_path: Path, row: str, n: int) -> tuple[dict[str, int], str]:
    overlay = matrix_trees.ROWS[row](tmp_path / f"{n}", n)
    helm = {"enable_helm": True, "helm_command": str(overlay / "helm")} if matrix_trees.helm_args(overlay) else {}
    with work.counting() as counts:
        out = build(overlay, **helm).yaml
    return dict(counts), out


@pytest.mark.parametrize("row", list(matrix_trees.ROWS))
def test_matrix_row_work_grows_linearly(tmp_path: Path, row: str) -> None:
    small, _ = _counts(tmp_path, row, SMALL)
    large, out = _counts(tmp_path, row, LARGE)
    assert "app-00059" in out  # the tree was built, every app in it
    assert large.get("indexed", 0) >= 4 * SMALL  # the counters are on
    for what in set(small) | set(large):
        ratio = large.get(what, 0) / max(small.get(what, 0), 1)
        assert ratio <= 4 * 1.25, f"{row}: {what} grew x{ratio:.1f} for x4 apps ({small} -> {large})"


REFERENCE = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33"


@pytest.mark.parametrize("row", list(matrix_trees.ROWS))
def test_matrix_row_output_matches_reference(tmp_path: Path, row: str) -> None:
    """Each row's tree (small) renders as the reference renders it: the benchmark compares like
    with like, and the index changes no output."""
    import os
    import subprocess

    if not os.path.exists(REFERENCE):
        pytest.skip("reference kustomize (kubectl 1.33) not installed")
    overlay = matrix_trees.ROWS[row](tmp_path, 4)
    args = matrix_trees.helm_args(overlay)
    helm = {"enable_helm": True, "helm_command": str(overlay / "helm")} if args else {}
    done = subprocess.run([REFERENCE, "kustomize", *args, str(overlay)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert build(overlay, warn=lambda msg: None, **helm).yaml == done.stdout


def test_counters_cost_nothing_when_off(tmp_path: Path) -> None:
    overlay = matrix_trees.ROWS["patches SMP, name target"](tmp_path, 3)
    build(overlay)
    assert work.counts is None


def test_a_scan_per_patch_would_fail_the_check(tmp_path: Path) -> None:
    """The check catches a quadratic path: selecting from a plain list (a scan) counts every
    resource once per patch."""
    items = [Resource({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"c{i}"}}) for i in range(40)]
    with work.counting() as scan:
        for i in range(40):
            select(items, {"kind": "ConfigMap", "name": f"c{i}"})
    with work.counting() as indexed:
        rl = ResourceList(items)
        for i in range(40):
            select(rl, {"kind": "ConfigMap", "name": f"c{i}"})
    assert scan["examined"] == 40 * 40
    assert indexed["examined"] == 40


# -- the index selects what a scan selects -------------------------------------------------------

def _resources(rng: random.Random) -> list[Resource]:
    out = []
    for i in range(60):
        kind = rng.choice(["Deployment", "ConfigMap", "Service"])
        api = "apps/v1" if kind == "Deployment" else "v1"
        meta = {"name": f"{rng.choice(['web', 'api', 'db'])}-{i}", "labels": {"app": rng.choice(["a", "b", "c"])},
                "annotations": {"tier": rng.choice(["x", "y"])}}
        if rng.random() < 0.5:
            meta["namespace"] = rng.choice(["prod", "dev"])
        if rng.random() < 0.1:
            meta["labels"]["app"] = 7  # not a string: compared by its text
        res = Resource({"apiVersion": api, "kind": kind, "metadata": meta})
        if rng.random() < 0.3:  # renamed once
            res.store_previous_id()
            res.set_name("renamed-" + meta["name"])
        out.append(res)
    return out


SELECTORS = [
    {"kind": "Deployment"}, {"name": "web-1"}, {"name": "web-1.*"}, {"name": "(web|api)-1"},
    {"name": "renamed-web-[0-9]"}, {"name": "api-?1"}, {"kind": "ConfigMap", "name": "db-.*"},
    {"labelSelector": "app=a"}, {"labelSelector": "app in (b)"}, {"labelSelector": "app=7"},
    {"labelSelector": "app!=a"}, {"annotationSelector": "tier=y", "kind": "Service"},
    {"labelSelector": "app=a,!nothing"}, {"namespace": "prod", "kind": "Service"}, {},
]


@pytest.mark.parametrize("seed", range(5))
def test_index_selects_what_a_scan_selects(seed: int) -> None:
    resources = _resources(random.Random(seed))
    rl = ResourceList(resources)
    for sel in SELECTORS:
        assert select(rl, sel) == select(list(resources), sel), sel


def test_index_follows_changes_reported_to_reindex() -> None:
    resources = _resources(random.Random(9))
    rl = ResourceList(resources)
    select(rl, {"name": "x"})  # build the index
    target = next(r for r in resources if r.kind == "Deployment")
    target.store_previous_id()
    target.set_name("moved")
    target.obj["metadata"]["labels"] = {"app": "z"}
    rl.reindex([target])
    assert select(rl, {"name": "moved"}) == [target]
    assert select(rl, {"labelSelector": "app=z"}) == [target]
    assert rl.get_current(target.id) is target
    for sel in SELECTORS:
        assert select(rl, sel) == select(list(resources), sel), sel


def test_incremental_reindex_raises_like_a_rebuild() -> None:
    a = Resource({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}})
    b = Resource({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}})
    rl = ResourceList([a, b])
    a.set_name("b")
    with pytest.raises(KpyError) as incremental:
        rl.reindex([a])
    a.set_name("b")
    with pytest.raises(KpyError) as full:
        ResourceList([a, b])
    assert incremental.value.message == full.value.message


def test_incremental_reindex_drops_emptied_resources() -> None:
    a = Resource({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}})
    b = Resource({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}})
    rl = ResourceList([a, b])
    a.obj = {}
    rl.reindex([a])
    assert rl.items == [b]


@pytest.mark.parametrize("pattern,prefix", [("web-1", "web-1"), ("web-1.*", "web-1"), ("web-1?", "web-"),
                                            ("a|b", ""), ("(web)-1", ""), ("web{2}", "we"), ("w\\.x", "w"),
                                            ("web*x", "we"), ("[a-z]+", "")])
def test_literal_prefix(pattern: str, prefix: str) -> None:
    assert literal_prefix(pattern) == prefix


def _pod(image: str) -> Resource:
    return Resource({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
                     "spec": {"template": {"spec": {"containers": [{"name": "c", "image": image}]}}}})


IMAGE_ENTRIES = [
    {"name": "nginx", "tagSuffix": "-x"},  # applied once per visit of the field (twice here)
    {"name": "nginx", "newName": "reg.io/nginx"},
    {"name": "reg.io/nginx", "newTag": "2"},
    {"name": "reg.io/ngin.", "digest": "sha256:abc"},
    {"name": "re..io/nginx", "newName": "other"},
    {"name": "oth(er)?", "newTag": "3"},
    {"name": "busybox", "newName": "nginx"},
    {"name": "nginx", "newTag": "4"},
]


@pytest.mark.parametrize("image", ["nginx", "nginx:1.0", "nginx@sha256:x", "busybox:1", "reg.io/nginx:1",
                                   "regXio/nginx", "other:1", "unrelated:1", "nginx:a:b"])
def test_images_in_one_pass_equal_one_entry_at_a_time(image: str) -> None:
    from kustomize_py.fieldspecs.config import default_config

    specs = default_config().get("images")
    one, each = _pod(image), _pod(image)
    set_image_list([one], IMAGE_ENTRIES, specs)
    for entry in IMAGE_ENTRIES:
        set_images([each], entry, specs)
    assert one.obj == each.obj


def test_prefix_search_follows_renames() -> None:
    resources = _resources(random.Random(3))
    rl = ResourceList(resources)
    assert select(rl, {"name": "web-1.*"}) == select(list(resources), {"name": "web-1.*"})  # sorts the names
    for res in resources[:20]:
        res.store_previous_id()
        res.set_name("web-1-moved-" + res.name)
    rl.reindex(resources[:20])
    for sel in ({"name": "web-1.*"}, {"name": "web-1-moved-.*"}, {"name": "renamed-.*"}):
        assert select(rl, sel) == select(list(resources), sel), sel
    resources[0].obj = {}
    rl.reindex([resources[0]])
    assert select(rl, {"name": "web-1.*"}) == select(rl.items, {"name": "web-1.*"})
