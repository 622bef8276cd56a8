"""Name references: kpy's output for the tests/fixtures/nameref trees equals Kustomize v5.6.0's.

The expected files come from the reference (scripts/regen_nameref_fixtures.py); never edit them by
hand. Besides the byte comparison, the fixtures are checked to cover every field spec of the
nameReference table and to keep unresolvable names as written.
"""

from __future__ import annotations

import difflib
import importlib.util
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

import kustomize_py
from kustomize_py.errors import KpyError

ROOT = Path(__file__).resolve().parent.parent
DEFAULTS = ROOT / "kustomize_py" / "fieldspecs" / "defaults.yaml"
MAX_DIFF_LINES = 150


def _load_regen():
    # scripts/ is not a package; load the module that knows where the fixtures live.
    spec = importlib.util.spec_from_file_location("regen_nameref_fixtures",
                                                  ROOT / "scripts" / "regen_nameref_fixtures.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


regen = _load_regen()
CASES = regen.case_dirs()
OK_CASES = [c for c in CASES if not (c / "expected-error.txt").is_file()]
ERROR_CASES = [c for c in CASES if (c / "expected-error.txt").is_file()]

# For a failing case: where, in the reference's first stderr line, the part kpy must repeat begins
# (the reference prefixes it with a chain of wrapping contexts kpy does not imitate).
ERROR_PHRASES = {"ambiguous_referral": "found multiple possible referrals: "}

# Cases where kpy knowingly differs from the reference: name -> reason (each an xfail(strict)).
KNOWN_DIFFERENCES: dict[str, str] = {}


def _param(case: Path) -> Any:
    reason = KNOWN_DIFFERENCES.get(case.name)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(case, id=case.name, marks=marks)


def _build_copy(case: Path, tmp_path: Path) -> str:
    """Build a copy of the case tree, so nothing can be written into the fixtures."""
    tree = tmp_path / "files"
    shutil.copytree(case / "files", tree)
    return kustomize_py.build(str(tree / regen.entry_of(case))).yaml


def _assert_same(want: str, got: str, case: Path, how: str) -> None:
    if got == want:
        return
    diff = list(difflib.unified_diff(
        want.splitlines(keepends=True), got.splitlines(keepends=True),
        fromfile=f"{case.relative_to(ROOT)}/expected.yaml (Kustomize v5.6.0)",
        tofile=f"{how} {case.relative_to(ROOT)}/files/{regen.entry_of(case)}"))
    shown = "".join(diff[:MAX_DIFF_LINES])
    more = f"\n... {len(diff) - MAX_DIFF_LINES} more diff lines" if len(diff) > MAX_DIFF_LINES else ""
    if not diff:  # only line endings or the final newline differ
        shown = f"expected {want[-40:]!r}\n     got {got[-40:]!r}"
    pytest.fail(f"output differs from the reference:\n{shown}{more}", pytrace=False)


def _error_phrase(case: Path) -> str:
    """The tail of the reference's first error line that kpy's message must contain."""
    first = (case / "expected-error.txt").read_text(encoding="utf-8").splitlines()[0]
    marker = ERROR_PHRASES[case.name]
    assert marker in first, f"{case.name}: the reference no longer says {marker!r}: {first}"
    return first[first.index(marker):]


# -- kpy against the committed reference output ---------------------------------------------------

@pytest.mark.parametrize("case", [_param(c) for c in OK_CASES])
def test_build_matches_reference(case: Path, tmp_path: Path) -> None:
    want = (case / "expected.yaml").read_text(encoding="utf-8")
    _assert_same(want, _build_copy(case, tmp_path), case, "kustomize_py.build")


@pytest.mark.parametrize("case", [_param(c) for c in ERROR_CASES])
def test_build_fails_like_reference(case: Path, tmp_path: Path) -> None:
    with pytest.raises(KpyError) as info:
        _build_copy(case, tmp_path)
    assert _error_phrase(case) in str(info.value)


# -- the committed output against the live reference ---------------------------------------------

@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in CASES])
def test_fixture_is_still_what_the_reference_produces(case: Path) -> None:
    if not Path(regen.REFERENCE).exists():
        pytest.skip(f"reference renderer not installed: {regen.REFERENCE}")
    code, out, err = regen.run_reference(case)
    ok_file, err_file = regen.expected_of(case)
    if code == 0:
        assert not err_file.exists(), f"{case.name}: the reference now succeeds; run the regen script"
        _assert_same(ok_file.read_text(encoding="utf-8"), out, case, "reference")
    else:
        assert err_file.is_file(), f"{case.name}: the reference now fails: {err.splitlines()[:1]}"
        assert err == err_file.read_text(encoding="utf-8")


# -- the fixtures themselves ----------------------------------------------------------------------

def _input_documents() -> list[dict[str, Any]]:
    """Every resource document (one with a kind) in every case's input tree."""
    out = []
    for case in CASES:
        for path in sorted((case / "files").rglob("*.yaml")):
            if path.name == "kustomization.yaml":
                continue
            out.extend(d for d in yaml.safe_load_all(path.read_text(encoding="utf-8"))
                       if isinstance(d, dict) and "kind" in d)
    return out


def _split_path(path: str) -> list[str]:
    """A field spec path into keys; `\\/` is a slash inside a key (annotation names)."""
    return [p.replace("\0", "/") for p in path.replace("\\/", "\0").split("/")]


def _present(node: Any, keys: list[str]) -> bool:
    """Does the path lead to a value in node (lists are crossed by looking into every item)?"""
    if isinstance(node, list):
        return any(_present(item, keys) for item in node)
    if not keys:
        return node is not None
    return isinstance(node, dict) and keys[0] in node and _present(node[keys[0]], keys[1:])


def _gv(doc: dict[str, Any]) -> tuple[str, str]:
    group, _, version = str(doc.get("apiVersion", "")).rpartition("/")
    return group, version


def _name_reference_specs() -> Iterator[tuple[str, dict[str, Any]]]:
    table = yaml.safe_load(DEFAULTS.read_text(encoding="utf-8"))["nameReference"]
    for entry in table:
        for spec in entry["fieldSpecs"]:
            yield entry["kind"], spec


def test_every_referenced_kind_has_an_object_in_the_fixtures() -> None:
    kinds = {d["kind"] for d in _input_documents()}
    # Generated ConfigMaps and Secrets come from generators, not files.
    kinds |= {"ConfigMap", "Secret"}
    referenced = {kind for kind, _ in _name_reference_specs()}
    assert referenced - kinds == set()


def test_every_name_reference_field_spec_is_exercised() -> None:
    docs = _input_documents()
    missing = []
    for target, spec in _name_reference_specs():
        keys = _split_path(spec["path"])
        hit = any(d["kind"] == spec.get("kind", d["kind"])
                  and spec.get("group", _gv(d)[0]) == _gv(d)[0]
                  and spec.get("version", _gv(d)[1]) == _gv(d)[1]
                  and _present(d, keys) for d in docs)
        if not hit:
            missing.append(f"{target} <- {spec.get('kind')} {spec['path']}")
    assert missing == [], "field specs no fixture exercises:\n" + "\n".join(missing)


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for v in node.values():
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)
    elif isinstance(node, str):
        yield node


def _referring_strings(text: str) -> set[str]:
    """Strings of the documents in text that contain "nowhere", leaving out objects' own names."""
    out = set()
    for doc in yaml.safe_load_all(text):
        if not isinstance(doc, dict):
            continue
        # An object's own name gets the affixes; only values that refer must stay untouched.
        doc = {k: v for k, v in doc.items() if k != "metadata"}
        out.update(s for s in _strings(doc) if "nowhere" in s)
    return out


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in OK_CASES])
def test_names_that_exist_nowhere_stay_as_written(case: Path) -> None:
    # By convention every name in the fixtures that matches no object contains "nowhere".
    inputs = set()
    for path in (case / "files").rglob("*.yaml"):
        inputs |= _referring_strings(path.read_text(encoding="utf-8"))
    assert inputs <= _referring_strings((case / "expected.yaml").read_text(encoding="utf-8"))
