"""`kpy check`: render every overlay once and report build errors, plaintext Secrets, broken
SealedSecrets, Application coverage and risky deletion settings."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kustomize_py.errors import KpyError
from kustomize_py.repo.discover import load_config, overlays
from kustomize_py.repo.graph import Graph, build_graph
from kustomize_py.repo.issues import ERROR, WARNING, Issue

if TYPE_CHECKING:
    from collections.abc import Iterator

    from kustomize_py.cache import ParseCache

# `.kpy.yaml` check: settings (an unknown key is reported, never ignored in silence).
SETTINGS = ("allowSecrets", "exclude", "targets", "enableHelm", "helmCommand", "allowRemovals")

# A build that failed only because the network is unreachable says nothing about the repository.
_OFFLINE = ("Could not resolve host", "Name or service not known", "Temporary failure in name resolution",
            "Network is unreachable")
# Objects whose presence in an app's output means the app deploys Argo CD itself.
_ARGOCD_SELF = {("apps", "Deployment", "argocd-server"), ("apps", "StatefulSet", "argocd-application-controller"),
                ("apps", "Deployment", "argocd-repo-server"),
                ("apiextensions.k8s.io", "CustomResourceDefinition", "applications.argoproj.io")}


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


def render(root: Path, overlay: str, options: dict[str, Any] | None = None,
           cache: ParseCache | None = None) -> Rendered:
    """Build one overlay; a build error (or a crash of the renderer) becomes an Issue, never an exception.
    `options` are `build()`'s keywords (enable_helm, helm_command); `cache` a ParseCache shared by
    the overlays checked together."""
    import kustomize_py

    options = options or {}
    try:
        return Rendered(result=kustomize_py.build(root / overlay, cache=cache, **options))
    except KpyError as err:
        if "--enable-helm" in str(err) and not options.get("enable_helm"):
            return Rendered(issue=Issue("build", "inflates a Helm chart: not checked without --enable-helm "
                                        "(or check.enableHelm: true in .kpy.yaml)", overlay,
                                        _relpath(root, err.path) or overlay, WARNING))
        text = str(err)
        offline = any(m in text for m in _OFFLINE)
        return Rendered(issue=Issue("build", ("could not fetch a remote resource (no network?); not checked: "
                                              if offline else "") + (err.message if err.path else text),
                                    overlay, _relpath(root, err.path) or overlay, WARNING if offline else ERROR))
    except Exception as err:
        return Rendered(issue=Issue("build", f"renderer failed: {type(err).__name__}: {err}", overlay, overlay))


def is_plain_secret(obj: Any) -> bool:
    """A core/v1 Secret carrying values (an empty one is harmless; a SOPS-encrypted one is not plain)."""
    return (isinstance(obj, dict) and obj.get("kind") == "Secret" and "/" not in str(obj.get("apiVersion", "v1"))
            and bool(obj.get("data") or obj.get("stringData")) and not isinstance(obj.get("sops"), dict))


def _objects(doc: Any) -> list[Any]:
    """A document and, for a `kind: List` (or *List), its items."""
    if isinstance(doc, dict) and str(doc.get("kind") or "").endswith("List") and isinstance(doc.get("items"), list):
        return [doc, *doc["items"]]
    return [doc]


def _allowed(name: str, allow: set[str]) -> bool:
    """Whether a Secret name is allowed in plain text (names or globs: `demo-*`)."""
    import fnmatch

    return name in allow or any(fnmatch.fnmatchcase(name, pattern) for pattern in allow if "*" in pattern)


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
    return sorted(n for n in names if n.endswith(_MANIFEST_SUFFIXES))


_MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


def _files_mentioning(root: Path, files: list[str], *markers: bytes) -> Iterator[tuple[str, bytes]]:
    """(name, contents) of each given YAML/JSON file (repo-relative) that exists and holds one of
    `markers`: the cheap filter before a file is parsed."""
    for name in files:
        path = root / name
        if not name.endswith(_MANIFEST_SUFFIXES) or not path.is_file():
            continue
        data = path.read_bytes()
        if any(marker in data for marker in markers):
            yield name, data


def scan_committed_secrets(root: Path, files: list[str], allow: set[str]) -> list[Issue]:
    """Plaintext Secrets written in the given YAML/JSON files, inside `kind: List` too (values are never
    echoed). Files that do not parse (Helm templates, ...) are not judged here: a build that reads one
    says so."""
    from kustomize_py.yaml import load_all

    issues = []
    for name, data in _files_mentioning(root, files, b"Secret"):
        try:
            docs = load_all(data, name)
        except Exception:
            continue
        for doc in (o for d in docs for o in _objects(d)):
            if is_plain_secret(doc) and not _allowed(_secret_name(doc), allow):
                issues.append(Issue("plaintext-secret", f"Secret {_secret_name(doc)!r} is committed in plain text; "
                                    "seal it (kpy seal) or add it to the allow list", None, name))
    return issues


def check_rendered(root: Path, overlay: str, result: Any, allow: set[str]) -> list[Issue]:
    """Plaintext Secrets in an overlay's output, and SealedSecrets the overlay makes undecryptable."""
    from kustomize_py.sealed.check import check_sealed_scopes

    issues = []
    for res in result.resources:
        obj = res.obj
        if is_plain_secret(obj) and not (_allowed(_secret_name(obj), allow) or _allowed(str(res.orig_name), allow)):
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


def check_target(root: Path, target: str, rendered: Rendered, settings: dict[str, Any]) -> list[Issue]:
    """Every check of one built target (the per-target hook: add checks of rendered output here)."""
    if rendered.issue is not None:
        return [rendered.issue]
    issues = check_rendered(root, target, rendered.result, settings["allow"])
    validator = settings.get("validator")
    if validator is not None:  # schema validation (kustomize_py/validate), when .kpy.yaml asks for it
        from kustomize_py.validate.repo import overlay_problems

        issues += [Issue("schema", p.describe(), target, _relpath(root, origin) or target)
                   for p, origin in overlay_problems(validator, target, rendered.result)]
    return issues


def check_apps(root: Path, graph: Graph, renders: dict[str, Rendered], scope: set[str] | None,
               changed: set[str] | None, deployments: list[Any] | None = None,
               options: dict[str, Any] | None = None) -> list[Issue]:
    """Application coverage (workload x environment), source paths, and risky deletion settings.

    `scope` limits the checks to apps and overlays in it (None: all); `changed` adds apps whose
    own file changed. Helm-chart, other-repo and templated sources are not errors: kpy does not render
    them, `kpy apps check` lists them.
    """
    from kustomize_py.repo.deployments import discover

    deps = discover(root) if deployments is None else deployments
    argo = [d for d in deps if d.kind in ("Application", "ApplicationSet")]
    if not argo:
        return []  # a repo without Argo CD Applications has no coverage to check
    # Coverage is provable only when every Application's source is known here.
    unknowable = [d for d in argo if d.type in ("templated", "unresolved")]
    issues: list[Issue] = []
    rendered_before = set(renders)
    deployed = {d.path for d in argo if d.path is not None}
    for ov in overlays(root, [p for p in graph.nodes if graph.nodes[p].kustomization]):
        if (scope is None or ov.path in scope) and ov.path not in deployed and ov.path in graph.targets:
            hint = (f"; {len(unknowable)} templated or unresolved Application source(s) may deploy it"
                    if unknowable else "")
            issues.append(Issue("app-missing", f"no Argo CD Application deploys {ov.workload} to {ov.env} "
                                f"(kpy apps generate writes one){hint}", ov.path, ov.path,
                                WARNING if unknowable else ERROR))
    for app in deps:
        if app.path is None:
            continue
        relevant = scope is None or app.path in scope or (changed is not None and app.source in changed)
        if not relevant:
            continue
        if app.type == "missing":
            issues.append(Issue("app-path", f"{app.kind} {app.name}: path {app.path!r} does not exist in this "
                                "repository (if it deploys another one, list this one's URLs under repoURLs "
                                "in .kpy.yaml)", None, app.source))
            continue
        if app.type != "kustomize" or app.kind not in ("Application", "ApplicationSet", "App"):
            continue
        if app.path not in renders:
            renders[app.path] = render(root, app.path, options)
        r = renders[app.path]
        if r.issue is not None:
            if app.path in rendered_before or r.issue.severity != ERROR:
                continue  # already reported under the overlay itself
            issues.append(Issue("app-path", f"Application {app.name}: source.path {app.path!r} does not build: "
                                f"{r.issue.message}", None, app.source))
            continue
        if not app.prune:
            continue
        objs = list(r.result.objects)
        children = [c for o in objs for c in _children(root, o, app.path)]
        cascading = sorted({c.name for c in children if c.cascade_finalizer})
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


def _children(root: Path, obj: Any, source: str) -> list[Any]:
    from kustomize_py.repo.deployments import from_object

    try:
        return [d for d in from_object(root, obj, source) if d.kind == "Application"]
    except Exception:
        return []


def settings_of(root: Path, extra_secrets: list[str] | None = None, extra_removals: list[str] | None = None,
                *, enable_helm: bool | None = None, helm_command: str | None = None) -> dict[str, Any]:
    """The check settings: `.kpy.yaml` check: merged with the command line."""
    config = load_config(root)
    section = config.get("check") or {}
    where = str(root / ".kpy.yaml")
    if not isinstance(section, dict):
        raise KpyError("expected a mapping", path=where, field="check")
    unknown = sorted(set(section) - set(SETTINGS))
    if unknown:
        raise KpyError(f"unknown setting(s) {', '.join(unknown)} (known: {', '.join(SETTINGS)})", path=where,
                       field="check")
    for name in ("allowSecrets", "allowRemovals"):
        if not isinstance(section.get(name) or [], list):
            raise KpyError("expected a list of names", path=where, field=f"check.{name}")
    names = list(section.get("allowSecrets") or []) + list(config.get("allowSecrets") or [])
    helm = section.get("enableHelm", False) if enable_helm is None else enable_helm
    if not isinstance(helm, bool):
        raise KpyError("expected true or false", path=where, field="check.enableHelm")
    options: dict[str, Any] = {"enable_helm": helm}
    command = helm_command or section.get("helmCommand")
    if command:
        options["helm_command"] = str(command)
    return {"allow": {str(n) for n in names} | set(extra_secrets or []),
            "allow_removals": {str(n) for n in section.get("allowRemovals") or []} | set(extra_removals or []),
            "options": options, "config": config}


def allow_list(root: Path, extra: list[str] | None = None) -> set[str]:
    """Secret names allowed in plain text: `.kpy.yaml` `check.allowSecrets` plus `extra`."""
    allowed: set[str] = settings_of(root, extra)["allow"]
    return allowed


def run_checks(root: Path, *, files: list[str] | None = None, allow_secrets: list[str] | None = None,
               on_progress: Any = None, deleted: list[str] | None = None, base: str = "HEAD",
               allow_removals: list[str] | None = None, enable_helm: bool | None = None,
               helm_command: str | None = None) -> Report:
    """Check the repo at `root`; with `files` (repo-relative), only what those files affect.

    `deleted` are repo-relative files removed since `base` (a commit: what they were is read there):
    the targets and Applications they remove are reported, and what read them is rebuilt.
    `on_progress(done, total, target)` is called after each overlay is rendered."""
    from kustomize_py.cache import ParseCache
    from kustomize_py.repo.affected import affected_targets
    from kustomize_py.repo.deployments import discover
    from kustomize_py.repo.removals import removed_issues

    root = Path(root).resolve()
    settings = settings_of(root, allow_secrets, allow_removals, enable_helm=enable_helm, helm_command=helm_command)
    deps = discover(root, settings["config"])
    graph = build_graph(root, config=settings["config"], deployments=deps)
    changed = None if files is None else sorted(set(files) | set(deleted or []))
    wanted = graph.targets if changed is None else affected_targets(root, changed, graph)
    targets = [t for t in wanted if graph.nodes[t].kustomization]
    report = Report(str(root), list(targets))
    renders: dict[str, Rendered] = {}
    from kustomize_py.validate.repo import repo_validator

    # None unless .kpy.yaml has a `validate:` section
    settings["validator"] = repo_validator(root) if targets else None
    cache = ParseCache()  # overlays share their bases: parse each file once
    for i, t in enumerate(targets, 1):
        renders[t] = render(root, t, settings["options"], cache)
        report.issues += check_target(root, t, renders[t], settings)
        if on_progress is not None:
            on_progress(i, len(targets), t)
    from kustomize_py.repo.deployments import matches

    scanned = [f for f in (committed_files(root) if files is None else files) if not matches(f, graph.exclude)]
    report.issues += scan_committed_secrets(root, scanned, settings["allow"])
    report.issues += unused_sealed(root, graph, scanned)
    report.issues += check_apps(root, graph, renders, None if changed is None else set(wanted),
                                None if changed is None else set(changed), deps, settings["options"])
    if deleted or (changed is not None and any(f.endswith(_MANIFEST_SUFFIXES) for f in changed)):
        report.issues += removed_issues(root, base, changed or [], deleted or [], graph, deps,
                                        settings["allow_removals"])
    return report


def unused_sealed(root: Path, graph: Graph, files: list[str]) -> list[Issue]:
    """SealedSecret files that nothing deploys: no kustomization lists them and no Application or Flux
    Kustomization deploys their directory (a file `kpy seal --all` wrote but nobody added)."""
    from kustomize_py.repo.graph import _under

    issues = []
    for name, _ in _files_mentioning(root, files, b"kind: SealedSecret", b'"SealedSecret"'):
        read = any(name in n.files or any(_under(name, p) for p in n.prefixes) for n in graph.nodes.values())
        if not read:
            issues.append(Issue("sealed-unused", "SealedSecret file that no kustomization lists and nothing "
                                "deploys: add it to the kustomization of its directory (kpy seal --all does "
                                "for sealed/ directories)", None, name))
    return issues


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
