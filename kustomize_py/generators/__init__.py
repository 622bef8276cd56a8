"""ConfigMap and Secret generators, the name-suffix hash, and generator merge/replace."""

from kustomize_py.generators.configmap import make_configmap
from kustomize_py.generators.envfile import parse_env
from kustomize_py.generators.hash import hash_input, hash_suffix, with_hash_suffix
from kustomize_py.generators.merge import check_behavior, merge_generated, merged_needs_hash
from kustomize_py.generators.objects import PLUGIN_KINDS, Generated, normalize_behavior, plugin_args
from kustomize_py.generators.secret import make_secret
from kustomize_py.generators.sources import merge_options

__all__ = [
    "PLUGIN_KINDS",
    "Generated",
    "check_behavior",
    "hash_input",
    "hash_suffix",
    "make_configmap",
    "make_secret",
    "merge_generated",
    "merge_options",
    "merged_needs_hash",
    "normalize_behavior",
    "parse_env",
    "plugin_args",
    "with_hash_suffix",
]
