"""What a repo deploys, read from its Argo CD Applications and ApplicationSets, Flux Kustomizations and
kpy Apps, each source classified (kustomize, directory, Helm chart, other repo, templated) instead of
failing on the ones kpy does not render.

Unlike `sync.apps.load_applications` (which needs one renderable path per app), nothing here raises on
a real repo's files: Helm templates, multi-source and chart Applications, the same name in two
cluster folders are all reported for what they are.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kustomize_py.kustomization import FILE_NAMES
from kustomize_py.sync.apps import ARGO_CASCADE_FINALIZERS

ARGO_API = "argoproj.io/"
FLUX_API = "kustomize.toolkit.fluxcd.io/"
NATIVE_API = "kustomize-py/"
_TEMPLATE = re.compile(r"\{\{-?\s*\.?([A-Za-z0-9_.\-]+)\s*-?\}\}")
# Source types: what kpy can render (kustomize), what it reads as plain files (directory, helm), and
# what is deployed from elsewhere or unknowable without rendering (helm-chart, other-repo, templated).
LOCAL_TYPES = ("kustomize", "directory", "helm")


@dataclass(frozen=True)
class Deployment:
    """One source of one deploying object: an Application, an ApplicationSet's generated app, a Flux
    Kustomization or a kpy App. `path` is repo-relative when the source lives in this repo."""

    name: str
    kind: str  # Application | ApplicationSet | Kustomization | App | FluxCluster
    source: str  # the file it is declared in
    type: str  # kustomize | directory | helm | helm-chart | other-repo | missing | templated | unresolved
    path: str | None = None
    detail: str = ""
    namespace: str = ""  # destination namespace
    server: str = ""  # destination server or cluster name
    prune: bool = False
    automated: bool = False
    cascade_finalizer: bool = False

    @property
    def local(self) -> bool:
        return self.type in LOCAL_TYPES and self.path is not None

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("name", "kind", "source", "type", "path", "detail", "namespace",
                                              "server", "prune", "automated", "cascade_finalizer")}


def normalise_url(url: str) -> str:
    """A Git URL reduced to host/owner/name so https, ssh and .git variants compare equal."""
    u = url.strip().lower()
    u = re.sub(r"^[a-z+]+://", "", u)
    u = re.sub(r"^[^@/]+@", "", u)
    u = u.replace(":", "/", 1) if "/" not in u.split(":", 1)[0] and ":" in u else u
    return u.rstrip("/").removesuffix(".git")


def own_urls(root: Path, config: dict[str, Any]) -> tuple[set[str], bool]:
    """This repo's URLs (normalised), and whether they were configured (`.kpy.yaml` repoURLs)."""
    configured = [str(u) for u in config.get("repoURLs") or []]
    if configured:
        return {normalise_url(u) for u in configured}, True
    import subprocess

    try:
        done = subprocess.run(["git", "remote", "-v"], cwd=root, capture_output=True, text=True, check=False)
    except OSError:
        return set(), False
    return {normalise_url(line.split()[1]) for line in done.stdout.splitlines() if len(line.split()) > 1}, False


def _dir_type(root: Path, path: str) -> str:
    full = root / path
    if any((full / n).is_file() for n in FILE_NAMES):
        return "kustomize"
    if (full / "Chart.yaml").is_file():
        return "helm"
    return "directory"


class _Context:
    def __init__(self, root: Path, config: dict[str, Any], urls: tuple[set[str], bool] | None = None):
        self.root = root
        self.urls, self.configured = own_urls(root, config) if urls is None else urls

    def classify(self, path: str, repo_url: str) -> tuple[str, str | None]:
        """(type, repo-relative path) of a Git directory source."""
        clean = path.strip().strip("/").removeprefix("./") or "."
        clean = os.path.normpath(clean).replace(os.sep, "/")
        theirs = bool(repo_url) and bool(self.urls) and normalise_url(repo_url) not in self.urls
        if "{{" in path or "$" in path and "{" in path:
            return "templated", None
        if theirs and self.configured:
            return "other-repo", None
        if clean.startswith("..") or os.path.isabs(clean):
            return "other-repo", None
        if (self.root / clean).is_dir():
            return _dir_type(self.root, clean), clean
        return ("other-repo", None) if theirs else ("missing", clean)


def _is_templated(rel: str, text: bytes, root: Path) -> bool:
    if b"{{" not in text:
        return False
    parts = Path(rel).parts
    if "templates" in parts:
        at = len(parts) - 1 - parts[::-1].index("templates")
        if (root.joinpath(*parts[:at]) / "Chart.yaml").is_file():
            return True
    return bool(re.search(rb"^\s*\{\{", text, re.M))  # a line that is only template logic


def _app_common(doc: dict[str, Any]) -> dict[str, Any]:
    meta = doc.get("metadata") or {}
    spec = doc.get("spec") or {}
    dest = spec.get("destination") or {}
    policy = spec.get("syncPolicy") or {}
    automated = policy.get("automated") if isinstance(policy, dict) else None
    return {"namespace": str(dest.get("namespace") or "") if isinstance(dest, dict) else "",
            "server": str(dest.get("server") or dest.get("name") or "") if isinstance(dest, dict) else "",
            "prune": bool(isinstance(automated, dict) and automated.get("prune") is True),
            "automated": isinstance(automated, dict) and automated.get("enabled") is not False,
            "cascade_finalizer": any(f in ARGO_CASCADE_FINALIZERS for f in meta.get("finalizers") or [])}


def _sources(spec: dict[str, Any]) -> list[dict[str, Any]]:
    if isinstance(spec.get("sources"), list):
        return [s for s in spec["sources"] if isinstance(s, dict)]
    return [spec["source"]] if isinstance(spec.get("source"), dict) else []


def _from_source(ctx: _Context, name: str, kind: str, rel: str, src: dict[str, Any],
                 common: dict[str, Any]) -> Deployment | None:
    url = str(src.get("repoURL") or "")
    if src.get("chart"):
        return Deployment(name, kind, rel, "helm-chart", None, f"{src['chart']}@{src.get('targetRevision', '')} "
                          f"from {url}", **common)
    if src.get("path") is None:
        return None  # a `ref:` source (values for another source) deploys nothing by itself
    typ, path = ctx.classify(str(src["path"]), url)
    return Deployment(name, kind, rel, typ, path, url if typ == "other-repo" else "", **common)


def _substitute(text: str, params: dict[str, str]) -> str | None:
    """`{{key}}` / `{{.key}}` replaced from params; None when one is unknown."""
    missing = False

    def one(m: re.Match[str]) -> str:
        nonlocal missing
        key = m.group(1)
        if key not in params:
            missing = True
            return ""
        return params[key]
    out = _TEMPLATE.sub(one, text)
    return None if missing else out


def _flatten(value: Any, prefix: str = "") -> dict[str, str]:
    if isinstance(value, dict):
        out: dict[str, str] = {}
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}{k}."))
        return out
    return {prefix.rstrip("."): str(value)}


def _dir_params(path: str) -> dict[str, str]:
    p = Path(path)
    return {"path": path, "path.path": path, "path.basename": p.name, "path[0]": p.parts[0] if p.parts else "",
            "path.basenameNormalized": re.sub(r"[^a-z0-9-]", "-", p.name.lower())}


def _glob_dirs(root: Path, pattern: str) -> list[str]:
    pattern = pattern.strip().strip("/").removeprefix("./")
    if not pattern or pattern.startswith(".."):
        return []
    return sorted(p.relative_to(root).as_posix() for p in root.glob(pattern) if p.is_dir()
                  and not any(part.startswith(".") for part in p.relative_to(root).parts))


def _generator_params(root: Path, gen: dict[str, Any]) -> list[dict[str, str]] | None:
    """Parameter sets an ApplicationSet generator yields from this repo (None: unknown here)."""
    if isinstance(gen.get("list"), dict):
        return [_flatten(e) for e in gen["list"].get("elements") or [] if isinstance(e, dict)]
    git = gen.get("git")
    if isinstance(git, dict):
        if git.get("directories"):
            include: list[str] = []
            exclude: set[str] = set()
            for d in git["directories"]:
                if isinstance(d, dict) and isinstance(d.get("path"), str):
                    found = _glob_dirs(root, d["path"])
                    (exclude.update(found) if d.get("exclude") else include.extend(found))
            return [_dir_params(d) for d in include if d not in exclude]
        if git.get("files"):
            out = []
            for f in git["files"]:
                pattern = str((f or {}).get("path") or "").strip("/")
                for p in sorted(root.glob(pattern)) if pattern and not pattern.startswith("..") else []:
                    params = _dir_params(p.parent.relative_to(root).as_posix())
                    try:
                        from kustomize_py.yaml import load_all

                        for doc in load_all(p.read_bytes(), str(p)):
                            if isinstance(doc, dict):
                                out.append({**params, **_flatten(doc)})
                    except Exception:
                        out.append(params)
            return out
    for combo in ("matrix", "merge"):
        if isinstance(gen.get(combo), dict):
            sets = [_generator_params(root, g) for g in gen[combo].get("generators") or [] if isinstance(g, dict)]
            known = [s for s in sets if s is not None]
            if not known:
                return None
            merged: list[dict[str, str]] = [{}]
            for s in known:
                merged = [{**a, **b} for a in merged for b in s] if combo == "matrix" else merged + s
            return [m for m in merged if m]
    return None


def _appset(ctx: _Context, doc: dict[str, Any], rel: str) -> list[Deployment]:
    name = str((doc.get("metadata") or {}).get("name") or "")
    spec = doc.get("spec") or {}
    template = spec.get("template") or {}
    common = _app_common(template)
    tspec = template.get("spec") or {}
    out: list[Deployment] = []
    for gen in spec.get("generators") or []:
        params = _generator_params(ctx.root, gen) if isinstance(gen, dict) else None
        kinds = ",".join(sorted(gen)) if isinstance(gen, dict) else "?"
        if params is None:
            out.append(Deployment(name, "ApplicationSet", rel, "unresolved", None, f"{kinds} generator", **common))
            continue
        for p in params:
            dest = {k: (_substitute(v, p) or "") if isinstance(v, str) else v
                    for k, v in (tspec.get("destination") or {}).items()}
            common = {**common, "namespace": str(dest.get("namespace") or ""),
                      "server": str(dest.get("server") or dest.get("name") or "")}
            for src in _sources(tspec):
                filled = {k: _substitute(v, p) if isinstance(v, str) else v for k, v in src.items()}
                if any(v is None for v in filled.values()):
                    out.append(Deployment(name, "ApplicationSet", rel, "unresolved", None,
                                          f"{kinds} generator: template needs parameters it does not give",
                                          **common))
                    continue
                dep = _from_source(ctx, name, "ApplicationSet", rel, filled, common)
                if dep is not None:
                    out.append(dep)
    return out


def _from_doc(ctx: _Context, doc: Any, rel: str) -> list[Deployment]:
    if not isinstance(doc, dict):
        return []
    api, kind = str(doc.get("apiVersion") or ""), doc.get("kind")
    meta = doc.get("metadata") or {}
    name = str(meta.get("name") or "") if isinstance(meta, dict) else ""
    spec = doc.get("spec") or {}
    if not isinstance(spec, dict):
        return []
    if api.startswith(ARGO_API) and kind == "Application":
        common = _app_common(doc)
        deps = [d for d in (_from_source(ctx, name, "Application", rel, s, common) for s in _sources(spec)) if d]
        return deps or [Deployment(name, "Application", rel, "unresolved", None, "no source", **common)]
    if api.startswith(ARGO_API) and kind == "ApplicationSet":
        return _appset(ctx, doc, rel)
    if api.startswith(FLUX_API) and kind == "Kustomization":
        ref = spec.get("sourceRef") or {}
        path = str(spec.get("path") or ".")
        typ, local = ctx.classify(path, "")
        if typ == "missing" and isinstance(ref, dict) and ref.get("kind") not in (None, "GitRepository"):
            typ, local = "other-repo", None  # an OCI or external artifact: its paths are its own
        detail = f"{ref.get('kind', '')}/{ref.get('name', '')}" if isinstance(ref, dict) else ""
        return [Deployment(name, "Kustomization", rel, typ, local, detail,
                           str(spec.get("targetNamespace") or ""), "", spec.get("prune") is True,
                           not spec.get("suspend"))]
    if api.startswith(NATIVE_API) and kind == "App" and spec.get("path"):
        typ, local = ctx.classify(str(spec["path"]), "")
        return [Deployment(name, "App", rel, typ, local, "", str(spec.get("namespace") or ""), "",
                           spec.get("prune") is True, True)]
    return []


def discover(root: Path, config: dict[str, Any] | None = None, *, urls: tuple[set[str], bool] | None = None,
             files: list[Path] | None = None) -> list[Deployment]:
    """Every deployment declared under `root`; files that cannot be read are skipped (check reports them)."""
    from kustomize_py.repo.discover import load_config
    from kustomize_py.repofiles import files_under, small_files
    from kustomize_py.yaml import load_all

    root = Path(root).resolve()
    ctx = _Context(root, load_config(root) if config is None else config, urls)
    found: list[Deployment] = []
    flux_dirs: dict[str, str] = {}
    if files is None:
        files = [Path(p) for p in files_under(root, (".yaml", ".yml", ".json"))]
    for path, data in small_files(files):
        if not any(marker in data for marker in (b"argoproj.io", b"fluxcd.io", b"kustomize-py/")):
            continue
        rel = path.relative_to(root).as_posix()
        if _is_templated(rel, data, root):
            if b"kind: Application" in data:
                found.append(Deployment(Path(rel).stem, "Application", rel, "templated", None,
                                        "Helm/Go template: rendered by another tool"))
            continue
        try:
            docs = load_all(data, rel)
        except Exception:
            continue
        for doc in docs:
            deps = _from_doc(ctx, doc, rel)
            found += deps
            if any(d.kind == "Kustomization" for d in deps):
                flux_dirs[Path(rel).parent.as_posix()] = rel
    for d, rel in sorted(flux_dirs.items()):
        # A folder of Flux Kustomizations (clusters/<env>) is what Flux's bootstrap syncs: a root.
        d = d or "."
        if _dir_type(root, d) == "directory" and not any(x.path == d for x in found):
            found.append(Deployment(Path(d).name if d != "." else root.name, "FluxCluster", rel, "directory", d))
    return found


def covered_paths(deps: list[Deployment]) -> dict[str, list[Deployment]]:
    """Local paths and the deployments that deploy each."""
    out: dict[str, list[Deployment]] = {}
    for d in deps:
        if d.path is not None and d.type != "missing":
            out.setdefault(d.path, []).append(d)
    return out


def matches(path: str, patterns: list[str]) -> bool:
    """Whether a repo-relative path matches one of the globs (a pattern also covers what is below it)."""
    return any(fnmatch.fnmatch(path, p.strip("/")) or fnmatch.fnmatch(path, p.strip("/") + "/*") for p in patterns)


def from_object(root: Path, doc: Any, source: str, urls: tuple[set[str], bool] | None = None) -> list[Deployment]:
    """The deployments one object declares (e.g. a child Application in an app-of-apps' output)."""
    return _from_doc(_Context(Path(root), {}, urls or (set(), False)), doc, source)
