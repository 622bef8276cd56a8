"""The kustomization reader/writer (kustomize_py.edit.kustfile): kustomize's kustfile test cases
(read then write back, byte for byte), its field order and comment rules, safe writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from kustomize_py.edit import kustfile
from kustomize_py.edit.kustfile import ConcurrentEditError, KustFile
from kustomize_py.errors import KustomizationError

CASES = yaml.safe_load((Path(__file__).parent / "fixtures" / "edit" / "kustfile.yaml").read_text())["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_upstream_read_then_write(case: dict, tmp_path: Path) -> None:
    name = case.get("file_name", "kustomization.yaml")
    if case["kustomization"] is not None:
        (tmp_path / name).write_text(case["kustomization"], encoding="utf-8")
    expect = case["expect"]
    if "error" in expect or "error_contains" in expect:
        with pytest.raises(KustomizationError) as err:
            kf = KustFile(str(tmp_path))
            kf.write(kf.read())
        assert (expect.get("error") or expect["error_contains"]) in err.value.message
        return
    kf = KustFile(str(tmp_path))
    assert os.path.basename(kf.path) == expect.get("path", name)
    kf.write(kf.read())
    if "equals" in expect:
        assert (tmp_path / name).read_text(encoding="utf-8") == expect["equals"]


def test_field_order_is_kustomizes() -> None:
    # kustomize's TestFieldOrder, in the kustomization's own field names.
    assert kustfile.FIELD_ORDER[:5] == ("apiVersion", "kind", "metadata", "sortOptions", "resources")
    assert kustfile.FIELD_ORDER[-3:] == ("components", "openapi", "buildMetadata")
    assert len(kustfile.FIELD_ORDER) == 33


def test_write_then_read_round_trips(tmp_path: Path) -> None:
    # kustomize's TestWriteAndRead: what is written reads back the same (after the read fixes).
    (tmp_path / "kustomization.yaml").write_text("")
    kf = KustFile(str(tmp_path))
    kf.write({"namePrefix": "prefix"})
    assert KustFile(str(tmp_path)).read() == {"namePrefix": "prefix", "kind": "Kustomization",
                                              "apiVersion": "kustomize.config.k8s.io/v1beta1"}


def test_several_kustomization_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("")
    (tmp_path / "kustomization.yml").write_text("")
    with pytest.raises(KustomizationError, match=r"Found multiple kustomization file: "
                                                 r"\[kustomization.yaml kustomization.yml\]"):
        KustFile(str(tmp_path))


def test_kustomization_that_is_a_directory(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").mkdir()
    with pytest.raises(KustomizationError, match="kustomization.yaml should be a file"):
        KustFile(str(tmp_path))


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_kustomization(tmp_path: Path) -> None:
    f = tmp_path / "kustomization.yaml"
    f.write_text("namePrefix: a-\n")
    f.chmod(0)
    with pytest.raises(KustomizationError, match="cannot read"):
        KustFile(str(tmp_path))


def test_typed_round_trip_drops_empty_and_adds_required(tmp_path: Path) -> None:
    # kustomize decodes into its Go types: empty optional fields vanish, `count` is required,
    # keys match case-insensitively, comments inside a field move above it.
    (tmp_path / "kustomization.yaml").write_text(
        "images:\n- name: a\n  newTag: ''\n  # about b\n- name: b\n  NEWTAG: v2\n"
        "replicas:\n- name: web\nresources: []\n")
    kf = KustFile(str(tmp_path))
    kf.write(kf.read())
    assert (tmp_path / "kustomization.yaml").read_text() == (
        "  # about b\nimages:\n- name: a\n- name: b\n  newTag: v2\nreplicas:\n- count: 0\n  name: web\n"
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n")


@pytest.mark.parametrize("text, message", [
    ("namePrefix: 3\n", "cannot unmarshal number into Go struct field Kustomization.namePrefix of type string"),
    ("images:\n- name: a\n  newTag: 1.5\n", "cannot unmarshal number into Go struct field Image.images.newTag of type string"),
    ("resources: a.yaml\n", "cannot unmarshal string into Go struct field Kustomization.resources of type []string"),
    ("replicas:\n- name: a\n  count: x\n", "cannot unmarshal string into Go struct field Replica.replicas.count of type int64"),
])
def test_wrong_types_fail_with_the_field(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "kustomization.yaml").write_text(text)
    with pytest.raises(KustomizationError) as err:
        KustFile(str(tmp_path)).read()
    assert message in str(err.value)
    assert str(tmp_path / "kustomization.yaml") in str(err.value)


def test_concurrent_change_is_refused_and_nothing_written(tmp_path: Path) -> None:
    f = tmp_path / "kustomization.yaml"
    f.write_text("namePrefix: a-\n")
    kf = KustFile(str(tmp_path))
    k = kf.read()
    f.write_text("namePrefix: b-\n")  # another edit lands meanwhile
    k["namePrefix"] = "c-"
    with pytest.raises(ConcurrentEditError):
        kf.write(k)
    assert f.read_text() == "namePrefix: b-\n"
    assert [p.name for p in tmp_path.iterdir()] == ["kustomization.yaml"]  # no temporary left


def test_concurrent_touch_with_same_bytes_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "kustomization.yaml"
    f.write_text("namePrefix: a-\n")
    kf = KustFile(str(tmp_path))
    k = kf.read()
    st = f.stat()
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    k["namePrefix"] = "c-"
    with pytest.raises(ConcurrentEditError):
        kf.write(k)


def test_write_is_atomic_and_keeps_mode(tmp_path: Path) -> None:
    f = tmp_path / "kustomization.yaml"
    f.write_text("namePrefix: a-\n")
    f.chmod(0o640)
    inode = f.stat().st_ino
    kf = KustFile(str(tmp_path))
    k = kf.read()
    k["namePrefix"] = "b-"
    assert kf.write(k) is True
    assert f.stat().st_ino != inode  # replaced by rename, never rewritten in place
    assert f.stat().st_mode & 0o777 == 0o640
    assert "namePrefix: b-\n" in f.read_text()


CORPUS = Path("/work/shared/conformance/krusty")


@pytest.mark.skipif(not CORPUS.is_dir(), reason="conformance corpus absent")
def test_round_trip_of_the_conformance_corpus_is_stable_and_builds_the_same(tmp_path: Path) -> None:
    # Reading and writing back every kustomization of the corpus (what each edit does before
    # its change) must keep what it builds, and a second round trip must change nothing.
    import shutil

    from kustomize_py import build

    def output(d: str) -> str:
        try:
            return build(d, warn=lambda *_: None).yaml
        except KpyError as err:
            return f"error: {err}"

    from kustomize_py.errors import KpyError

    copy = tmp_path / "krusty"
    for case in sorted(CORPUS.iterdir())[::4]:  # a quarter of the cases keeps this test short
        if case.is_dir():
            shutil.copytree(case, copy / case.name, symlinks=True)
    checked = unreadable = 0
    for root, _, files in os.walk(copy):
        if sum(n in kustfile.FILE_NAMES for n in files) != 1:
            continue
        before = output(root)
        try:
            kf = KustFile(root)
            kf.write(kf.read())
        except KustomizationError as err:
            # the same error kustomize gives: a field v5.6.0 does not know
            assert "invalid Kustomization: json: unknown field" in str(err), err
            unreadable += 1
            continue
        again = KustFile(root)
        assert again.render(again.read()) == again.text, root
        assert output(root) == before, root
        checked += 1
    assert checked > 120 and unreadable < 5


def test_a_symlinked_kustomization_is_written_through_the_link(tmp_path: Path) -> None:
    (tmp_path / "shared.yaml").write_text("namePrefix: a-\n")
    (tmp_path / "overlay").mkdir()
    (tmp_path / "overlay" / "kustomization.yaml").symlink_to("../shared.yaml")
    kf = KustFile(str(tmp_path / "overlay"))
    k = kf.read()
    k["namePrefix"] = "b-"
    kf.write(k)
    assert (tmp_path / "overlay" / "kustomization.yaml").is_symlink()
    assert "namePrefix: b-\n" in (tmp_path / "shared.yaml").read_text()
