"""Finding kustomizations in a repo and naming its workloads and environments (`<workload>/overlays/<env>`)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kustomize_py.kustomization import FILE_NAMES
from kustomize_py.repofiles import walk

CONFIG_FILE = ".kpy.yaml"


@dataclass(frozen=True)
class Overlay:
    """One `<workload>/overlays/<env>` directory (path relative to the repo root, '/'-separated)."""

    workload: str
    env: str
    path: str


def kustomization_dirs(root: Path) -> list[str]:
    """Every directory under `root` holding a kustomization file, relative and sorted."""
    root = Path(root)
    found: list[str] = []
    for folder, names in walk(root):
        if any(n in names for n in FILE_NAMES):
            found.append(rel(Path(folder), root))
    return sorted(found)


def rel(path: Path, root: Path) -> str:
    """`path` relative to `root`, '/'-separated ('.' for the root itself)."""
    return Path(os.path.relpath(path, root)).as_posix()


def overlay_of(path: str) -> Overlay | None:
    """The workload and environment a directory names, when it follows the overlays/ convention."""
    parts = path.split("/")
    if len(parts) >= 3 and parts[-2] == "overlays":
        return Overlay("/".join(parts[:-2]), parts[-1], path)
    return None


ENV_NAMES = ("dev", "development", "test", "qa", "staging", "stage", "preprod", "production", "prod")
_ENV_PARENTS = ("envs", "environments", "env", "overlays")


def layout_pattern(config: dict[str, Any]) -> re.Pattern[str] | None:
    """`.kpy.yaml` layout: e.g. "envs/{env}" or "{workload}/deploy/{env}", as a regular expression."""
    from kustomize_py.errors import KpyError

    text = config.get("layout")
    if text is None:
        return None
    if not isinstance(text, str) or "{env}" not in text:
        raise KpyError('expected a path pattern with {env} (and optionally {workload}), e.g. "apps/{env}"',
                       path=CONFIG_FILE, field="layout")
    parts = re.split(r"(\{workload\}|\{env\})", text.strip("/"))
    regex = "".join("(?P<workload>.+)" if p == "{workload}" else "(?P<env>[^/]+)" if p == "{env}"
                    else re.escape(p) for p in parts)
    return re.compile(regex + "$")


def guess_overlay(path: str) -> Overlay | None:
    """An environment read from a path that does not follow the overlays/ convention: `envs/<env>`,
    `<workload>/environments/<env>`, or a usual environment name (`apps/staging`)."""
    parts = path.split("/")
    if len(parts) >= 2 and parts[-2] in _ENV_PARENTS:
        return Overlay("/".join(parts[:-2]) or parts[-2], parts[-1], path)
    for i, part in enumerate(parts):
        if part in ENV_NAMES:
            rest = parts[:i] + parts[i + 1:]
            return Overlay("/".join(rest) or part, part, path)
    return None


def overlays(root: Path, dirs: list[str] | None = None, config: dict[str, Any] | None = None) -> list[Overlay]:
    """Every `<workload>/overlays/<env>` kustomization under `root`; with `.kpy.yaml` layout, the ones
    matching it; with neither, the ones whose path names an environment (envs/<env>, apps/staging)."""
    dirs = kustomization_dirs(root) if dirs is None else dirs
    config = load_config(root) if config is None else config
    pattern = layout_pattern(config)
    if pattern is not None:
        found = []
        for d in dirs:
            m = pattern.match(d)
            if m:
                groups = m.groupdict()
                found.append(Overlay(groups.get("workload") or Path(d).parent.as_posix(), groups["env"], d))
        return found
    conventional = [o for o in (overlay_of(d) for d in dirs) if o is not None]
    if conventional:
        return conventional
    guessed = [o for o in (guess_overlay(d) for d in dirs if not {"base", "flux-system"} & set(d.split("/")))
               if o is not None]
    under_parent = [o for o in guessed if o.path.split("/")[-2:-1] and o.path.split("/")[-2] in _ENV_PARENTS]
    return under_parent or guessed


def environments(found: list[Overlay]) -> list[str]:
    """Environment names, in the usual promotion order when they are the usual names."""
    order = {"dev": 0, "development": 0, "test": 1, "qa": 1, "staging": 2, "stage": 2, "preprod": 3,
             "production": 4, "prod": 4}
    return sorted({o.env for o in found}, key=lambda e: (order.get(e, 5), e))


def load_config(root: Path) -> dict[str, Any]:
    """The repo's `.kpy.yaml` settings (an empty dict when there is none)."""
    from kustomize_py.errors import KpyError
    from kustomize_py.yaml import load

    path = Path(root) / CONFIG_FILE
    if not path.is_file():
        return {}
    data = load(path.read_bytes(), str(path))
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise KpyError("expected a mapping of settings", path=str(path))
    return data
