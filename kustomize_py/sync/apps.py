"""Applications: Argo CD `Application` manifests, or kpy's native `App`, read from a repo."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kustomize_py.errors import KpyError, SyncError
from kustomize_py.sync import options as sync_options
from kustomize_py.sync.ignore import parse_rules

ARGO_API = "argoproj.io/v1alpha1"
NATIVE_API = "kustomize-py/v1alpha1"
NATIVE_KIND = "App"
DELETION_POLICY_ANNOTATION = "kustomize-py/deletion-policy"
ARGO_CASCADE_FINALIZERS = ("resources-finalizer.argocd.argoproj.io",
                           "resources-finalizer.argocd.argoproj.io/background",
                           "resources-finalizer.argocd.argoproj.io/foreground")


@dataclass(frozen=True)
class Application:
    """One app: a kustomization path in the repo and where and how it syncs."""

    name: str
    path: str  # kustomization directory, relative to the repo root
    namespace: str = ""  # destination namespace for objects without one
    server: str = ""
    cluster: str = ""  # destination.name
    repo_url: str = ""
    revision: str = ""
    prune: bool = False
    self_heal: bool = False
    automated: bool = False
    allow_empty: bool = False  # syncPolicy.automated.allowEmpty: an empty render may prune everything
    sync_options: dict[str, str] = field(default_factory=dict)
    deletion_policy: str = "orphan"  # orphan | cascade: never inferred from a finalizer
    has_cascade_finalizer: bool = False  # Argo CD's resources finalizer is on the Application
    finalizers: tuple[str, ...] = ()
    ignore_differences: tuple[Any, ...] = ()  # spec.ignoreDifferences (sync/ignore.py IgnoreRule)
    source: str = ""  # the file it came from
    kind: str = "argocd"  # argocd | native | overlay

    @property
    def create_namespace(self) -> bool:
        return self.sync_options.get("CreateNamespace", "").lower() == "true"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "path": self.path, "namespace": self.namespace, "server": self.server,
                "cluster": self.cluster, "prune": self.prune, "selfHeal": self.self_heal,
                "allowEmpty": self.allow_empty,
                "syncOptions": [f"{k}={v}" if v else k for k, v in self.sync_options.items()],
                "deletionPolicy": self.deletion_policy, "source": self.source, "kind": self.kind}


def _bool(value: Any, source: str, name: str) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    raise SyncError(f"expected true or false, got {value!r}", path=source, field=name)


def _deletion_policy(value: Any, source: str, name: str) -> str:
    policy = str(value or "orphan").lower()
    if policy not in ("orphan", "cascade"):
        raise SyncError(f"deletion policy must be orphan or cascade, not {value!r}", path=source, field=name)
    return policy


def parse_application(doc: Any, source: str = "<input>") -> Application | None:
    """The Application a manifest describes, or None when it is not one."""
    if not isinstance(doc, dict):
        return None
    api, kind = doc.get("apiVersion"), doc.get("kind")
    meta = doc.get("metadata") or {}
    spec = doc.get("spec") or {}
    name = str(meta.get("name") or "")
    if api == ARGO_API and kind == "Application":
        if not name:
            raise SyncError("Application without metadata.name", path=source, field="metadata.name")
        src = spec.get("source") or next((s for s in spec.get("sources") or [] if s.get("path")), None) or {}
        if not src.get("path"):
            raise SyncError(f"Application {name} has no source path (only Git directory sources are synced)",
                            path=source, field="spec.source.path")
        dest = spec.get("destination") or {}
        policy = spec.get("syncPolicy") or {}
        automated = policy.get("automated")
        annotations = meta.get("annotations") or {}
        return Application(
            name=name, path=str(src["path"]).strip("/") or ".", namespace=str(dest.get("namespace") or ""),
            server=str(dest.get("server") or ""), cluster=str(dest.get("name") or ""),
            repo_url=str(src.get("repoURL") or ""), revision=str(src.get("targetRevision") or ""),
            prune=_bool((automated or {}).get("prune"), source, "spec.syncPolicy.automated.prune"),
            self_heal=_bool((automated or {}).get("selfHeal"), source, "spec.syncPolicy.automated.selfHeal"),
            automated=automated is not None,
            allow_empty=_bool((automated or {}).get("allowEmpty"), source, "spec.syncPolicy.automated.allowEmpty"),
            sync_options=sync_options.parse([str(o) for o in policy.get("syncOptions") or []], source),
            deletion_policy=_deletion_policy(annotations.get(DELETION_POLICY_ANNOTATION), source,
                                             f"metadata.annotations.{DELETION_POLICY_ANNOTATION}"),
            has_cascade_finalizer=any(f in ARGO_CASCADE_FINALIZERS for f in meta.get("finalizers") or []),
            finalizers=tuple(str(f) for f in meta.get("finalizers") or []),
            ignore_differences=parse_rules(spec.get("ignoreDifferences"), source),
            source=source, kind="argocd")
    if api == NATIVE_API and kind == NATIVE_KIND:
        if not name or not spec.get("path"):
            raise SyncError("App needs metadata.name and spec.path", path=source, field="spec.path")
        return Application(
            name=name, path=str(spec["path"]).strip("/") or ".", namespace=str(spec.get("namespace") or ""),
            prune=_bool(spec.get("prune"), source, "spec.prune"),
            allow_empty=_bool(spec.get("allowEmpty"), source, "spec.allowEmpty"),
            sync_options=sync_options.parse([str(o) for o in spec.get("syncOptions") or []], source,
                                            "spec.syncOptions"),
            deletion_policy=_deletion_policy(spec.get("deletionPolicy"), source, "spec.deletionPolicy"),
            source=source, kind="native")
    return None


def load_applications(root: Path) -> list[Application]:
    """Every Application and App found in YAML files under `root` (sorted by name; names must be unique)."""
    from kustomize_py.repofiles import files_under, small_files
    from kustomize_py.yaml import load_all

    root = Path(root)
    found: dict[str, Application] = {}
    for path, data in small_files(Path(p) for p in files_under(root, (".yaml", ".yml"))):
        if b"kind: App" not in data:
            continue  # cheap filter: most YAML in a repo is not an app
        rel = str(path.relative_to(root))
        try:
            docs = load_all(data, rel)
        except KpyError:
            if ARGO_API.encode() in data or NATIVE_API.encode() in data:
                raise
            continue
        for doc in docs:
            app = parse_application(doc, rel)
            if app is None:
                continue
            if app.name in found:
                raise SyncError(f"app {app.name} is defined twice (also in {found[app.name].source})", path=rel,
                                field="metadata.name")
            found[app.name] = app
    return sorted(found.values(), key=lambda a: a.name)


def repo_root(start: Path) -> Path:
    """The enclosing git work tree, else `start` itself."""
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def resolve(target: str, root: Path, *, name: str | None = None, namespace: str = "") -> Application:
    """An app by name, or an ad hoc app for an overlay directory (named after its path unless `name`)."""
    as_path = Path(target)
    if as_path.is_dir():
        full = as_path.resolve()
        try:
            rel = str(full.relative_to(Path(root).resolve()))
        except ValueError:
            rel = str(full)
        app_name = name or (rel.replace(os.sep, "-").strip("-.") if rel != "." else full.name)
        return Application(name=app_name, path=rel, namespace=namespace, kind="overlay", source=rel)
    apps = load_applications(root)
    for app in apps:
        if app.name == target:
            return app
    close = difflib.get_close_matches(target, [a.name for a in apps], n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else f"; {len(apps)} app(s) found under {root}"
    raise SyncError(f"no app or overlay directory named {target!r}{hint}", field="APP")


def render(app: Application, root: Path, cache: Any = None) -> list[dict[str, Any]]:
    """The app's desired manifests, rendered by kustomize_py (`cache`: a ParseCache to share)."""
    import kustomize_py

    path = Path(root) / app.path
    if not path.is_dir():
        raise SyncError(f"app {app.name}: source path does not exist", path=str(path), field="spec.source.path")
    return list(kustomize_py.build(path, cache=cache).objects)
