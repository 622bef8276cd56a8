"""`helmCharts` (and the legacy `helmChartInflationGenerator`): local charts inflated with
`helm template`, called with the arguments Kustomize v5.6.0's HelmChartInflationGenerator passes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kustomize_py.errors import GeneratorError, KpyError, YamlError
from kustomize_py.resource import Resource

if TYPE_CHECKING:
    from kustomize_py.pipeline import Accumulator, Target

KIND = "HelmChartInflationGenerator"
DEFAULT_CHART_HOME = "charts"
MERGE_OPTIONS = ("merge", "override", "replace")  # valuesMerge; override is the default

# The fields of one chart's configuration (helmGlobals + one helmCharts entry), in the reference's types.
GLOBAL_FIELDS = ("chartHome", "configHome")
CHART_FIELDS = ("name", "version", "repo", "releaseName", "namespace", "additionalValuesFiles", "valuesFile",
                "valuesInline", "valuesMerge", "includeCRDs", "skipHooks", "apiVersions", "kubeVersion",
                "nameTemplate", "skipTests", "debug")

# Legacy `helmChartInflationGenerator` entries: old field -> helmCharts field (the rest are dropped).
LEGACY_CHART_FIELDS = {"chartName": "name", "chartVersion": "version", "chartRepoUrl": "repo",
                       "values": "valuesFile", "valuesLocal": "valuesInline", "valuesMerge": "valuesMerge",
                       "releaseName": "releaseName"}
LEGACY_GLOBAL_FIELDS = {"chartHome": "chartHome", "helmHome": "configHome"}

# `helm template` flags, in the order the reference appends them: (field, flag, kind).
TEMPLATE_FLAGS = (("namespace", "--namespace", "value"), ("nameTemplate", "--name-template", "value"),
                  ("valuesFile", "-f", "value"), ("additionalValuesFiles", "-f", "list"),
                  ("apiVersions", "--api-versions", "list"), ("kubeVersion", "--kube-version", "value"),
                  ("includeCRDs", "--include-crds", "bool"), ("skipTests", "--skip-tests", "bool"),
                  ("skipHooks", "--no-hooks", "bool"), ("debug", "--debug", "bool"))

_VERSION = re.compile(r"v?\d+(\.\d+)+")


def chart_configs(kustomization: Any) -> list[dict[str, Any]]:
    """One configuration per chart: helmGlobals merged into each helmCharts entry (legacy ones last)."""
    globals_ = kustomization.get("helmGlobals")
    charts = list(kustomization.get("helmCharts") or [])
    legacy_globals: dict[str, Any] = {}
    for old in kustomization.get("helmChartInflationGenerator") or []:
        if not isinstance(old, dict):
            raise GeneratorError("helmChartInflationGenerator entries must be mappings",
                                 path=kustomization.path, field="helmChartInflationGenerator")
        charts.append({new: old[o] for o, new in LEGACY_CHART_FIELDS.items() if old.get(o)})
        legacy_globals.update({new: old[o] for o, new in LEGACY_GLOBAL_FIELDS.items() if old.get(o)})
    if globals_ is None:
        globals_ = legacy_globals
    if not isinstance(globals_, dict):
        raise GeneratorError("helmGlobals must be a mapping", path=kustomization.path, field="helmGlobals")
    configs = []
    for chart in charts:
        if not isinstance(chart, dict):
            raise GeneratorError("helmCharts entries must be mappings", path=kustomization.path, field="helmCharts")
        merged = {k: globals_[k] for k in GLOBAL_FIELDS if globals_.get(k)}
        merged.update({k: chart[k] for k in CHART_FIELDS if chart.get(k) not in (None, "", [], {}, False)})
        configs.append(merged)
    return configs


class ApiVersionsFlag:
    """--helm-api-versions as the reference holds it through a build, Go slice aliasing included.

    kubectl keeps the flag's values in one string array (each flag one element, never split at
    commas), grown by append (capacity 1, 2, 4, 8, ...). Each chart starts from that slice and its
    own `apiVersions` list is then decoded into the same backing array: the first elements (as
    many as fit) overwrite the flag's values, which later charts without a list of their own see.
    """

    def __init__(self, values: tuple[str, ...] | list[str]) -> None:
        self.length = len(values)
        capacity = 1 if values else 0
        while capacity < self.length:
            capacity *= 2
        self.array = [*values, *[""] * (capacity - self.length)]

    def values(self) -> list[str]:
        return self.array[:self.length]

    def decode_over(self, items: list[Any]) -> None:
        for i, item in enumerate(items[:len(self.array)]):
            self.array[i] = str(item)


def configure(target: Target, config: dict[str, Any]) -> dict[str, Any]:
    """The reference's Config step: flags checked, defaults filled in, paths made absolute."""
    opts = target.options
    if not opts.enable_helm:
        raise _config_error(target, config, "must specify --enable-helm")
    if not opts.helm_command:
        raise _config_error(target, config, "must specify --helm-command")
    c = dict(config)
    # The command line's settings are defaults: a chart's own kubeVersion and apiVersions win.
    if opts.helm_kube_version and not c.get("kubeVersion"):
        c["kubeVersion"] = opts.helm_kube_version
    flag = opts.helm_api_versions
    if not isinstance(flag, ApiVersionsFlag):
        flag = opts.helm_api_versions = ApiVersionsFlag(flag)
    if c.get("apiVersions"):
        flag.decode_over(list(c["apiVersions"]))
    elif flag.values():
        c["apiVersions"] = flag.values()
    if opts.helm_debug:
        c["debug"] = True
    if not c.get("name"):
        raise _config_error(target, config, "chart name cannot be empty")
    c.setdefault("chartHome", DEFAULT_CHART_HOME)
    if not c.get("valuesFile"):
        c["valuesFile"] = os.path.join(abs_chart_home(target, c), str(c["name"]), "values.yaml")
    extra = []
    for file in c.get("additionalValuesFiles") or []:
        try:
            target.loader.read_bytes(str(file))  # the root restriction applies to values files
        except KpyError as err:
            raise GeneratorError(f"could not load additionalValuesFile: {err.message}", path=target.kustomization.path,
                                 field="helmCharts") from None
        extra.append(os.path.normpath(f"{target.loader.root}/{file}"))  # Go's Join: absolute or not
    c["additionalValuesFiles"] = extra
    merge = c.get("valuesMerge") or "override"
    if merge not in MERGE_OPTIONS:
        raise _config_error(target, config, f"valuesMerge must be one of [{' '.join(MERGE_OPTIONS)}]")
    c["valuesMerge"] = merge
    return c


def _config_error(target: Target, config: dict[str, Any], why: str) -> GeneratorError:
    from kustomize_py.yaml import dump

    return GeneratorError(f"trouble configuring builtin {KIND} with config: `\n{dump(config)}`: {why}",
                          path=target.kustomization.path, field="helmCharts")


def abs_chart_home(target: Target, c: dict[str, Any]) -> str:
    home = str(c.get("chartHome") or DEFAULT_CHART_HOME)
    home = home if os.path.isabs(home) else os.path.join(target.loader.root, home)
    if c.get("version") and c.get("repo"):
        return os.path.join(home, f"{c['name']}-{c['version']}")
    return home


def template_args(c: dict[str, Any], chart_home: str) -> list[str]:
    """`helm template` argv (without the binary) for a configured chart, exactly as the reference."""
    args = ["template", str(c["releaseName"]) if c.get("releaseName") else "--generate-name"]
    if c.get("name"):
        args.append(os.path.join(chart_home, str(c["name"])))
    for field, flag, kind in TEMPLATE_FLAGS:
        value = c.get(field)
        if kind == "value" and value:
            args += [flag, str(value)]
        elif kind == "list":
            for item in value or []:
                args += [flag, str(item)]
        elif kind == "bool" and value:
            args.append(flag)
    return args


def run_helm(target: Target, ra: Accumulator) -> None:
    """Inflate every chart of the kustomization and absorb the output like a generator's."""
    from kustomize_py.transformers.generate import absorb

    configured = [configure(target, c) for c in chart_configs(target.kustomization)]
    for c in configured:
        for res in inflate(target, c):
            if target.tracking:
                res.origin = target.configured_origin("builtin", KIND)
            absorb(ra, res)


def inflate(target: Target, c: dict[str, Any]) -> list[Resource]:
    """The resources `helm template` renders for one configured chart."""
    tmp = tempfile.mkdtemp(prefix="kustomize-helm-")
    try:
        config_home = str(c.get("configHome") or os.path.join(tmp, "helm"))
        helm = _Helm(target.options.helm_command, config_home, target.kustomization.path)
        helm.check_version()
        home = abs_chart_home(target, c)
        chart_dir = os.path.join(home, str(c["name"]))
        if not os.path.isdir(chart_dir):
            raise _missing_chart(c, home, chart_dir, target.kustomization.path)
        c = {**c, "valuesFile": _values_file(target, c, tmp)}
        out = helm.run(template_args(c, home))
        source = f"{target.kustomization.path}#helmCharts/{c['name']}"
        return _resources(out, source)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _missing_chart(c: dict[str, Any], home: str, chart_dir: str, path: str) -> GeneratorError:
    if not c.get("repo"):
        return GeneratorError(f"no repo specified for pull, no chart found at '{chart_dir}'", path=path,
                              field="helmCharts")
    pull = ["helm", "pull", "--untar", "--untardir", home]
    repo = str(c["repo"])
    pull += [repo.rstrip("/") + "/" + str(c["name"])] if repo.startswith("oci://") else ["--repo", repo, str(c["name"])]
    if c.get("version"):
        pull += ["--version", str(c["version"])]
    return GeneratorError(
        f"chart '{c['name']}' is not present at '{chart_dir}' and kpy does not pull charts (that needs the "
        f"network); fetch it once with `{' '.join(pull)}`", path=path, field="helmCharts")


def _values_file(target: Target, c: dict[str, Any], tmp: str) -> str:
    """A temporary copy of the values file, or of the values merged with valuesInline (the reference's)."""
    from kustomize_py.yaml import dump

    inline = c.get("valuesInline")
    if inline:
        if not isinstance(inline, dict):
            raise GeneratorError("valuesInline must be a mapping", path=target.kustomization.path, field="helmCharts")
        values = inline if c["valuesMerge"] == "replace" else _merged(target, c, inline)
        data = dump(values).encode() if values else b"{}\n"
    else:
        data = _read_values(target, str(c["valuesFile"]))
    path = os.path.join(tmp, f"{c['name']}-kustomize-values.yaml")
    Path(path).write_bytes(data)
    return path


def _merged(target: Target, c: dict[str, Any], inline: dict[str, Any]) -> dict[str, Any]:
    """override: valuesInline wins over the file; merge: the file wins (the reference's argument order)."""
    from kustomize_py.merge.schema import SchemaIndex
    from kustomize_py.merge.strategic import strategic_merge
    from kustomize_py.yaml import load

    source = str(c["valuesFile"])
    try:
        file_values = load(_read_values(target, source), source)
    except YamlError as err:
        raise GeneratorError(f"could not parse values file into rnode: {err.message}", path=source) from None
    if file_values is None:
        file_values = {}
    if not isinstance(file_values, dict):
        raise GeneratorError("values file must hold a mapping", path=source)
    base, patch = (file_values, inline) if c["valuesMerge"] == "override" else (inline, file_values)
    return strategic_merge(base, patch, SchemaIndex.empty(), source=source) or {}


def _read_values(target: Target, path: str) -> bytes:
    from kustomize_py import remote

    if remote.is_http_url(path):  # the reference's loader reads http(s) URLs too
        return remote.fetch_file(path)
    return target.loader.read_bytes(path)


def _resources(out: bytes, source: str) -> list[Resource]:
    """Helm's stdout as resources; anything that is not a resource (even a warning line) fails, as in
    the reference."""
    from kustomize_py.resources import from_documents
    from kustomize_py.yaml import load_all

    try:
        docs = load_all(out, source, folded=True)
    except YamlError as err:
        raise GeneratorError(f"error reading helm output: {err.message}", path=source) from None
    try:
        return from_documents(docs, source)
    except KpyError as err:
        raise GeneratorError(f"could not parse rnode slice into resource map: {err.message}", path=source) from None


class _Helm:
    """The helm binary, run with its config/cache/data homes set the way the reference sets them."""

    def __init__(self, command: str, config_home: str, source: str) -> None:
        self.command = command
        self.source = source
        self.env = {"HELM_CONFIG_HOME": config_home, "HELM_CACHE_HOME": f"{config_home}/.cache",
                    "HELM_DATA_HOME": f"{config_home}/.data"}

    def run(self, args: list[str]) -> bytes:
        env_text = "[" + " ".join(f"{k}={v}" for k, v in self.env.items()) + "]"
        what = f"unable to run: '{self.command} {' '.join(args)}' with env={env_text} (is '{self.command}' installed?)"
        try:
            proc = subprocess.run([self.command, *args], env={**os.environ, **self.env}, stdin=subprocess.DEVNULL,
                                  capture_output=True, check=False)
        except FileNotFoundError:
            raise GeneratorError(f"{what}: executable file not found in $PATH", path=self.source,
                                 field="helmCharts") from None
        except OSError as err:
            raise GeneratorError(f"{what}: {err.strerror}", path=self.source, field="helmCharts") from None
        if proc.returncode != 0:
            stderr = proc.stderr.decode(errors="replace")
            if "--debug" in args:
                stderr = f" Helm stack trace:\n{stderr}\nHelm template:\n{proc.stdout.decode(errors='replace')}\n"
            raise GeneratorError(f"{stderr.strip()}: {what}: exit status {proc.returncode}", path=self.source,
                                 field="helmCharts")
        return proc.stdout

    def check_version(self) -> None:
        """The reference insists on helm 3."""
        out = self.run(["version", "-c", "--short"]).decode(errors="replace")
        m = _VERSION.search(out)
        if m is None:
            raise GeneratorError(f"cannot find version string in {out}", path=self.source, field="helmCharts")
        version = m.group(0).lstrip("v")
        if version.split(".")[0] != "3":
            raise GeneratorError(f"this plugin requires helm V3 but got v{version}", path=self.source,
                                 field="helmCharts")
