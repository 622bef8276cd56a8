"""The library contract (docs/api.md): in-memory builds equal disk builds and read nothing from disk,
one options object, errors with a class and a place, concurrent builds share nothing, the public
API type-checks for a strict user, and the pytest plugin the package ships."""

from __future__ import annotations

import os
import pickle
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import kustomize_py
from kustomize_py import BuildOptions, ParseCache, Symlink, build, build_all
from kustomize_py.errors import (
    GeneratorError,
    KpyError,
    KustomizationError,
    LoadError,
    LoadRestrictionError,
    RemoteError,
    YamlError,
)
from kustomize_py.filesys import MemoryFS, read_tree
from kustomize_py.multi import find_overlays

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "assets"
CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  k: v\n"
TREE = {
    "base/kustomization.yaml": "resources:\n- cm.yaml\n",
    "base/cm.yaml": CM.format(name="settings"),
    "dev/kustomization.yaml": "resources:\n- ../base\nnamePrefix: dev-\nnamespace: dev\n",
    "prod/kustomization.yaml": "resources:\n- ../base\nnamePrefix: prod-\ncommonLabels:\n  env: prod\n",
}


def _write_tree(root: Path, tree: dict[str, str | bytes | Symlink]) -> None:
    for rel, content in tree.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Symlink):
            path.symlink_to(content.target)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def _failure(path: str | Path, **kwargs: object) -> KpyError:
    with pytest.raises(KpyError) as info:
        build(path, **kwargs)  # type: ignore[arg-type]
    return info.value


# -- in-memory builds ---------------------------------------------------------------------------------


def test_in_memory_builds_of_every_example_overlay_equal_the_disk_builds() -> None:
    tree = read_tree(EXAMPLES)
    overlays = find_overlays(EXAMPLES)
    assert len(overlays) >= 10
    in_memory = build_all(".", files=tree)
    assert sorted(in_memory) == sorted(Path(os.path.relpath(ov, EXAMPLES.resolve())) for ov in overlays)
    for overlay in overlays:
        rel = os.path.relpath(overlay, EXAMPLES.resolve())
        disk = build(overlay).yaml
        assert build(rel, files=tree).yaml == disk, rel
        result = in_memory[Path(rel)]
        assert not isinstance(result, KpyError) and result.yaml == disk, rel


def test_an_in_memory_build_reads_nothing_from_disk(tmp_path: Path) -> None:
    # the same absolute paths hold other files on disk: the mapping alone is what gets built
    _write_tree(tmp_path, {**TREE, "base/cm.yaml": CM.format(name="from-disk")})
    tree = {**TREE, "base/kustomization.yaml": "resources:\n- cm.yaml\n- extra.yaml\n",
            "base/extra.yaml": CM.format(name="only-in-memory")}
    result = build("dev", files=MemoryFS(tree, root=str(tmp_path)))
    assert [o["metadata"]["name"] for o in result.objects] == ["dev-only-in-memory", "dev-settings"]
    err = _failure(tmp_path / "dev", files={"dev/kustomization.yaml": "resources:\n- ../base\n"})
    assert isinstance(err, LoadError)  # base/ exists on disk, but not in the mapping


def test_load_restrictions_apply_inside_the_mapping() -> None:
    tree = {"app/kustomization.yaml": "resources:\n- ../shared/cm.yaml\n", "shared/cm.yaml": CM.format(name="s")}
    err = _failure("app", files=tree)
    assert isinstance(err, LoadRestrictionError)
    assert (err.path, err.field, err.line, err.column) == ("/app/kustomization.yaml", "resources", 2, 3)
    assert "security; file '/shared/cm.yaml' is not in or below '/app'" in str(err)
    relaxed = build("app", files=tree, load_restrictor="LoadRestrictionsNone")
    assert [o["metadata"]["name"] for o in relaxed.objects] == ["s"]


@pytest.mark.parametrize(("link", "expected"), [("../shared/cm.yaml", "LoadRestrictionError"), ("inner/cm.yaml", "ok"),
                                              ("cm.yaml", "LoadError")])  # the last one a loop
def test_symlinks_in_the_mapping_follow_the_disk_rules(tmp_path: Path, link: str, expected: str) -> None:
    tree: dict[str, str | bytes | Symlink] = {
        "app/kustomization.yaml": "resources:\n- cm.yaml\n", "app/cm.yaml": Symlink(link),
        "app/inner/cm.yaml": CM.format(name="inner"), "shared/cm.yaml": CM.format(name="shared")}
    _write_tree(tmp_path, tree)
    memory = MemoryFS(tree, root=os.path.realpath(tmp_path))

    def outcome(**kwargs: object) -> tuple[str, str]:
        try:
            return "ok", build(**kwargs).yaml  # type: ignore[arg-type]
        except KpyError as err:
            return type(err).__name__, str(err)

    disk = outcome(path=tmp_path / "app")
    assert outcome(path="app", files=memory) == disk
    assert disk[0] == expected


def test_remote_bases_are_refused_in_memory_unless_allowed() -> None:
    tree = {"kustomization.yaml": "resources:\n- cm.yaml\n- https://github.com/example/repo//deploy?ref=v1\n",
            "cm.yaml": CM.format(name="a")}
    err = _failure(".", files=tree)
    assert isinstance(err, RemoteError) and "refused" in err.message
    assert (err.path, err.field, err.line) == ("/kustomization.yaml", "resources", 3)
    # and on disk when the caller says so
    refused = _failure("https://github.com/example/repo//deploy", allow_remote=False)
    assert isinstance(refused, RemoteError) and str(refused).endswith("refused: allow_remote=False")


def test_helm_charts_need_a_directory_on_disk() -> None:
    tree = {"kustomization.yaml": "helmCharts:\n- name: minecraft\n  repo: https://example.com/charts\n"}
    err = _failure(".", files=tree, enable_helm=True)
    assert isinstance(err, GeneratorError) and err.field == "helmCharts" and err.line == 1


def test_mapping_keys_and_values_are_checked() -> None:
    with pytest.raises(ValueError, match="relative path"):
        build(".", files={"../x.yaml": ""})
    with pytest.raises(TypeError, match="str, bytes or Symlink"):
        build(".", files={"x.yaml": 1})  # type: ignore[dict-item]


# -- options ------------------------------------------------------------------------------------------


def test_build_takes_one_options_object_and_keyword_shorthands() -> None:
    tree = {"app/kustomization.yaml": "resources:\n- ../cm.yaml\ncommonLabels:\n  a: b\n", "cm.yaml": CM.format(name="c")}
    seen: list[str] = []
    options = BuildOptions(load_restrictor="LoadRestrictionsNone", warn=seen.append)
    result = build("app", files=tree, options=options)
    assert [o["metadata"]["name"] for o in result.objects] == ["c"]
    assert seen and "'commonLabels' is deprecated" in seen[0] and result.warnings == []
    # a shorthand overrides the one option it names; the options object is left as it was
    assert isinstance(_failure("app", files=tree, options=options, load_restrictor="LoadRestrictionsRootOnly"),
                      LoadRestrictionError)
    assert options == BuildOptions(load_restrictor="LoadRestrictionsNone", warn=seen.append)
    # without a callback the warnings stay with the result
    quiet = build("app", files=tree, options=options.replace(warn=None))
    assert "'commonLabels' is deprecated" in quiet.warnings[0]


def test_options_are_frozen_and_checked() -> None:
    options = BuildOptions()
    with pytest.raises(AttributeError, match="frozen"):
        options.enable_helm = True  # type: ignore[misc]
    with pytest.raises(TypeError, match="unknown build option"):
        options.replace(enable_helmet=True)
    with pytest.raises(ValueError, match="unknown load restrictor"):
        BuildOptions(load_restrictor="LoadRestrictionsSome")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        build(".", files=TREE, enable_helmet=True)  # type: ignore[call-arg]
    assert pickle.loads(pickle.dumps(BuildOptions(helm_api_versions=["a/v1"]))) == BuildOptions(
        helm_api_versions=("a/v1",))


# -- errors -------------------------------------------------------------------------------------------


def test_kustomization_errors_carry_field_line_and_column() -> None:
    err = _failure(".", files={"kustomization.yaml": "resources:\n- cm.yaml\nnamePrefx: a-\n", "cm.yaml": CM})
    assert isinstance(err, KustomizationError)
    assert (err.path, err.field, err.line, err.column) == ("/kustomization.yaml", "namePrefx", 3, 1)
    assert str(err) == '/kustomization.yaml: invalid Kustomization: json: unknown field "namePrefx"'
    err = _failure(".", files={"kustomization.yaml": "resources:\n- cm.yaml\nsortOptions:\n  order: random\n",
                               "cm.yaml": CM.format(name="a")})
    assert (type(err), err.field, err.line, err.column) == (KustomizationError, "sortOptions.order", 4, 3)


def test_yaml_errors_carry_file_and_line() -> None:
    err = _failure(".", files={"kustomization.yaml": "resources:\n- cm.yaml\n",
                               "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [a\n"})
    assert isinstance(err, YamlError) and err.path == "/cm.yaml"
    assert err.line == 3 and "yaml: line 3: did not find expected ',' or ']'" in str(err)  # go-yaml's count


def test_a_missing_file_is_placed_at_the_entry_that_names_it() -> None:
    err = _failure(".", files={"kustomization.yaml": "namespace: a\nresources:\n  - a.yaml\n  - b.yaml\n",
                               "a.yaml": CM.format(name="a")})
    assert isinstance(err, LoadError)
    assert (err.path, err.field, err.line, err.column) == ("/kustomization.yaml", "resources", 4, 5)
    # the text is the reference's, naming the directory as before
    assert str(err).startswith("/: accumulating resources: accumulation err='accumulating resources from 'b.yaml'")


def test_errors_survive_pickling_with_their_place() -> None:
    err = _failure(".", files={"kustomization.yaml": "resources:\n- cm.yaml\n"})
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is type(err) and str(copy) == str(err)
    assert (copy.path, copy.field, copy.line, copy.column) == (err.path, err.field, err.line, err.column)


# -- threads ------------------------------------------------------------------------------------------


def test_concurrent_builds_share_nothing(tmp_path: Path) -> None:
    _write_tree(tmp_path, TREE)
    overlay = EXAMPLES / "grafana" / "overlays" / "staging"
    expected = {
        "disk": build(overlay).yaml,
        "memory": build("dev", files=TREE).yaml,
        "all": {str(k): v.yaml for k, v in build_all(tmp_path).items() if not isinstance(v, KpyError)},
        "error": str(_failure("prod", files={**TREE, "base/cm.yaml": "a: [b\n"})),
    }
    shared_cache = ParseCache()
    shared_options = BuildOptions(warn=None)
    start = threading.Barrier(8)

    def work(i: int) -> list[object]:
        start.wait()
        out: list[object] = []
        for _ in range(3):
            out.append(("disk", build(overlay, cache=shared_cache if i % 2 else None).yaml))
            out.append(("memory", build("dev", files=TREE, options=shared_options, cache=shared_cache).yaml))
            everything = build_all(tmp_path)
            out.append(("all", {str(k): v.yaml for k, v in everything.items() if not isinstance(v, KpyError)}))
            try:
                build("prod", files={**TREE, "base/cm.yaml": "a: [b\n"}, cache=shared_cache)
            except YamlError as err:
                out.append(("error", str(err)))
        return out

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(8)))
    for outcomes in results:
        assert len(outcomes) == 12
        for kind, value in outcomes:  # type: ignore[misc]
            assert value == expected[kind], kind
    assert len(shared_cache) >= 2


# -- types and the plugin ----------------------------------------------------------------------------


def test_public_api_type_checks_for_a_strict_user(tmp_path: Path) -> None:
    api = pytest.importorskip("mypy.api")
    script = REPO / "tests" / "fixtures" / "api" / "typed_usage.py"
    common = ["--strict", "--follow-imports=silent", "--cache-dir", str(tmp_path / "cache"), "--no-error-summary"]
    stdout, stderr, status = api.run([*common, str(script)])
    assert status == 0, stdout + stderr
    wrong = tmp_path / "wrong.py"  # the types are precise enough to catch mistakes
    wrong.write_text("from kustomize_py import BuildOptions, build\n"
                     "build('.', load_restrictor='LoadRestrictionsSome')\n"
                     "BuildOptions(warn=print).replace()\nBuildOptions(warn=len)\n"
                     "x: int = build('.').yaml\n")
    stdout, _, status = api.run([*common, str(wrong)])
    assert status == 1
    assert [line.split(":")[1] for line in stdout.splitlines() if ": error:" in line] == ["2", "4", "5"], stdout


def test_the_typed_usage_script_runs() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("typed_usage", REPO / "tests" / "fixtures" / "api" / "typed_usage.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main() == 0


def test_the_plugin_is_declared_as_a_pytest11_entry_point() -> None:
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    module = project["project"]["entry-points"]["pytest11"]["kustomize_py"]
    assert module == "kustomize_py.pytest_plugin"
    plugin = __import__(module, fromlist=["kustomize"])
    assert callable(plugin.kustomize)


def test_the_kustomize_fixture_builds_overlays_and_trees(kustomize) -> None:  # type: ignore[no-untyped-def]
    staging = kustomize.build(EXAMPLES / "grafana" / "overlays" / "staging")
    assert kustomize.one(staging, "Deployment", "grafana-staging")["kind"] == "Deployment"
    tree = kustomize.build_tree(TREE, "prod")
    assert kustomize.names(tree) == ["prod-settings"]
    assert kustomize.one(tree, "ConfigMap", "prod-settings")["metadata"]["labels"] == {"env": "prod"}
    assert kustomize.find(tree, kind="Secret") == []
    with pytest.raises(pytest.fail.Exception, match="expected one ConfigMap 'dev-settings', found 0"):
        kustomize.one(tree, "ConfigMap", "dev-settings")
    with pytest.raises(LoadRestrictionError):
        kustomize.build_tree({"app/kustomization.yaml": "resources:\n- ../x.yaml\n", "x.yaml": CM}, "app")


def test_public_names_are_exported() -> None:
    for name in kustomize_py.__all__:
        assert getattr(kustomize_py, name) is not None


def test_locate_finds_fields_indexes_and_list_entries() -> None:
    from kustomize_py.locate import find

    text = ("kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n"
            "        image: x\n---\nbases:\n- ../base\n")
    assert find(text, "spec.template.spec.containers[0].image") == (7, 9)
    assert find(text, "spec.template.spec.containers[1]") is None
    assert find(text, "resources", "../base") == (10, 3)  # `bases:` entries are folded into resources
    assert find(text, "kind") == (1, 1) and find("a: [", "a") is None
