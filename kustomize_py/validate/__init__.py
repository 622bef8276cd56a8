"""Schema validation of Kubernetes manifests, offline: built-in kinds from a shipped schema bundle,
custom resources from their CRDs (`kpy validate`, `kustomize_py.validate(objects)`)."""

import sys
import types
from typing import Any

from kustomize_py.validate.problems import Problem
from kustomize_py.validate.validator import Validator, validate

__all__ = ["Problem", "Validator", "validate"]


class _CallableModule(types.ModuleType):
    # `kustomize_py.validate` names this package (Python binds a subpackage to its parent's
    # attribute on import), so the package itself is callable: kustomize_py.validate(objects).
    def __call__(self, *args: Any, **kwargs: Any) -> list[Problem]:
        return validate(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
