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


class Built:
    """One case built from a fresh copy of its tree: the output (str), the KpyError it raised, or
    the unexpected exception; `tmp` and `real` spell the copy's directory (gone afterwards)."""

    def __init__(self, outcome: str | Exception, tmp: str, real: str) -> None:
        self.outcome, self.tmp, self.real = outcome, tmp, real

    @property
    def root(self) -> str:
        """The real path of the copy's `files/` directory, where the build's paths point."""
        return os.path.join(self.real, "files")


def build_case(case: dict[str, Any]) -> Built:
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
        outcome: str | Exception
        try:
            outcome = kustomize_py.build(entry, warn=lambda m: None).yaml
        except KpyError as err:
            outcome = err
        except Exception as err:  # noqa: BLE001 - a crash is a failure to report, not to raise
            outcome = err
        return Built(outcome, tmp, os.path.realpath(tmp))


def run_case(case: dict[str, Any], built: Built | None = None) -> tuple[str, str]:
    """(status, detail): status is exact, semantic, fail, error-ok."""
    import yaml

    from kustomize_py.errors import KpyError

    built = built or build_case(case)
    out = built.outcome
    if isinstance(out, KpyError):
        if case["expect"] == "error":  # the detail spells the case's copy as the corpus does
            return "error-ok", str(out).replace(built.real, "{case_dir}").replace(built.tmp, "{case_dir}")
        return "fail", f"error: {out}"
    if isinstance(out, Exception):
        return "fail", f"crash: {type(out).__name__}: {out}"
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


def error_resembles(case: dict[str, Any], message: str) -> bool:
    """Whether `message` words the error like the reference, by the corpus's own scorer (run.py
    beside the corpus) — so the two counts agree."""
    import importlib.util

    script = case["_dir"].parent.parent / "run.py"
    spec = importlib.util.spec_from_file_location("_conformance_run", script)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return bool(module.error_similarity(case, message, "{case_dir}"))
