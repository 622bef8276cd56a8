"""`kustomize edit fix`: move deprecated fields to their replacements (patchesJson6902 and
patchesStrategicMerge to patches, commonLabels to labels) and report whether the build changed."""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

from kustomize_py.edit.common import Result
from kustomize_py.edit.kustfile import KustFile
from kustomize_py.errors import EditError, KpyError

FIXED_WITH_VARS = """
Fixed fields:
  patchesJson6902 -> patches
  patchesStrategicMerge -> patches
  commonLabels -> labels
  vars -> replacements"""
FIXED_FIELDS = """
Fixed fields:
  patchesJson6902 -> patches
  patchesStrategicMerge -> patches
  commonLabels -> labels
To convert vars -> replacements, run the command `kustomize edit fix --vars`
WARNING: Converting vars to replacements will potentially overwrite many resource files 
and the resulting files may not produce the same output when `kustomize build` is run. 
We recommend doing this in a clean git repository where the change is easy to undo."""


def fix_fields(directory: str, k: dict[str, Any]) -> None:
    """kustomize's FixKustomizationPreMarshalling on plain data."""
    if k.get("patchesJson6902"):
        k["patches"] = list(k.get("patches") or []) + k["patchesJson6902"]
    k.pop("patchesJson6902", None)
    if k.get("patchesStrategicMerge") is not None:
        patches = k.setdefault("patches", [])
        for entry in k["patchesStrategicMerge"]:
            # a readable file is a path patch, anything else an inline patch
            patches.append({"path": entry} if _readable(directory, entry) else {"patch": entry})
        del k["patchesStrategicMerge"]
    common = k.get("commonLabels")
    if common:
        for label in k.get("labels") or []:
            for key in label.get("pairs") or {}:
                if key in common:
                    raise EditError(f"label name '{key}' exists in both commonLabels and labels")
        k.setdefault("labels", []).append({"pairs": common, "includeSelectors": True})
    k.pop("commonLabels", None)


def _readable(directory: str, path: str) -> bool:
    try:
        with open(os.path.join(directory, path), "rb"):
            return True
    except (OSError, ValueError):
        return False


def _build_text(directory: str) -> tuple[str | None, str | None]:
    from kustomize_py import build

    try:
        return build(directory, warn=lambda *_: None).yaml, None
    except KpyError as err:
        return None, str(err)


def fix(directory: str = ".", *, vars: bool = False) -> tuple[Result, str]:
    """Rewrite the kustomization with deprecated fields moved (and with `vars`, vars turned into
    replacements, resource files getting VAR_PLACEHOLDER); returns the result and kustomize's
    report (the fixed fields, then a warning when the build output changed or now fails)."""
    before, _ = _build_text(directory)
    kf = KustFile(directory)
    k = kf.read()
    fix_fields(directory, k)
    rewritten: dict[str, str] = {}
    if vars:
        from kustomize_py.edit.fixvars import convert_vars

        rewritten = convert_vars(directory, k)
    from kustomize_py.edit.kustfile import atomic_replace

    changed = kf.write(k)  # first: it refuses a kustomization changed meanwhile
    for name, content in rewritten.items():
        atomic_replace(os.path.join(directory, name), content.encode("utf-8"))
    changed = changed or bool(rewritten)
    report = FIXED_WITH_VARS if vars else FIXED_FIELDS
    after, error = _build_text(directory)
    if error is not None:
        report += ("\nWarning: 'Fixed' kustomization now produces the error when running "
                   f"`kustomize build`: {error}")
    elif after != before:
        report += ("\nWarning: 'Fixed' kustomization now produces different output when running "
                   f"`kustomize build`:\n...{after}...")
    return Result(kf.path, changed, []), report


__all__ = ["fix", "fix_fields"]
