"""Run the shared conformance corpus (../shared/conformance/krusty) through the library in-process."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def corpus_dir() -> Path | None:
    """The corpus beside the checkout (../shared), or KPY_CONFORMANCE if set."""
    env = os.environ.get("KPY_CONFORMANCE")
    candidates = [Path(env)] if env else []
    root = HERE.parents[1]
    candidates += [root.parent / "shared" / "conformance" / "krusty", Path("/work/shared/conformance/krusty")]
    for c in candidates:
        if c.is_dir():
            return c
    return None


def cases(corpus: Path) -> list[dict[str, Any]]:
    out = []
    for cj in sorted(corpus.glob("*/case.json")):
        info = json.loads(cj.read_text())
        if info.get("skip"):
            continue
        info["_name"] = cj.parent.name
        info["_dir"] = cj.parent
        out.append(info)
    return out


def run_case(case: dict[str, Any]) -> tuple[str, str]:
    """(status, detail): status is exact, semantic, fail, error-ok."""
    import yaml

    import kustomize_py
    from kustomize_py.errors import KpyError

    with tempfile.TemporaryDirectory(prefix="kpyconf-") as tmp:
        files = Path(tmp) / "files"
        if (case["_dir"] / "files").is_dir():
            shutil.copytree(case["_dir"] / "files", files, symlinks=True)
        else:
            files.mkdir()
        for d in case.get("empty_dirs") or []:
            (files / d).mkdir(parents=True, exist_ok=True)
        entry = files / case["entry"]
        try:
            out = kustomize_py.build(entry, warn=lambda m: None).yaml
        except KpyError as err:
            if case["expect"] == "error":
                return "error-ok", str(err)
            return "fail", f"error: {err}"
        except Exception as err:  # noqa: BLE001 - a crash is a failure to report, not to raise
            return "fail", f"crash: {type(err).__name__}: {err}"
    if case["expect"] == "error":
        return "fail", "succeeded where an error was expected"
    expected = (case["_dir"] / "expected.yaml").read_text()
    if out == expected:
        return "exact", ""
    try:
        same = list(yaml.safe_load_all(out)) == list(yaml.safe_load_all(expected))
    except yaml.YAMLError:
        same = False
    return ("semantic" if same else "fail"), ""
