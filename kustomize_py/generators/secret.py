"""secretGenerator: build one Secret (values base64-encoded) from literals, files and env files."""

from __future__ import annotations

from typing import Any

from kustomize_py.errors import GeneratorError
from kustomize_py.generators.objects import (
    Generated,
    apply_options,
    base_object,
    normalize_behavior,
)
from kustomize_py.generators.sources import b64_wrapped, load_pairs, merge_options, unique_pairs
from kustomize_py.loader import Loader


def make_secret(
    args: dict[str, Any],
    loader: Loader,
    global_options: dict[str, Any] | None = None,
    *,
    source: str | None = None,
    allow_remote: bool | None = None,
) -> Generated:
    """One `secretGenerator` entry → the Secret (name without hash) and its flags.

    `type` defaults to Opaque and is not checked against the keys (Kustomize does not either);
    `data` is always present, possibly empty. `allow_remote`: as for make_configmap.
    """
    obj = base_object("Secret", args, source)
    secret_type = args.get("type") or "Opaque"
    if not isinstance(secret_type, str):
        raise GeneratorError("expected a string", path=source, field="type")
    obj["type"] = secret_type
    options = merge_options(args.get("options"), global_options)
    values = unique_pairs(
        load_pairs(args, loader, source, allow_remote=allow_remote), "Secret", obj["metadata"]["name"], source
    )
    obj["data"] = {
        key: b64_wrapped(value.encode("utf-8") if isinstance(value, str) else value)
        for key, value in sorted(values.items())
    }
    apply_options(obj, options)
    return Generated(
        obj, not options["disableNameSuffixHash"], normalize_behavior(args.get("behavior"))
    )
