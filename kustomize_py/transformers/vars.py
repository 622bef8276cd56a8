"""The deprecated `vars:`: bind each var to the object it names, read its field, and substitute
`$(NAME)` in the varReference fields of every resource."""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kustomize_py import work
from kustomize_py.errors import KustomizationError, TransformerError
from kustomize_py.resource import DEFAULT_NS, ResId, Resource, split_api_version
from kustomize_py.transformers import fieldpath as fp
from kustomize_py.transformers.fieldpath import field

if TYPE_CHECKING:
    from kustomize_py.pipeline import Accumulator

DEFAULT_FIELD_PATH = "metadata.name"


# -- the Var record ----------------------------------------------------------------------------


def _objref(var: dict[str, Any]) -> dict[str, Any]:
    ref = field(var, "objref")
    return ref if isinstance(ref, dict) else {}


def _str(v: Any) -> str:
    return "" if v is None else fp.scalar_text(v)


def target_id(var: dict[str, Any]) -> ResId:
    """The id a var's objref names (apiVersion, when given, overrides group and version)."""
    ref = _objref(var)
    group, version = _str(field(ref, "group")), _str(field(ref, "version"))
    api = _str(field(ref, "apiVersion"))
    if api:
        pieces = api.split("/")
        if len(pieces) == 2:
            group, version = pieces
        elif len(pieces) == 1:
            version = pieces[0]
    return ResId(group, version, _str(field(ref, "kind")), _str(field(ref, "name")), _str(field(ref, "namespace")))


def field_path(var: dict[str, Any]) -> str:
    ref = field(var, "fieldref")
    path = _str(field(ref, "fieldPath")) if isinstance(ref, dict) else ""
    return path or DEFAULT_FIELD_PATH


def var_text(var: dict[str, Any], parsed: bool = True, defaulted: bool = True) -> str:
    """A var as the reference prints it in errors: `{NAME Kind.version.group {fieldPath}}`."""
    ref = _objref(var)
    if parsed:
        rid = target_id(var)
        gvk = ResId(rid.group, rid.version, rid.kind, "", "").gvk_string()
    else:
        gvk = ResId(_str(field(ref, "group")), _str(field(ref, "version")), _str(field(ref, "kind")), "", "").gvk_string()
    ref_field = field(var, "fieldref")
    path = field_path(var) if defaulted else (_str(field(ref_field, "fieldPath")) if isinstance(ref_field, dict) else "")
    return f"{{{_str(field(var, 'name'))} {gvk} {{{path}}}}}"


# -- binding (done when a kustomization's vars are merged) --------------------------------------


def _ns_equal(a: str, rid: ResId) -> bool:
    return (a or DEFAULT_NS) == rid.effective_namespace


def _matches(tid: ResId, rid: ResId) -> bool:
    """GVK and name equal; namespace too when the objref gives one (else any namespace)."""
    if (tid.group, tid.version, tid.kind, tid.name) != (rid.group, rid.version, rid.kind, rid.name):
        return False
    return not tid.namespace or _ns_equal(tid.namespace, rid)


def _bind(resources: Any, var: dict[str, Any]) -> Resource | None:
    """The one resource `var` names (from a ResourceList: among those that had its name)."""
    tid = target_id(var)
    if hasattr(resources, "named"):
        resources = resources.named(tid.name)
    elif work.counts is not None:
        work.add("examined", len(resources))
    matched = [r for r in resources if any(_matches(tid, rid) for rid in r.all_ids())]
    if len(matched) > 1:
        raise TransformerError(
            f"found {len(matched)} resId matches for var {var_text(var, defaulted=False)} (unable to disambiguate)")
    return matched[0] if matched else None


def bind_vars(resources: Any, incoming: list[Any], source: str | None = None) -> None:
    """Tie each of a kustomization's own vars to the one resource it names now (by current or
    previous id), as the reference does when the vars join the accumulator."""
    checked: list[dict[str, Any]] = []
    for var in incoming or []:
        if not isinstance(var, dict):
            raise KustomizationError("vars entries must be mappings", path=source, field="vars")
        checked.append(var)
    for var in checked:
        try:
            res = _bind(resources, var)
        except TransformerError as err:
            listing = " ".join(var_text(v, parsed=False, defaulted=False) for v in checked)
            raise TransformerError(f"merging vars [{listing}]: {err.message}", path=source) from None
        name = _str(field(var, "name"))
        if res is not None and name not in res.refvar_names:
            res.refvar_names.append(name)


def merge_vars(ra: Accumulator, incoming: list[Any], source: str | None = None) -> None:
    """Bind a kustomization's vars, then add them to the accumulator's set (names unique)."""
    bind_vars(ra.resources, incoming, source)
    ra.add_vars(list(incoming or []))


# -- resolving (done once at the top, after name references) ----------------------------------------


def resolve(ra: Accumulator, warn: Callable[[str], None] | None = None) -> None:
    """Replace `$(VAR)` in the varReference fields with each var's value."""
    variables = sorted(ra.vars, key=lambda v: _str(field(v, "name")))
    if not variables:
        return
    resources = ra.resources.items
    owners = _owners(resources)
    values: dict[str, Any] = {}
    for var in variables:
        values[_str(field(var, "name"))] = _value_of(ra.resources, var, owners)
    counts: dict[str, int] = {}
    specs = ra.config.get("varReference")
    for res in resources:
        group, version = split_api_version(res.api_version)
        for spec in specs:
            if spec.matches(group, version, res.kind):
                spec.apply(res.obj, _setter(values, counts), None)
    unused = sorted(k for k in values if k not in counts)
    if unused:
        msg = f"well-defined vars that were never replaced: {','.join(unused)}"
        (warn or (lambda m: print(m, file=sys.stderr)))(msg)


def _owners(resources: list[Resource]) -> dict[str, Resource] | None:
    """Var name -> the first resource bound to it; None when nothing was bound."""
    owners: dict[str, Resource] = {}
    for res in resources:
        for name in res.refvar_names:
            owners.setdefault(name, res)
    return owners or None


def _value_of(resources: Any, var: dict[str, Any], owners: dict[str, Resource] | None) -> Any:
    name = _str(field(var, "name"))
    if owners is not None:
        owner = owners.get(name)
    else:
        # Nothing was bound when the vars were merged (a caller that does not bind): bind now.
        owner = _bind(resources, var)
    if owner is None:
        raise TransformerError(f"var '{var_text(var)}' cannot be mapped to a field in the set of known resources")
    try:
        value = fp.lookup(owner.obj, fp.convert_slice_index(fp.split_path(field_path(var))))
    except TransformerError:
        value = fp.MISSING
    if value is fp.MISSING:
        raise TransformerError(f"field specified in var '{var_text(var)}' not found in corresponding resource")
    if value is None:
        return "null"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = _go_number(value)
        if value is None:
            raise TransformerError(f"field specified in var '{var_text(var)}' not found in corresponding resource")
    return value


_GO_ATOI = re.compile(r"[+-]?[0-9]+")


def _go_number(value: int | float) -> int | float | None:
    """A number as the reference reads a var's field: Go's Atoi or ParseFloat of the scalar's
    text, so `010` is 10 (not octal 8) and `0x1F` or `1_000` is no value at all (None)."""
    text = getattr(value, "yaml_text", None)
    if text is None:
        return value
    if isinstance(value, int):
        return int(text, 10) if _GO_ATOI.fullmatch(text) else None
    return None if "_" in text else float(text)


_PRIMITIVE = (str, int, float, bool)


def _setter(values: dict[str, Any], counts: dict[str, int]) -> Callable[[Any, Any], None]:
    def mapping(key: str) -> Any:
        if key in values and isinstance(values[key], _PRIMITIVE):
            counts[key] = counts.get(key, 0) + 1
            return values[key]
        return f"$({key})"

    def setter(parent: Any, key: Any) -> None:
        node = parent[key]
        if node is None:
            return
        if isinstance(node, dict):
            for k, v in node.items():
                if not isinstance(k, str):
                    raise TransformerError(f"invalid map key: value='{fp.scalar_text(k)}', tag='!!{fp.tag_of(k)}'")
                if isinstance(v, str):
                    node[k] = expand(v, mapping)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                if not isinstance(item, str):
                    raise TransformerError("invalid value type expect a string")
                node[i] = expand(item, mapping)
        elif isinstance(node, str):
            parent[key] = expand(node, mapping)

    return setter


def expand(text: str, mapping: Callable[[str], Any]) -> Any:
    """Substitute `$(NAME)`; `$$` is a literal `$`. A text that is exactly one reference takes the
    value's own type (a number stays a number)."""
    out: list[str] = []
    checkpoint = 0
    cursor = 0
    n = len(text)
    while cursor < n:
        if text[cursor] == "$" and cursor + 1 < n:
            out.append(text[checkpoint:cursor])
            read, is_var, advance = _read_name(text, cursor + 1)
            if is_var:
                mapped = mapping(read)
                if text == f"$({read})":
                    return mapped
                out.append(_go_v(mapped))
            else:
                out.append(read)
            cursor += advance
            checkpoint = cursor + 1
        cursor += 1
    return "".join(out) + text[checkpoint:]


def _read_name(text: str, start: int) -> tuple[str, bool, int]:
    first = text[start]
    if first == "$":
        return "$", False, 1
    if first == "(":
        close = text.find(")", start + 1)
        if close >= 0:
            return text[start + 1:close], True, close - start + 1
        return "$(", False, 1
    return "$" + first, False, 1


def _go_v(value: Any) -> str:
    """Go's `%v` of a primitive."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_g(value)
    return str(value)


def go_g(f: float) -> str:
    """A float64 as Go's `%v` prints it: shortest digits, exponent form below 1e-4 and from 1e6."""
    if math.isnan(f):
        return "NaN"
    if f in (float("inf"), float("-inf")):
        return "+Inf" if f > 0 else "-Inf"
    if f == 0:
        return "-0" if str(f).startswith("-") else "0"
    sign, digits, exp = Decimal(repr(f)).normalize().as_tuple()
    text = "".join(map(str, digits))
    point = len(text) + int(exp)  # position of the decimal point from the left of `text`
    x = point - 1
    neg = "-" if sign else ""
    if x < -4 or x >= 6:
        mant = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{neg}{mant}e{'-' if x < 0 else '+'}{abs(x):02d}"
    if point <= 0:
        return f"{neg}0.{'0' * -point}{text}"
    if point >= len(text):
        return f"{neg}{text}{'0' * (point - len(text))}"
    return f"{neg}{text[:point]}.{text[point:]}"
