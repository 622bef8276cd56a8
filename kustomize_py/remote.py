"""Remote resources: git URLs parsed like Kustomize's RepoSpec, fetched with the system `git` into
an on-disk cache keyed by repository URL and commit; plain `http(s)://` files fetched with urllib."""

from __future__ import annotations

import contextlib
import hashlib
import http
import json
import os
import posixpath
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from kustomize_py.errors import CycleError, KpyError, LoadRestrictionError, RemoteError
from kustomize_py.loader import ROOT_ONLY, Loader, within

if TYPE_CHECKING:
    from kustomize_py.pipeline import Accumulator, Target

DEFAULT_TIMEOUT = 27.0  # seconds per git command, as the reference
DEFAULT_SUBMODULES = True

# Environment knobs of the cache (documented in docs/remote-and-helm.md).
ENV_CACHE = "KPY_REMOTE_CACHE"  # cache directory (default $XDG_CACHE_HOME/kustomize_py/remote)
ENV_TTL = "KPY_REMOTE_TTL"  # seconds a resolved branch/HEAD stays valid without asking the remote
ENV_REFRESH = "KPY_REMOTE_REFRESH"  # 1: re-resolve every ref (tags too) over the network
ENV_OFFLINE = "KPY_REMOTE_OFFLINE"  # 1: never touch the network; use only what is cached

_SCHEMES = ("ssh://", "https://", "http://", "file://")
_USER = re.compile(r"^([a-zA-Z][a-zA-Z0-9-]*)@")
_FULL_SHA = re.compile(r"^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$")
_HEX = re.compile(r"^[0-9a-fA-F]{4,64}$")
_CREDENTIALS = re.compile(r"(://[^/@:\s]+):[^/@\s]*@")
_GO_DURATION = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_DURATION_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_TRUE = ("1", "t", "T", "TRUE", "true", "True")
_FALSE = ("0", "f", "F", "FALSE", "false", "False")


# -- parsing (the reference's RepoSpec) ------------------------------------------------------------


@attrs.frozen
class RepoSpec:
    """A git URL split into what is cloned (host + repo_path), where to build, and how."""

    raw: str
    host: str  # scheme + user + host, e.g. `https://github.com/`, `git@github.com:`, `file://`
    repo_path: str  # e.g. `org/repo`, `org/repo.git`, `/abs/path/repo` for file://
    subdir: str  # the kustomization root inside the repository ('' = its top)
    ref: str  # branch, tag or commit ('' = the remote's HEAD)
    timeout: float = DEFAULT_TIMEOUT
    submodules: bool = DEFAULT_SUBMODULES

    @property
    def clone_url(self) -> str:
        return self.host + self.repo_path


def parse_repo_spec(raw: str) -> RepoSpec:
    """`raw` parsed as a git URL; RemoteError (naming the URL) when it is not one."""
    spec = _parse(raw)
    if isinstance(spec, str):
        raise RemoteError(f"{spec}: {redact(raw)}")
    return spec


def is_git_url(raw: str) -> bool:
    return isinstance(_parse(raw), RepoSpec)


def is_http_url(raw: str) -> bool:
    return urllib.parse.urlsplit(raw).scheme in ("http", "https") if "://" in raw else False


def is_remote(path: str) -> bool:
    """True for a resource/component entry the reference would fetch: an http(s) URL or a git URL.

    A malformed URL with a git scheme counts too, so that it fails with a message about the URL
    rather than about a local directory of that odd name (the reference's way)."""
    return is_http_url(path) or path[:6].lower() in ("file:/", "ssh://", "git::h", "git::s", "git::f") \
        or is_git_url(path)


def _parse(raw: str) -> RepoSpec | str:
    if raw.startswith("/"):
        return "uri looks like abs path"
    rest, _, query = raw.partition("?")
    ref, timeout, submodules = _parse_query(query)
    host = _split_host(rest)
    if isinstance(host, str):
        return host
    host_part, path = host
    split = _split_repo_path(path, all_segments=host_part.startswith("file://"))
    if split is None:
        return "failed to parse repo path segment"
    repo_path, subdir = split
    if _exits_repo(subdir):
        return f"url path exits repo: {path}"
    return RepoSpec(raw, host_part, repo_path, subdir.removeprefix("/"),
                    ref, timeout, submodules)


def _parse_query(query: str) -> tuple[str, float, bool]:
    """ref (or version), timeout and submodules from the query; defaults when it does not parse."""
    if ";" in query:  # Go's url.ParseQuery rejects it, and the reference then keeps every default
        return "", DEFAULT_TIMEOUT, DEFAULT_SUBMODULES
    values = urllib.parse.parse_qs(query, keep_blank_values=True)
    first = {k: v[0] for k, v in values.items()}
    ref = first.get("ref") or first.get("version") or ""
    timeout = _parse_timeout(first.get("timeout", ""))
    sub = first.get("submodules", "")
    submodules = True if sub in _TRUE else False if sub in _FALSE else DEFAULT_SUBMODULES
    return ref, timeout, submodules


def _parse_timeout(text: str) -> float:
    """`61` (seconds) or a Go duration such as `61s`, `1m30s`; the default when neither or <= 0."""
    if text.isdigit() and int(text) > 0:
        return float(int(text))
    if text and _GO_DURATION.sub("", text) == "":
        total = sum(float(n) * _DURATION_UNITS[u] for n, u in _GO_DURATION.findall(text))
        if total > 0:
            return total
    return DEFAULT_TIMEOUT


def _split_host(n: str) -> tuple[str, str] | str:
    """(scheme + user + host, path) as the reference's extractHost splits them, or an error text."""
    if n[:5].lower() == "git::":  # go-getter's "force git" prefix: accepted and ignored
        n = n[5:]
    scheme = ""
    for prefix in _SCHEMES:
        if n[: len(prefix)].lower() == prefix:
            scheme, n = prefix, n[len(prefix):]
            break
    user = ""
    m = _USER.match(n)
    if m:
        user, n = m.group(1) + "@", n[len(m.group(1)) + 1:]
    github = n.lower().startswith(("github.com/", "github.com:"))
    scp = scheme == "" and (user != "" or github)
    if scheme == "" and not scp:
        return "failed to parse scheme"
    if scheme == "file://":
        return scheme, user + n
    sep = n.find("/")
    if scp:
        colon = n.find(":")
        if sep == -1 or 0 < colon < sep:
            sep = colon
    host, rest = (n[: sep + 1], n[sep + 1:]) if sep >= 0 else (n, "")
    if github:  # GitHub URLs are normalised to https://github.com/ or user@github.com:
        if scheme.startswith("ssh://") or user:
            scheme, host = "", "github.com:"
        else:
            scheme, user, host = "https://", "", "github.com/"
    if not host:
        return "failed to parse host segment"
    return scheme + user + host, rest


def _split_repo_path(n: str, all_segments: bool) -> tuple[str, str] | None:
    """(repository path, kustomization root) by `_git/`, `//` or `.git`, else by segment count."""
    if "_git/" in n:  # Azure DevOps: the segment after _git/ is the repository
        i = n.index("_git/") + len("_git/")
        head, *tail = n[i:].split("/")
        repo, sub = n[:i] + head, "/".join(tail)
    elif "//" in n:
        i = n.index("//")
        repo, sub = n[:i], n[i + 2:]
    elif ".git" in n:
        i = n.index(".git") + len(".git")
        repo, sub = n[:i], n[i:]
    elif all_segments:
        repo, sub = n, ""
    else:
        parts = n.split("/")
        if len(parts) < 2:
            return None
        repo, sub = "/".join(parts[:2]), "/".join(parts[2:])
    return (repo, sub) if repo else None


def _exits_repo(subdir: str) -> bool:
    return posixpath.normpath(subdir.lstrip("/") or ".").split("/")[0] == ".."


def redact(text: str) -> str:
    """`text` with any `user:password@` of a URL replaced, so errors never show credentials."""
    return _CREDENTIALS.sub(r"\1:***@", text)


# -- the cache ---------------------------------------------------------------------------------------


@attrs.frozen
class CachePolicy:
    """How refs are trusted: tags and commits forever; branches/HEAD for `ttl` seconds."""

    root: Path
    ttl: float = 0.0
    refresh: bool = False
    offline: bool = False

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> CachePolicy:
        env = dict(os.environ) if env is None else env
        root = env.get(ENV_CACHE) or os.path.join(
            env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "kustomize_py", "remote")
        try:
            ttl = float(env.get(ENV_TTL) or 0)
        except ValueError:
            raise RemoteError(f"{ENV_TTL} must be a number of seconds, got {env.get(ENV_TTL)!r}") from None
        return cls(Path(root), ttl, _flag(env.get(ENV_REFRESH)), _flag(env.get(ENV_OFFLINE)))


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def cache_key(spec: RepoSpec) -> str:
    """One cache directory per repository URL (and submodule choice, which changes the tree)."""
    return hashlib.sha256(f"{spec.clone_url}\0submodules={spec.submodules}".encode()).hexdigest()


def fetch(url: str, *, policy: CachePolicy | None = None, warn: Callable[[str], None] | None = None) -> Path:
    """The local directory (inside a cached checkout) holding the kustomization git URL `url` names."""
    spec = parse_repo_spec(url)
    checkout = fetch_repo(spec, policy=policy, warn=warn)
    return kustomization_dir(spec, checkout)


def kustomization_dir(spec: RepoSpec, checkout: Path) -> Path:
    """The subdirectory of a checkout, refusing anything that leaves it (`..` or a symlink)."""
    top = checkout.resolve()
    target = (top / spec.subdir).resolve() if spec.subdir else top
    if target != top and top not in target.parents:
        raise LoadRestrictionError(f"'{spec.subdir}' refers to directory outside of repo {redact(spec.clone_url)}",
                                   path=redact(spec.raw))
    if not target.exists():
        raise RemoteError(f"directory '{spec.subdir}' not found in {redact(spec.clone_url)}"
                          f"{' at ref ' + repr(spec.ref) if spec.ref else ''}", path=redact(spec.raw))
    if not target.is_dir():
        raise RemoteError(f"'{spec.subdir}' refers to a file; expecting a directory", path=redact(spec.raw))
    return target


def fetch_repo(spec: RepoSpec, *, policy: CachePolicy | None = None,
               warn: Callable[[str], None] | None = None) -> Path:
    """A cached checkout of `spec`'s repository at its ref, cloning only when the cache lacks it."""
    policy = policy or CachePolicy.from_env()
    repo_dir = policy.root / cache_key(spec)
    ref = spec.ref or "HEAD"
    if _FULL_SHA.match(ref):  # a commit names its content: the cache answers without the network
        ready = repo_dir / ref.lower()
        if ready.is_dir():
            return ready
        if policy.offline:
            raise RemoteError(f"commit {ref} is not cached and {ENV_OFFLINE} is set", path=redact(spec.raw))
        return _clone(spec, ref, repo_dir)
    entry = _index_entry(_read_index(repo_dir), ref)
    cached = repo_dir / entry["commit"] if entry else None
    if cached is not None and cached.is_dir() and not policy.refresh:
        fresh = time.time() - float(entry.get("checked", 0)) < policy.ttl
        if entry.get("kind") in ("tag", "commit") or fresh or policy.offline:
            return cached
    if policy.offline:
        raise RemoteError(f"ref '{ref}' is not cached and {ENV_OFFLINE} is set", path=redact(spec.raw))
    try:
        commit, kind = _ls_remote(spec, ref)
    except RemoteError as err:
        if cached is not None and cached.is_dir():  # offline with a stale branch: better than failing
            (warn or (lambda _m: None))(
                f"# Warning: could not reach {redact(spec.clone_url)} ({err.message.splitlines()[0]}); "
                f"using cached commit {entry['commit'][:12]} for ref '{ref}'")
            return cached
        raise
    if commit and (repo_dir / commit).is_dir():
        _record(repo_dir, spec, ref, commit, kind)
        return repo_dir / commit
    checkout = _clone(spec, ref, repo_dir)
    if not kind:
        kind = "commit" if _HEX.match(ref) and checkout.name.startswith(ref.lower()) else "other"
    _record(repo_dir, spec, ref, checkout.name, kind)
    return checkout


def _read_index(repo_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((repo_dir / "refs.json").read_text())
    except (OSError, ValueError):
        return {}
    refs = data.get("refs") if isinstance(data, dict) else None
    return refs if isinstance(refs, dict) else {}


def _index_entry(index: dict[str, Any], ref: str) -> dict[str, Any]:
    """What the index says about `ref`, or {} when it knows nothing usable (a hand-edited or
    damaged refs.json is a cache miss, not a crash)."""
    entry = index.get(ref)
    return entry if isinstance(entry, dict) and isinstance(entry.get("commit"), str) and entry["commit"] else {}


def _record(repo_dir: Path, spec: RepoSpec, ref: str, commit: str, kind: str) -> None:
    """Remember what `ref` resolved to; written atomically, a lost race only costs a re-resolve."""
    refs = _read_index(repo_dir)
    refs[ref] = {"commit": commit, "kind": kind, "checked": time.time()}
    repo_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".refs-", dir=repo_dir)
    with os.fdopen(fd, "w") as f:
        json.dump({"url": redact(spec.clone_url), "refs": refs}, f, indent=1, sort_keys=True)
    os.replace(tmp, repo_dir / "refs.json")


def _ls_remote(spec: RepoSpec, ref: str) -> tuple[str | None, str]:
    """(commit, kind) the remote lists for `ref` in git's own lookup order; (None, '') if unlisted."""
    out = _git(["ls-remote", "--", spec.clone_url, ref], None, spec)
    listed: dict[str, str] = {}
    for line in out.splitlines():
        sha, _, name = line.partition("\t")
        if name.endswith("^{}"):  # an annotated tag, peeled to its commit: that is what we check out
            listed[name[:-3]] = sha
        else:
            listed.setdefault(name, sha)
    if ref == "HEAD":
        return listed.get("HEAD"), "head"
    for name, kind in ((ref, "other"), (f"refs/{ref}", "other"), (f"refs/tags/{ref}", "tag"),
                       (f"refs/heads/{ref}", "branch")):
        if name in listed:
            return listed[name], "tag" if name.startswith("refs/tags/") else "branch" if name.startswith(
                "refs/heads/") else kind
    return None, ""


def _clone(spec: RepoSpec, ref: str, repo_dir: Path) -> Path:
    """Fetch `ref` shallowly into a temporary directory, then rename it to its commit (atomic)."""
    repo_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=repo_dir))
    try:
        _git(["init", "-q"], tmp, spec)
        # an `origin` remote lets relative submodule URLs resolve
        _git(["remote", "add", "origin", spec.clone_url], tmp, spec)
        try:
            _git(["fetch", "-q", "--depth=1", spec.clone_url, ref], tmp, spec)
        except RemoteError as err:
            if "couldn't find remote ref" in err.message or "not our ref" in err.message:
                raise RemoteError(f"git ref '{ref}' not found in {redact(spec.clone_url)}",
                                  path=redact(spec.raw)) from None
            raise
        _git(["checkout", "-q", "--detach", "FETCH_HEAD"], tmp, spec)
        if spec.submodules and (tmp / ".gitmodules").exists():
            _git(["submodule", "update", "-q", "--init", "--recursive"], tmp, spec)
        commit = _git(["rev-parse", "HEAD"], tmp, spec).strip()
        shutil.rmtree(tmp / ".git")  # the cache keeps trees only; a commit's tree never changes
        final = repo_dir / commit
        try:
            os.rename(tmp, final)
        except OSError:
            if not final.is_dir():
                raise
            shutil.rmtree(tmp, ignore_errors=True)  # another build got there first
        return final
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _git(args: list[str], cwd: Path | None, spec: RepoSpec) -> str:
    """Run git non-interactively with the URL's timeout; errors name the URL, never a password."""
    git = shutil.which("git")
    if git is None:
        raise RemoteError(f"no 'git' program on PATH (needed to fetch {redact(spec.clone_url)})", path=redact(spec.raw))
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    # a new session has no terminal, so neither git nor ssh can stop to ask for a password
    proc = subprocess.Popen([git, *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=spec.timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise RemoteError(f"'git {args[0]}' timed out after {spec.timeout:g}s for {redact(spec.clone_url)} "
                          "(raise it with ?timeout=SECONDS)", path=redact(spec.raw)) from None
    if proc.returncode != 0:
        detail = redact(err.decode(errors="replace").strip())
        command = redact(" ".join(["git", *args]))
        raise RemoteError(f"failed to run '{command}': {detail}", path=redact(spec.raw))
    return out.decode(errors="replace")


# -- plain files over HTTP ---------------------------------------------------------------------------


def fetch_file(url: str, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """The body of `url`; RemoteError with the HTTP status (or the network failure) otherwise."""
    try:
        return http_get(url, timeout)
    except _HttpStatusError as err:
        raise _HttpStatusError(f"accumulating resources from '{redact(url)}': {err.message}") from None


def http_get(url: str, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """The body of `url`, redirects followed; _HttpStatusError when the server answers with a status
    outside 2xx (worded as the reference: `HTTP Error: status code 404 (Not Found)`), RemoteError
    when it cannot be reached."""
    try:
        with urllib.request.urlopen(_request(url), timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as err:
        raise _HttpStatusError(f"HTTP Error: status code {err.code} ({_status_text(err.code)})",
                               status=err.code) from None
    except (urllib.error.URLError, OSError, ValueError) as err:
        reason = getattr(err, "reason", err)
        raise RemoteError(f"cannot fetch '{redact(url)}': {reason}") from None


def _request(url: str) -> urllib.request.Request:
    """A GET of `url`; a `user:password@` in it becomes basic authentication (as Go's client does),
    sent to that host only, never along a redirect."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None:
        return urllib.request.Request(url, headers={"User-Agent": "kustomize_py"})
    import base64

    host = parts.netloc.rpartition("@")[2]
    request = urllib.request.Request(parts._replace(netloc=host).geturl(), headers={"User-Agent": "kustomize_py"})
    user = urllib.parse.unquote(parts.username)
    password = urllib.parse.unquote(parts.password or "")
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    request.add_unredirected_header("Authorization", f"Basic {token}")
    return request


def read_source(url: str, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """A generator's `files`/`envs` entry that is an http(s) URL, read as the reference's file loader
    reads it: any 2xx body; an error status is `URL is a git repository` when the URL also parses
    as a git URL (the reference's wording), the HTTP status otherwise."""
    try:
        return http_get(url, timeout)
    except _HttpStatusError as err:
        if is_git_url(url):
            raise RemoteError(f"URL is a git repository (the server answered {err.message.split(': ', 1)[1]}); "
                              "a generator source must be a file") from None
        raise


def _status_text(code: int) -> str:
    """The standard text of a status code (as the reference prints it), not the server's wording."""
    try:
        return http.HTTPStatus(code).phrase
    except ValueError:
        return ""


class _HttpStatusError(RemoteError):
    """The server answered, with an error status."""

    def __init__(self, message: str, *, status: int = 0, **where: Any) -> None:
        super().__init__(message, **where)
        self.status = status


def _looks_like_git(spec: RepoSpec) -> bool:
    """An explicit git marker: the reference would end up cloning, so skip the HTTP attempt."""
    query = spec.raw.partition("?")[2]
    params = urllib.parse.parse_qs(query)
    return bool(set(params) & {"ref", "version", "submodules"}) or "//" in spec.raw.split("://", 1)[-1] \
        or spec.repo_path.endswith(".git") or "_git/" in spec.repo_path


# -- loaders for cloned repositories and the build hook ------------------------------------------------


class RepoLoader(Loader):
    """A loader inside a cloned repository: bases may not leave the clone (root-only, always).

    A plain subclass (whatever record machinery Loader uses): the two extra attributes are set
    past Loader's frozen __setattr__ and are not part of its equality."""

    repo: str  # the checkout's top directory
    urls: tuple[str, ...]  # remote URLs that led here, for cycle detection

    def __init__(self, root: str, restrictor: str = ROOT_ONLY, parents: tuple[str, ...] = (), *,
                 repo: str, urls: tuple[str, ...] = ()) -> None:
        super().__init__(root, restrictor, parents)
        object.__setattr__(self, "repo", repo)
        object.__setattr__(self, "urls", urls)

    def child(self, rel: str) -> Loader:
        sub = super().child(rel)
        if not within(sub.root, self.repo):
            raise LoadRestrictionError(
                f"security; bases in kustomizations found in cloned git repos must be within the repo, "
                f"but base '{sub.root}' is outside '{self.repo}'")
        return RepoLoader(sub.root, ROOT_ONLY, sub.parents, repo=self.repo, urls=self.urls)


def _chain(loader: Loader) -> tuple[str, ...]:
    return loader.urls if isinstance(loader, RepoLoader) else ()


def check_cycle(url: str, chain: tuple[str, ...]) -> None:
    """The reference's rule: a URL that prefixes one already being built is a cycle."""
    for previous in reversed(chain):
        if previous.startswith(url):
            raise CycleError(f"cycle detected: URI '{redact(url)}' referenced by previous URI '{redact(previous)}'")


def open_root(url: str, *, chain: tuple[str, ...] = (), warn: Callable[[str], None] | None = None) -> RepoLoader:
    """A root-only loader at the kustomization git URL `url` points to (fetched through the cache)."""
    check_cycle(url, chain)
    spec = parse_repo_spec(url)
    checkout = fetch_repo(spec, warn=warn).resolve()
    directory = kustomization_dir(spec, checkout)
    return RepoLoader(str(directory), ROOT_ONLY, repo=str(checkout), urls=(*chain, url))


def remote_origin_path(spec: RepoSpec) -> str:
    """The origin `path` the reference records for a remote root (its quirk when there is no subdir)."""
    return posixpath.normpath(spec.subdir) if spec.subdir else "notCloned"


def accumulate(target: Target, ra: Accumulator, url: str, component: bool = False) -> Accumulator:
    """Add what the remote `url` holds to `ra`: a file's resources, or a cloned kustomization."""
    warn = target.options.warn
    spec = _parse(url)
    file_error: KpyError | None = None
    if is_http_url(url) and not component and (isinstance(spec, str) or not _looks_like_git(spec)):
        try:
            docs = _http_documents(url, spec)
        except _HttpStatusError:
            if isinstance(spec, str):
                raise
            file_error = None  # the server answered "no such file": a git repository, says the reference
        except KpyError as err:
            if isinstance(spec, str):
                raise
            file_error = err
        else:
            _add_file_resources(target, ra, url, docs, spec)
            return ra
    if isinstance(spec, str):
        raise RemoteError(f"{spec}: {redact(url)}")
    try:
        loader = open_root(url, chain=_chain(target.loader), warn=warn)
    except RemoteError as err:
        if file_error is None:
            raise
        raise RemoteError(f"accumulation err='{file_error}': {err}") from None
    return _accumulate_tree(target, ra, loader, spec, component)


def _http_documents(url: str, spec: RepoSpec | str) -> list[Any]:
    from kustomize_py.yaml import load_all

    data = fetch_file(url, spec.timeout if isinstance(spec, RepoSpec) else DEFAULT_TIMEOUT)
    return load_all(data, redact(url), folded=True)


def _add_file_resources(target: Target, ra: Accumulator, url: str, docs: list[Any], spec: RepoSpec | str) -> None:
    from kustomize_py.resources import from_documents

    resources = from_documents(docs, redact(url))
    if target.tracking:
        origin: dict[str, Any]
        if isinstance(spec, RepoSpec):
            origin = {"path": posixpath.normpath(spec.subdir) if spec.subdir else "notCloned",
                      "repo": spec.clone_url, "ref": spec.ref}
        else:
            origin = {"path": posixpath.normpath(posixpath.join(target.origin_path or "", url))}
        for res in resources:
            res.origin = dict(origin)
    ra.resources.append_all(resources)


def _accumulate_tree(target: Target, ra: Accumulator, loader: RepoLoader, spec: RepoSpec,
                     component: bool) -> Accumulator:
    from kustomize_py.errors import KustomizationError
    from kustomize_py.pipeline import Accumulator, Target, _set_openapi

    origin_path = remote_origin_path(spec) if target.tracking else None
    try:
        sub = Target.at(loader, target.options, target.build_metadata, origin_path)
    except KpyError as err:
        raise err.reworded(f"couldn't make target for '{redact(spec.raw)}': {err.message}", keep_field=False) from None
    _set_openapi(sub)
    if component != sub.kustomization.is_component:
        want = "'Component'" if component else "!= 'Component'"
        raise KustomizationError(f"expected kind {want} for path '{redact(spec.raw)}' "
                                 f"but got '{sub.kustomization.get('kind')}'")
    if component:
        seen = {id(r): len(r.transformations) for r in ra.resources.items}
        sub_ra = sub.accumulate(ra)
        out = Accumulator(config=sub_ra.config)
        out.resources, out.vars = sub_ra.resources, sub_ra.vars
    else:
        seen = {}
        out = sub.accumulate()
    if target.tracking:
        _stamp_repo(out, spec, seen)
    if component:
        return out
    ra.merge(out)
    return ra


def _stamp_repo(ra: Accumulator, spec: RepoSpec, seen: dict[int, int]) -> None:
    """Origins recorded inside a remote tree carry its repository and ref, as the reference's do.

    `seen` holds resources that came from outside (a component works on its parent's list): only
    what the remote tree added to them (transformations past the count recorded) is stamped."""
    for res in ra.resources.items:
        if id(res) in seen:
            origins = list(res.transformations[seen[id(res)]:])
        else:
            origins = ([res.origin] if res.origin else []) + list(res.transformations)
        for origin in origins:
            if isinstance(origin, dict) and "repo" not in origin:
                origin["repo"] = spec.clone_url
                if spec.ref:
                    origin["ref"] = spec.ref
