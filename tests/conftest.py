"""The project's own tests use the pytest plugin kustomize_py ships (entry point `pytest11`); when
the package is not installed, the entry point is not seen, so the plugin is named here."""

from __future__ import annotations

from importlib import metadata

_PLUGIN = "kustomize_py.pytest_plugin"
pytest_plugins = [] if any(ep.value == _PLUGIN for ep in metadata.entry_points(group="pytest11")) else [_PLUGIN]
