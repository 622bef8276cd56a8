"""Rendered manifests committed to a branch with git plumbing; the user's checkout is never touched."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from kustomize_py.errors import SyncError
from kustomize_py.sync.backends.base import ApplyError, BackendBase
from kustomize_py.sync.backends.files import parse, relpath, render
from kustomize_py.sync.health import HEALTHY, Health
from kustomize_py.sync.keys import ResourceKey, key_of

_FALLBACK_IDENTITY = {"GIT_AUTHOR_NAME": "kpy", "GIT_AUTHOR_EMAIL": "kpy@localhost",
                      "GIT_COMMITTER_NAME": "kpy", "GIT_COMMITTER_EMAIL": "kpy@localhost"}


class GitBackend(BackendBase):
    """`<app>/<namespace>/<kind>-<name>.yaml` on branch `branch` of `repo` (bare or not).

    Changes are collected in memory and written as one commit by `finish`, through a private
    index file (read-tree, update-index, write-tree, commit-tree, update-ref): no work tree is
    used, and nothing is committed when the tree did not change.
    """

    name = "git"
    hooks = False
    waits = False
    exact = True

    def __init__(self, repo: Path, branch: str):
        self.repo = Path(repo)
        self.branch = branch
        self.ref = f"refs/heads/{branch}"
        self.app = ""
        self.files: dict[str, bytes] = {}  # app-relative path -> content, the state being built
        self.base: dict[str, bytes] = {}  # the same at the branch tip
        self.tip: str | None = None
        self.writes: list[str] = []
        self._check_repo()

    # --- git plumbing -----------------------------------------------------------------------
    def _git(self, *args: str, input: bytes | None = None, env: dict[str, str] | None = None,
             check: bool = True) -> subprocess.CompletedProcess[bytes]:
        full_env = {**os.environ, **(env or {})}
        proc = subprocess.run(["git", "-C", str(self.repo), *args], input=input, capture_output=True, check=False,
                              env=full_env)
        if check and proc.returncode != 0:
            # Git's stderr names refs and paths, never file contents, so it is safe to show.
            raise SyncError(f"git {args[0]} failed: {proc.stderr.decode(errors='replace').strip()}",
                            path=str(self.repo))
        return proc

    def _check_repo(self) -> None:
        if not self.repo.exists():
            raise SyncError("git repository does not exist", path=str(self.repo))
        self._git("rev-parse", "--git-dir")
        if self._git("check-ref-format", self.ref, check=False).returncode != 0:
            raise SyncError(f"invalid branch name {self.branch!r}", field="--backend")
        # Moving a checked-out branch behind the user's back would make their work tree look changed.
        listing = self._git("worktree", "list", "--porcelain").stdout.decode()
        if f"branch {self.ref}\n" in listing + "\n":
            raise SyncError(f"branch {self.branch} is checked out in a work tree; sync to a branch "
                            "that is not checked out", path=str(self.repo))

    def begin(self, app: str) -> None:
        self.app = app
        proc = self._git("rev-parse", "--verify", "-q", f"{self.ref}^{{commit}}", check=False)
        self.tip = proc.stdout.decode().strip() if proc.returncode == 0 else None
        self.base = self._read_tree(app) if self.tip else {}
        self.files = dict(self.base)

    def _read_tree(self, app: str) -> dict[str, bytes]:
        listing = self._git("ls-tree", "-r", "-z", self.tip or "", "--", f"{app}/").stdout
        entries = []
        for item in listing.split(b"\0"):
            if not item:
                continue
            info, path = item.split(b"\t", 1)
            _mode, kind, sha = info.split()
            if kind == b"blob":
                entries.append((path.decode(), sha.decode()))
        if not entries:
            return {}
        batch = self._git("cat-file", "--batch", input="".join(f"{sha}\n" for _, sha in entries).encode()).stdout
        out: dict[str, bytes] = {}
        pos = 0
        for name, _sha in entries:
            header_end = batch.index(b"\n", pos)
            size = int(batch[pos:header_end].split()[2])
            out[name[len(app) + 1:]] = batch[header_end + 1: header_end + 1 + size]
            pos = header_end + 1 + size + 1
        return out

    # --- the protocol ---------------------------------------------------------------------
    def get(self, key: ResourceKey, api_version: str | None = None) -> dict[str, Any] | None:
        data = self.files.get(relpath(key))
        return parse(data, f"{self.branch}:{self.app}/{relpath(key)}") if data is not None else None

    def list_owned(self, app: str) -> list[dict[str, Any]]:
        files = self.files if app == self.app else self._read_tree(app) if self.tip else {}
        return [obj for path, data in sorted(files.items()) if path.endswith(".yaml")
                for obj in [parse(data, f"{self.branch}:{app}/{path}")] if obj is not None]

    def apply(self, obj: dict[str, Any], *, dry_run: bool = False, force: bool = False, replace: bool = False,
              validate: bool = True) -> dict[str, Any]:
        key = key_of(obj)
        if (key.group, key.kind) == ("", "Secret") and not self.allow_plaintext_secrets:
            # A commit keeps a plain Secret's values forever, for everyone who can read the repository.
            raise ApplyError(f"{key}: refusing to commit a plaintext Secret to branch {self.branch}; seal it "
                             "(`kpy seal`, a SealedSecret) or pass --allow-plaintext-secrets")
        path = relpath(key)
        data = render(obj)
        if not dry_run and self.files.get(path) != data:
            self.files[path] = data
            self.writes.append(f"{self.app}/{path}")
        return obj

    def delete(self, key: ResourceKey, *, dry_run: bool = False, propagation: str = "foreground") -> bool:
        path = relpath(key)
        if path not in self.files:
            return False
        if not dry_run:
            del self.files[path]
            self.writes.append(f"{self.app}/{path}")
        return True

    def health(self, key: ResourceKey) -> Health | None:
        return Health(HEALTHY, "committed") if relpath(key) in self.files else Health("Missing")

    def finish(self, app: str, message: str, *, dry_run: bool = False) -> str | None:
        """Commit the app's folder if it changed; returns the new commit id, or None."""
        if dry_run or self.files == self.base:
            return None
        env = {} if self._has_identity() else dict(_FALLBACK_IDENTITY)
        with tempfile.TemporaryDirectory(prefix="kpy-git-") as tmp:
            env["GIT_INDEX_FILE"] = str(Path(tmp) / "index")
            if self.tip:
                self._git("read-tree", self.tip, env=env)
            else:
                self._git("read-tree", "--empty", env=env)
            lines = []
            for path in sorted(set(self.base) | set(self.files)):
                full = f"{app}/{path}"
                if path not in self.files:
                    lines.append(f"0 {'0' * 40}\t{full}")
                elif self.base.get(path) != self.files[path]:
                    sha = self._git("hash-object", "-w", "--stdin", input=self.files[path]).stdout.decode().strip()
                    lines.append(f"100644 {sha}\t{full}")
            self._git("update-index", "--index-info", input=("\n".join(lines) + "\n").encode(), env=env)
            tree = self._git("write-tree", env=env).stdout.decode().strip()
        if self.tip and tree == self._git("rev-parse", f"{self.tip}^{{tree}}").stdout.decode().strip():
            return None
        parents = ["-p", self.tip] if self.tip else []
        commit = self._git("commit-tree", tree, *parents, input=message.encode(), env=env).stdout.decode().strip()
        # The old value guards against another writer having moved the branch meanwhile.
        self._git("update-ref", "-m", f"kpy sync {app}", self.ref, commit, self.tip or "0" * 40)
        self.tip, self.base = commit, dict(self.files)
        return commit

    def _has_identity(self) -> bool:
        if all(os.environ.get(k) for k in _FALLBACK_IDENTITY):
            return True
        return self._git("var", "GIT_COMMITTER_IDENT", check=False).returncode == 0 and \
            self._git("var", "GIT_AUTHOR_IDENT", check=False).returncode == 0
