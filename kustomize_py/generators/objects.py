"""What every generator returns, and the metadata part shared by ConfigMaps and Secrets."""

from __future__ import annotations

from collections import namedtuple
from typing import Any

from kustomize_py.errors import GeneratorError

BEHAVIORS = ("create", "merge", "replace")


# A plain namedtuple base: typing.NamedTuple under postponed annotations compiles a ForwardRef per
# field, ~1 ms of the start of every build with a generator.
class Generated(namedtuple("Generated", ("obj", "needs_hash", "behavior"))):
    """A generated object plus what the pipeline must remember about it.

    `needs_hash`: append `-<hash_suffix(obj)>` to metadata.name at the very end of the build.
    `behavior`: "create", "merge" or "replace" (anything else in the input counts as create).
    """

    __slots__ = ()

    obj: dict[str, Any]
    needs_hash: bool
    behavior: str


def normalize_behavior(value: Any) -> str:
    # Kustomize treats an unknown or empty behavior as "unspecified", which acts as create.
    return value if value in BEHAVIORS else "create"


def base_object(kind: str, args: dict[str, Any], source: str | None) -> dict[str, Any]:
    name = args.get("name")
    if not name:
        raise GeneratorError(f"a {kind} generator must have a name", path=source, field="name")
    if not isinstance(name, str):
        raise GeneratorError("expected a string", path=source, field="name")
    metadata: dict[str, Any] = {"name": name}
    namespace = args.get("namespace")
    if namespace:
        if not isinstance(namespace, str):
            raise GeneratorError("expected a string", path=source, field="namespace")
        metadata["namespace"] = namespace
    return {"apiVersion": "v1", "kind": kind, "metadata": metadata}


def apply_options(obj: dict[str, Any], options: dict[str, Any]) -> None:
    """Labels, annotations and `immutable: true` from merged options (see sources.merge_options)."""
    meta = obj["metadata"]
    if options["labels"]:
        meta["labels"] = dict(sorted(options["labels"].items()))
    if options["annotations"]:
        meta["annotations"] = dict(sorted(options["annotations"].items()))
    if options["immutable"]:
        obj["immutable"] = True


# Builtin generator plugin configs (`generators:` entries with apiVersion: builtin).
PLUGIN_KINDS = {"ConfigMapGenerator": "ConfigMap", "SecretGenerator": "Secret"}


def plugin_args(config: dict[str, Any]) -> dict[str, Any]:
    """Generator args from a builtin ConfigMapGenerator/SecretGenerator plugin config.

    Top-level name/namespace win over metadata's; metadata labels/annotations are ignored, and so
    is the deprecated `env` (only the kustomization fields fold it into `envs`). Pass the result
    to make_configmap/make_secret without global options: generatorOptions do not apply here.
    """
    args = {k: v for k, v in config.items() if k not in ("apiVersion", "kind", "metadata", "env")}
    meta = config.get("metadata") or {}
    for field in ("name", "namespace"):
        if not args.get(field) and meta.get(field):
            args[field] = meta[field]
    return args
