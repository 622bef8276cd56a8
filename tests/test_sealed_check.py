"""check_sealed_scopes: overlays that rename or move scoped SealedSecrets are reported."""

from __future__ import annotations

import copy
from typing import Any

import attrs
import pytest

from kustomize_py.sealed import Finding, check_sealed_scopes
from kustomize_py.sealed.scope import ANNOTATION_CLUSTER_WIDE, ANNOTATION_NAMESPACE_WIDE


@attrs.define
class Rendered:
    """Stand-in for the build API's rendered object (obj + name/namespace before the overlay)."""

    obj: dict[str, Any]
    orig_name: str | None
    orig_namespace: str | None
    origin_path: str | None = "base/sealed/admin.yaml"


def sealed(
    name: str = "grafana-admin",
    namespace: str | None = "monitoring",
    scope_annotation: str | None = None,
    template: bool = True,
) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    if scope_annotation:
        meta["annotations"] = {scope_annotation: "true"}
    obj: dict[str, Any] = {
        "apiVersion": "bitnami.com/v1alpha1",
        "kind": "SealedSecret",
        "metadata": meta,
        "spec": {"encryptedData": {"password": "AgB..."}},
    }
    if template:
        obj["spec"]["template"] = {"metadata": copy.deepcopy(meta), "type": "Opaque"}
    return obj


def rendered(obj: dict[str, Any], **changes: Any) -> Rendered:
    """`obj` as an overlay would render it: metadata changed, spec.template left alone (as kustomize does)."""
    out = copy.deepcopy(obj)
    out["metadata"].update(changes)
    return Rendered(out, obj["metadata"]["name"], obj["metadata"].get("namespace"))


OVERLAY = "grafana/overlays/production"


def test_unchanged_objects_and_other_kinds_are_fine():
    items = [
        rendered(sealed()),
        Rendered({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x"}}, "y", "z"),
    ]
    assert check_sealed_scopes(OVERLAY, items) == []


def test_strict_name_prefix_is_reported():
    (finding,) = check_sealed_scopes(OVERLAY, [rendered(sealed(), name="prod-grafana-admin")])
    assert isinstance(finding, Finding)
    assert (finding.overlay, finding.kind, finding.field, finding.old, finding.new) == (
        OVERLAY,
        "SealedSecret",
        "metadata.name",
        "grafana-admin",
        "prod-grafana-admin",
    )
    assert finding.namespace == "monitoring" and finding.origin_path == "base/sealed/admin.yaml"
    assert "changed by the overlay" in finding.message and "strict" in finding.message
    text = str(finding)
    assert OVERLAY in text and "'grafana-admin' -> 'prod-grafana-admin'" in text


def test_strict_namespace_and_name_both_reported():
    findings = check_sealed_scopes(
        OVERLAY, [rendered(sealed(), name="a-grafana-admin", namespace="prod")]
    )
    assert [(f.field, f.old, f.new) for f in findings] == [
        ("metadata.name", "grafana-admin", "a-grafana-admin"),
        ("metadata.namespace", "monitoring", "prod"),
    ]


def test_namespace_wide_only_cares_about_the_namespace():
    obj = sealed(scope_annotation=ANNOTATION_NAMESPACE_WIDE)
    assert check_sealed_scopes(OVERLAY, [rendered(obj, name="renamed")]) == []
    (finding,) = check_sealed_scopes(OVERLAY, [rendered(obj, namespace="prod")])
    assert (finding.field, finding.old, finding.new) == ("metadata.namespace", "monitoring", "prod")
    assert "namespace-wide" in finding.message


def test_cluster_wide_may_move_freely():
    obj = sealed(namespace=None, scope_annotation=ANNOTATION_CLUSTER_WIDE)
    assert check_sealed_scopes(OVERLAY, [rendered(obj, name="x-y", namespace="anywhere")]) == []


def test_template_tells_the_namespace_the_source_left_out():
    # base omits metadata.namespace but was sealed for "production"; the overlay sets it: fine
    obj = sealed(namespace="production")
    del obj["metadata"]["namespace"]
    ok = Rendered(copy.deepcopy(obj), "grafana-admin", None)
    ok.obj["metadata"]["namespace"] = "production"
    assert check_sealed_scopes(OVERLAY, [ok]) == []
    bad = Rendered(copy.deepcopy(obj), "grafana-admin", None)
    bad.obj["metadata"]["namespace"] = "staging"
    (finding,) = check_sealed_scopes("grafana/overlays/staging", [bad])
    assert (finding.field, finding.old, finding.new) == (
        "metadata.namespace",
        "production",
        "staging",
    )


def test_source_inconsistent_with_its_template():
    obj = sealed()
    obj["spec"]["template"]["metadata"]["namespace"] = "elsewhere"
    (finding,) = check_sealed_scopes(OVERLAY, [rendered(obj)])
    assert (finding.field, finding.old, finding.new) == (
        "metadata.namespace",
        "elsewhere",
        "monitoring",
    )
    assert "differs from spec.template.metadata" in finding.message


def test_scope_annotation_changed_by_the_overlay():
    obj = sealed()  # sealed strict
    out = rendered(obj)
    out.obj["metadata"]["annotations"] = {ANNOTATION_CLUSTER_WIDE: "true"}  # e.g. commonAnnotations
    (finding,) = check_sealed_scopes(OVERLAY, [out])
    assert (finding.field, finding.old, finding.new) == (
        "metadata.annotations",
        "strict",
        "cluster-wide",
    )


def test_without_template_falls_back_to_the_source_values():
    (finding,) = check_sealed_scopes(OVERLAY, [rendered(sealed(template=False), namespace="prod")])
    assert (finding.old, finding.new) == ("monitoring", "prod")


@pytest.mark.parametrize("path_type", [str, __import__("pathlib").Path])
def test_overlay_path_types(path_type):
    (finding,) = check_sealed_scopes(path_type(OVERLAY), [rendered(sealed(), name="x")])
    assert finding.overlay == OVERLAY
