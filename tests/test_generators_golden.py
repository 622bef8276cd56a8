"""Generator output and name hashes against reference renderings (tests/fixtures/generators/).

Until the build pipeline exists, a tiny stand-in here plays its part for generator-only
kustomizations: bases, plain resource files, behavior merge/replace, a few name/label fields,
and the hash suffix at the very end. Regenerate fixtures with scripts/regen_generator_fixtures.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kustomize_py.errors import GeneratorError, KpyError, LoadRestrictionError
from kustomize_py.generators import (
    Generated,
    check_behavior,
    make_configmap,
    make_secret,
    merge_generated,
    merged_needs_hash,
    with_hash_suffix,
)
from kustomize_py.loader import Loader

FIXTURES = Path(__file__).parent / "fixtures" / "generators"
OK_CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "expected.yaml").exists())
ERROR_CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "expected_error.txt").exists())

# The error class we raise for each failing case (the reference only has one kind of failure).
ERROR_CLASS: dict[str, type[KpyError]] = {"error_file_outside_root": LoadRestrictionError}


def _ns(obj: dict[str, Any]) -> str:
    return obj["metadata"].get("namespace") or "default"  # "" and "default" are one namespace


def _same_id(a: dict[str, Any], b: dict[str, Any], earlier: set[tuple[str, str]]) -> bool:
    """Kustomize matches the current id or any earlier one (name, namespace)."""
    ids = {(a["metadata"]["name"], _ns(a)), *earlier}
    return a["kind"] == b["kind"] and (b["metadata"]["name"], _ns(b)) in ids


def _absorb(acc: list[Generated], seen: list[set[tuple[str, str]]], new: Generated) -> None:
    """What the pipeline does with each generated object (Kustomize's appendReplaceOrMerge).

    `seen[i]` holds the earlier (name, namespace) ids of `acc[i]`.
    """
    matches = [i for i, g in enumerate(acc) if _same_id(g.obj, new.obj, seen[i])]
    what = f"{new.obj['kind']} {new.obj['metadata']['name']}"
    check_behavior(new.behavior, bool(matches), what)
    if not matches:
        acc.append(new)
        seen.append(set())
        return
    old = acc[matches[0]]
    acc[matches[0]] = Generated(
        merge_generated(old.obj, new.obj, new.behavior),
        merged_needs_hash(old.needs_hash, new.needs_hash),
        new.behavior,
    )


def _accumulate(directory: Path) -> tuple[list[Generated], list[set[tuple[str, str]]]]:
    kust = yaml.safe_load((directory / "kustomization.yaml").read_text()) or {}
    loader = Loader.at(directory)
    acc: list[Generated] = []
    seen: list[set[tuple[str, str]]] = []
    for res in kust.get("resources") or []:
        path = directory / res
        if path.is_dir():
            sub, sub_seen = _accumulate(path)
            acc.extend(sub)
            seen.extend(sub_seen)
        else:
            docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
            acc.extend(Generated(d, False, "create") for d in docs)
            seen.extend(set() for _ in docs)
    global_options = kust.get("generatorOptions")
    for args in kust.get("configMapGenerator") or []:
        _absorb(acc, seen, make_configmap(args, loader, global_options))
    for args in kust.get("secretGenerator") or []:
        _absorb(acc, seen, make_secret(args, loader, global_options))
    # Stand-ins for the few transformers the fixtures use.
    for g, names in zip(acc, seen, strict=True):
        meta = g.obj["metadata"]
        names.add((meta["name"], _ns(g.obj)))
        meta["name"] = kust.get("namePrefix", "") + meta["name"] + kust.get("nameSuffix", "")
        if kust.get("namespace"):
            meta["namespace"] = kust["namespace"]
        for field, key in (("commonLabels", "labels"), ("commonAnnotations", "annotations")):
            if kust.get(field):
                meta[key] = {**meta.get(key, {}), **kust[field]}
    return acc, seen


def _render(case: str) -> list[dict[str, Any]]:
    entry = FIXTURES / case / "input"
    if (entry / "overlay").is_dir():
        entry = entry / "overlay"
    return [with_hash_suffix(g.obj) if g.needs_hash else g.obj for g in _accumulate(entry)[0]]


def _key(obj: dict[str, Any]) -> tuple[str, str, str]:
    return obj["kind"], obj["metadata"].get("namespace", ""), obj["metadata"]["name"]


@pytest.mark.parametrize("case", OK_CASES)
def test_matches_reference(case: str) -> None:
    expected = [d for d in yaml.safe_load_all((FIXTURES / case / "expected.yaml").read_text()) if d]
    ours = _render(case)
    assert sorted(ours, key=_key) == sorted(expected, key=_key)


@pytest.mark.parametrize("case", ERROR_CASES)
def test_fails_like_reference(case: str) -> None:
    with pytest.raises(KpyError) as info:
        _render(case)
    assert type(info.value) is ERROR_CLASS.get(case, GeneratorError)


def test_fixture_sets_are_not_empty() -> None:
    # Guards against a broken fixtures path silently parametrizing nothing.
    assert len(OK_CASES) >= 15 and len(ERROR_CASES) >= 10
