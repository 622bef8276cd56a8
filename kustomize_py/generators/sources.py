"""A generator's key/value sources (envs, literals, files) and its options, read like Kustomize."""

from __future__ import annotations

import base64
import posixpath
from collections.abc import Iterable
from typing import Any

from kustomize_py.errors import GeneratorError, KpyError, LoadError, RemoteError
from kustomize_py.generators.envfile import parse_env
from kustomize_py.loader import Loader, is_remote_file

# A pair's value is text (literals, env lines) or raw bytes (files, which may be binary).
Pair = tuple[str, "str | bytes"]

OPTION_FIELDS = ("labels", "annotations", "disableNameSuffixHash", "immutable")


def parse_literal(source: str, index: int = 0) -> tuple[str, str]:
    """`key=value` → (key, value); a value wrapped in one pair of matching quotes loses them."""
    key, sep, value = source.partition("=")
    if not sep or not key:
        # Never echo the source: it may be a secret.
        raise GeneratorError(
            f"literal source #{index + 1} is not of the form key=value", field="literals"
        )
    return key, _strip_quotes(value)


def _strip_quotes(value: str) -> str:
    if len(value.encode("utf-8")) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def parse_file_source(source: str) -> tuple[str, str]:
    """`[key=]path` → (key, path); without a key, the key is the path's last element."""
    count = source.count("=")
    if count == 0:
        return _go_path_base(source), source
    if count > 1:
        raise GeneratorError(
            f"source {source!r}: key name or file path contains '='", field="files"
        )
    key, _, path = source.partition("=")
    if not key:
        raise GeneratorError(
            f"missing key name for file path {path!r} in source {source!r}", field="files"
        )
    if not path:
        raise GeneratorError(
            f"missing file path for key name {key!r} in source {source!r}", field="files"
        )
    return key, path


def _go_path_base(p: str) -> str:
    # Go's path.Base: trailing slashes ignored, "" → ".", only slashes → "/".
    if not p:
        return "."
    stripped = p.rstrip("/")
    if not stripped:
        return "/"
    return posixpath.basename(stripped)


def env_sources(args: dict[str, Any]) -> list[str]:
    """`envs` plus the deprecated single `env`, which Kustomize appends at the end."""
    envs = list(_str_list(args, "envs"))
    single = args.get("env")
    if single:
        if not isinstance(single, str):
            raise GeneratorError("expected a string", field="env")
        envs.append(single)
    return envs


def load_pairs(args: dict[str, Any], loader: Loader, source: str | None = None, *,
               allow_remote: bool | None = None) -> list[Pair]:
    """All pairs in Kustomize's order: env files, then literals, then files. A failure names the
    sources of its kind as the reference does (`loading KV pairs: env source files: [a.env]: ...`).

    An `envs`/`env`/`files` entry that is an http(s) URL is downloaded, as the reference does, when
    `allow_remote` (None: unless the loader reads an in-memory tree, the build's default)."""
    if allow_remote is None:
        allow_remote = not loader.fs.in_memory
    pairs: list[Pair] = []
    envs = env_sources(args)
    with _kv_errors(f"env source files: [{' '.join(envs)}]", source):
        for env in envs:  # the deprecated `env` is folded into `envs` when a kustomization is read
            pairs.extend(parse_env(_read(loader, env, "envs", allow_remote), env))
    literals = _str_list(args, "literals")
    # The reference lists the literals themselves here; they may be secrets, so only their count.
    with _kv_errors(f"literal sources [{len(literals)} not shown]", source):
        for i, literal in enumerate(literals):
            pairs.append(parse_literal(literal, i))
    files = _str_list(args, "files")
    with _kv_errors(f"file sources: [{' '.join(files)}]", source):
        for spec in files:
            key, path = parse_file_source(spec)
            pairs.append((key, _read(loader, path, "files", allow_remote)))
    return pairs


class _kv_errors:
    """Prefix a source failure like the reference's key-value loader, keeping the error's class
    (a load restriction stays a LoadRestrictionError) and where it happened."""

    def __init__(self, sources: str, source: str | None = None) -> None:
        self.sources, self.source = sources, source

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, err: Any, tb: Any) -> None:
        if isinstance(err, KpyError):
            cls = GeneratorError if type(err) in (KpyError, LoadError) else type(err)
            sources = self.sources
            if "@" in sources:  # a URL's user:password never reaches an error
                from kustomize_py.remote import redact

                sources = redact(sources)
            raise err.reworded(f"loading KV pairs: {sources}: {err.message}", cls,
                               default_path=self.source) from None


def unique_pairs(
    pairs: Iterable[Pair], kind: str, name: str, source: str | None
) -> dict[str, str | bytes]:
    """The pairs as a dict; a repeated key is an error (v5.6.0 does not validate keys otherwise)."""
    out: dict[str, str | bytes] = {}
    for key, value in pairs:
        if key in out:
            raise GeneratorError(f"{kind} '{name}' repeats the key '{key}'", path=source)
        out[key] = value
    return out


def _read(loader: Loader, rel: str, field: str, allow_remote: bool) -> bytes:
    if not is_remote_file(rel):
        return loader.read_bytes(rel)
    from kustomize_py import remote
    from kustomize_py.options import remote_refused

    if not allow_remote:
        raise RemoteError(remote_refused(remote.redact(rel), loader.fs), field=field)
    try:
        return remote.read_source(rel)
    except KpyError as err:
        raise err.locate(field=field) from None


def _str_list(args: dict[str, Any], field: str) -> list[str]:
    value = args.get(field)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise GeneratorError("expected a list of strings", field=field)
    return value


def merge_options(local: dict[str, Any] | None, global_: dict[str, Any] | None) -> dict[str, Any]:
    """Per-generator options with the kustomization's generatorOptions folded in.

    A label/annotation set on the generator wins over the global one; either side can turn
    disableNameSuffixHash and immutable on, neither can turn the other's `true` off.
    """
    local = _check_options(local, "options")
    global_ = _check_options(global_, "generatorOptions")
    return {
        "labels": {**global_["labels"], **local["labels"]},
        "annotations": {**global_["annotations"], **local["annotations"]},
        "disableNameSuffixHash": local["disableNameSuffixHash"] or global_["disableNameSuffixHash"],
        "immutable": local["immutable"] or global_["immutable"],
    }


def _check_options(opts: dict[str, Any] | None, where: str) -> dict[str, Any]:
    opts = opts or {}
    if not isinstance(opts, dict):
        raise GeneratorError("expected a mapping", field=where)
    unknown = set(opts) - set(OPTION_FIELDS)
    if unknown:
        raise GeneratorError(f"unknown field(s) {', '.join(sorted(unknown))}", field=where)
    out: dict[str, Any] = {}
    for field in ("labels", "annotations"):
        m = opts.get(field) or {}
        if not isinstance(m, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in m.items()
        ):
            raise GeneratorError("expected a map of strings to strings", field=f"{where}.{field}")
        out[field] = m
    for field in ("disableNameSuffixHash", "immutable"):
        v = opts.get(field) or False
        if not isinstance(v, bool):
            raise GeneratorError("expected true or false", field=f"{where}.{field}")
        out[field] = v
    return out


def b64_wrapped(data: bytes) -> str:
    """Base64 the way Kustomize writes generated values: one line when shorter than 70 characters,
    otherwise 70-character lines each ending with a newline (the last one too)."""
    text = base64.b64encode(data).decode("ascii")
    if len(text) < 70:
        return text
    return "".join(text[i : i + 70] + "\n" for i in range(0, len(text), 70))
