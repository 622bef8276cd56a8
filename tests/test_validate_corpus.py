"""`kpy validate` over the corpus in tests/fixtures/validate: every valid manifest passes, every
invalid one reports exactly the problems its `# expect:` lines name, field by field."""

from __future__ import annotations

from pathlib import Path

import pytest

from kustomize_py.validate import Validator
from kustomize_py.validate.inputs import crd_objects, read

CORPUS = Path(__file__).parent / "fixtures" / "validate"
VALID = sorted((CORPUS / "valid").glob("*.yaml"))
INVALID = sorted((CORPUS / "invalid").glob("*.yaml"))


def _validator(**options: object) -> Validator:
    validator = Validator(**options)  # type: ignore[arg-type]
    assert validator.add_crds(crd_objects(str(CORPUS / "crds"))) == 2
    return validator


def _problems(path: Path, **options: object) -> list[str]:
    source = str(path)
    return [str(p).removeprefix(f"{source}: ") for p in _validator(**options).check(read(source), source)]


def _expected(path: Path) -> list[str]:
    return [line.removeprefix("# expect: ") for line in path.read_text().splitlines()
            if line.startswith("# expect: ")]


def test_corpus_covers_the_common_kinds() -> None:
    kinds = {obj["kind"] for path in VALID + INVALID for obj in read(str(path)) if "kind" in obj}
    assert {"Deployment", "Service", "Ingress", "ConfigMap", "CronJob", "Role", "RoleBinding", "ClusterRole",
            "ClusterRoleBinding", "HorizontalPodAutoscaler", "NetworkPolicy", "Widget", "Gadget"} <= kinds


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_manifests_pass(path: Path) -> None:
    assert _problems(path) == []


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_manifests_name_each_field(path: Path) -> None:
    expected = _expected(path)
    assert expected, f"{path.name} has no # expect: lines"
    assert _problems(path) == expected


def test_not_strict_reports_only_what_is_not_an_unknown_field() -> None:
    path = CORPUS / "invalid" / "deployment.yaml"
    relaxed = _problems(path, strict=False)
    assert relaxed == [p for p in _expected(path) if not p.endswith(": unknown field")]
    assert len(relaxed) < len(_expected(path))
