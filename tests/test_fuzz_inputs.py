"""Fuzzing the parsers of user input outside the YAML layer: kustomization fields, label
selectors, field-spec paths. Bad input must end in a KpyError (a clear message), never a crash."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import kustomize_py
from kustomize_py.errors import KpyError
from kustomize_py.kustomization import FIELDS, from_dict
from kustomize_py.selector import parse_label_selector

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8))
values = st.recursive(scalars, lambda c: st.one_of(st.lists(c, max_size=3), st.dictionaries(st.text(max_size=5), c, max_size=3)),
                      max_leaves=8)
field_names = st.one_of(st.sampled_from(sorted(FIELDS)), st.text(max_size=10))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(field_names, values, max_size=5))
def test_kustomization_model_rejects_bad_input_cleanly(raw):
    try:
        from_dict(raw, "fuzz/kustomization.yaml")
    except KpyError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab=!,() inotx<>0123456789.-/", max_size=30))
def test_label_selector_parser_never_crashes(text):
    try:
        pred = parse_label_selector(text)
    except KpyError:
        return
    if pred is not None:
        assert pred({"a": "b"}) in (True, False)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(["namePrefix", "namespace", "commonLabels", "images", "replicas",
                                        "labels", "patches", "resources", "sortOptions"]), values, min_size=1,
                       max_size=3))
def test_builds_with_random_fields_end_in_a_result_or_a_clear_error(tmp_path_factory, raw):
    root = tmp_path_factory.mktemp("fuzz")
    (root / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n")
    import json

    raw = dict(raw)
    raw.setdefault("resources", ["cm.yaml"])
    (root / "kustomization.yaml").write_text(json.dumps(raw))
    try:
        kustomize_py.build(root, warn=lambda m: None)
    except KpyError:
        pass
