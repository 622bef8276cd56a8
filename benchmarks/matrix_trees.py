"""Generated trees for the feature matrix: one kustomization feature used once per app, N apps.

Each row of `ROWS` writes a tree under a directory and returns the kustomization to build. Every
app is `app-<i>`: a ConfigMap `app-<i>-config` (data INDEX, MODE) and a Deployment `app-<i>`
(label `app: app-<i>`, image `example/app-<i>:1.0`, envFrom and a volume naming the ConfigMap).
Features that are lists (patches, generators, replacements, vars, images, replicas) get one entry
per app in one overlay; features that are per kustomization (labels, namespace, prefixes,
components, bases) get one kustomization per app.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _app(i: int) -> str:
    return f"app-{i:05d}"


def _configmap(app: str, i: int) -> str:
    return f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: {app}-config
data:
  INDEX: "{i}"
  MODE: production
"""


def _deployment(app: str, args: str = "") -> str:
    extra = f"        args:\n        - {args}\n" if args else ""
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {app}
  labels:
    app: {app}
  annotations:
    team: {app}-team
spec:
  replicas: 1
  selector:
    matchLabels:
      app: {app}
  template:
    metadata:
      labels:
        app: {app}
    spec:
      containers:
      - name: main
        image: example/{app}:1.0
{extra}        envFrom:
        - configMapRef:
            name: {app}-config
        volumeMounts:
        - name: conf
          mountPath: /etc/conf
      volumes:
      - name: conf
        configMap:
          name: {app}-config
"""


def _app_files(base: Path, n: int, configmaps: bool = True, args: Callable[[int], str] | None = None) -> list[str]:
    """One file per app under `base`; returns the file names."""
    names = []
    for i in range(n):
        app = _app(i)
        docs = ([_configmap(app, i)] if configmaps else []) + [_deployment(app, args(i) if args else "")]
        _write(base / f"{app}.yaml", "---\n".join(docs))
        names.append(f"{app}.yaml")
    return names


def _listing(field: str, items: list[str]) -> str:
    return f"{field}:\n" + "".join(f"- {x}\n" for x in items)


def _base(root: Path, n: int, configmaps: bool = True, extra: str = "",
          args: Callable[[int], str] | None = None) -> None:
    """root/base: every app's file listed in one kustomization."""
    base = root / "base"
    names = _app_files(base, n, configmaps, args)
    _write(base / "kustomization.yaml", _listing("resources", names) + extra)


def _overlay(root: Path, text: str) -> Path:
    _write(root / "overlay" / "kustomization.yaml", "resources:\n- ../base\n" + text)
    return root / "overlay"


def _indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "".join(pad + line + "\n" for line in text.splitlines())


# -- rows ---------------------------------------------------------------------------------------

def resources(root: Path, n: int) -> Path:
    names = _app_files(root / "overlay", n)
    _write(root / "overlay" / "kustomization.yaml", _listing("resources", names))
    return root / "overlay"


def bases(root: Path, n: int) -> Path:
    dirs = []
    for i in range(n):
        app = _app(i)
        _write(root / "apps" / app / "app.yaml", _configmap(app, i) + "---\n" + _deployment(app))
        _write(root / "apps" / app / "kustomization.yaml", "resources:\n- app.yaml\n")
        dirs.append(f"../apps/{app}")
    _write(root / "overlay" / "kustomization.yaml", _listing("resources", dirs))
    return root / "overlay"


def components(root: Path, n: int) -> Path:
    _base(root, n)
    comps = []
    for i in range(n):
        app = _app(i)
        _write(root / "components" / app / "kustomization.yaml", f"""apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
patches:
- target:
    kind: Deployment
    name: {app}
  patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: {app}
      annotations:
        component: "{i}"
""")
        comps.append(f"../components/{app}")
    return _overlay(root, _listing("components", comps))


def _generator(field: str, i: int, behavior: str = "", key: str = "ENV") -> str:
    app = _app(i)
    line = f"  behavior: {behavior}\n" if behavior else ""
    return f"- name: {app}-config\n{line}  literals:\n  - {key}=value-{i}\n"


def configmap_create(root: Path, n: int) -> Path:
    _base(root, n, configmaps=False)
    return _overlay(root, "configMapGenerator:\n" + "".join(_generator("cm", i) for i in range(n)))


def configmap_merge(root: Path, n: int) -> Path:
    gens = "configMapGenerator:\n" + "".join(_generator("cm", i, key="BASE") for i in range(n))
    _base(root, n, configmaps=False, extra=gens)
    return _overlay(root, "configMapGenerator:\n" + "".join(_generator("cm", i, "merge") for i in range(n)))


def secret_create(root: Path, n: int) -> Path:
    _base(root, n)
    text = "".join(f"- name: {_app(i)}-secret\n  literals:\n  - TOKEN=t{i}\n" for i in range(n))
    return _overlay(root, "secretGenerator:\n" + text)


def secret_replace(root: Path, n: int) -> Path:
    base = "secretGenerator:\n" + "".join(f"- name: {_app(i)}-secret\n  literals:\n  - OLD=o{i}\n" for i in range(n))
    _base(root, n, extra=base)
    text = "".join(f"- name: {_app(i)}-secret\n  behavior: replace\n  literals:\n  - TOKEN=t{i}\n"
                   for i in range(n))
    return _overlay(root, "secretGenerator:\n" + text)


def _target(i: int, how: str) -> str:
    app = _app(i)
    if how == "name":
        return f"  target:\n    kind: Deployment\n    name: {app}\n"
    if how == "regex":
        return f"  target:\n    kind: Deployment\n    name: {app}(-canary)?\n"
    return f"  target:\n    labelSelector: app={app}\n"


def _smp(i: int) -> str:
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: any
spec:
  replicas: {i % 7 + 2}
"""


def _json_ops(i: int) -> str:
    return f"- op: replace\n  path: /spec/replicas\n  value: {i % 7 + 2}\n"


def _patches(root: Path, n: int, how: str, json: bool) -> Path:
    _base(root, n)
    entries = []
    for i in range(n):
        body = _json_ops(i) if json else _smp(i)
        entries.append(_target(i, how) + "  patch: |-\n" + _indent(body, 4))
    return _overlay(root, "patches:\n" + "".join("-" + e[1:] for e in entries))


def patch_smp_name(root: Path, n: int) -> Path:
    return _patches(root, n, "name", json=False)


def patch_smp_regex(root: Path, n: int) -> Path:
    return _patches(root, n, "regex", json=False)


def patch_smp_label(root: Path, n: int) -> Path:
    return _patches(root, n, "label", json=False)


def patch_json_name(root: Path, n: int) -> Path:
    return _patches(root, n, "name", json=True)


def patch_json_regex(root: Path, n: int) -> Path:
    return _patches(root, n, "regex", json=True)


def patch_json_label(root: Path, n: int) -> Path:
    return _patches(root, n, "label", json=True)


def patches_strategic_merge(root: Path, n: int) -> Path:
    _base(root, n)
    files = []
    for i in range(n):
        app = _app(i)
        _write(root / "overlay" / "patches" / f"{app}.yaml",
               f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {app}\nspec:\n  replicas: {i % 7 + 2}\n")
        files.append(f"patches/{app}.yaml")
    return _overlay(root, _listing("patchesStrategicMerge", files))


def patches_json6902(root: Path, n: int) -> Path:
    _base(root, n)
    text = "".join(f"- target:\n    group: apps\n    version: v1\n    kind: Deployment\n    name: {_app(i)}\n"
                   f"  patch: |-\n" + _indent(_json_ops(i), 4) for i in range(n))
    return _overlay(root, "patchesJson6902:\n" + text)


def _replacements(root: Path, n: int, wide: bool) -> Path:
    _base(root, n)
    entries = []
    for i in range(n):
        app = _app(i)
        select = (f"      labelSelector: app={app}\n" if wide else f"      kind: Deployment\n      name: {app}\n")
        entries.append(f"""- source:
    kind: ConfigMap
    name: {app}-config
    fieldPath: data.INDEX
  targets:
  - select:
{select}    fieldPaths:
    - metadata.annotations.index
    options:
      create: true
""")
    return _overlay(root, "replacements:\n" + "".join(entries))


def replacements_exact(root: Path, n: int) -> Path:
    return _replacements(root, n, wide=False)


def replacements_wide(root: Path, n: int) -> Path:
    return _replacements(root, n, wide=True)


def vars_(root: Path, n: int) -> Path:
    _base(root, n, args=lambda i: f"--index=$(INDEX_{i})")
    text = "".join(f"- name: INDEX_{i}\n  objref:\n    kind: ConfigMap\n    name: {_app(i)}-config\n    apiVersion: v1\n"
                   f"  fieldref:\n    fieldpath: data.INDEX\n" for i in range(n))
    return _overlay(root, "vars:\n" + text)


def name_references(root: Path, n: int) -> Path:
    _base(root, n)
    return _overlay(root, "namePrefix: prod-\nnameSuffix: -v2\n")


def images(root: Path, n: int) -> Path:
    _base(root, n)
    text = "".join(f"- name: example/{_app(i)}\n  newName: registry.example.com/{_app(i)}\n  newTag: \"2.{i}\"\n"
                   for i in range(n))
    return _overlay(root, "images:\n" + text)


def replicas(root: Path, n: int) -> Path:
    _base(root, n)
    return _overlay(root, "replicas:\n" + "".join(f"- name: {_app(i)}\n  count: {i % 5 + 1}\n" for i in range(n)))


def _per_app(root: Path, n: int, text: Callable[[int], str], top: str) -> Path:
    dirs = []
    for i in range(n):
        app = _app(i)
        _write(root / "apps" / app / "app.yaml", _configmap(app, i) + "---\n" + _deployment(app))
        _write(root / "apps" / app / "kustomization.yaml", "resources:\n- app.yaml\n" + text(i))
        dirs.append(f"../apps/{app}")
    _write(root / "overlay" / "kustomization.yaml", _listing("resources", dirs) + top)
    return root / "overlay"


def labels_annotations(root: Path, n: int) -> Path:
    return _per_app(root, n, lambda i: f"labels:\n- pairs:\n    shard: s{i % 10}\n  includeSelectors: true\n"
                                       f"commonAnnotations:\n  owner: team-{i}\n",
                    "labels:\n- pairs:\n    env: prod\ncommonAnnotations:\n  tier: web\n")


def namespace(root: Path, n: int) -> Path:
    return _per_app(root, n, lambda i: f"namespace: ns-{i:05d}\n", "")


def prefixes(root: Path, n: int) -> Path:
    return _per_app(root, n, lambda i: f"namePrefix: p{i}-\nnameSuffix: -s{i % 10}\n", "namePrefix: prod-\n")


HELM_SCRIPT = """#!/bin/sh
# a stand-in for helm: reports a version, and "renders" the chart as the file beside it
case "$1" in
  version) echo v3.14.2+gc309b6f ;;
  *) cat "$(dirname "$0")/rendered.yaml" ;;
esac
"""


def helm_chart(root: Path, n: int) -> Path:
    """A chart "rendering" N apps (through the stand-in `helm` in the overlay: build with
    `--enable-helm --helm-command overlay/helm`, see `helm_args`), with a namePrefix."""
    overlay = root / "overlay"
    _write(overlay / "charts" / "big" / "Chart.yaml", "apiVersion: v2\nname: big\nversion: 0.1.0\n")
    _write(overlay / "charts" / "big" / "values.yaml", "replicas: 1\n")
    docs = [_configmap(_app(i), i) + "---\n" + _deployment(_app(i)) for i in range(n)]
    _write(overlay / "rendered.yaml", "---\n" + "---\n".join(docs))
    _write(overlay / "helm", HELM_SCRIPT)
    (overlay / "helm").chmod(0o755)
    _write(overlay / "kustomization.yaml", "helmCharts:\n- name: big\n  releaseName: big\nnamePrefix: h-\n")
    return overlay


def helm_args(overlay: Path) -> list[str]:
    """The build options a tree needs: the stand-in helm of the helm row."""
    helm = overlay / "helm"
    return ["--enable-helm", "--helm-command", str(helm)] if helm.exists() else []


ROWS: dict[str, Callable[[Path, int], Path]] = {
    "resources": resources,
    "bases": bases,
    "components": components,
    "configMapGenerator": configmap_create,
    "configMapGenerator merge": configmap_merge,
    "secretGenerator": secret_create,
    "secretGenerator replace": secret_replace,
    "patches SMP, name target": patch_smp_name,
    "patches SMP, regex target": patch_smp_regex,
    "patches SMP, label target": patch_smp_label,
    "patches JSON6902, name target": patch_json_name,
    "patches JSON6902, regex target": patch_json_regex,
    "patches JSON6902, label target": patch_json_label,
    "patchesStrategicMerge": patches_strategic_merge,
    "patchesJson6902": patches_json6902,
    "replacements, exact select": replacements_exact,
    "replacements, label select": replacements_wide,
    "vars": vars_,
    "name references (prefix+suffix)": name_references,
    "images": images,
    "replicas": replicas,
    "labels and annotations": labels_annotations,
    "namespace": namespace,
    "namePrefix/nameSuffix": prefixes,
    "helm chart output": helm_chart,
}
