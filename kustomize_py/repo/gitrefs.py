"""Reading a Git repository at a ref: changed files with their status, a ref's tree on disk, one file's text."""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kustomize_py.errors import KpyError

SHALLOW_HINT = ("this is a shallow clone and the ref is not in its history; fetch full history "
                "(actions/checkout: fetch-depth: 0, or git fetch --unshallow) or fetch the base ref")


def run_git(root: Path, *args: str) -> bytes:
    """The output of a git command run in `root`; failures become a KpyError naming the command."""
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)
    except FileNotFoundError:
        raise KpyError("git is not installed") from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()
        if _is_shallow(root) and ("revision" in message or "object" in message or "merge base" in message):
            message = f"{message.splitlines()[-1]}: {SHALLOW_HINT}"
        raise KpyError(f"git {' '.join(args)} failed: {message}", path=str(root))
    return done.stdout


def git(root: Path, *args: str) -> str:
    return run_git(root, *args).decode()


def _is_shallow(root: Path) -> bool:
    try:
        done = subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=root, capture_output=True,
                              text=True, check=False)
    except OSError:
        return False
    return done.stdout.strip() == "true"


def toplevel(start: Path) -> Path:
    return Path(git(start, "rev-parse", "--show-toplevel").strip()).resolve()


def check_ref(root: Path, ref: str) -> None:
    """Fail clearly when `ref` does not name a commit (with the shallow-clone hint when it applies)."""
    done = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd=root,
                          capture_output=True, check=False)
    if done.returncode != 0:
        hint = SHALLOW_HINT if _is_shallow(root) else "check the name (git branch -a, git log)"
        raise KpyError(f"unknown Git ref {ref!r}: {hint}", path=str(root))


def changes(root: Path, base: str, head: str | None = None, *, cached: bool = False) -> dict[str, str]:
    """{path: status} for files changed from `base` to `head` (None: the working tree, untracked files
    included; `cached`: the index). Status is A, M or D; a rename is a D of the old path and an A of the
    new one. Paths are relative to `root`."""
    root = Path(root).resolve()
    top = toplevel(root)
    check_ref(top, base)
    if head is not None:
        check_ref(top, head)
    args = ["diff", "--name-status", "--no-renames", "-z"] + (["--cached"] if cached else []) + [base]
    args += [head] if head else []
    fields = [f for f in git(top, *args).split("\0") if f]
    out: dict[str, str] = {}
    for status, name in zip(fields[0::2], fields[1::2]):
        out[name] = "D" if status.startswith("D") else "A" if status.startswith("A") else "M"
    if head is None and not cached:
        for n in git(top, "ls-files", "--others", "--exclude-standard", "-z").split("\0"):
            if n:
                out.setdefault(n, "A")
    prefix = root.relative_to(top).as_posix()
    if prefix in ("", "."):
        return out
    return {n[len(prefix) + 1:]: s for n, s in out.items() if n.startswith(prefix + "/")}


def export_tree(root: Path, ref: str, dest: Path) -> Path:
    """The tree of `ref` written into `dest` (git archive: the work tree is untouched); returns the
    directory in `dest` that corresponds to `root`."""
    root = Path(root).resolve()
    top = toplevel(root)
    check_ref(top, ref)
    data = run_git(top, "archive", "--format=tar", ref)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")
    return dest / root.relative_to(top)


@contextmanager
def tree_at(root: Path, ref: str | None) -> Iterator[Path]:
    """The repo as of `ref` on disk, for the duration of the block (None: `root` itself)."""
    if ref is None:
        yield Path(root).resolve()
        return
    with tempfile.TemporaryDirectory(prefix="kpy-ref-") as tmp:
        yield export_tree(root, ref, Path(tmp))


def show(root: Path, ref: str, path: str) -> bytes | None:
    """The bytes of repo-relative `path` at `ref` (None when it does not exist there)."""
    root = Path(root).resolve()
    top = toplevel(root)
    full = (root.relative_to(top) / path).as_posix()
    done = subprocess.run(["git", "show", f"{ref}:{full}"], cwd=top, capture_output=True, check=False)
    return done.stdout if done.returncode == 0 else None
