"""configMapGenerator: build one ConfigMap from its literals, files and env files."""

from __future__ import annotations

from typing import Any

from kustomize_py.generators.objects import (
    Generated,
    apply_options,
    base_object,
    normalize_behavior,
)
from kustomize_py.generators.sources import b64_wrapped, load_pairs, merge_options, unique_pairs
from kustomize_py.loader import Loader


def make_configmap(
    args: dict[str, Any],
    loader: Loader,
    global_options: dict[str, Any] | None = None,
    *,
    source: str | None = None,
    allow_remote: bool | None = None,
) -> Generated:
    """One `configMapGenerator` entry → the ConfigMap (name without hash) and its flags.

    `global_options` is the kustomization's `generatorOptions`; `source` names the
    kustomization file in errors; `allow_remote` whether an http(s) URL among the sources is
    downloaded (None: unless the loader reads an in-memory tree). Files that are not valid UTF-8
    go to `binaryData` (base64).
    """
    obj = base_object("ConfigMap", args, source)
    options = merge_options(args.get("options"), global_options)
    values = unique_pairs(
        load_pairs(args, loader, source, allow_remote=allow_remote), "ConfigMap", obj["metadata"]["name"], source
    )
    data, binary = split_text_and_binary(values)
    if data:
        obj["data"] = data
    if binary:
        obj["binaryData"] = binary
    apply_options(obj, options)
    return Generated(
        obj, not options["disableNameSuffixHash"], normalize_behavior(args.get("behavior"))
    )


def split_text_and_binary(values: dict[str, str | bytes]) -> tuple[dict[str, str], dict[str, str]]:
    """Valid UTF-8 values as text; anything else base64-encoded, both sorted by key."""
    data: dict[str, str] = {}
    binary: dict[str, str] = {}
    for key in sorted(values):
        value = values[key]
        if isinstance(value, str):
            data[key] = value
            continue
        try:
            data[key] = value.decode("utf-8")
        except UnicodeDecodeError:
            binary[key] = b64_wrapped(value)
    return data, binary
