"""`kpy check`: render every overlay once and report build errors, plaintext Secrets, broken
SealedSecrets, Application coverage and risky deletion settings."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kustomize_py.errors import KpyError
from kustomize_py.repo.discover import load_config, overlays
from kustomize_py.repo.graph import Graph, build_graph

if TYPE_CHECKING:
    from kustomize_py.cache import ParseCache

ERROR, WARNING = "error", "warning"
# Objects whose presence in an app's output means the app deploys Argo CD itself.
_ARGOCD_SELF = {("apps", "Deployment", "argocd-server"), ("apps", "StatefulSet", "argocd-application-controller"),
                ("apps", "Deployment", "argocd-repo-server"),
                ("apiextensions.k8s.io", "CustomResourceDefinition", "applications.argoproj.io")}


@dataclass
class Issue:
    """One problem: which check found it, in which overlay and file, and what to do."""

    check: str  # build | plaintext-secret | sealed-scope | app-missing | app-path | risky-deletion | schema
    message: str
    overlay: str | None = None
    file: str | None = None
    severity: str = ERROR

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Report:
    root: str
    overlays: list[str] = field(default_factory=list)  # the ones rendered
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(i.severity == ERROR for i in self.issues)

    def to_dict(self) -> dict[str, Any]:
        return {"root": self.root, "ok": self.ok, "overlays": self.overlays,
                "issues": [i.to_dict() for i in self.issues]}


@dataclass
class Rendered:
    """An overlay's build: the result, or the issue that stopped it."""

    result: Any = None
    issue: Issue | None = None


def _relpath(root: Path, path: str | None) -> str | None:
    if not path:
        return None
    p = Path(path)
    if not p.is_absolute():
        return p.as_posix()
    try:
        return p.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return p.as_posix()


def render(root: Path, overlay: str, cache: ParseCache | None = None) -> Rendered:
    """Build one overlay; a build error (or a crash of the renderer) becomes an Issue, never an exception."""
    import kustomize_py

    try:
        return Rendered(result=kustomize_py.build(root / overlay, cache=cache))
    except KpyError as err:
        return Rendered(issue=Issue("build", err.message if err.path else str(err), overlay,
                                    _relpath(root, err.path) or overlay))
    except Exception as err:
        return Rendered(issue=Issue("build", f"renderer failed: {type(err).__name__}: {err}", overlay, overlay))


def is_plain_secret(obj: Any) -> bool:
    """A core/v1 Secret carrying values (an empty one is harmless)."""
    return (isinstance(obj, dict) and obj.get("kind") == "Secret" and "/" not in str(obj.get("apiVersion", "v1"))
            and bool(obj.get("data") or obj.get("stringData")))


def _secret_name(obj: dict[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("name") or "")


def committed_files(root: Path) -> list[str]:
    """YAML files Git tracks under `root` (every YAML file when it is not a Git work tree)."""
    from kustomize_py.repo.affected import git

    try:
        names = git(root, "ls-files", "-z", "--", ".").split("\0")
    except KpyError:
        names = [Path(dp, f).relative_to(root).as_posix() for dp, dns, fs in os.walk(root)
                 for f in fs if not any(part.startswith(".") for part in Path(dp).relative_to(root).parts)]
    return sorted(n for n in names if n.endswith((".yaml", ".yml")))


def scan_committed_secrets(root: Path, files: list[str], allow: set[str]) -> list[Issue]:
    """Plaintext Secrets written in the given YAML files (values are never echoed)."""
    from kustomize_py.yaml import load_all

    issues = []
    for name in files:
        path = root / name
        if not name.endswith((".yaml", ".yml")) or not path.is_file():
            continue
        data = path.read_bytes()
        if b"Secret" not in data:
            continue
        try:
            docs = load_all(data, name)
        except KpyError:
            continue  # not ours to judge here; a build that reads it will say so
        for doc in docs:
            if is_plain_secret(doc) and _secret_name(doc) not in allow:
                issues.append(Issue("plaintext-secret", f"Secret {_secret_name(doc)!r} is committed in plain text; "
                                    "seal it (kpy seal) or add it to the allow list", None, name))
    return issues


def check_rendered(root: Path, overlay: str, result: Any, allow: set[str]) -> list[Issue]:
    """Plaintext Secrets in an overlay's output, and SealedSecrets the overlay makes undecryptable."""
    from kustomize_py.sealed.check import check_sealed_scopes

    issues = []
    for res in result.resources:
        obj = res.obj
        if is_plain_secret(obj) and not ({_secret_name(obj), res.orig_name} & allow):
            source = _relpath(root, res.origin_path) or overlay
            issues.append(Issue("plaintext-secret", f"renders Secret {_secret_name(obj)!r} with plain-text values "
                                "(seal it, or allow it in .kpy.yaml / --allow-secret)", overlay, source))
    for f in check_sealed_scopes(overlay, result.resources):
        issues.append(Issue("sealed-scope", f"SealedSecret {f.namespace or ''}/{f.name or ''}: {f.field}: "
                            f"{f.old!r} -> {f.new!r}: {f.message}", overlay,
                            _relpath(root, f.origin_path) or overlay, f.severity))
    return issues


def _group(obj: dict[str, Any]) -> str:
    return str(obj.get("apiVersion") or "").rpartition("/")[0]


def check_apps(root: Path, graph: Graph, renders: dict[str, Rendered], scope: set[str] | None,
               changed: set[str] | None) -> list[Issue]:
    """Application coverage (workload x environment), source paths, and risky deletion settings.

    `scope` limits the checks to apps and overlays in it (None: all); `changed` adds apps whose
    own file changed.
    """
    from kustomize_py.sync.apps import load_applications, parse_application

    try:
        apps = [a for a in load_applications(root) if a.kind == "argocd"]
    except KpyError as err:
        return [Issue("app-path", err.message, None, _relpath(root, err.path))]
    if not apps:
        return []  # a repo without Argo CD Applications has no coverage to check
    issues: list[Issue] = []
    rendered_before = set(renders)
    by_path: dict[str, list[Any]] = {}
    for app in apps:
        by_path.setdefault(app.path, []).append(app)
    for ov in overlays(root, list(graph.nodes)):
        if (scope is None or ov.path in scope) and ov.path not in by_path:
            issues.append(Issue("app-missing", f"no Argo CD Application deploys {ov.workload} to {ov.env} "
                                "(kpy apps generate writes one)", ov.path, ov.path, ERROR))
    for app in apps:
        relevant = scope is None or app.path in scope or (changed is not None and app.source in changed)
        if not relevant:
            continue
        if not (root / app.path).is_dir():
            issues.append(Issue("app-path", f"Application {app.name}: source.path {app.path!r} does not exist",
                                None, app.source))
            continue
        if app.path not in renders:
            renders[app.path] = render(root, app.path)
        r = renders[app.path]
        if r.issue is not None:
            if app.path in rendered_before:
                continue  # already reported under the overlay itself
            issues.append(Issue("app-path", f"Application {app.name}: source.path {app.path!r} does not build: "
                                f"{r.issue.message}", None, app.source))
            continue
        objs = list(r.result.objects)
        children = []
        for obj in objs:
            try:
                child = parse_application(obj, app.path)
            except KpyError:
                child = None
            if child is not None:
                children.append(child)
        if app.prune:
            cascading = [c.name for c in children if c.has_cascade_finalizer]
            if cascading:
                issues.append(Issue("risky-deletion", f"Application {app.name} prunes child Applications that carry "
                                    f"the resources finalizer ({', '.join(cascading)}): removing one from "
                                    f"{app.path} deletes everything it deployed", None, app.source))
            ids = {(_group(o), str(o.get("kind")), _secret_name(o)) for o in objs}
            if ids & _ARGOCD_SELF or any(c.path == app.path for c in children):
                issues.append(Issue("risky-deletion", f"Application {app.name} manages Argo CD itself with automated "
                                    "prune: a bad commit can delete the controller that would repair it", None,
                                    app.source))
    return issues


def allow_list(root: Path, extra: list[str] | None = None) -> set[str]:
    """Secret names allowed in plain text: `.kpy.yaml` `check.allowSecrets` plus `extra`."""
    config = load_config(root)
    section = config.get("check") or {}
    names = list(section.get("allowSecrets") or []) + list(config.get("allowSecrets") or [])
    return {str(n) for n in names} | set(extra or [])


def run_checks(root: Path, *, files: list[str] | None = None, allow_secrets: list[str] | None = None,
               on_progress: Any = None) -> Report:
    """Check the repo at `root`; with `files` (repo-relative), only what those files affect.
    `on_progress(done, total, target)` is called after each overlay is rendered."""
    from kustomize_py.cache import ParseCache
    from kustomize_py.repo.affected import affected_targets

    root = Path(root).resolve()
    graph = build_graph(root)
    allow = allow_list(root, allow_secrets)
    targets = graph.targets if files is None else affected_targets(root, files, graph)
    report = Report(str(root), list(targets))
    renders: dict[str, Rendered] = {}
    from kustomize_py.validate.repo import overlay_problems, repo_validator

    validator = repo_validator(root) if targets else None  # None unless .kpy.yaml has `validate:`
    cache = ParseCache()  # overlays share their bases: parse each file once
    for i, t in enumerate(targets, 1):
        renders[t] = r = render(root, t, cache)
        if r.issue is not None:
            report.issues.append(r.issue)
        else:
            report.issues += check_rendered(root, t, r.result, allow)
            if validator is not None:
                report.issues += [Issue("schema", p.describe(), t, _relpath(root, origin) or t)
                                  for p, origin in overlay_problems(validator, t, r.result)]
        if on_progress is not None:
            on_progress(i, len(targets), t)
    scanned = committed_files(root) if files is None else files
    report.issues += scan_committed_secrets(root, scanned, allow)
    report.issues += check_apps(root, graph, renders, None if files is None else set(targets),
                                None if files is None else set(files))
    return report


def format_text(report: Report) -> str:
    """Issues grouped by overlay, then file; a one-line summary at the end."""
    lines: list[str] = []
    groups: dict[str, list[Issue]] = {}
    for issue in report.issues:
        groups.setdefault(issue.overlay or "(repository)", []).append(issue)
    for overlay in sorted(groups):
        lines.append(f"{overlay}:")
        for issue in sorted(groups[overlay], key=lambda i: (i.file or "", i.check)):
            lines.append(f"  {issue.severity}: {issue.file or overlay}: [{issue.check}] {issue.message}")
    errors = sum(1 for i in report.issues if i.severity == ERROR)
    warnings = len(report.issues) - errors
    lines.append(f"checked {len(report.overlays)} overlay(s): {errors} error(s), {warnings} warning(s)")
    return "\n".join(lines) + "\n"
