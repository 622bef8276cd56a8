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


def format_text(tree: dict[str, Any]) -> str:
    """The matrix (x: overlay present, -: missing), then each overlay's changes."""
    envs = tree["environments"]
    width = max([len("WORKLOAD")] + [len(w) for w in tree["workloads"]]) + 2
    out = ["WORKLOAD".ljust(width) + "".join(e.ljust(max(len(e), 3) + 2) for e in envs)]
    for w, cells in tree["workloads"].items():
        out.append(w.ljust(width) + "".join(("x" if e in cells else "-").ljust(max(len(e), 3) + 2) for e in envs))
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
