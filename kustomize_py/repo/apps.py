"""Argo CD Application coverage (every workload x environment) and generation of the missing ones.

Missing Applications are written from a template the repo keeps (default
`argocd/application.yaml.tmpl`; not `.yaml`, so no tool mistakes it for a manifest) with
`{workload}`, `{env}`, `{path}`, `{name}`, `{namespace}` and per-environment values from `.kpy.yaml`.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path, PurePosixPath
from typing import Any

from kustomize_py.errors import KpyError
from kustomize_py.output import atomic_write as write_atomic
from kustomize_py.repo.discover import Overlay, load_config, overlays

DEFAULT_TEMPLATE = "argocd/application.yaml.tmpl"
DEFAULT_DIR = "argocd/applications"
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def coverage(root: Path, deployments: list[Any] | None = None) -> list[dict[str, Any]]:
    """One row per overlay: {workload, env, path, apps: [Application/ApplicationSet names deploying it]}."""
    from kustomize_py.repo.deployments import discover

    deps = discover(Path(root)) if deployments is None else deployments
    argo = [d for d in deps if d.kind in ("Application", "ApplicationSet")]
    return [{"workload": o.workload, "env": o.env, "path": o.path,
             "apps": sorted({d.name for d in argo if d.path == o.path})} for o in overlays(Path(root))]


POLICY_KEYS = ("server", "cluster", "namespace", "prune", "finalizer")


def env_of(path: str, envs: list[str]) -> str | None:
    """The environment a deployed path belongs to: its overlay's, else a configured environment name
    that is one of its directories."""
    from kustomize_py.repo.discover import overlay_of

    ov = overlay_of(path)
    if ov is not None and ov.env in envs:
        return ov.env
    return next((p for p in path.split("/") if p in envs), None)


def policy(root: Path, deployments: list[Any] | None = None) -> list[dict[str, str]]:
    """Applications that break their environment's policy (`.kpy.yaml` environments: <env>: server,
    cluster, namespace, prune, finalizer): [{app, source, env, field, expected, actual}]."""
    from kustomize_py.repo.deployments import discover

    root = Path(root)
    envs = load_config(root).get("environments") or {}
    if not isinstance(envs, dict):
        raise KpyError("expected a mapping of environment settings", path=str(root / ".kpy.yaml"),
                       field="environments")
    deps = discover(root) if deployments is None else deployments
    out: list[dict[str, str]] = []
    for d in deps:
        if d.kind not in ("Application", "ApplicationSet") or d.path is None:
            continue
        env = env_of(d.path, list(envs))
        if not env:
            continue
        rules = envs.get(env)
        if not isinstance(rules, dict):
            continue
        actual = {"server": d.server, "cluster": d.server, "namespace": d.namespace, "prune": d.prune,
                  "finalizer": d.cascade_finalizer}
        for key in POLICY_KEYS:
            if key not in rules:
                continue
            want = rules[key]
            if key == "server" and "cluster" in rules and d.server == str(rules["cluster"]):
                continue  # destination.name given instead of server
            if key == "cluster" and "server" in rules and d.server == str(rules["server"]):
                continue
            if (isinstance(want, bool) and bool(actual[key]) != want) or (
                    not isinstance(want, bool) and str(actual[key]) != str(want)):
                out.append({"app": d.name, "source": d.source, "env": env, "field": key,
                            "expected": str(want).lower() if isinstance(want, bool) else str(want),
                            "actual": str(actual[key]).lower() if isinstance(actual[key], bool)
                            else str(actual[key] or "(none)")})
    return out


def _settings(root: Path) -> dict[str, Any]:
    section = load_config(root).get("apps") or {}
    if not isinstance(section, dict):
        raise KpyError("apps: expected a mapping", path=str(root / ".kpy.yaml"), field="apps")
    return section


def _overlay_namespace(root: Path, ov: Overlay) -> str:
    from kustomize_py.kustomization import FILE_NAMES
    from kustomize_py.repo.graph import read_fields

    name = next((n for n in FILE_NAMES if (root / ov.path / n).is_file()), None)
    try:
        return str(read_fields(root / ov.path / name).get("namespace") or "") if name else ""
    except Exception:
        return ""


def placeholders(root: Path, ov: Overlay) -> dict[str, str]:
    """The values a template may use for one overlay."""
    env_values = ((load_config(root).get("environments") or {}).get(ov.env) or {})
    name = f"{ov.workload.replace('/', '-')}-{ov.env}"
    values = {"workload": ov.workload, "env": ov.env, "path": ov.path, "name": name,
              "namespace": _overlay_namespace(root, ov) or PurePosixPath(ov.workload).name}
    values.update({str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in env_values.items()})
    return values


def fill(template: str, values: dict[str, str], source: str) -> str:
    """The template with `{key}` replaced; an unknown key is an error naming it."""
    def one(m: re.Match[str]) -> str:
        if m.group(1) not in values:
            raise KpyError(f"unknown placeholder {{{m.group(1)}}} (known: {', '.join(sorted(values))}; "
                           "add per-environment values under environments: in .kpy.yaml)", path=source)
        return values[m.group(1)]
    return _PLACEHOLDER.sub(one, template)


def _apps_dir(root: Path, settings: dict[str, Any]) -> str:
    if settings.get("dir"):
        return str(settings["dir"])
    from kustomize_py.repo.deployments import discover

    parents = Counter(PurePosixPath(d.source).parent.as_posix() for d in discover(root) if d.kind == "Application")
    return parents.most_common(1)[0][0] if parents else DEFAULT_DIR


def add_to_kustomization(directory: Path, names: list[str]) -> bool:
    """Append `names` to the `resources:` of the kustomization in `directory`, keeping its comments."""
    from kustomize_py.kustomization import FILE_NAMES

    kfile = next((directory / n for n in FILE_NAMES if (directory / n).is_file()), None)
    if kfile is None:
        return False
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    doc = yaml.load(kfile.read_text())
    resources = doc.setdefault("resources", [])
    new = [n for n in names if n not in resources]
    if not new:
        return False
    resources.extend(new)
    buf = __import__("io").StringIO()
    yaml.dump(doc, buf)
    write_atomic(kfile, buf.getvalue())
    return True


def generate(root: Path, *, template: str | None = None, dry_run: bool = False) -> list[str]:
    """Write an Application for every overlay none deploys; return the files (repo-relative) written."""
    from kustomize_py.sync.apps import parse_application
    from kustomize_py.yaml import load_all

    root = Path(root).resolve()
    settings = _settings(root)
    tpath = root / (template or settings.get("template") or DEFAULT_TEMPLATE)
    missing = [r for r in coverage(root) if not r["apps"]]
    if not missing:
        return []
    if not tpath.is_file():
        raise KpyError(f"no Application template at {tpath} (see docs/ci-recipes.md)", path=str(tpath))
    text = tpath.read_text()
    out_dir = _apps_dir(root, settings)
    written: list[str] = []
    for row in missing:
        ov = Overlay(row["workload"], row["env"], row["path"])
        values = placeholders(root, ov)
        body = fill(text, values, str(tpath))
        target = f"{out_dir}/{values['name']}.yaml"
        docs = load_all(body, target)
        if not any(parse_application(d, target) for d in docs):
            raise KpyError("the template does not produce an Argo CD Application", path=str(tpath))
        if (root / target).exists():
            raise KpyError("would overwrite an existing file that is not an Application for this overlay",
                           path=target)
        if not dry_run:
            write_atomic(root / target, body)
        written.append(target)
    if not dry_run:
        add_to_kustomization(root / out_dir, [PurePosixPath(w).name for w in written])
    return written
