"""The one exception tree of kustomize_py: catch KpyError, tests assert the leaf."""

from __future__ import annotations


class KpyError(Exception):
    """Base of every error kustomize_py raises for bad input; carries where it came from."""

    def __init__(self, message: str, *, path: str | None = None, field: str | None = None):
        self.message = message
        self.path = path
        self.field = field
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}: "
        if self.field:
            where += f"field {self.field}: "
        return f"{where}{self.message}"


class YamlError(KpyError):
    """Malformed YAML or JSON input (with file and line), duplicate keys, alias bombs."""


class KustomizationError(KpyError):
    """A kustomization file is missing, ambiguous, or has unknown or invalid fields."""


class EditError(KpyError):
    """`kpy edit` / `kpy create` arguments kustomize rejects, or an edit it refuses to make."""


class LoadRestrictionError(KpyError):
    """A path escapes the kustomization root under the root-only load restrictor."""


class CycleError(KpyError):
    """A kustomization includes itself, directly or through others."""


class ResourceError(KpyError):
    """A resource is invalid, missing, or conflicts with another (duplicate id)."""


class PatchError(KpyError):
    """A patch is malformed, or cannot be applied to its target."""


class GeneratorError(KpyError):
    """A ConfigMap/Secret generator has bad arguments or unreadable sources."""


class TransformerError(KpyError):
    """A transformer (builtin plugin, replacement, var, ...) cannot be applied."""


class PluginError(KpyError):
    """A non-builtin (exec, container, Go) plugin was requested; kpy does not run those."""


class RemoteError(KpyError):
    """A remote resource could not be fetched."""


class SealError(KpyError):
    """Sealing or unsealing a secret failed (bad certificate, key, scope, ciphertext)."""


class SyncError(KpyError):
    """Planning or applying manifests through a backend failed."""


_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
               "\\": "\\\\", '"': '\\"'}


def go_quote(text: str) -> str:
    """`text` as Go's %q (strconv.Quote) prints it: the reference quotes nested errors this way."""
    out = []
    for ch in text:
        if ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'
