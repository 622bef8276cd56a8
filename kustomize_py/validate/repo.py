"""Schema validation inside `kpy check`: one Validator per repository, set up from `.kpy.yaml`'s
`validate:` section, with the CRDs found anywhere in the repository."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from kustomize_py.validate.problems import Problem
from kustomize_py.validate.validator import Validator


def repo_validator(root: Path) -> Validator | None:
    """The repository's validator, or None when `.kpy.yaml` says `validate: {enabled: false}`.

    With no `validate:` section, `kpy check` still validates every overlay it builds, strictly, but
    a kind with no schema (a custom resource whose CRD is not in the repository: Argo CD's
    Application, cert-manager's Certificate, ...) is passed over instead of being an error; a
    `validate:` section makes that an error unless `ignoreMissingSchemas` or `skipKinds` says
    otherwise."""
    from kustomize_py.repo.discover import CONFIG_FILE, load_config
    from kustomize_py.validate.config import settings
    from kustomize_py.validate.inputs import crd_objects

    config = load_config(root)
    configured = "validate" in config
    found = settings(config, str(root / CONFIG_FILE)) if configured else {}
    if found.get("enabled") is False:
        return None
    validator = Validator(kubernetes_version=found.get("kubernetesVersion"), strict=found.get("strict", True),
                          ignore_missing_schemas=found.get("ignoreMissingSchemas", not configured),
                          skip_kinds=found.get("skipKinds", ()))
    validator.add_crds(crd_objects(str(root), lenient=True))  # CRDs anywhere in the repository
    for path in found.get("crds", ()):
        validator.add_crds(crd_objects(os.path.join(root, path)))
    return validator


def overlay_problems(validator: Validator, overlay: str, result: Any) -> list[tuple[Problem, str | None]]:
    """The problems of one built overlay, each with the file its object came from (when known)."""
    problems = validator.check(result.objects, overlay)
    return [(p, getattr(result.resources[p.document - 1], "origin_path", None) if p.document else None)
            for p in problems]
