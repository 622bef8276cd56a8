"""`namespace:` / NamespaceTransformer: set metadata.namespace and the namespace field specs."""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

from kustomize_py.errors import TransformerError
from kustomize_py.fieldspecs import FieldSpec
from kustomize_py.fieldspecs.spec import SCALAR
from kustomize_py.resource import Resource, is_cluster_scoped, split_api_version

ROLE_BINDINGS = ("RoleBinding", "ClusterRoleBinding")
SUBJECT_MODES = ("defaultOnly", "allServiceAccounts", "none")


def set_namespace(resources: list[Resource], namespace: str, specs: list[FieldSpec], *,
                  unset_only: bool = False, subjects: str = "defaultOnly") -> None:
    if not namespace:
        return
    if subjects == "":
        subjects = "defaultOnly"
    if subjects not in SUBJECT_MODES:
        raise TransformerError(f"invalid value {subjects!r} for setRoleBindingSubjects")

    def setter(parent: Any, key: Any) -> None:
        if unset_only and parent.get(key) not in (None, ""):
            return
        if not isinstance(parent[key], (str, int, float, bool, type(None))):
            raise TransformerError("namespace field specs must target scalar nodes")
        parent[key] = namespace

    plans: dict[tuple[str, str], tuple[bool, tuple[FieldSpec, ...]]] = {}
    for res in resources:
        obj = res.obj
        if not obj:
            continue
        res.store_previous_id()
        api, kind = res.api_version, res.kind
        plan = plans.get((api, kind))
        if plan is None:
            plan = plans[(api, kind)] = _plan(api, kind, specs)
        if plan[0]:
            _OWN_NAMESPACE.apply(obj, setter, SCALAR)
        if kind in ROLE_BINDINGS:
            _role_binding_subjects(obj, subjects, setter)
        for spec in plan[1]:
            spec.apply(obj, setter, SCALAR)


_OWN_NAMESPACE = FieldSpec("metadata/namespace", create=True)


def _plan(api: str, kind: str, specs: list[FieldSpec]) -> tuple[bool, tuple[FieldSpec, ...]]:
    """(set metadata/namespace?, the other specs to apply) for objects of one apiVersion and kind."""
    group, version = split_api_version(api)
    own = [s for s in specs if s.path != "metadata/namespace" and not (api != "v1" and s.path == "metadata/name")]
    if kind in ROLE_BINDINGS:
        own = [s for s in own if not (s.kind in ROLE_BINDINGS and s.path == "subjects/namespace")]
    return not is_cluster_scoped(api, kind), tuple(s for s in own if s.matches(group, version, kind))


def _role_binding_subjects(obj: dict[str, Any], mode: str, setter: Any) -> None:
    if mode == "none":
        return
    subjects = obj.get("subjects")
    if not isinstance(subjects, list):
        return
    for subject in subjects:
        if not isinstance(subject, dict):
            continue
        if mode == "defaultOnly" and subject.get("name") != "default":
            continue
        if mode == "allServiceAccounts" and subject.get("kind") != "ServiceAccount":
            continue
        subject.setdefault("namespace", "")
        setter(subject, "namespace")
