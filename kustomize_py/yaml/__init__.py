"""Fast YAML for the render path: libyaml parsing with Kustomize's scalar rules, exact emitting."""

from kustomize_py.yaml.emit import dump, dump_all
from kustomize_py.yaml.load import load, load_all

__all__ = ["dump", "dump_all", "load", "load_all"]
