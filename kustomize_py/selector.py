"""Selecting resources like the reference's `target:` selectors: anchored regular expressions on
group, version, kind, name and namespace (current or original), plus Kubernetes label and
annotation selectors."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sized
from functools import lru_cache

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

    from kustomize_py.resources import Lookup

from kustomize_py import work
from kustomize_py.errors import KustomizationError
from kustomize_py.resource import Resource
from kustomize_py.yaml.scalars import text_of

_FIELDS = ("group", "version", "kind", "name", "namespace")


@lru_cache(maxsize=512)
def _regex(pattern: str) -> re.Pattern[str] | _Literal:
    if not any(ch in _META for ch in pattern):
        return _Literal(pattern)  # a compile costs ~0.1 ms; selectors are mostly plain names
    try:
        return re.compile(f"^(?:{pattern})$")
    except re.error as err:
        raise KustomizationError(f"invalid regular expression {pattern!r} in target selector: {err}") from None


class _Literal:
    """`re.compile(f"^(?:{text})$")` for a text without regex syntax: `$` also matches before a
    final newline."""

    __slots__ = ("text", "text_nl")

    def __init__(self, text: str) -> None:
        self.text = text
        self.text_nl = text + "\n"

    def match(self, value: str) -> bool:
        return value == self.text or value == self.text_nl


def _s(v: Any) -> str:
    return "" if v is None else str(v)


def compile_selector(sel: dict[str, Any]) -> Callable[[Resource], bool]:
    """A predicate for a selector mapping (group, version, kind, name, namespace,
    labelSelector, annotationSelector)."""
    sel = dict(sel or {})
    api = _s(sel.get("apiVersion"))
    if api and not sel.get("version"):
        g, _, v = api.rpartition("/")
        sel.setdefault("group", g)
        sel["version"] = v
    pats = {f: _regex(_s(sel.get(f))) for f in _FIELDS if _s(sel.get(f))}
    labels = parse_label_selector(_s(sel.get("labelSelector")))
    annotations = parse_label_selector(_s(sel.get("annotationSelector")))

    def match(res: Resource) -> bool:
        cur, org = res.id, res.org_id()
        if "namespace" in pats:
            p = pats["namespace"]
            if not p.match(org.effective_namespace) and not p.match(cur.effective_namespace):
                return False
        if "name" in pats:
            p = pats["name"]
            if not p.match(org.name) and not p.match(cur.name):
                return False
        for f in ("group", "version", "kind"):
            if f in pats and not pats[f].match(getattr(cur, f)):
                return False
        if labels and not labels(_strmap(res.labels())):
            return False
        if annotations and not annotations(_strmap(res.annotations())):
            return False
        return True

    return match


def select(resources: Iterable[Resource], sel: dict[str, Any]) -> list[Resource]:
    """The resources `sel` selects, in order. From a ResourceList only the candidates its index
    gives are tested: by exact name, by the literal start of a name pattern, by a label or
    annotation `key=value`, or by exact kind (in that preference); else every resource."""
    match = compile_selector(sel)
    lookup = getattr(resources, "lookup", None)
    if lookup is not None:
        found = candidates(lookup(), sel)
        if found is not None:
            return [r for r in found if match(r)]
    if work.counts is not None:
        work.add("examined", len(resources) if isinstance(resources, Sized) else 0)
    return [r for r in resources if match(r)]


_META = frozenset(".^$*+?{}[]\\|()")


def literal_prefix(pattern: str) -> str:
    """The text every full match of `pattern` starts with ("" when unknown)."""
    if "|" in pattern:
        return ""
    out: list[str] = []
    for ch in pattern:
        if ch in _META:
            if ch in "*?{" and out:
                out.pop()  # the quantifier may drop the character before it
            break
        out.append(ch)
    return "".join(out)


def candidates(lookup: Lookup, sel: dict[str, Any]) -> list[Resource] | None:
    """A superset of what `sel` selects, in list order, from the index; None: no narrowing."""
    name, kind = _s((sel or {}).get("name")), _s((sel or {}).get("kind"))
    bucket = None
    if name:
        prefix = literal_prefix(name)
        if prefix == name:
            bucket = lookup.by_name.get(name, {})
        elif prefix:
            bucket = lookup.with_name_prefix(prefix)
    if bucket is None:
        for field, text in (("labels", sel.get("labelSelector")), ("annotations", sel.get("annotationSelector"))):
            pair = _equality(_s(text))
            if pair is not None:
                bucket = lookup.with_value(field, *pair)
                break
    if bucket is None and kind and literal_prefix(kind) == kind:
        bucket = lookup.by_kind.get(kind, {})
    return None if bucket is None else lookup.ordered(bucket)


def _equality(text: str) -> tuple[str, str] | None:
    """The first `key=value` (or `key==value`, `key in (value)`) requirement of a label selector."""
    if not text.strip():
        return None
    for part in _split_top(text.strip()):
        m = _REQ.match(part)
        if not m or m["neg"]:
            continue
        if m["op"] in ("=", "=="):
            return m["key"], m["val"]
        if m["setop"] == "in":
            values = {v.strip() for v in m["set"].split(",") if v.strip()}
            if len(values) == 1:
                return m["key"], values.pop()
    return None


def _strmap(m: dict[Any, Any]) -> dict[str, str]:
    # Label and annotation values are compared by their text (`a: 007` is selected by a=007).
    return {str(k): v if v.__class__ is str else text_of(v) for k, v in m.items()}


_REQ = re.compile(
    r"\s*(?P<neg>!)?\s*(?P<key>[A-Za-z0-9][-A-Za-z0-9_./]*)\s*"
    r"(?:(?P<op>==|!=|=|>|<)\s*(?P<val>[-A-Za-z0-9_.]*)|\s(?P<setop>in|notin)\s*\((?P<set>[^)]*)\))?\s*$"
)


def parse_label_selector(text: str) -> Callable[[dict[str, str]], bool] | None:
    """A Kubernetes label selector (`a=b,c!=d,e in (x,y),!f,g`) as a predicate; None when empty."""
    text = text.strip()
    if not text:
        return None
    reqs = [_requirement(part, text) for part in _split_top(text)]
    return lambda labels: all(r(labels) for r in reqs)


def _requirement(part: str, text: str) -> Callable[[dict[str, str]], bool]:
    """One requirement of the selector `text` as a predicate on a label map."""
    m = _REQ.match(part)
    if not m:
        raise KustomizationError(f"unable to parse requirement: {part!r} in selector {text!r}")
    key, neg, op, val, setop = m["key"], m["neg"], m["op"], m["val"], m["setop"]
    if neg:
        if op or setop:
            raise KustomizationError(f"unable to parse requirement: {part!r} in selector {text!r}")
        return lambda labels: key not in labels
    if setop:
        values = {v.strip() for v in m["set"].split(",") if v.strip()}
        if setop == "in":
            return lambda labels: key in labels and labels[key] in values
        return lambda labels: key not in labels or labels[key] not in values
    if op in ("=", "=="):
        return lambda labels: labels.get(key) == val
    if op == "!=":
        return lambda labels: labels.get(key) != val
    if op in (">", "<"):
        try:
            bound = int(val)
        except ValueError:
            raise KustomizationError(f"for '{op}' operator, the value must be an integer: {part!r}") from None
        return lambda labels: _cmp_int(labels.get(key), bound, op)
    return lambda labels: key in labels


def _cmp_int(value: str | None, bound: int, op: str) -> bool:
    try:
        n = int(value or "")
    except ValueError:
        return False
    return n > bound if op == ">" else n < bound


def _split_top(text: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return parts
