"""Unit tests of the rendering core: kustomization model, load restrictions, ids, transformers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import kustomize_py
from kustomize_py.errors import CycleError, KpyError, KustomizationError, LoadRestrictionError
from kustomize_py.fieldspecs import FieldSpec
from kustomize_py.fieldspecs.spec import MAP, SCALAR, split_path
from kustomize_py.kustomization import from_dict
from kustomize_py.loader import Loader, tidy, within
from kustomize_py.resource import Resource, id_of
from kustomize_py.transformers.images import new_image, split_image
from kustomize_py.transformers.sort import sort_resources
from tests.transformer_fixtures import reference_error


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  k: v\n"
DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: app
        image: nginx:1.0
        envFrom:
        - configMapRef:
            name: cfg
"""


# -- kustomization model ------------------------------------------------------------------------

def test_unknown_field_is_rejected_with_its_name():
    with pytest.raises(KustomizationError, match='unknown field "namePrefx"'):
        from_dict({"namePrefx": "a-"}, "k.yaml")


def test_field_names_match_case_insensitively_like_the_reference():
    k = from_dict({"nameprefix": "a-", "RESOURCES": ["x.yaml"]})
    assert k.get("namePrefix") == "a-"
    assert k.get("resources") == ["x.yaml"]


def test_deprecated_fields_are_folded_into_their_replacements():
    k = from_dict({"resources": ["a.yaml"], "bases": ["../base"], "imageTags": [{"name": "x", "newTag": "2"}],
                   "configMapGenerator": [{"name": "c", "env": "a.env"}]})
    assert k.get("resources") == ["a.yaml", "../base"]
    assert k.get("images") == [{"name": "x", "newTag": "2"}]
    assert k.get("configMapGenerator")[0]["envs"] == ["a.env"]
    assert any("'bases' is deprecated" in w for w in k.warnings)


def test_empty_kustomization_and_wrong_kind_are_errors():
    with pytest.raises(KustomizationError, match="empty"):
        from_dict({"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization"})
    with pytest.raises(KustomizationError, match="kind should be"):
        from_dict({"kind": "Deployment", "resources": ["a.yaml"]})


def test_several_kustomization_files_are_an_error(tmp_path):
    write(tmp_path, {"kustomization.yaml": "resources: []\nnamePrefix: a\n", "kustomization.yml": "namePrefix: b\n"})
    with pytest.raises(KustomizationError, match="multiple kustomization files"):
        kustomize_py.build(tmp_path)


def test_missing_kustomization_names_the_directory(tmp_path):
    with pytest.raises(KustomizationError, match=str(tmp_path)):
        kustomize_py.build(tmp_path)


# -- load restrictions --------------------------------------------------------------------------

def test_files_outside_the_root_are_refused(tmp_path):
    write(tmp_path, {"secret.yaml": CM.format(name="outside"),
                     "app/kustomization.yaml": "resources:\n- ../secret.yaml\n"})
    with pytest.raises(KpyError, match="is not in or below"):
        kustomize_py.build(tmp_path / "app")


def test_absolute_paths_are_refused(tmp_path):
    write(tmp_path, {"secret.yaml": CM.format(name="outside")})
    write(tmp_path, {"app/kustomization.yaml": f"resources:\n- {tmp_path / 'secret.yaml'}\n"})
    with pytest.raises(KpyError, match="not in or below|cannot be absolute"):
        kustomize_py.build(tmp_path / "app")


def test_symlink_escaping_the_root_is_refused(tmp_path):
    write(tmp_path, {"secret.yaml": CM.format(name="outside"), "app/kustomization.yaml": "resources:\n- link.yaml\n"})
    os.symlink(tmp_path / "secret.yaml", tmp_path / "app" / "link.yaml")
    with pytest.raises(LoadRestrictionError):
        kustomize_py.build(tmp_path / "app")


def test_one_builds_realpaths_match_the_library(tmp_path, monkeypatch):
    # DiskFS.for_build() remembers directories' real paths and lstats only the last component:
    # links anywhere (last part, directory part, chains, loops, dangling) resolve as os.path.realpath.
    from kustomize_py.filesys import DiskFS

    root = Path(os.path.realpath(tmp_path))
    write(root, {"a/b/f.yaml": "x", "outside.yaml": "y"})
    links = {"a/link.yaml": root / "outside.yaml", "a/dirlink": root / "a" / "b", "a/chain": root / "a" / "dirlink",
             "a/loop1": root / "a" / "loop2", "a/loop2": root / "a" / "loop1", "a/dangling": root / "nope",
             "a/b/up": Path("..")}
    for name, target in links.items():
        os.symlink(target, root / name)
    rels = ["a/b/f.yaml", "a/link.yaml", "a/dirlink/f.yaml", "a/chain/f.yaml", "a/chain", "a/loop1", "a/loop1/x",
            "a/dangling", "a/dangling/x/y", "a/missing/x", "a/b/f.yaml/x", "a/b/up/b/f.yaml", "a/b/up/link.yaml",
            "a/b/../link.yaml", "a/./b", "a//b/f.yaml", "a/b/", "a/dirlink/up/dirlink/f.yaml"]
    fs = DiskFS.for_build()
    for _ in range(2):  # the second round from the remembered directories
        for rel in rels:
            assert fs.realpath(f"{root}/{rel}") == os.path.realpath(f"{root}/{rel}"), rel
    monkeypatch.chdir(root)
    assert fs.realpath("a/dirlink/f.yaml") == os.path.realpath("a/dirlink/f.yaml")


def test_entries_are_files_or_directories_whatever_their_names(tmp_path):
    # A directory named like a file and a file named like a directory; a link to a directory
    # outside the root is a base, a file through it is refused.
    write(tmp_path, {"app/cmfile": CM.format(name="a"), "app/base.yaml/kustomization.yaml": "resources:\n- cm.yaml\n",
                     "app/base.yaml/cm.yaml": CM.format(name="b"), "outside/kustomization.yaml": "resources:\n- cm.yaml\n",
                     "outside/cm.yaml": CM.format(name="o"),
                     "app/kustomization.yaml": "resources:\n- cmfile\n- base.yaml\n- linkdir\n"})
    os.symlink(tmp_path / "outside", tmp_path / "app" / "linkdir")
    assert [o["metadata"]["name"] for o in kustomize_py.build(tmp_path / "app").objects] == ["a", "b", "o"]
    write(tmp_path, {"app/kustomization.yaml": "resources:\n- linkdir/cm.yaml\n"})
    with pytest.raises(LoadRestrictionError, match="is not in or below"):
        kustomize_py.build(tmp_path / "app")


def test_refused_file_messages_use_the_cleaned_joined_path(tmp_path):
    # The reference names the path as joined to the root and cleaned (not where a link leads), then
    # fails the directory attempt with kyaml's ConfirmDir words for an existing file.
    root = Path(os.path.realpath(tmp_path))
    write(root, {"secret.yaml": CM.format(name="outside"),
                 "app/kustomization.yaml": "resources:\n- link.yaml\n- ../secret.yaml\n"})
    os.symlink(root / "secret.yaml", root / "app" / "link.yaml")
    with pytest.raises(KpyError) as err:
        kustomize_py.build(root / "app")
    assert (f"security; file '{root}/app/link.yaml' is not in or below '{root}/app'': must build at "
            f"directory: '{root}/app/link.yaml': file is not directory") in str(err.value)
    write(root, {"app/kustomization.yaml": "resources:\n- ../secret.yaml\n"})
    with pytest.raises(KpyError) as err:
        kustomize_py.build(root / "app")
    assert (f"security; file '{root}/secret.yaml' is not in or below '{root}/app'': must build at "
            f"directory: '{root}/secret.yaml': file is not directory") in str(err.value)


_CM_PATCH = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: 'nope\"x'}\ndata: {a: b}\n"


@pytest.mark.parametrize("kustomization, marker", [
    ("resources: [../dir]\n", "'"),  # a directory tried as a file: the restrictor's words
    ("configMapGenerator: [{name: x, files: [../dir]}]\n", "'"),
    ("resources: [../x/../nofile.yaml]\n", "evalsymlink"),  # missing outside the root: not a security error
    ("configMapGenerator: [{name: x, files: [../nofile]}]\n", "evalsymlink"),
    ("resources: [cm.yaml]\npatches: [{path: p.yaml}]\n", "no resource matches"),  # id quoted like Go's %q
])
def test_refused_file_messages_match_reference(tmp_path, kustomization, marker):
    reference = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33"
    if not os.access(reference, os.X_OK):
        pytest.skip("reference kustomize not installed")
    root = Path(os.path.realpath(tmp_path))
    write(root, {"dir/keep": "", "app/kustomization.yaml": kustomization,
                 "app/cm.yaml": CM.format(name="x"), "app/p.yaml": _CM_PATCH})
    proc = subprocess.run([reference, "kustomize", str(root / "app")], capture_output=True, text=True, check=False)
    assert proc.returncode != 0
    with pytest.raises(KpyError) as err:
        kustomize_py.build(root / "app")
    ours, theirs = str(err.value).strip(), proc.stderr.strip()
    assert ours[ours.index(marker):].endswith(theirs[theirs.index(marker):]), (ours, theirs)

def test_load_restrictions_none_allows_outside_files(tmp_path):
    write(tmp_path, {"cm.yaml": CM.format(name="outside"), "app/kustomization.yaml": "resources:\n- ../cm.yaml\n"})
    out = kustomize_py.build(tmp_path / "app", load_restrictor="LoadRestrictionsNone")
    assert [o["metadata"]["name"] for o in out.objects] == ["outside"]


def test_generator_env_file_outside_root_is_refused(tmp_path):
    write(tmp_path, {"x.env": "A=1\n", "app/kustomization.yaml":
                     "configMapGenerator:\n- name: c\n  envs:\n  - ../x.env\n"})
    with pytest.raises(KpyError, match="not in or below"):
        kustomize_py.build(tmp_path / "app")


def test_patch_file_outside_root_is_refused(tmp_path):
    write(tmp_path, {"p.yaml": CM.format(name="a"), "app/cm.yaml": CM.format(name="a"),
                     "app/kustomization.yaml": "resources:\n- cm.yaml\npatches:\n- path: ../p.yaml\n"})
    with pytest.raises(KpyError, match="not in or below"):
        kustomize_py.build(tmp_path / "app")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["", ".", "..", "a", "b.yaml", "/"]), max_size=7).map("/".join))
def test_loader_paths_are_spelled_as_pathlib_spells_them(path):
    # The loader handles paths as strings (pathlib costs start-up time) but must print them as
    # before. POSIX keeps exactly two leading slashes; the loader never sees such paths.
    assume(not (path.startswith("//") and not path.startswith("///")))
    assert tidy(path) == str(PurePosixPath(path))


def test_within_is_by_path_component():
    assert within("/r/a", "/r") and within("/r", "/r") and within("/x", "/")
    assert not within("/rx", "/r") and not within("/", "/r")


def test_missing_files_and_directories_are_named_like_the_reference(tmp_path):
    write(tmp_path, {"app/kustomization.yaml": "resources:\n- nope/deeper/cm.yaml\n"})
    loader = Loader.at(tmp_path / "app")
    with pytest.raises(KpyError) as err:
        loader.read_bytes("nope/deeper/cm.yaml")
    # Go's EvalSymlinks fails on the first missing component, printed absolute.
    assert err.value.message == (f"evalsymlink failure on '{tmp_path}/app/nope/deeper/cm.yaml' : "
                                 f"lstat {tmp_path}/app/nope: no such file or directory")
    with pytest.raises(KpyError, match="must build at directory: not a valid directory: evalsymlink failure"):
        Loader.at(tmp_path / "absent")
    with pytest.raises(KpyError, match="accumulating resources from 'nope/deeper/cm.yaml': evalsymlink"):
        kustomize_py.build(tmp_path / "app")


def test_cycles_are_detected(tmp_path):
    write(tmp_path, {"a/kustomization.yaml": "resources:\n- ../b\n", "b/kustomization.yaml": "resources:\n- ../a\n"})
    with pytest.raises(KpyError, match="cycle detected"):
        kustomize_py.build(tmp_path / "a")
    write(tmp_path, {"c/sub/kustomization.yaml": "resources:\n- ..\n", "c/kustomization.yaml": "resources:\n- sub\n"})
    with pytest.raises(CycleError):
        kustomize_py.build(tmp_path / "c")


def test_duplicate_ids_conflict(tmp_path):
    write(tmp_path, {"a.yaml": CM.format(name="x"), "b.yaml": CM.format(name="x"),
                     "kustomization.yaml": "resources:\n- a.yaml\n- b.yaml\n"})
    with pytest.raises(KpyError, match="already registered id"):
        kustomize_py.build(tmp_path)


def test_kind_list_items_are_expanded_after_plain_documents(tmp_path):
    lst = "apiVersion: v1\nkind: List\nitems:\n- " + CM.format(name="from-list").replace("\n", "\n  ")
    write(tmp_path, {"a.yaml": lst + "\n---\n" + CM.format(name="plain"),
                     "kustomization.yaml": "resources:\n- a.yaml\nsortOptions:\n  order: fifo\n"})
    names = [o["metadata"]["name"] for o in kustomize_py.build(tmp_path).objects]
    assert names == ["plain", "from-list"]


# -- field specs --------------------------------------------------------------------------------

def test_path_split_honours_escaped_slash():
    assert split_path("metadata/annotations/a.io\\/b") == ["metadata", "annotations", "a.io/b"]


def test_field_spec_creates_only_when_asked():
    obj = {"kind": "X", "metadata": {"name": "n"}}
    seen = []
    FieldSpec("spec/selector", create=False).apply(obj, lambda p, k: seen.append(k), MAP)
    assert seen == [] and "spec" not in obj
    FieldSpec("spec/selector", create=True).apply(obj, lambda p, k: p.__setitem__(k, {"a": "b"}), MAP)
    assert obj["spec"] == {"selector": {"a": "b"}}


def test_field_spec_walks_every_list_element():
    obj = {"spec": {"containers": [{"image": "a"}, {"image": "b"}, {"name": "no-image"}]}}
    FieldSpec("spec/containers[]/image").apply(obj, lambda p, k: p.__setitem__(k, p[k] + "!"), SCALAR)
    assert [c.get("image") for c in obj["spec"]["containers"]] == ["a!", "b!", None]


# -- transformers -------------------------------------------------------------------------------

def test_images_split_and_rewrite():
    assert split_image("reg:5000/app:1.0@sha256:abc") == ("reg:5000/app", "1.0", "sha256:abc")
    assert split_image("app@sha256:abc") == ("app", "", "sha256:abc")
    assert new_image("nginx:1.0", {"name": "nginx", "newTag": "2.0"}) == "nginx:2.0"
    assert new_image("nginx:1.0", {"name": "nginx", "newName": "my/nginx", "digest": "sha256:d"}) == "my/nginx@sha256:d"
    assert new_image("nginx-other:1.0", {"name": "nginx", "newTag": "2"}) is None


def test_sort_puts_namespaces_and_config_first():
    objs = [{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}},
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}},
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n"}},
            {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration",
             "metadata": {"name": "w"}},
            {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "x"}}]
    kinds = [r.kind for r in sort_resources([Resource(o) for o in objs], None)]
    assert kinds == ["Namespace", "ConfigMap", "Deployment", "Widget", "ValidatingWebhookConfiguration"]
    fifo = [r.kind for r in sort_resources([Resource(o) for o in objs], {"order": "fifo"})]
    assert fifo == [o["kind"] for o in objs]


def test_prefix_namespace_labels_images_replicas_and_name_references(tmp_path):
    write(tmp_path, {"d.yaml": DEPLOY, "cm.yaml": CM.format(name="cfg"),
                     "kustomization.yaml": (
                         "resources:\n- d.yaml\n- cm.yaml\nnamePrefix: p-\nnamespace: team\n"
                         "labels:\n- pairs: {tier: web}\n  includeSelectors: true\n"
                         "images:\n- name: nginx\n  newTag: '2.0'\nreplicas:\n- name: web\n  count: 3\n")})
    objs = {o["kind"]: o for o in kustomize_py.build(tmp_path).objects}
    d = objs["Deployment"]
    assert d["metadata"]["name"] == "p-web" and d["metadata"]["namespace"] == "team"
    assert d["spec"]["selector"]["matchLabels"] == {"app": "web", "tier": "web"}
    assert d["spec"]["template"]["metadata"]["labels"]["tier"] == "web"
    assert d["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:2.0"
    assert d["spec"]["replicas"] == 3
    assert d["spec"]["template"]["spec"]["containers"][0]["envFrom"][0]["configMapRef"]["name"] == "p-cfg"
    assert objs["ConfigMap"]["metadata"] == {"labels": {"tier": "web"}, "name": "p-cfg", "namespace": "team"}


def test_replicas_for_an_unknown_name_is_an_error(tmp_path):
    write(tmp_path, {"d.yaml": DEPLOY, "kustomization.yaml": "resources:\n- d.yaml\nreplicas:\n- name: nope\n  count: 2\n"})
    with pytest.raises(KpyError, match="resource with name nope"):
        kustomize_py.build(tmp_path)


def test_resource_ids_treat_empty_namespace_as_default():
    a = id_of({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}})
    b = id_of({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "default"}})
    assert a.key() == b.key()
    ns = id_of({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x", "namespace": "y"}})
    assert ns.effective_namespace == "_non_namespaceable_"


# -- CLI ----------------------------------------------------------------------------------------

def kpy(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kustomize_py", *args], capture_output=True, text=True, cwd=cwd)


def test_cli_error_is_one_line_exit_1_and_nothing_written(tmp_path):
    write(tmp_path, {"kustomization.yaml": "resources:\n- missing.yaml\n"})
    out = tmp_path / "out.yaml"
    proc = kpy("build", str(tmp_path), "-o", str(out))
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error:") and "Traceback" not in proc.stderr
    assert "missing.yaml" in proc.stderr
    assert not out.exists()


def test_cli_output_directory_gets_one_file_per_resource(tmp_path):
    write(tmp_path, {"d.yaml": DEPLOY, "cm.yaml": CM.format(name="cfg"),
                     "kustomization.yaml": "resources:\n- d.yaml\n- cm.yaml\n"})
    outdir = tmp_path / "out"
    outdir.mkdir()
    assert kpy("build", str(tmp_path), "-o", str(outdir)).returncode == 0
    assert sorted(os.listdir(outdir)) == ["apps_v1_deployment_web.yaml", "v1_configmap_cfg.yaml"]


def test_import_does_not_pull_optional_dependencies():
    code = ("import sys, kustomize_py; kustomize_py.build\n"
            "bad = [m for m in ('cryptography', 'ruamel', 'jsonschema', 'kustomize_py.sync', 'kustomize_py.sealed')"
            " if m in sys.modules]\nprint(bad)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr


@pytest.mark.parametrize("field, value, kind", [
    ("namePrefix", 123, "number"), ("namespace", True, "bool"), ("commonLabels", {"a": 1}, "number"),
])
def test_kustomization_fields_are_typed_strictly_like_the_reference(field, value, kind):
    with pytest.raises(KustomizationError, match=f"cannot unmarshal {kind} into Go struct field"):
        from_dict({field: value, "resources": ["a.yaml"]})


@pytest.mark.parametrize("field, value, message", [
    ("patches", ["a.yaml"], "cannot unmarshal string into Go struct field Kustomization.patches of type types.Patch"),
    ("replicas", [3], "cannot unmarshal number into Go struct field Kustomization.replicas of type types.Replica"),
    ("labels", [["a"]], "cannot unmarshal array into Go struct field Kustomization.labels of type types.Label"),
])
def test_kustomization_entries_that_are_not_mappings_fail_like_the_reference(field, value, message):
    # cluster-api-provider-nested lists patch files under `patches:`
    with pytest.raises(KustomizationError, match=message.replace(".", r"\.")):
        from_dict({field: value})


def test_kustomization_file_reads_yaml_1_1_booleans_like_the_reference(tmp_path):
    write(tmp_path, {"kustomization.yaml": "namespace: n\nresources: []\n"})
    with pytest.raises(KustomizationError, match="cannot unmarshal bool"):
        kustomize_py.build(tmp_path)


def test_non_mapping_annotations_are_a_clear_error(tmp_path):
    write(tmp_path, {"cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  annotations: text\n",
                     "kustomization.yaml": "resources: [cm.yaml]\n"})
    with pytest.raises(KpyError, match="metadata.annotations must be a mapping"):
        kustomize_py.build(tmp_path)


def test_records_are_unhashable_unless_frozen():
    # Record leaves __hash__ to Python's rule for classes defining __eq__ (set to None)
    from kustomize_py.options import BuildOptions, BuildState

    with pytest.raises(TypeError, match="unhashable"):
        hash(BuildState.of())
    # options are frozen (one object serves many builds at once), so they hash
    assert BuildOptions() == BuildOptions() and BuildOptions() != BuildOptions(enable_helm=True)
    assert hash(BuildOptions()) == hash(BuildOptions())
    assert hash(Loader("/a")) == hash(Loader("/a")) and Loader("/a") == Loader("/a")
    assert {Loader("/a"), Loader("/a"), Loader("/b")} == {Loader("/a"), Loader("/b")}


NESTED_FAILURES = {
    # a base of a base fails: each directory level says which path it was accumulating
    "bases": ({"ov/kustomization.yaml": "resources:\n- ../b2\n", "b2/kustomization.yaml": "resources:\n- ../b3\n",
               "b3/kustomization.yaml": "resources:\n- nope.yaml\n"},
              "accumulating resources: accumulation err='accumulating resources from '../b2': '{t}/b2' must "
              "resolve to a file': recursed accumulation of path '{t}/b2': accumulating resources: accumulation "
              "err='accumulating resources from '../b3': '{t}/b3' must resolve to a file': recursed accumulation "
              "of path '{t}/b3': accumulating resources: accumulation err='accumulating resources from "
              "'nope.yaml': evalsymlink failure on '{t}/b3/nope.yaml' : lstat {t}/b3/nope.yaml: no such file or "
              "directory': must build at directory: not a valid directory: evalsymlink failure on "
              "'{t}/b3/nope.yaml' : lstat {t}/b3/nope.yaml: no such file or directory"),
    # a component of a component fails: Go's %q quotes each nested message, escaping the inner quotes
    "components": ({"ov/kustomization.yaml": "components:\n- ../c1\n",
                    "c1/kustomization.yaml": "kind: Component\napiVersion: kustomize.config.k8s.io/v1alpha1\n"
                                             "components:\n- ../c2\n",
                    "c2/kustomization.yaml": "kind: Component\napiVersion: kustomize.config.k8s.io/v1alpha1\n"
                                             "namePrefix: [x\n"},
                   "accumulating components: accumulateDirectory: \"recursed accumulation of path '{t}/c1': "
                   "accumulating components: accumulateDirectory: \\\"couldn't make target for path '{t}/c2': "
                   "invalid Kustomization: yaml: line 3: did not find expected ',' or ']'\\\"\""),
    "missing component": ({"ov/kustomization.yaml": "components:\n- ../none\n"},
                          "accumulating components: loader.New \"must build at directory: not a valid directory: "
                          "evalsymlink failure on '{t}/none' : lstat {t}/none: no such file or directory\""),
}


@pytest.mark.parametrize("case", sorted(NESTED_FAILURES))
def test_nested_failures_say_where_like_the_reference(case: str, tmp_path: Path) -> None:
    files, expected = NESTED_FAILURES[case]
    write(tmp_path, files)
    with pytest.raises(KpyError) as err:
        kustomize_py.build(tmp_path / "ov")
    assert err.value.message == expected.format(t=tmp_path)
    reference = reference_error(tmp_path / "ov")
    if reference is not None:
        assert err.value.message == reference
