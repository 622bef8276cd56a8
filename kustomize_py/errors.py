"""The one exception tree of kustomize_py: catch KpyError, tests assert the leaf.

Every error carries where it came from: `path` (the file, or the directory, at fault), `field`
(the field in it, dotted: `spec.template`), `line` and `column` (1-based, where known). `str(err)`
is fixed when the error is raised (it is what `kpy` prints, worded like the reference); as an error
travels up a build, the location attributes may be made more precise (`locate`), never its text.
"""

from __future__ import annotations


class KpyError(Exception):
    """Base of every error kustomize_py raises for bad input; carries where it came from."""

    def __init__(self, message: str, *, path: str | None = None, field: str | None = None,
                 line: int | None = None, column: int | None = None) -> None:
        self.message = message
        self.path = path
        self.field = field
        self.line = line
        self.column = column
        where = f"{path}: " if path else ""
        if field:
            where += f"field {field}: "
        self._text = where + message
        self._printed = (path, field)  # the location as the text names it
        super().__init__(self._text)

    def __str__(self) -> str:
        return self._text

    def __reduce__(self) -> tuple[object, ...]:  # errors cross process boundaries in build_all(jobs=N)
        return (_rebuild, (type(self), self.message, self._text, self.__dict__))

    def locate(self, *, path: str | None = None, field: str | None = None, line: int | None = None,
               column: int | None = None) -> KpyError:
        """Make the location more precise (the text stays as raised): a location naming a field
        replaces one that names none; otherwise only the missing parts are filled in."""
        if self.field is None and field is not None:
            self.path, self.field, self.line, self.column = path or self.path, field, line, column
            return self
        if self.path is None:
            self.path = path
        if self.line is None and line is not None:
            self.line, self.column = line, column
        return self

    def reworded(self, message: str, cls: type[KpyError] | None = None, *, keep_field: bool = True,
                 default_path: str | None = None) -> KpyError:
        """This error with another message, for wrapping a cause: the same class (or `cls`) and
        location. The text names the place as this one's did (without the field unless
        `keep_field`; `default_path` when it named none)."""
        printed_path, printed_field = self._printed
        err = (cls or type(self))(message, path=printed_path or default_path,
                                  field=printed_field if keep_field else None)
        err.path, err.field, err.line, err.column = self.path or err.path, self.field, self.line, self.column
        return err


def _rebuild(cls: type[KpyError], message: str, text: str, state: dict[str, object]) -> KpyError:
    err = cls.__new__(cls)
    Exception.__init__(err, text)
    err.__dict__.update(state)
    return err


class YamlError(KpyError):
    """Malformed YAML or JSON input (with file and line), duplicate keys, alias bombs."""

    def __init__(self, message: str, *, path: str | None = None, field: str | None = None,
                 line: int | None = None, column: int | None = None) -> None:
        if line is None:  # the parser's words carry the line as go-yaml prints it: `yaml: line 8: ...`
            import re

            found = re.search(r"\bline (\d+)\b", message)
            line = int(found.group(1)) if found else None
        super().__init__(message, path=path, field=field, line=line, column=column)


class KustomizationError(KpyError):
    """A kustomization file is missing, ambiguous, or has unknown or invalid fields."""


class EditError(KpyError):
    """`kpy edit` / `kpy create` arguments kustomize rejects, or an edit it refuses to make."""


class LoadError(KpyError):
    """A file or directory a build needs is missing, of the wrong kind, unreadable or not UTF-8."""


class LoadRestrictionError(LoadError):
    """A path escapes the kustomization root under the root-only load restrictor."""


class CycleError(KpyError):
    """A kustomization includes itself, directly or through others."""


class ResourceError(KpyError):
    """A resource is invalid, or conflicts with another (duplicate id)."""


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
