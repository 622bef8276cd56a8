"""Resource identity for the sync layer: (group, kind, namespace, name) keys and tracking ids."""

from __future__ import annotations

from typing import Any, NamedTuple

TRACKING_ANNOTATION = "argocd.argoproj.io/tracking-id"
# A label lets backends that can only filter by label (kubectl) find an app's objects quickly.
APP_LABEL = "kustomize-py/app"

# Cluster-scoped built-in kinds by (group, kind); custom kinds are namespaced unless a CRD says not.
CLUSTER_SCOPED: frozenset[tuple[str, str]] = frozenset(
    [
        ("", "Namespace"), ("", "Node"), ("", "PersistentVolume"), ("", "ComponentStatus"),
        ("apiextensions.k8s.io", "CustomResourceDefinition"),
        ("apiregistration.k8s.io", "APIService"),
        ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
        ("certificates.k8s.io", "CertificateSigningRequest"),
        ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
        ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
        ("networking.k8s.io", "IngressClass"),
        ("node.k8s.io", "RuntimeClass"),
        ("policy", "PodSecurityPolicy"),
        ("rbac.authorization.k8s.io", "ClusterRole"),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
        ("scheduling.k8s.io", "PriorityClass"),
        ("storage.k8s.io", "CSIDriver"), ("storage.k8s.io", "CSINode"),
        ("storage.k8s.io", "StorageClass"), ("storage.k8s.io", "VolumeAttachment"),
    ]
)


class ResourceKey(NamedTuple):
    """Who an object is, without its version (as Argo CD's ResourceKey)."""

    group: str
    kind: str
    namespace: str
    name: str

    def __str__(self) -> str:
        kind = f"{self.group}/{self.kind}" if self.group else self.kind
        return f"{kind} {self.namespace}/{self.name}" if self.namespace else f"{kind} {self.name}"


def split_api_version(api_version: str) -> tuple[str, str]:
    """`apps/v1` -> ("apps", "v1"); `v1` -> ("", "v1")."""
    group, _, version = api_version.rpartition("/")
    return group, version


def group_of(obj: dict[str, Any]) -> str:
    return split_api_version(str(obj.get("apiVersion") or ""))[0]


def object_name(obj: dict[str, Any]) -> str:
    meta = obj.get("metadata") or {}
    return str(meta.get("name") or meta.get("generateName") or "")


def key_of(obj: dict[str, Any]) -> ResourceKey:
    meta = obj.get("metadata") or {}
    return ResourceKey(group_of(obj), str(obj.get("kind") or ""), str(meta.get("namespace") or ""),
                       object_name(obj))


def is_cluster_scoped(group: str, kind: str, extra: frozenset[tuple[str, str]] = frozenset()) -> bool:
    return (group, kind) in CLUSTER_SCOPED or (group, kind) in extra


def crd_scopes(objs: list[dict[str, Any]]) -> frozenset[tuple[str, str]]:
    """(group, kind) of every cluster-scoped kind that a CRD among `objs` defines."""
    out = set()
    for obj in objs:
        if obj.get("kind") == "CustomResourceDefinition":
            spec = obj.get("spec") or {}
            if spec.get("scope") == "Cluster":
                out.add((str(spec.get("group") or ""), str((spec.get("names") or {}).get("kind") or "")))
    return frozenset(out)


def tracking_id(app: str, key: ResourceKey) -> str:
    """Argo CD's annotation format: `<app>:<group>/<kind>:<namespace>/<name>`."""
    return f"{app}:{key.group}/{key.kind}:{key.namespace}/{key.name}"


def parse_tracking_id(value: str) -> tuple[str, ResourceKey] | None:
    """The app and key a tracking id names, or None when it is malformed."""
    try:
        app, gk, nsname = value.rsplit(":", 2)
        group, kind = gk.split("/", 1)
        namespace, name = nsname.split("/", 1)
    except ValueError:
        return None
    if not app or not kind or not name:
        return None
    return app, ResourceKey(group, kind, namespace, name)


def tracked_app(obj: dict[str, Any]) -> str | None:
    """The app that owns `obj`, only when its tracking id refers to the object itself.

    A copied object (say, exported from another namespace) keeps a tracking id naming the
    original; treating it as owned would let a prune delete something we never applied.
    """
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    parsed = parse_tracking_id(str(annotations.get(TRACKING_ANNOTATION) or ""))
    if parsed is None:
        return None
    app, key = parsed
    return app if key == key_of(obj) else None


def label_value(app: str) -> str:
    """A label value for `app` (labels are limited to 63 characters; long names are shortened)."""
    if len(app) <= 63:
        return app
    import hashlib

    return app[:52].rstrip("-_.") + "-" + hashlib.sha256(app.encode()).hexdigest()[:10]
