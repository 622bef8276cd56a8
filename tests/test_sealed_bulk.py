"""`kpy seal --all`: the secrets/ -> sealed/ convention, idempotent re-runs, the git-ignore guard."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kustomize_py.cli import main
from kustomize_py.errors import SealError
from kustomize_py.sealed import codec, seal_all
from kustomize_py.sealed.bulk import STATE_FILE, find_sources
from kustomize_py.sealed.manifest import parse_objects

FIX = Path(__file__).parent / "fixtures" / "sealed"


@pytest.fixture(scope="module")
def key():
    return codec.load_private_keys((FIX / "a.key").read_bytes())[0]


@pytest.fixture(scope="module")
def pub(key):
    return key.public_key()


def secret_text(name: str, ns: str, **items: str) -> str:
    lines = [
        f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}\n  namespace: {ns}\nstringData:"
    ]
    lines += [f"  {k}: {v!r}" for k, v in items.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "grafana" / "secrets").mkdir(parents=True)
    (tmp_path / "grafana" / "secrets" / "admin.secret.yaml").write_text(
        secret_text("grafana-admin", "monitoring", user="admin", password="pw-one")
    )
    (tmp_path / "prometheus" / "overlays" / "production" / "secrets").mkdir(parents=True)
    (
        tmp_path / "prometheus" / "overlays" / "production" / "secrets" / "remote-write.secret.yaml"
    ).write_text(secret_text("remote-write", "monitoring-prod", token="tok"))
    (tmp_path / ".git-like" / "secrets").mkdir(parents=True)  # hidden dirs are skipped
    (tmp_path / ".git-like" / "secrets" / "x.secret.yaml").write_text("not: read\n")
    return tmp_path


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def items_of(path: Path) -> dict[str, str]:
    return parse_objects(path.read_text())[0]["spec"]["encryptedData"]


def test_convention(repo):
    assert [p.relative_to(repo).as_posix() for p in find_sources(repo)] == [
        "grafana/secrets/admin.secret.yaml",
        "prometheus/overlays/production/secrets/remote-write.secret.yaml",
    ]


def test_first_run_creates_then_reruns_change_nothing(repo, key, pub):
    outcomes = seal_all(repo, pub)
    assert [(o.output.relative_to(repo).as_posix(), o.status) for o in outcomes] == [
        ("grafana/sealed/admin.yaml", "created"),
        ("prometheus/overlays/production/sealed/remote-write.yaml", "created"),
    ]
    sealed = repo / "grafana" / "sealed" / "admin.yaml"
    assert (
        codec.decrypt_item(
            [key],
            items_of(sealed)["password"],
            scope="strict",
            namespace="monitoring",
            name="grafana-admin",
        )
        == b"pw-one"
    )
    state = repo / "grafana" / "secrets" / STATE_FILE
    assert state.stat().st_mode & 0o777 == 0o600
    assert (
        "pw-one" not in state.read_text() and "admin" not in json.loads(state.read_text())["salt"]
    )
    before = snapshot(repo)
    mtime = sealed.stat().st_mtime_ns
    again = seal_all(repo, pub)
    assert {o.status for o in again} == {"unchanged"}
    assert all(o.resealed == () for o in again)
    assert snapshot(repo) == before and sealed.stat().st_mtime_ns == mtime


def test_only_the_changed_item_is_resealed(repo, key, pub):
    seal_all(repo, pub)
    sealed = repo / "grafana" / "sealed" / "admin.yaml"
    old = items_of(sealed)
    src = repo / "grafana" / "secrets" / "admin.secret.yaml"
    src.write_text(
        secret_text("grafana-admin", "monitoring", user="admin", password="pw-two", extra="e")
    )
    (outcome, other) = seal_all(repo, pub)
    assert outcome.status == "updated" and other.status == "unchanged"
    assert outcome.kept == ("user",) and set(outcome.resealed) == {"password", "extra"}
    new = items_of(sealed)
    assert new["user"] == old["user"] and new["password"] != old["password"]
    assert (
        codec.decrypt_item(
            [key], new["password"], scope="strict", namespace="monitoring", name="grafana-admin"
        )
        == b"pw-two"
    )
    # removing an item from the plaintext removes it from the sealed file
    src.write_text(secret_text("grafana-admin", "monitoring", user="admin"))
    seal_all(repo, pub)
    assert list(items_of(sealed)) == ["user"] and items_of(sealed)["user"] == old["user"]


def test_without_state_the_private_key_proves_items_unchanged(repo, key, pub):
    seal_all(repo, pub)
    before = snapshot(repo)
    for state in repo.rglob(STATE_FILE):
        state.unlink()
    outcomes = seal_all(repo, pub, private_keys=[key])
    assert {o.status for o in outcomes} == {"unchanged"}
    after = snapshot(repo)
    assert {k: v for k, v in after.items() if STATE_FILE not in k} == {
        k: v for k, v in before.items() if STATE_FILE not in k
    }
    # and without state or key, everything is sealed afresh (safe, only noisy)
    for state in repo.rglob(STATE_FILE):
        state.unlink()
    assert {o.status for o in seal_all(repo, pub)} == {"updated"}


def test_a_moved_secret_is_resealed_even_if_values_match(repo, key, pub):
    seal_all(repo, pub)
    src = repo / "grafana" / "secrets" / "admin.secret.yaml"
    for namespace, keys in (("grafana", []), ("grafana2", [key]), ("grafana", [key])):
        src.write_text(secret_text("grafana-admin", namespace, user="admin", password="pw-one"))
        outcome = seal_all(repo, pub, private_keys=keys)[0]
        assert outcome.kept == () and outcome.status == "updated"
    value = items_of(repo / "grafana" / "sealed" / "admin.yaml")["user"]
    assert (
        codec.decrypt_item([key], value, scope="strict", namespace="grafana", name="grafana-admin")
        == b"admin"
    )


def test_a_new_certificate_reseals(repo, pub):
    seal_all(repo, pub)
    other = codec.load_certificate((FIX / "b.crt").read_bytes())
    assert {o.status for o in seal_all(repo, other)} == {"updated"}


def test_errors_write_nothing(repo, pub, key):
    (
        repo / "prometheus" / "overlays" / "production" / "secrets" / "remote-write.secret.yaml"
    ).write_text("apiVersion: v1\nkind: Secret\nmetadata: {name: x}\nstringData: {a: hunter2}\n")
    with pytest.raises(SealError, match="must declare a namespace") as err:
        seal_all(repo, pub)
    assert "hunter2" not in str(err.value)
    assert not (repo / "grafana" / "sealed").exists() and not list(repo.rglob(STATE_FILE))
    other_key = codec.load_private_keys((FIX / "b.key").read_bytes())
    with pytest.raises(SealError, match="none of the private keys"):
        seal_all(repo, pub, private_keys=other_key)


def test_refuses_to_overwrite_a_foreign_file(repo, pub):
    (repo / "grafana" / "sealed").mkdir()
    (repo / "grafana" / "sealed" / "admin.yaml").write_text("apiVersion: v1\nkind: ConfigMap\n")
    with pytest.raises(SealError, match="not a single SealedSecret"):
        seal_all(repo, pub)


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_git_guard(repo, pub):
    git(repo, "init", "-q")
    with pytest.raises(SealError, match="not ignored by git"):
        seal_all(repo, pub)
    (repo / ".gitignore").write_text("*.secret.yaml\n.kpy-seal-state.json\n")
    assert len(seal_all(repo, pub)) == 2
    git(repo, "add", "-f", "grafana/secrets/admin.secret.yaml")
    with pytest.raises(SealError, match="tracked by git"):
        seal_all(repo, pub)


def kpy(args, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    rc = main(args)
    out, err = capsys.readouterr()
    return rc, out, err


def test_cli_all_and_check(repo, capsys, monkeypatch):
    cert = str(FIX / "a.crt")
    rc, out, err = kpy(["seal", "--all", str(repo), "--cert", cert, "--check"], capsys, monkeypatch)
    assert rc == 1 and "created: grafana/sealed/admin.yaml" in err
    assert not (repo / "grafana" / "sealed").exists()
    rc, out, err = kpy(["seal", "--all", str(repo), "--cert", cert], capsys, monkeypatch)
    assert rc == 0 and out == "" and "created: grafana/sealed/admin.yaml (2 sealed, 0 kept)" in err
    rc, out, err = kpy(
        ["seal", "--all", str(repo), "--cert", cert, "--check", "--key", str(FIX / "a.key")],
        capsys,
        monkeypatch,
    )
    assert rc == 0 and "unchanged: grafana/sealed/admin.yaml (0 sealed, 2 kept)" in err
    rc, out, err = kpy(["seal", "--all", str(repo), "--cert", cert, "-w", "x"], capsys, monkeypatch)
    assert rc == 1 and "--all takes no input file" in err


def test_one_certificate_per_environment(tmp_path, capsys, monkeypatch):
    for env in ("dev", "production"):
        d = tmp_path / "grafana" / "secrets" / env
        d.mkdir(parents=True)
        (d / "admin.secret.yaml").write_text(
            secret_text("grafana-admin", "monitoring", password=f"pw-{env}")
        )
    key_a = codec.load_private_keys((FIX / "a.key").read_bytes())[0]
    key_b = codec.load_private_keys((FIX / "b.key").read_bytes())[0]
    with pytest.raises(SealError, match="no certificate for environment 'production'"):
        seal_all(tmp_path, {"dev": key_a.public_key()})
    assert not (tmp_path / "grafana" / "sealed").exists()
    rc, _, err = kpy(
        [
            "seal",
            "--all",
            str(tmp_path),
            "--cert",
            f"dev={FIX / 'a.crt'}",
            "--cert",
            f"production={FIX / 'b.crt'}",
        ],
        capsys,
        monkeypatch,
    )
    assert rc == 0, err
    for env, key in (("dev", key_a), ("production", key_b)):
        value = items_of(tmp_path / "grafana" / "sealed" / env / "admin.yaml")["password"]
        plain = codec.decrypt_item(
            [key], value, scope="strict", namespace="monitoring", name="grafana-admin"
        )
        assert plain == f"pw-{env}".encode()
    # a default certificate covers environments without their own
    outcomes = seal_all(tmp_path, {None: key_a.public_key(), "production": key_b.public_key()})
    assert [o.status for o in outcomes] == ["unchanged", "unchanged"]
    rc, _, err = kpy(["seal", "--cert", f"dev={FIX / 'a.crt'}"], capsys, monkeypatch)
    assert rc == 1 and "ENV=CERT is only for --all" in err


def test_reencrypt_all_keeps_the_state_in_step(repo, capsys, monkeypatch):
    """`seal --all --re-encrypt` updates the local state, so the next `seal --all` with the new
    certificate keeps the re-encrypted items instead of resealing everything."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    assert main(["seal", "--all", str(repo), "--cert", str(FIX / "a.crt")]) == 0
    sealed = repo / "grafana" / "sealed" / "admin.yaml"
    first = items_of(sealed)
    assert main(["seal", "--all", str(repo), "--re-encrypt", "--recovery-private-key", str(FIX / "a.key"),
                 "--cert", str(FIX / "b.crt")]) == 0
    err = capsys.readouterr().err
    assert "updated " in err and STATE_FILE in err
    rotated = items_of(sealed)
    assert set(rotated) == set(first) and not set(rotated.values()) & set(first.values())
    before = snapshot(repo)
    assert main(["seal", "--all", str(repo), "--cert", str(FIX / "b.crt"), "--check"]) == 0
    assert "unchanged: grafana/sealed/admin.yaml (0 sealed, 2 kept)" in capsys.readouterr().err
    assert snapshot(repo) == before
    b_key = codec.load_private_keys((FIX / "b.key").read_bytes())
    assert codec.decrypt_item(b_key, rotated["password"], scope="strict", namespace="monitoring",
                              name="grafana-admin") == b"pw-one"
