"""Synthetic repositories for the benchmarks: one big overlay of N workloads, a repo of many
overlays sharing bases, and an overlay carrying large CRDs."""

from __future__ import annotations

import os
from pathlib import Path


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _deployment(name: str, config: str, image: str = "nginx") -> str:
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels:
    app: {name}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
      - name: main
        image: {image}:1.25
        ports:
        - containerPort: 8080
        envFrom:
        - configMapRef:
            name: {config}
        volumeMounts:
        - name: conf
          mountPath: /etc/conf
      volumes:
      - name: conf
        configMap:
          name: {config}
"""


def _configmap(name: str, i: int) -> str:
    return f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}
data:
  INDEX: "{i}"
  MODE: production
"""


def big_overlay(root: Path, n: int) -> Path:
    """base/ with n Deployments (each with its own ConfigMap) and overlay/ that renames,
    namespaces, labels (with selectors) and retags images. Returns the overlay directory."""
    base = root / "base"
    names = []
    for i in range(n):
        app = f"app-{i:05d}"
        names.append(f"{app}.yaml")
        _write(base / f"{app}.yaml", _configmap(f"{app}-config", i) + "---\n" + _deployment(app, f"{app}-config"))
    _write(base / "kustomization.yaml", "resources:\n" + "".join(f"- {f}\n" for f in names))
    overlay = root / "overlay"
    _write(overlay / "kustomization.yaml", """resources:
- ../base
namePrefix: prod-
namespace: production
labels:
- pairs:
    team: platform
    env: prod
  includeSelectors: true
images:
- name: nginx
  newName: registry.example.com/nginx
  newTag: "1.27"
""")
    return overlay


ENVS = ("dev", "staging", "prod")


def many_overlays(root: Path, workloads: int = 20) -> list[Path]:
    """workloads x 3 environments: apps/<w>/base, apps/<w>/overlays/<env>, all sharing
    common/base (a namespace-wide ConfigMap and a NetworkPolicy) through a component-free base."""
    common = root / "common" / "base"
    _write(common / "kustomization.yaml", "resources:\n- policy.yaml\n- shared.yaml\n")
    _write(common / "policy.yaml", """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
spec:
  podSelector: {}
  policyTypes:
  - Ingress
""")
    _write(common / "shared.yaml", _configmap("shared", 0))
    overlays = []
    for w in range(workloads):
        app = f"svc-{w:02d}"
        base = root / "apps" / app / "base"
        _write(base / "kustomization.yaml", f"""resources:
- ../../../common/base
- deployment.yaml
- service.yaml
configMapGenerator:
- name: {app}-config
  literals:
  - LOG_LEVEL=info
  - APP={app}
""")
        docs = [_deployment(app, f"{app}-config", image=f"example/{app}")]
        for extra in range(4):  # some more objects so a base is not trivial
            docs.append(_configmap(f"{app}-extra-{extra}", extra))
        _write(base / "deployment.yaml", "---\n".join(docs))
        _write(base / "service.yaml", f"""apiVersion: v1
kind: Service
metadata:
  name: {app}
spec:
  selector:
    app: {app}
  ports:
  - port: 80
    targetPort: 8080
""")
        for env in ENVS:
            ov = root / "apps" / app / "overlays" / env
            _write(ov / "kustomization.yaml", f"""resources:
- ../../base
namespace: {app}-{env}
namePrefix: {env}-
labels:
- pairs:
    env: {env}
  includeSelectors: true
images:
- name: example/{app}
  newTag: "{env}-1"
patches:
- path: replicas.yaml
configMapGenerator:
- name: {app}-config
  behavior: merge
  literals:
  - ENV={env}
""")
            _write(ov / "replicas.yaml", f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {app}
spec:
  replicas: {ENVS.index(env) + 1}
""")
            overlays.append(ov)
    return overlays


def _crd(i: int, props: int) -> str:
    fields = "".join(
        f"""              field{j:03d}:
                type: string
                description: Field number {j} of kind {i}; a long description to make the document big.
"""
        for j in range(props))
    return f"""apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets{i}.example.com
spec:
  group: example.com
  names:
    kind: Widget{i}
    plural: widgets{i}
    singular: widget{i}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
{fields}"""


def crd_overlay(root: Path, crds: int = 20, props: int = 400) -> Path:
    """An overlay over a base of big CustomResourceDefinitions (about crds*props fields)."""
    base = root / "crd-base"
    _write(base / "crds.yaml", "---\n".join(_crd(i, props) for i in range(crds)))
    _write(base / "kustomization.yaml", "resources:\n- crds.yaml\n")
    overlay = root / "crd-overlay"
    _write(overlay / "kustomization.yaml", """resources:
- ../crd-base
commonAnnotations:
  owner: platform
labels:
- pairs:
    tier: crds
""")
    return overlay


def tiny_overlay(root: Path) -> Path:
    """A two-document overlay: measures process start more than rendering."""
    base = root / "tiny-base"
    _write(base / "kustomization.yaml", "resources:\n- app.yaml\n")
    _write(base / "app.yaml", _configmap("tiny-config", 1) + "---\n" + _deployment("tiny", "tiny-config"))
    overlay = root / "tiny-overlay"
    _write(overlay / "kustomization.yaml", "resources:\n- ../tiny-base\nnamePrefix: t-\nnamespace: tiny\n")
    return overlay


if __name__ == "__main__":  # python benchmarks/generate.py DIR N: write the big overlay only
    import sys

    out = Path(sys.argv[1])
    print(big_overlay(out, int(sys.argv[2]) if len(sys.argv) > 2 else 100))
    os.sys.exit(0)
