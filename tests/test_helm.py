"""helmCharts through a fake `helm` that records its argv and values files and prints canned
manifests; argv, values and output compared with what Kustomize v5.6.0 does with the same fake."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kustomize_py.cli import main
from kustomize_py.errors import GeneratorError, KpyError
from kustomize_py.pipeline import build

REFERENCE = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33"

FAKE_HELM = """#!{python}
import json, os, sys
args = sys.argv[1:]
if args[:1] == ["version"]:
    print(os.environ.get("FAKE_HELM_VERSION", "v3.14.2+gc309b6f"))
    sys.exit(0)
values = []
for i, a in enumerate(args):
    if a == "-f":
        with open(args[i + 1]) as f:
            values.append(f.read())
env = {{k: v for k, v in os.environ.items() if k.startswith("HELM_")}}
with open(os.environ["FAKE_HELM_LOG"], "a") as log:
    log.write(json.dumps({{"argv": args, "values": values, "env": env}}) + "\\n")
if os.environ.get("FAKE_HELM_FAIL"):
    sys.stderr.write("Error: template: boom\\n")
    sys.exit(1)
release = "generated" if args[1].startswith("--") else args[1]
sys.stdout.write(open(os.environ["FAKE_HELM_OUTPUT"]).read().replace("RELEASE", release))
"""

MANIFESTS = """---
# Source: mychart/templates/svc.yaml
apiVersion: v1
kind: Service
metadata:
  name: RELEASE-web
spec:
  ports:
  - port: 80
---
# Source: mychart/templates/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: RELEASE-web
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx
"""


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture
def fake_helm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `helm` script; returns its path. Its calls go to tmp_path/helm.log."""
    helm = tmp_path / "bin" / "helm"
    helm.parent.mkdir()
    helm.write_text(FAKE_HELM.format(python=sys.executable))
    helm.chmod(0o755)
    (tmp_path / "out.yaml").write_text(MANIFESTS)
    monkeypatch.setenv("FAKE_HELM_LOG", str(tmp_path / "helm.log"))
    monkeypatch.setenv("FAKE_HELM_OUTPUT", str(tmp_path / "out.yaml"))
    monkeypatch.delenv("FAKE_HELM_FAIL", raising=False)
    monkeypatch.delenv("FAKE_HELM_VERSION", raising=False)
    return helm


def _calls(tmp_path: Path) -> list[dict]:
    log = tmp_path / "helm.log"
    calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    log.unlink(missing_ok=True)
    return calls


def _normalized(calls: list[dict], root: Path) -> list[dict]:
    """Calls with the per-run temporary directory (values copy, HELM_* homes) replaced by <tmp>."""
    out = []
    for call in calls:
        tmp = os.path.dirname(call["env"]["HELM_CONFIG_HOME"])
        text = json.dumps(call).replace(tmp, "<tmp>").replace(str(root), "<root>")
        out.append(json.loads(text))
    return out


def _reference(directory: Path, helm: Path, tmp_path: Path) -> tuple[str, list[dict]]:
    if not os.path.exists(REFERENCE):
        pytest.skip("reference kustomize (kubectl 1.33) not installed")
    done = subprocess.run([REFERENCE, "kustomize", "--enable-helm", "--helm-command", str(helm), str(directory)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout, _calls(tmp_path)


CHART = {"Chart.yaml": "apiVersion: v2\nname: mychart\nversion: 0.1.0\n",
         "values.yaml": "replicas: 1\nimage:\n  repository: nginx\n  tag: stable\nports: [80, 443]\n"}


def _app(tmp_path: Path, kustomization: str, chart_home: str = "charts") -> Path:
    app = tmp_path / "app"
    _write(app, {f"{chart_home}/mychart/{k}": v for k, v in CHART.items()})
    _write(app, {"kustomization.yaml": kustomization, "extra-values.yaml": "extra: true\n"})
    return app


FULL = """helmGlobals:
  chartHome: my-charts
helmCharts:
- name: mychart
  releaseName: rel
  namespace: apps
  nameTemplate: tpl
  valuesInline:
    replicas: 3
    image:
      tag: "1.25"
  additionalValuesFiles:
  - extra-values.yaml
  apiVersions: [example.com/v1, other.io/v2]
  kubeVersion: "1.30"
  includeCRDs: true
  skipTests: true
  skipHooks: true
- name: mychart
namePrefix: p-
"""


def test_argv_values_and_output_match_reference(tmp_path: Path, fake_helm: Path) -> None:
    app = _app(tmp_path, FULL, chart_home="my-charts")
    ours = build(app, enable_helm=True, helm_command=str(fake_helm)).yaml
    calls = _normalized(_calls(tmp_path), app)
    # what the reference passes, spelled out (the reference comparison below skips without kubectl)
    assert [c["argv"] for c in calls] == [
        ["template", "rel", "<root>/my-charts/mychart", "--namespace", "apps", "--name-template", "tpl",
         "-f", "<tmp>/mychart-kustomize-values.yaml", "-f", "<root>/extra-values.yaml",
         "--api-versions", "example.com/v1", "--api-versions", "other.io/v2", "--kube-version", "1.30",
         "--include-crds", "--skip-tests", "--no-hooks"],
        ["template", "--generate-name", "<root>/my-charts/mychart", "-f", "<tmp>/mychart-kustomize-values.yaml"],
    ]
    assert calls[0]["env"] == {"HELM_CONFIG_HOME": "<tmp>/helm", "HELM_CACHE_HOME": "<tmp>/helm/.cache",
                               "HELM_DATA_HOME": "<tmp>/helm/.data"}
    assert calls[1]["values"] == [CHART["values.yaml"]]  # no valuesInline: a verbatim copy
    assert "name: p-rel-web" in ours and "name: p-generated-web" in ours
    expected, ref_calls = _reference(app, fake_helm, tmp_path)
    assert calls == _normalized(ref_calls, app)
    assert ours == expected


@pytest.mark.parametrize("merge", ["override", "merge", "replace"])
def test_values_merge_matches_reference(tmp_path: Path, fake_helm: Path, merge: str) -> None:
    app = _app(tmp_path, f"""helmCharts:
- name: mychart
  releaseName: r
  valuesMerge: {merge}
  valuesInline:
    replicas: 3
    image:
      tag: "1.25"
    ports: [8080]
    enabled: "yes"
""")
    build(app, enable_helm=True, helm_command=str(fake_helm))
    values = _calls(tmp_path)[0]["values"][0]
    if merge == "override":
        assert "replicas: 3" in values and "repository: nginx" in values
    elif merge == "merge":
        assert "replicas: 1" in values and "enabled: \"yes\"" in values
    else:
        assert "repository" not in values
    _, ref_calls = _reference(app, fake_helm, tmp_path)
    assert values == ref_calls[0]["values"][0]


def test_legacy_helm_chart_inflation_generator(tmp_path: Path, fake_helm: Path) -> None:
    app = _app(tmp_path, """helmChartInflationGenerator:
- chartName: mychart
  releaseName: old
  releaseNamespace: ignored
  values: extra-values.yaml
""")
    build(app, enable_helm=True, helm_command=str(fake_helm))
    call = _normalized(_calls(tmp_path), app)[0]
    assert call["argv"] == ["template", "old", "<root>/charts/mychart", "-f", "<tmp>/mychart-kustomize-values.yaml"]
    assert call["values"] == ["extra: true\n"]
    _, ref_calls = _reference(app, fake_helm, tmp_path)
    assert [call] == _normalized(ref_calls, app)


def test_cli_flags(tmp_path: Path, fake_helm: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app = _app(tmp_path, "helmCharts:\n- name: mychart\n  releaseName: r\n")
    assert main(["build", "--enable-helm", "--helm-command", str(fake_helm), str(app)]) == 0
    assert "kind: Deployment" in capsys.readouterr().out


def test_generated_resources_are_absorbed_like_generator_output(tmp_path: Path, fake_helm: Path) -> None:
    app = _app(tmp_path, "resources:\n- svc.yaml\nhelmCharts:\n- name: mychart\n")
    _write(app, {"svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: generated-web\n"})
    with pytest.raises(GeneratorError, match="exists; behavior must be merge or replace"):
        build(app, enable_helm=True, helm_command=str(fake_helm))


# -- errors ---------------------------------------------------------------------------------------------


def test_not_enabled_names_the_config(tmp_path: Path) -> None:
    app = _app(tmp_path, "helmGlobals:\n  chartHome: ./charts\nhelmCharts:\n- name: mychart\n  releaseName: r\n")
    with pytest.raises(GeneratorError) as err:
        build(app)
    assert err.value.message == ("trouble configuring builtin HelmChartInflationGenerator with config: `\n"
                                 "chartHome: ./charts\nname: mychart\nreleaseName: r\n`: must specify --enable-helm")


def test_helm_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    app = _app(tmp_path, "helmCharts:\n- name: mychart\n")
    with pytest.raises(GeneratorError, match=r"unable to run: 'helm version -c --short' .*\(is 'helm' installed\?\)"):
        build(app, enable_helm=True)


def test_chart_not_present_locally(tmp_path: Path, fake_helm: Path) -> None:
    app = _app(tmp_path, "helmCharts:\n- name: other\n")
    with pytest.raises(GeneratorError, match="no repo specified for pull, no chart found at '.*/charts/other'"):
        build(app, enable_helm=True, helm_command=str(fake_helm))
    app = _app(tmp_path, "helmCharts:\n- name: other\n  repo: https://charts.example.com\n  version: 1.2.3\n")
    with pytest.raises(GeneratorError, match="does not pull charts") as err:
        build(app, enable_helm=True, helm_command=str(fake_helm))
    assert "helm pull --untar --untardir" in err.value.message and "other-1.2.3" in err.value.message
    assert not [c for c in _calls(tmp_path) if c["argv"][0] == "pull"]


def test_text_before_the_manifests_is_an_error(tmp_path: Path, fake_helm: Path) -> None:
    (tmp_path / "out.yaml").write_text("WARNING: this chart is deprecated\n" + MANIFESTS)
    app = _app(tmp_path, "helmCharts:\n- name: mychart\n")
    with pytest.raises(GeneratorError, match="could not parse rnode slice into resource map"):
        build(app, enable_helm=True, helm_command=str(fake_helm))


def test_helm_failure_and_version(tmp_path: Path, fake_helm: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(tmp_path, "helmCharts:\n- name: mychart\n")
    monkeypatch.setenv("FAKE_HELM_FAIL", "1")
    with pytest.raises(GeneratorError, match="Error: template: boom.*exit status 1"):
        build(app, enable_helm=True, helm_command=str(fake_helm))
    monkeypatch.setenv("FAKE_HELM_VERSION", "v2.17.0")
    with pytest.raises(GeneratorError, match="requires helm V3 but got v2.17.0"):
        build(app, enable_helm=True, helm_command=str(fake_helm))


@pytest.mark.parametrize(("chart", "message"), [
    ("- releaseName: r\n", "chart name cannot be empty"),
    ("- name: mychart\n  valuesMerge: mix\n", r"valuesMerge must be one of \[merge override replace\]"),
    ("- name: mychart\n  additionalValuesFiles: [../outside.yaml]\n", "could not load additionalValuesFile"),
])
def test_configuration_errors(tmp_path: Path, fake_helm: Path, chart: str, message: str) -> None:
    app = _app(tmp_path, "helmCharts:\n" + chart)
    with pytest.raises(KpyError, match=message):
        build(app, enable_helm=True, helm_command=str(fake_helm))


def test_origin_annotations_match_reference(tmp_path: Path, fake_helm: Path) -> None:
    app = _app(tmp_path, "buildMetadata: [originAnnotations]\nhelmCharts:\n- name: mychart\n  releaseName: r\n")
    ours = build(app, enable_helm=True, helm_command=str(fake_helm)).yaml
    assert "configuredBy:\n        apiVersion: builtin\n        kind: HelmChartInflationGenerator" in ours
    _calls(tmp_path)
    expected, _ = _reference(app, fake_helm, tmp_path)
    assert ours == expected


def test_build_options_are_defaults_for_charts_without_their_own(tmp_path: Path, fake_helm: Path) -> None:
    # the reference's --helm-kube-version/--helm-api-versions/--helm-debug, carried by BuildOptions:
    # a chart's own kubeVersion/apiVersions win; debug applies to every chart
    from kustomize_py.loader import Loader
    from kustomize_py.pipeline import BuildOptions, Target
    from kustomize_py.transformers.helm import configure

    app = _app(tmp_path, FULL, chart_home="my-charts")
    own = {"name": "mychart", "kubeVersion": "1.30", "apiVersions": ["example.com/v1"]}
    plain = BuildOptions(enable_helm=True, helm_command=str(fake_helm))
    c = configure(Target.at(Loader.at(app), plain), own)
    assert (c["kubeVersion"], c["apiVersions"], c.get("debug")) == ("1.30", ["example.com/v1"], None)
    options = BuildOptions(enable_helm=True, helm_command=str(fake_helm), helm_kube_version="1.31",
                           helm_api_versions=("x.io/v1", "y.io/v2"), helm_debug=True)
    c = configure(Target.at(Loader.at(app), options), {"name": "mychart"})
    assert (c["kubeVersion"], c["apiVersions"], c["debug"]) == ("1.31", ["x.io/v1", "y.io/v2"], True)
    c = configure(Target.at(Loader.at(app), options), own)
    assert (c["kubeVersion"], c["apiVersions"], c["debug"]) == ("1.30", ["example.com/v1"], True)


def test_api_versions_flag_shares_its_array_with_charts_like_go() -> None:
    from kustomize_py.transformers.helm import ApiVersionsFlag

    # capacity grows 1, 2, 4, 8 as kubectl appends one flag at a time
    assert [len(ApiVersionsFlag(["v"] * n).array) for n in range(6)] == [0, 1, 2, 4, 4, 8]
    flag = ApiVersionsFlag(["a", "b", "c"])  # len 3, capacity 4
    flag.decode_over(["x", "y"])  # a chart's own list lands in the shared array
    assert flag.values() == ["x", "y", "c"]
    flag.decode_over(["1", "2", "3", "4", "5"])  # only what fits the capacity is shared
    assert flag.values() == ["1", "2", "3"]


@pytest.mark.parametrize("flags", [
    ["--helm-kube-version", "1.31", "--helm-api-versions", "x.io/v1,y.io/v2", "--helm-api-versions", "z.io/v3",
     "--helm-debug"],
    ["--helm-api-versions", "a/v1", "--helm-api-versions", "b/v1", "--helm-api-versions", "c/v1"],
    ["--helm-api-versions", "a/v1,b/v1,c/v1"],
    ["--helm-kube-version", "1.29"],
], ids=["all", "three-flags", "comma-list", "kube-version"])
def test_cli_helm_flags_reach_helm_like_the_references(tmp_path: Path, fake_helm: Path, flags: list[str],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    # FULL has a chart with its own kubeVersion/apiVersions, then one without: the flags are
    # defaults for the second, which also sees the first one's list where it shares the flag's array
    app = _app(tmp_path, FULL, chart_home="my-charts")
    assert main(["build", str(app), "--enable-helm", "--helm-command", str(fake_helm), *flags]) == 0
    ours = capsys.readouterr().out
    calls = _normalized(_calls(tmp_path), app)
    assert calls[0]["argv"][calls[0]["argv"].index("--kube-version") + 1] == "1.30"  # the chart's own
    if flags == ["--helm-kube-version", "1.29"]:
        assert calls[1]["argv"][-2:] == ["--kube-version", "1.29"]
    if not os.path.exists(REFERENCE):
        pytest.skip("reference kustomize (kubectl 1.33) not installed")
    done = subprocess.run([REFERENCE, "kustomize", "--enable-helm", "--helm-command", str(fake_helm), *flags,
                           str(app)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert [c["argv"] for c in calls] == [c["argv"] for c in _normalized(_calls(tmp_path), app)]
    assert ours == done.stdout


def test_build_all_passes_the_helm_options(tmp_path: Path, fake_helm: Path) -> None:
    # `kpy build --all` used to drop --enable-helm and friends: every helm overlay then failed
    app = _app(tmp_path, FULL, chart_home="my-charts")
    out = tmp_path / "out"
    assert main(["build", "--all", str(app.parent), "-o", str(out), "--enable-helm",
                 "--helm-command", str(fake_helm), "--helm-kube-version", "1.29"]) == 0
    assert "name: p-rel-web" in (out / "app.yaml").read_text()
    calls = _calls(tmp_path)
    assert [c["argv"][c["argv"].index("--kube-version") + 1] for c in calls] == ["1.30", "1.29"]
