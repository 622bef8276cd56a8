"""The conformance corpus through the library contract: each case built from an in-memory tree
gives what the disk build gives (output, or error class and text), and each error case's error is
a documented leaf class that names its file, with the line for YAML and kustomization errors."""

from __future__ import annotations

import os
from typing import Any

import pytest

import kustomize_py
from kustomize_py import errors
from kustomize_py.errors import KpyError
from kustomize_py.filesys import MemoryFS, read_tree
from kustomize_py.kustomization import FILE_NAMES
from tests.conformance.runner import Built, cases, corpus_dir

CORPUS = corpus_dir()
pytestmark = pytest.mark.skipif(CORPUS is None, reason="../shared/conformance is not present")
DOCUMENTED = {name for name in dir(errors) if isinstance(getattr(errors, name), type)
              and issubclass(getattr(errors, name), KpyError) and name != "KpyError"}


def _in_memory(case: dict[str, Any], root: str) -> str | KpyError:
    """The case built from an in-memory tree mounted where its copy sat on disk, so error texts
    can be compared byte for byte."""
    source = case["_dir"] / "files"
    tree = read_tree(source) if source.is_dir() else {}
    for d in case.get("empty_dirs") or []:
        tree[d.rstrip("/") + "/"] = b""
    try:
        return kustomize_py.build(case["entry"], files=MemoryFS(tree, root=root), warn=lambda _m: None).yaml
    except KpyError as err:
        return err


@pytest.fixture(scope="module")
def outcomes(corpus_builds: dict[str, tuple[dict[str, Any], Built]]) -> dict[str, tuple[Any, Any, str]]:
    """{case: (disk outcome, in-memory outcome, real root of the disk copy)}."""
    return {name: (built.outcome, _in_memory(case, built.root), built.root)
            for name, (case, built) in corpus_builds.items()}


def _key(outcome: str | Exception) -> tuple[str, str]:
    return (type(outcome).__name__, str(outcome)) if isinstance(outcome, Exception) else ("ok", outcome)


def test_in_memory_builds_equal_disk_builds(outcomes: dict[str, tuple[Any, Any, str]]) -> None:
    assert len(outcomes) > 250
    differ = [name for name, (disk, memory, _) in outcomes.items() if _key(disk) != _key(memory)]
    assert not differ, f"in-memory builds differ from disk builds: {differ}"


def test_error_cases_carry_a_documented_class_their_file_and_line(outcomes: dict[str, tuple[Any, Any, str]]) -> None:
    by_name = {c["_name"]: c for c in cases(CORPUS)} if CORPUS else {}
    checked = 0
    for name, (disk, _memory, root) in outcomes.items():
        if by_name[name]["expect"] != "error" or not isinstance(disk, KpyError):
            continue
        checked += 1
        assert type(disk).__name__ in DOCUMENTED, (name, type(disk))
        assert disk.path and disk.path.startswith(root), (name, disk.path)  # a file of the case
        in_corpus = by_name[name]["_dir"] / "files" / os.path.relpath(disk.path, root)  # the copy is gone
        if isinstance(disk, (errors.YamlError, errors.KustomizationError)) and not in_corpus.is_dir():
            assert disk.line, (name, type(disk), disk.path, str(disk))
        names_kustomization = os.path.basename(disk.path) in FILE_NAMES
        if disk.field and names_kustomization and in_corpus.is_file():
            assert disk.line and disk.column, (name, disk.path, disk.field)
    assert checked >= 40


# Spot checks, each read off the case's files: (class, file under the case, field, line, column)
PLACES = {
    "accumulation_test__TestResourceNotFound": ("LoadError", "kustomization.yaml", "resources", 6, 3),
    "accumulation_test__TestAccumulateResourcesErrors__malformed_yaml_yields_an_error":
        ("YamlError", "root/service.yaml", None, 8, None),
    "accumulation_test__TestAccumulateResourcesErrors__relative_file_violates_restrictions":
        ("LoadRestrictionError", "root/kustomization.yaml", "resources", 3, 3),
    "sortordertransformer_test__TestInvalidLegacySortOptionsWithoutOrderKey":
        ("KustomizationError", "base/kustomization.yaml", "sortOptions", 8, 1),
    "openapicustomschema_test__TestCustomOpenApiFieldNotBuiltin":
        ("PatchError", "kustomization.yaml", "openapi", 5, 1),
    "component_test__TestComponentErrors__kustomizations-cannot-be-added-to-components":
        ("KustomizationError", "kustincomponents/kustomization.yaml", "components", 6, 3),
    "namedspacedserviceaccounts_test__TestNamedspacedServiceAccountsWithOverlap":
        ("TransformerError", "a/a.yaml", "subjects", 15, 1),
}


@pytest.mark.parametrize("name", sorted(PLACES))
def test_error_places(outcomes: dict[str, tuple[Any, Any, str]], name: str) -> None:
    matching = [n for n in outcomes if n.startswith(name)]
    assert matching, name
    disk, _memory, root = outcomes[matching[0]]
    assert isinstance(disk, KpyError)
    cls, rel, field, line, column = PLACES[name]
    assert (type(disk).__name__, os.path.relpath(disk.path or "", root), disk.field, disk.line, disk.column) == (
        cls, rel, field, line, column)
