"""An in-memory cluster for tests and dry runs: server-side apply, immutable fields, health over time."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from kustomize_py.sync.backends.base import ApplyError, BackendBase, ImmutableFieldError
from kustomize_py.sync.health import Health, health
from kustomize_py.sync.keys import TRACKING_ANNOTATION, ResourceKey, key_of, parse_tracking_id

Path_ = tuple[str, ...]

# (group, kind) -> field paths the API server refuses to change after creation.
IMMUTABLE: dict[tuple[str, str], tuple[Path_, ...]] = {
    ("apps", "Deployment"): (("spec", "selector"),),
    ("apps", "StatefulSet"): (("spec", "selector"), ("spec", "serviceName"), ("spec", "volumeClaimTemplates")),
    ("apps", "DaemonSet"): (("spec", "selector"),),
    ("apps", "ReplicaSet"): (("spec", "selector"),),
    ("batch", "Job"): (("spec", "selector"), ("spec", "template"), ("spec", "completions")),
    ("", "Service"): (("spec", "clusterIP"),),
    ("", "PersistentVolumeClaim"): (("spec", "storageClassName"), ("spec", "accessModes"),
                                   ("spec", "volumeName")),
}
CREATED_AT = "2026-01-01T00:00:00Z"


def _leaves(node: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    """Field paths of every leaf; lists count as one leaf (atomic), like most SSA list fields here."""
    if isinstance(node, dict) and node:
        for k, v in node.items():
            yield from _leaves(v, prefix + (str(k),))
    else:
        yield prefix


def _get(node: Any, path: Path_) -> Any:
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _remove(node: dict[str, Any], path: Path_) -> None:
    parents = [node]
    for part in path[:-1]:
        nxt = parents[-1].get(part)
        if not isinstance(nxt, dict):
            return
        parents.append(nxt)
    parents[-1].pop(path[-1], None)
    for parent, part in zip(reversed(parents[:-1]), reversed(path[:-1])):
        if parent.get(part) == {}:
            del parent[part]


def _merge(into: dict[str, Any], patch: dict[str, Any]) -> None:
    for k, v in patch.items():
        if isinstance(v, dict) and isinstance(into.get(k), dict):
            _merge(into[k], v)
        else:
            into[k] = copy.deepcopy(v)


def _spec(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k not in ("metadata", "status")}


class MemoryBackend(BackendBase):
    """A deterministic fake API server.

    Health progresses by polling: a workload becomes ready after `ready_after` health polls.
    Failures are injected by object name: `fail_apply={name: message}`, `degrade={name}`
    (the workload ends Degraded), `stuck={name}` (stays Progressing).
    """

    name = "memory"
    track_label = False
    config_hash = True  # like a real API server, live objects carry defaults (clusterIP, status)

    def __init__(self, *, ready_after: int = 2, require_namespaces: bool = False,
                 fail_apply: dict[str, str] | None = None, degrade: set[str] | None = None,
                 stuck: set[str] | None = None, state_file: Path | None = None, linger: int = 0,
                 unserved_kinds: set[str] | None = None):
        self.objects: dict[ResourceKey, dict[str, Any]] = {}
        self.owned: dict[ResourceKey, set[Path_]] = {}  # fields kpy set, for SSA removals
        self.polls: dict[ResourceKey, int] = {}
        self.ready_after = ready_after
        self.require_namespaces = require_namespaces
        self.fail_apply = dict(fail_apply or {})
        self.degrade = set(degrade or ())
        self.stuck = set(stuck or ())
        self.calls: list[tuple[str, str]] = []  # (operation, key) of every change, in order
        self.state_file = state_file
        # A deleted object stays, with a deletionTimestamp, for `linger` reads (finalizers at work).
        self.linger = linger
        self.deleting: dict[ResourceKey, int] = {}
        # Kinds the server serves only once a CRD in it defines them ("no matches for kind").
        self.unserved_kinds = set(unserved_kinds or ())
        self._counter = 0
        if state_file is not None and state_file.exists():
            self._load(state_file)

    # --- the protocol ---------------------------------------------------------------------
    def get(self, key: ResourceKey, api_version: str | None = None) -> dict[str, Any] | None:
        if key in self.deleting:
            self.deleting[key] -= 1
            if self.deleting[key] <= 0:
                del self.deleting[key]
                self._forget(key)
        obj = self.objects.get(key)
        return copy.deepcopy(obj) if obj is not None else None

    def list_owned(self, app: str) -> list[dict[str, Any]]:
        out = []
        for obj in self.objects.values():
            ann = (obj.get("metadata") or {}).get("annotations") or {}
            parsed = parse_tracking_id(str(ann.get(TRACKING_ANNOTATION) or ""))
            if parsed and parsed[0] == app:
                out.append(copy.deepcopy(obj))
        return out

    def apply(self, obj: dict[str, Any], *, dry_run: bool = False, force: bool = False, replace: bool = False,
              validate: bool = True) -> dict[str, Any]:
        key = key_of(obj)
        if not key.name:
            raise ApplyError(f"{key.kind} has no name", field="metadata.name")
        if key.name in self.fail_apply:
            raise ApplyError(f"{key}: {self.fail_apply[key.name]}")
        if key.kind in self.unserved_kinds and not any(
                k.kind == "CustomResourceDefinition" and ((o.get("spec") or {}).get("names") or {}).get("kind") == key.kind
                for k, o in self.objects.items()):
            raise ApplyError(f'{key}: no matches for kind "{key.kind}" in version "{obj.get("apiVersion")}"')
        if key in self.deleting:
            raise ApplyError(f"{key}: object is being deleted")
        if self.require_namespaces and key.namespace and \
                ResourceKey("", "Namespace", "", key.namespace) not in self.objects:
            raise ApplyError(f"{key}: namespaces \"{key.namespace}\" not found")
        live = self.objects.get(key)
        if live is not None:
            try:
                self._check_immutable(key, live, obj)
            except ImmutableFieldError:
                if not force:
                    raise
                if not dry_run:
                    self.delete(key)
                live = None
        result = self._replaced(key, live, obj) if replace and live is not None else self._merged(key, live, obj)
        if dry_run:
            return result
        self.objects[key] = result
        self.owned[key] = set(_leaves(_spec(obj))) | {("metadata",) + p for p in _leaves(
            {k: v for k, v in (obj.get("metadata") or {}).items() if k in ("labels", "annotations")})}
        self.calls.append(("replace" if replace and live is not None else "apply", str(key)))
        return copy.deepcopy(result)

    def delete(self, key: ResourceKey, *, dry_run: bool = False, propagation: str = "foreground") -> bool:
        if key not in self.objects:
            return False
        if not dry_run:
            self.calls.append(("delete", str(key)))
            if self.linger:
                self.objects[key]["metadata"]["deletionTimestamp"] = CREATED_AT
                self.deleting[key] = self.linger
            else:
                self._forget(key)
        return True

    def _forget(self, key: ResourceKey) -> None:
        self.objects.pop(key, None)
        self.owned.pop(key, None)
        self.polls.pop(key, None)

    def health(self, key: ResourceKey) -> Health | None:
        obj = self.objects.get(key)
        if obj is None:
            return health(None)
        self.polls[key] = self.polls.get(key, 0) + 1
        if key.name in self.degrade:
            obj["status"] = _status(key, obj, "degraded")
        elif key.name not in self.stuck and self.polls[key] >= self.ready_after:
            obj["status"] = _status(key, obj, "ready")
        return health(obj)

    def finish(self, app: str, message: str, *, dry_run: bool = False) -> str | None:
        if self.state_file is not None and not dry_run:
            self.save(self.state_file)
        return None

    def annotate(self, key: ResourceKey, annotations: dict[str, str | None]) -> bool:
        """Set (or, for None, remove) annotations as a merge patch would: no field ownership taken."""
        live = self.objects.get(key)
        if live is None:
            return False
        notes = live.setdefault("metadata", {}).setdefault("annotations", {})
        for name, value in annotations.items():
            if value is None:
                notes.pop(name, None)
            else:
                notes[name] = value
        if not notes:
            live["metadata"].pop("annotations")
        live["metadata"]["resourceVersion"] = self._next()
        self.calls.append(("annotate", str(key)))
        if self.state_file is not None:
            self.save(self.state_file)
        return True

    # --- test helpers -----------------------------------------------------------------------
    def edit(self, key: ResourceKey, change: Callable[[dict[str, Any]], None]) -> None:
        """Change a live object as another field manager would (drift)."""
        change(self.objects[key])
        self.objects[key]["metadata"]["resourceVersion"] = self._next()

    def save(self, path: Path) -> None:
        data = [{"object": o, "owned": sorted(list(p) for p in self.owned.get(k, ())),
                 "polls": self.polls.get(k, 0)} for k, o in self.objects.items()]
        path.write_text(json.dumps({"counter": self._counter, "objects": data}, indent=1, sort_keys=True))

    def _load(self, path: Path) -> None:
        data = json.loads(path.read_text())
        self._counter = int(data.get("counter", 0))
        for item in data.get("objects", []):
            key = key_of(item["object"])
            self.objects[key] = item["object"]
            self.owned[key] = {tuple(p) for p in item.get("owned", [])}
            self.polls[key] = int(item.get("polls", 0))

    # --- the fake API server ------------------------------------------------------------------
    def _next(self) -> str:
        self._counter += 1
        return str(self._counter)

    def _check_immutable(self, key: ResourceKey, live: dict[str, Any], obj: dict[str, Any]) -> None:
        for path in IMMUTABLE.get((key.group, key.kind), ()):
            want = _get(obj, path)
            if want is not None and want != _get(live, path):
                raise ImmutableFieldError(f"{key}: field is immutable", field=".".join(path))
        if key.group == "" and key.kind in ("ConfigMap", "Secret") and live.get("immutable"):
            for section in ("data", "binaryData", "stringData"):
                if section in obj and obj.get(section) != live.get(section):
                    raise ImmutableFieldError(f"{key}: field is immutable when `immutable` is set",
                                              field=section)

    def _replaced(self, key: ResourceKey, live: dict[str, Any], obj: dict[str, Any]) -> dict[str, Any]:
        """A PUT: the object becomes exactly `obj` (fields of other managers go), keeping its identity."""
        result = self._merged(key, None, obj)
        meta, old = result["metadata"], live["metadata"]
        meta.update(uid=old.get("uid"), creationTimestamp=old.get("creationTimestamp"),
                    generation=int(old.get("generation", 1)) + (_spec(result) != _spec(live)))
        if "status" in live and "status" not in result:
            result["status"] = copy.deepcopy(live["status"])
        return result

    def _merged(self, key: ResourceKey, live: dict[str, Any] | None, obj: dict[str, Any]) -> dict[str, Any]:
        """Server-side apply by one manager: drop the fields it set before and no longer sets, merge the rest."""
        desired = copy.deepcopy(obj)
        if key.kind == "Secret" and key.group == "" and "stringData" in desired:
            import base64

            data = desired.setdefault("data", {}) or {}
            for k, v in desired.pop("stringData").items():
                data[k] = base64.b64encode(str(v).encode()).decode()
            desired["data"] = data
        if live is None:
            result = desired
            meta = result["metadata"]
            meta.update(uid=f"uid-{self._next()}", creationTimestamp=CREATED_AT, generation=1)
            if key.kind == "Service" and key.group == "" and "clusterIP" not in (result.get("spec") or {}):
                result.setdefault("spec", {})["clusterIP"] = f"10.96.0.{self._counter % 250 + 1}"
        else:
            result = copy.deepcopy(live)
            new_leaves = set(_leaves(_spec(desired)))
            for path in self.owned.get(key, set()):
                if path[0] != "metadata" and path not in new_leaves:
                    _remove(result, path)
            old_meta = {k: v for k, v in (live.get("metadata") or {}).items() if k in ("labels", "annotations")}
            new_meta = desired.get("metadata") or {}
            for path in self.owned.get(key, set()):
                if path[0] == "metadata" and _get(new_meta, path[1:]) is None and _get(old_meta, path[1:]) is not None:
                    _remove(result, path)
            _merge(result, desired)
            if _spec(result) != _spec(live):
                result["metadata"]["generation"] = int(live["metadata"].get("generation", 1)) + 1
        meta = result["metadata"]
        meta["resourceVersion"] = self._next()
        meta["managedFields"] = [{"manager": "kpy", "operation": "Apply"}]
        if (key.group, key.kind) in _STATUS_KINDS and (live is None or _spec(result) != _spec(live)):
            result["status"] = _status(key, result, "starting")
            self.polls[key] = 0
        return result


_STATUS_KINDS = {("apps", "Deployment"), ("apps", "StatefulSet"), ("apps", "DaemonSet"), ("batch", "Job"),
                 ("", "PersistentVolumeClaim"), ("", "Pod"), ("networking.k8s.io", "Ingress"), ("", "Service"),
                 ("apiregistration.k8s.io", "APIService"), ("apiextensions.k8s.io", "CustomResourceDefinition")}


def _status(key: ResourceKey, obj: dict[str, Any], stage: str) -> dict[str, Any]:
    """The status a controller would write for `obj` at `stage` (starting, ready or degraded)."""
    gen = int((obj.get("metadata") or {}).get("generation", 1))
    n = int((obj.get("spec") or {}).get("replicas", 1))
    ready = stage == "ready"
    kind = key.kind
    if kind == "Deployment":
        status: dict[str, Any] = {"observedGeneration": gen, "replicas": n, "updatedReplicas": n if ready else 0,
                                  "availableReplicas": n if ready else 0, "readyReplicas": n if ready else 0}
        if stage == "degraded":
            status["conditions"] = [{"type": "Progressing", "status": "False",
                                     "reason": "ProgressDeadlineExceeded", "message": "rollout stalled"}]
        return status
    if kind == "StatefulSet":
        return {"observedGeneration": gen, "updatedReplicas": n if ready else 0, "replicas": n, "readyReplicas": n if ready else 0,
                "currentRevision": f"r{gen if ready else gen - 1}", "updateRevision": f"r{gen}"}
    if kind == "DaemonSet":
        return {"observedGeneration": gen, "desiredNumberScheduled": 1, "updatedNumberScheduled": int(ready),
                "numberAvailable": int(ready)}
    if kind == "Job":
        if stage == "degraded":
            return {"conditions": [{"type": "Failed", "status": "True", "message": "backoff limit reached"}]}
        return {"conditions": [{"type": "Complete", "status": "True"}]} if ready else {"active": 1}
    if kind in ("Ingress", "Service"):  # a load balancer's address arrives (Services: type LoadBalancer only)
        if kind == "Service" and (obj.get("spec") or {}).get("type") != "LoadBalancer":
            return {}
        return {"loadBalancer": {"ingress": [{"ip": "192.0.2.10"}] if ready else []}}
    if kind == "CustomResourceDefinition":
        return {"conditions": [{"type": "NamesAccepted", "status": "True"},
                               {"type": "Established", "status": "True" if ready else "False"}]}
    if kind == "APIService":
        return {"conditions": [{"type": "Available", "status": "True" if ready else "False",
                                "reason": "Passed" if ready else "MissingEndpoints", "message": ""}]}
    if kind == "PersistentVolumeClaim":
        return {"phase": "Lost" if stage == "degraded" else "Bound" if ready else "Pending"}
    if kind == "Pod":
        if stage == "degraded":
            return {"phase": "Failed", "message": "pod failed"}
        return {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]} if ready else {"phase": "Pending"}
    return {}
