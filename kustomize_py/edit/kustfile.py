"""Read and write a directory's kustomization file the way `kustomize edit` does: the file is
decoded into the Kustomization's types and written back field by field, each in go-yaml v2 style;
top-level fields keep their place and the comment and blank lines above them, fields new to the
file follow in kustomize's order. Writes are atomic and refuse a file changed since it was read."""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

from kustomize_py.edit import schema
from kustomize_py.errors import KpyError, KustomizationError
from kustomize_py.kustomization import COMPONENT_VERSION, FILE_NAMES, KUSTOMIZATION_VERSION

# kustomize's preferred order of top-level fields when it adds one to a file.
FIELD_ORDER = (
    "apiVersion", "kind", "metadata", "sortOptions", "resources", "bases", "namePrefix",
    "nameSuffix", "namespace", "crds", "commonLabels", "labels", "commonAnnotations",
    "patchesStrategicMerge", "patchesJson6902", "patches", "configMapGenerator", "secretGenerator",
    "helmCharts", "helmChartInflationGenerator", "helmGlobals", "generatorOptions", "vars", "images",
    "replacements", "replicas", "configurations", "generators", "transformers", "validators",
    "components", "openapi", "buildMetadata",
)
_BY_FOLDED = {name.lower(): name for name in FIELD_ORDER}


class ConcurrentEditError(KpyError):
    """The kustomization file changed on disk between reading and writing it."""


def find(directory: str) -> str:
    """The one kustomization file in `directory`, with kustomize's errors when none or several."""
    found = [n for n in FILE_NAMES if os.path.lexists(os.path.join(directory, n))]
    if not found:
        raise KustomizationError("Missing kustomization file 'kustomization.yaml'.\n", path=directory)
    if len(found) > 1:
        raise KustomizationError(f"Found multiple kustomization file: [{' '.join(found)}]\n",
                                 path=directory)
    path = os.path.normpath(os.path.join(directory, found[0]))
    if os.path.isdir(path):
        raise KustomizationError(f"{found[0]} should be a file", path=directory)
    return path


def _field_of(line: str) -> str | None:
    colon = line.find(":")
    if colon <= 0:
        return None
    return _BY_FOLDED.get(line[:colon].lower())


def commented_fields(text: str) -> list[tuple[str, str]]:
    """(field, comment and blank lines above it) for each top-level field line, in file order.
    Comment lines inside a field's value move above that field; trailing ones are dropped, and
    so is a last line with no newline (kustomize reads whole lines only)."""
    fields: list[list[str]] = []
    pending: list[str] = []
    lines = text.split("\n")[:-1]  # only lines ending in "\n"
    for raw in lines:
        line = raw + "\n"
        bare = raw.lstrip(" ")
        if not bare or bare.startswith("#"):
            pending.append(line)
            continue
        field = _field_of(raw)
        if field is not None:
            fields.append([field, "".join(pending)])
            pending = []
        elif pending and fields:
            fields[-1][1] += "".join(pending)
            pending = []
    return [(f, c) for f, c in fields]


def fix(k: dict[str, Any]) -> dict[str, Any]:
    """kustomize's FixKustomization, run on every read: defaults and deprecated-field moves."""
    if not k.get("kind"):
        k["kind"] = "Kustomization"
    if not k.get("apiVersion"):
        k["apiVersion"] = COMPONENT_VERSION if k["kind"] == "Component" else KUSTOMIZATION_VERSION
    if k.get("bases"):
        k["resources"] = list(k.get("resources") or []) + k["bases"]
    k.pop("bases", None)
    if k.get("imageTags"):
        k["images"] = list(k.get("images") or []) + k["imageTags"]
    k.pop("imageTags", None)
    for gen in ("configMapGenerator", "secretGenerator"):
        for args in k.get(gen) or []:
            if args.get("env"):
                args["envs"] = list(args.get("envs") or []) + [args.pop("env")]
    _split_helm(k)
    return k


def _split_helm(k: dict[str, Any]) -> None:
    """The deprecated helmChartInflationGenerator becomes helmCharts (+ helmGlobals)."""
    old = k.pop("helmChartInflationGenerator", None)
    if not old:
        return
    charts = []
    home = config = ""
    for a in old:
        chart = {"name": a.get("chartName", ""), "version": a.get("chartVersion", ""),
                 "repo": a.get("chartRepoUrl", ""), "releaseName": a.get("releaseName", ""),
                 "namespace": a.get("releaseNamespace", ""), "valuesFile": a.get("values", ""),
                 "valuesInline": a.get("valuesLocal"), "valuesMerge": a.get("valuesMerge", "")}
        charts.append({n: v for n, v in chart.items() if v})
        home = a.get("chartHome") or home
        config = a.get("helmHome") or config
    if "helmGlobals" not in k and (home or config):
        k["helmGlobals"] = {n: v for n, v in (("chartHome", home), ("configHome", config)) if v}
    k["helmCharts"] = list(k.get("helmCharts") or []) + charts


def marshal_field(name: str, value: Any) -> str:
    """One top-level field as kustomize writes it ("" when empty)."""
    from kustomize_py.yaml.emit import dump

    if schema.field_is_empty(name, value):
        return ""
    return dump({name: schema.encode_field(name, value)})


def render(k: dict[str, Any], fields: Sequence[tuple[str, str]] = ()) -> str:
    """Kustomization `k` as kustomize writes it over a file whose top-level fields (with the
    comments above them) were `fields`: those first, in place, then the rest in FIELD_ORDER."""
    out = []
    for field, comment in fields:
        out.append(comment)
        out.append(marshal_field(field, k.get(field)))
    seen = {f for f, _ in fields}
    for field in FIELD_ORDER:
        if field not in seen:
            out.append(marshal_field(field, k.get(field)))
    return "".join(out)


class KustFile:
    """A kustomization file read for editing; `write` puts a changed Kustomization back."""

    def __init__(self, directory: str = "."):
        self.directory = directory
        self.path = find(directory)
        try:
            with open(self.path, "rb") as f:
                self._raw = f.read()
            self._stat = os.stat(self.path)
        except OSError as err:
            raise KustomizationError(f"cannot read: {err.strerror}", path=self.path) from None
        try:
            self.text = self._raw.decode("utf-8")
        except UnicodeDecodeError:
            raise KustomizationError("invalid Kustomization: not UTF-8 text", path=self.path) from None
        self.fields = commented_fields(self.text)

    def read(self) -> dict[str, Any]:
        """The Kustomization as plain data (kustomize's typed view of it, after FixKustomization)."""
        # The build's kustomization parser reads YAML as kustomize does here too (go-yaml v2:
        # YAML 1.1 booleans, a repeated key is not an error and the last one wins).
        from kustomize_py.kustomization import _parse

        docs = _parse(self._raw, self.path)
        doc = docs[0] if docs else {}  # go-yaml decodes the first document only
        try:
            k = schema.decode_struct(doc, "Kustomization")
        except KustomizationError as err:
            raise KustomizationError(err.message, path=self.path) from None
        return fix(k)

    def render(self, k: dict[str, Any]) -> str:
        """The file's new text for Kustomization `k`."""
        return render(k, self.fields)

    def write(self, k: dict[str, Any]) -> bool:
        """Replace the file atomically with `k`; False when the bytes would not change."""
        data = self.render(k).encode("utf-8")
        if data == self._raw:
            return False
        # through a symlink to its target, as kustomize's write does
        atomic_replace(os.path.realpath(self.path), data, expect=(self._raw, self._stat))
        return True


def atomic_replace(path: str, data: bytes, expect: tuple[bytes, os.stat_result] | None = None,
                   *, new: bool = False) -> None:
    """Write `data` over `path` atomically (the project's one atomic writer). With `expect`,
    refuse when the file's bytes or modification time are no longer those read; with `new`,
    refuse when `path` exists."""
    from kustomize_py.output import atomic_write

    def unchanged() -> None:
        if expect is not None:
            _check_unchanged(path, *expect)

    try:
        atomic_write(path, data, check=unchanged, exclusive=new)
    except FileExistsError:
        raise KustomizationError("kustomization file already exists", path=path) from None
    except OSError as err:
        raise KustomizationError(f"cannot write: {err.strerror}", path=path) from None


def _check_unchanged(path: str, raw: bytes, st: os.stat_result) -> None:
    try:
        now = os.stat(path)
        with open(path, "rb") as f:
            current = f.read()
    except OSError:
        current, now = b"", None
    if now is None or current != raw or now.st_mtime_ns != st.st_mtime_ns:
        raise ConcurrentEditError("the file changed on disk while it was being edited; "
                                  "nothing was written, run the edit again", path=path)
