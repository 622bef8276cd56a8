"""Diff normalisation, Secret redaction and hash-suffix pairing; `diff_manifests` is the reusable diff."""

from __future__ import annotations

import base64
import copy
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kustomize_py.sync.keys import TRACKING_ANNOTATION, ResourceKey, key_of

# Fields the server owns: they never say anything about whether an object is in sync.
SERVER_METADATA = ("managedFields", "uid", "resourceVersion", "generation", "creationTimestamp",
                   "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds")
SERVER_ANNOTATIONS = ("kubectl.kubernetes.io/last-applied-configuration",
                      "deployment.kubernetes.io/revision")
# Kustomize's hash suffix: a dash and ten characters of this alphabet.
_HASH_SUFFIX = re.compile(r"^(?P<base>.+)-[bcdfghjklmnpqrstvwxz2456789]{10}$")
_GENERATED_KINDS = frozenset({("", "ConfigMap"), ("", "Secret")})
REDACTED_SAME = "++++++++"
REDACTED_OLD = "++++++++"
REDACTED_NEW = "+++++++++++"


def normalize(obj: dict[str, Any], *, keep_tracking: bool = True) -> dict[str, Any]:
    """A copy of `obj` without server-owned fields, with Secret `stringData` folded into `data`."""
    out = copy.deepcopy(obj)
    out.pop("status", None)
    meta = out.get("metadata")
    if isinstance(meta, dict):
        for name in SERVER_METADATA:
            meta.pop(name, None)
        annotations = meta.get("annotations")
        if isinstance(annotations, dict):
            for name in SERVER_ANNOTATIONS + (() if keep_tracking else (TRACKING_ANNOTATION,)):
                annotations.pop(name, None)
            if not annotations:
                meta.pop("annotations", None)
        if meta.get("labels") == {}:
            meta.pop("labels")
    if out.get("kind") == "Secret" and not str(out.get("apiVersion", "v1")).count("/"):
        _fold_string_data(out)
    return out


def _fold_string_data(secret: dict[str, Any]) -> None:
    # The API server merges stringData into data (stringData wins) and never returns it.
    data = {k: ("" if v is None else v) for k, v in (secret.get("data") or {}).items()}
    for k, v in (secret.pop("stringData", None) or {}).items():
        data[k] = base64.b64encode(str("" if v is None else v).encode()).decode()
    if data or "data" in secret:
        secret["data"] = data


def is_secret(obj: dict[str, Any] | None) -> bool:
    return obj is not None and obj.get("kind") == "Secret" and "/" not in str(obj.get("apiVersion", "v1"))


def redact_pair(old: dict[str, Any] | None, new: dict[str, Any] | None
                ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Secret values masked with `+` runs of a fixed length; a changed value shows as a changed mask.

    The mask length never depends on the value, so nothing about the secret leaks.
    """
    if not (is_secret(old) or is_secret(new)):
        return old, new
    old, new = copy.deepcopy(old), copy.deepcopy(new)
    for section in ("data", "stringData"):
        a = (old or {}).get(section) if old else None
        b = (new or {}).get(section) if new else None
        for key in set(a or {}) | set(b or {}):
            same = a is not None and b is not None and key in a and key in b and a[key] == b[key]
            if a is not None and key in a:
                a[key] = REDACTED_SAME if same else REDACTED_OLD
            if b is not None and key in b:
                b[key] = REDACTED_SAME if same else REDACTED_NEW
    annotations_of = lambda o: ((o or {}).get("metadata") or {}).get("annotations") or {}
    for obj in (old, new):
        ann = annotations_of(obj)
        if "kubectl.kubernetes.io/last-applied-configuration" in ann:
            ann["kubectl.kubernetes.io/last-applied-configuration"] = REDACTED_SAME
    return old, new


def generated_base(key: ResourceKey) -> ResourceKey | None:
    """The key without kustomize's hash suffix, for generated ConfigMaps and Secrets."""
    if (key.group, key.kind) not in _GENERATED_KINDS:
        return None
    match = _HASH_SUFFIX.match(key.name)
    return key._replace(name=match.group("base")) if match else None


def pair_generated(removed: Iterable[ResourceKey], added: Iterable[ResourceKey]) -> dict[ResourceKey, ResourceKey]:
    """{old key: new key} for generated objects whose name changed only in its hash suffix.

    Pairs are made only when exactly one old and one new object share a base name, so an
    ambiguous case stays shown as a removal and an addition.
    """
    by_base: dict[ResourceKey, tuple[list[ResourceKey], list[ResourceKey]]] = {}
    for i, keys in enumerate((removed, added)):
        for key in keys:
            base = generated_base(key)
            if base is not None:
                by_base.setdefault(base, ([], []))[i].append(key)
    return {olds[0]: news[0] for olds, news in by_base.values() if len(olds) == 1 and len(news) == 1}


ADDED, REMOVED, MODIFIED, UNCHANGED = "added", "removed", "modified", "unchanged"


@dataclass
class ResourceDiff:
    """One object's change between two manifest sets, already normalised and redacted."""

    key: ResourceKey  # the new key (the old one for a removal)
    action: str  # added | removed | modified | unchanged
    old: dict[str, Any] | None = None
    new: dict[str, Any] | None = None
    old_key: ResourceKey | None = None  # set when a generated object was renamed by its hash
    lines: list[str] = field(default_factory=list)  # unified diff, without file headers

    @property
    def renamed(self) -> bool:
        return self.old_key is not None and self.old_key != self.key

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"action": self.action, **_key_dict(self.key), "diff": "\n".join(self.lines)}
        if self.old_key is not None and self.renamed:
            out["oldName"] = self.old_key.name
        return out


def _key_dict(key: ResourceKey) -> dict[str, str]:
    return {"group": key.group, "kind": key.kind, "namespace": key.namespace, "name": key.name}


def _yaml_lines(obj: dict[str, Any] | None) -> list[str]:
    if obj is None:
        return []
    from kustomize_py.yaml import dump

    return dump(obj).splitlines()


def diff_objects(old: dict[str, Any] | None, new: dict[str, Any] | None, *, redact: bool = True,
                 normalise: bool = True, context: int = 3) -> ResourceDiff:
    """The diff of one object (either side may be None); the key comes from `new`, else `old`."""
    if normalise:
        old = normalize(old) if old is not None else None
        new = normalize(new) if new is not None else None
    if redact:
        old, new = redact_pair(old, new)
    either = new if new is not None else old
    if either is None:
        raise ValueError("diff_objects needs an old or a new object")
    key = key_of(either)
    old_key = key_of(old) if old is not None else None
    action = ADDED if old is None else REMOVED if new is None else UNCHANGED if old == new else MODIFIED
    lines: list[str] = []
    if action != UNCHANGED:
        lines = list(difflib.unified_diff(_yaml_lines(old), _yaml_lines(new), lineterm="", n=context))[2:]
    return ResourceDiff(key, action, old, new, old_key, lines)


def diff_manifests(old: list[dict[str, Any]], new: list[dict[str, Any]], *, redact: bool = True,
                   normalise: bool = True, include_unchanged: bool = False,
                   pair: bool = True) -> list[ResourceDiff]:
    """Per-resource diffs from `old` to `new`, matched by (group, kind, namespace, name).

    Generated ConfigMaps/Secrets whose hash suffix changed are paired as one modification.
    Results come in `new`'s order, then removals in `old`'s order.
    """
    old_by_key = {key_of(o): o for o in old}
    new_by_key = {key_of(o): o for o in new}
    removed = [k for k in old_by_key if k not in new_by_key]
    added = [k for k in new_by_key if k not in old_by_key]
    renames = pair_generated(removed, added) if pair else {}
    renamed_from = {v: k for k, v in renames.items()}
    out: list[ResourceDiff] = []
    for key, obj in new_by_key.items():
        before = old_by_key.get(key)
        if before is not None and not include_unchanged and before == obj:
            continue  # equal as given: equal once normalised and redacted too
        if before is None and key in renamed_from:
            before = old_by_key[renamed_from[key]]
        d = diff_objects(before, obj, redact=redact, normalise=normalise)
        if d.action != UNCHANGED or include_unchanged:
            out.append(d)
    for key in removed:
        if key not in renames:
            out.append(diff_objects(old_by_key[key], None, redact=redact, normalise=normalise))
    return out


_COLOURS = {"+": "\x1b[32m", "-": "\x1b[31m", "@": "\x1b[36m"}
_RESET = "\x1b[0m"


def render_diffs(diffs: list[ResourceDiff], *, colour: bool = False) -> str:
    """A readable text rendering: one header per object, then its unified diff."""
    chunks: list[str] = []
    for d in diffs:
        title = f"{d.key}"
        if d.old_key is not None and d.renamed:
            title += f" (was {d.old_key.name})"
        head = f"=== {d.action}: {title}"
        chunks.append(f"\x1b[1m{head}{_RESET}" if colour else head)
        for line in d.lines:
            c = _COLOURS.get(line[:1]) if colour else None
            chunks.append(f"{c}{line}{_RESET}" if c else line)
    return "\n".join(chunks) + ("\n" if chunks else "")
