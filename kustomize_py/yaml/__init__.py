"""Fast YAML for the render path: libyaml parsing with Kustomize's scalar rules (load.py,
scalars.py) and an emitter that writes `kustomize build`'s exact style (emit.py)."""

from kustomize_py.yaml.emit import dump, dump_all, sorted_keys
from kustomize_py.yaml.load import TimestampKey, load, load_all

__all__ = ["TimestampKey", "dump", "dump_all", "load", "load_all", "sorted_keys"]
