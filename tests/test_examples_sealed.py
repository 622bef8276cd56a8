"""The example repo's SealedSecrets: they decrypt to their documented demo plaintext after the overlay
renders them, the workloads' references follow the renamed SealedSecret, and `kpy check` catches a
strict-scope SealedSecret that an overlay renames."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest

from kustomize_py.cli import main
from kustomize_py.yaml import load, load_all

pytest.importorskip("cryptography")

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples" / "assets"
DEMO_KEY = ROOT / "tests" / "fixtures" / "sealed" / "a.key"  # matches examples/assets/.sealing/demo-cert.pem
ENVS = ("dev", "staging", "production")
# workload -> the stem of its plaintext example file
SEALED = {"grafana": "admin", "prometheus": "remote-write"}
CASES = [(w, e) for w in SEALED for e in ENVS]


def kpy(args: list[str], capsys) -> str:
    capsys.readouterr()
    assert main(args) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def documented_plaintext(workload: str, env: str) -> dict[str, str]:
    example = EXAMPLES / workload / "secrets" / env / f"{SEALED[workload]}.secret.yaml.example"
    return load(example.read_bytes(), str(example))["stringData"]


def secret_refs(obj: dict) -> set[str]:
    """Names of Secrets a workload's pod template refers to (env, envFrom, volumes)."""
    spec = obj["spec"]["template"]["spec"]
    refs = {v["secret"]["secretName"] for v in spec.get("volumes") or [] if "secret" in v}
    for c in spec.get("containers") or []:
        refs |= {e["valueFrom"]["secretKeyRef"]["name"] for e in c.get("env") or []
                 if "secretKeyRef" in (e.get("valueFrom") or {})}
        refs |= {e["secretRef"]["name"] for e in c.get("envFrom") or [] if "secretRef" in e}
    return refs


@pytest.mark.parametrize(("workload", "env"), CASES, ids=[f"{w}-{e}" for w, e in CASES])
def test_rendered_sealed_secret_unseals_to_documented_plaintext(workload, env, capsys, tmp_path):
    docs = load_all(kpy(["build", str(EXAMPLES / workload / "overlays" / env)], capsys).encode(), "build")
    sealed = [d for d in docs if d["kind"] == "SealedSecret"]
    assert len(sealed) == 1
    name = sealed[0]["metadata"]["name"]
    # The workload refers to the SealedSecret under its rendered (prefixed/suffixed) name.
    workloads = [d for d in docs if d["kind"] in ("Deployment", "StatefulSet")]
    assert name in set().union(*(secret_refs(d) for d in workloads))
    if env != "production":
        assert env in name  # the overlay renamed it, which is why it is sealed namespace-wide

    # Unseal the object as the overlay rendered it (renamed), not the file in sealed/.
    path = tmp_path / "sealed.json"
    path.write_text(json.dumps(sealed[0]))
    secret = load(kpy(["unseal", "--key", str(DEMO_KEY), str(path)], capsys).encode(), "unseal")
    assert secret["metadata"]["name"] == name
    assert secret["metadata"]["namespace"] == "monitoring"
    plain = {k: base64.b64decode(v).decode() for k, v in secret["data"].items()}
    assert plain == documented_plaintext(workload, env)


def test_sealed_secrets_do_not_unseal_with_another_key(capsys, tmp_path):
    path = EXAMPLES / "grafana" / "sealed" / "staging" / "admin.yaml"
    capsys.readouterr()
    assert main(["unseal", "--key", str(DEMO_KEY.with_name("b.key")), str(path)]) == 1
    assert "demo-grafana" not in capsys.readouterr().err


def test_no_private_key_or_plaintext_source_is_committed_in_examples():
    for path in EXAMPLES.rglob("*"):
        if path.is_file():
            assert b"PRIVATE KEY" not in path.read_bytes(), path
    ignore = (EXAMPLES / ".gitignore").read_text().split()
    assert {"*.secret.yaml", ".kpy-seal-state.json"} <= set(ignore)


def copy_repo(tmp_path: Path) -> Path:
    """The example repo without local plaintext or seal state (a developer may have them)."""
    repo = tmp_path / "assets"
    shutil.copytree(EXAMPLES, repo, ignore=shutil.ignore_patterns(
        "*.secret.yaml", "*.secret.yml", "*.secret.json", ".kpy-seal-state.json"))
    return repo


def test_kpy_check_passes_on_the_examples_and_flags_a_planted_strict_sealed_secret(capsys, tmp_path):
    repo = copy_repo(tmp_path)
    out = kpy(["check", str(repo)], capsys)
    assert "0 error(s)" in out

    # Plant a strict-scope SealedSecret for monitoring/grafana-extra in the staging sealed dir:
    # the staging overlay's nameSuffix renames it, so the controller could never decrypt it.
    plain = tmp_path / "extra.yaml"
    plain.write_text("apiVersion: v1\nkind: Secret\nmetadata:\n  name: grafana-extra\n  namespace: monitoring\n"
                     "stringData:\n  token: planted\n")
    staging = repo / "grafana" / "sealed" / "staging"
    kpy(["seal", "--cert", str(EXAMPLES / ".sealing" / "demo-cert.pem"), "--scope", "strict", str(plain),
         "-w", str(staging / "extra.yaml")], capsys)
    kust = staging / "kustomization.yaml"
    kust.write_text(kust.read_text() + "  - extra.yaml\n")

    capsys.readouterr()
    assert main(["check", "--format", "json", str(repo)]) == 1
    out = capsys.readouterr().out
    issues = json.loads(out)["issues"]
    assert [(i["check"], i["overlay"], i["file"]) for i in issues] == [
        ("sealed-scope", "grafana/overlays/staging", "grafana/sealed/staging/extra.yaml")]
    assert "metadata.name: 'grafana-extra' -> 'grafana-extra-staging'" in issues[0]["message"]
    assert "planted" not in out
