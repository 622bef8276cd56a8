"""`kpy tree`: the repo as a workload x environment matrix, with what each overlay changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kustomize_py.kustomization import FILE_NAMES
from kustomize_py.repo.discover import environments, overlays
from kustomize_py.repo.graph import read_fields  # one reader for kustomization fields


def _image(entry: dict[str, Any]) -> str:
    name = str(entry.get("newName") or entry.get("name") or "")
    if entry.get("digest"):
        return f"{name}@{entry['digest']}"
    tag = entry.get("newTag")
    shown = f"{name}:{tag}" if tag is not None else name
    return shown if not entry.get("newName") else f"{entry.get('name')} -> {shown}"


def _patch(entry: Any) -> str:
    if isinstance(entry, str):
        return entry if "\n" not in entry else "(inline)"
    if not isinstance(entry, dict):
        return "(inline)"
    target = entry.get("target") or {}
    what = "/".join(str(target[k]) for k in ("kind", "name") if target.get(k))
    src = entry.get("path") or "(inline)"
    return f"{src} -> {what}" if what else str(src)


def summarize(fields: dict[str, Any]) -> dict[str, Any]:
    """What one overlay's kustomization changes, as plain data."""
    out: dict[str, Any] = {}
    for name in ("namePrefix", "nameSuffix", "namespace"):
        if fields.get(name):
            out[name] = fields[name]
    images = [_image(i) for i in fields.get("images") or [] if isinstance(i, dict)]
    if images:
        out["images"] = images
    replicas = {str(r.get("name")): r.get("count") for r in fields.get("replicas") or [] if isinstance(r, dict)}
    if replicas:
        out["replicas"] = replicas
    patches = [_patch(p) for name in ("patches", "patchesStrategicMerge", "patchesJson6902")
               for p in fields.get(name) or []]
    if patches:
        out["patches"] = patches
    if fields.get("components"):
        out["components"] = list(fields["components"])
    generators = [str(g.get("name")) for name in ("configMapGenerator", "secretGenerator")
                  for g in fields.get(name) or [] if isinstance(g, dict)]
    if generators:
        out["generators"] = generators
    if fields.get("resources"):
        out["resources"] = list(fields["resources"])
    return out


def repo_tree(root: Path) -> dict[str, Any]:
    """{"environments": [...], "workloads": {workload: {env: summary}}}; a missing cell means no overlay."""
    root = Path(root)
    found = overlays(root)
    table: dict[str, dict[str, Any]] = {}
    for ov in found:
        name = next(n for n in FILE_NAMES if (root / ov.path / n).is_file())
        try:
            cell = {"path": ov.path, **summarize(read_fields(root / ov.path / name))}
        except Exception as err:
            cell = {"path": ov.path, "error": str(err)}
        table.setdefault(ov.workload, {})[ov.env] = cell
    return {"environments": environments(found), "workloads": dict(sorted(table.items()))}


def _cell_lines(cell: dict[str, Any]) -> list[str]:
    lines = []
    for key in ("namespace", "namePrefix", "nameSuffix"):
        if key in cell:
            lines.append(f"{key}: {cell[key]}")
    for img in cell.get("images", []):
        lines.append(f"image: {img}")
    if cell.get("replicas"):
        lines.append("replicas: " + ", ".join(f"{k}={v}" for k, v in cell["replicas"].items()))
    for p in cell.get("patches", []):
        lines.append(f"patch: {p}")
    for c in cell.get("components", []):
        lines.append(f"component: {c}")
    if "error" in cell:
        lines.append(f"error: {cell['error']}")
    return lines


UNKNOWN_LAYOUT = ("no overlays found in a layout kpy knows (<workload>/overlays/<env>, envs/<env>, or a path "
                  "naming an environment); say where they are in .kpy.yaml, e.g. layout: \"apps/{env}\" or "
                  "layout: \"{workload}/deploy/{env}\"")


def _matrix(tree: dict[str, Any], width: int) -> list[str]:
    """The x/- matrix, its environment columns wrapped into blocks that fit `width`; long names cut."""
    envs = tree["environments"]
    name_width = min(max([len("WORKLOAD")] + [len(w) for w in tree["workloads"]]) + 2, max(width // 2, 12))
    cols = [max(len(e), 3) + 2 for e in envs]
    blocks: list[list[int]] = [[]]
    used = name_width
    for i, c in enumerate(cols):
        if blocks[-1] and used + c > width:
            blocks.append([])
            used = name_width
        blocks[-1].append(i)
        used += c

    def cut(text: str, n: int) -> str:
        return (text if len(text) < n else text[: n - 2] + "…").ljust(n)
    out: list[str] = []
    for block in blocks:
        if out:
            out.append("")
        out.append(cut("WORKLOAD", name_width) + "".join(cut(envs[i], cols[i]) for i in block).rstrip())
        for w, cells in tree["workloads"].items():
            out.append(cut(w, name_width) + "".join(("x" if envs[i] in cells else "-").ljust(cols[i])
                                                    for i in block).rstrip())
    return out


def format_text(tree: dict[str, Any], width: int | None = None) -> str:
    """The matrix (x: overlay present, -: missing; wrapped to `width`), then each overlay's changes."""
    import shutil

    if not tree["workloads"]:
        return UNKNOWN_LAYOUT + "\n"
    import sys

    width = width or (shutil.get_terminal_size((100, 24)).columns if sys.stdout.isatty() else 10**6)
    envs = tree["environments"]
    out = _matrix(tree, width)
    for w, cells in tree["workloads"].items():
        out.append("")
        out.append(w)
        for e in envs:
            if e not in cells:
                out.append(f"  {e}: (no overlay)")
                continue
            out.append(f"  {e} ({cells[e]['path']})")
            out += [f"    {line}" for line in _cell_lines(cells[e])]
    return "\n".join(out) + "\n"
