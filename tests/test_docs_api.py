"""docs/api.md is true: its Python examples run as written, its tables of errors and options match
the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kustomize_py import errors
from kustomize_py.options import OPTION_DEFAULTS, BuildOptions
from kustomize_py.pytest_plugin import Kustomize

REPO = Path(__file__).resolve().parents[1]
PAGE = (REPO / "docs" / "api.md").read_text()
EXAMPLES = re.findall(r"```python\n(.*?)```", PAGE, re.DOTALL)


def _table(header: str) -> list[list[str]]:
    """The rows of the markdown table whose header row starts with `header`."""
    start = PAGE.index(header)
    rows = []
    for line in PAGE[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
        rows.append([c.strip().replace("\\|", "|") for c in cells])
    return rows


def test_the_page_has_examples() -> None:
    assert len(EXAMPLES) >= 8


@pytest.mark.parametrize("index", range(len(EXAMPLES)))
def test_example_runs(index: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # the examples build examples/assets from the repository's top
    namespace: dict[str, object] = {"__name__": f"api_md_example_{index}"}
    exec(compile(EXAMPLES[index], f"docs/api.md example {index + 1}", "exec"), namespace)  # noqa: S102
    for name, value in list(namespace.items()):
        if name.startswith("test_") and callable(value):  # a pytest-plugin example: run it with the fixture
            value(kustomize=Kustomize())


def test_the_error_table_matches_the_code() -> None:
    rows = _table("| class | base | raised when |")
    documented = {name: base for name, base, _ in (r[:3] for r in rows)}
    classes = {name: obj for name, obj in vars(errors).items()
               if isinstance(obj, type) and issubclass(obj, errors.KpyError) and obj is not errors.KpyError}
    assert sorted(documented) == sorted(f"`{n}`" for n in classes)
    for name, cls in classes.items():
        assert documented[f"`{name}`"] == f"`{cls.__bases__[0].__name__}`", name
        assert cls.__doc__, name


def test_the_options_table_matches_the_code() -> None:
    rows = _table("| option | type | default | meaning |")
    assert [r[0] for r in rows] == [f"`{name}`" for name, _ in OPTION_DEFAULTS]
    defaults = BuildOptions()
    for (name, default), row in zip(OPTION_DEFAULTS, rows):
        assert getattr(defaults, name) == default
        assert row[2] == f"`{default!r}`".replace("'", '"'), name
    hints = BuildOptions.__init__.__annotations__
    for name, _ in OPTION_DEFAULTS:
        assert name in hints, name
