"""JSON6902 patches with the behaviour of evanphx/json-patch v4 (what kustomize v5.6.0 applies).

Differences from RFC 6902 (and from the `jsonpatch` package) kept on purpose: negative array
indices count from the end; `replace` of a missing object key adds it; `copy` from a missing
object key writes null; a path without a leading "/" addresses its last segment under the root;
`test` of a missing key against null passes; `replace` of the root with a
scalar does nothing; `add` never creates missing parents.
"""

from __future__ import annotations

import copy
import json
import re
from typing import TYPE_CHECKING, Any

from kustomize_py.errors import PatchError

_OPS = ("add", "remove", "replace", "move", "copy", "test")
_ATOI = re.compile(r"[+-]?[0-9]+$")


def parse_json6902(text: str | bytes, source: str = "<patch>") -> list[dict[str, Any]]:
    """The op list of a JSON6902 patch written as JSON (text starting with "[") or YAML.

    YAML goes through YAML 1.1 like sigs.k8s.io/yaml: `yes`/`on` are booleans, `012` is octal;
    only the first YAML document counts.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    if not text.strip():
        raise PatchError("empty json patch operations", path=source)
    if text.startswith("["):
        try:
            data = json.loads(text)
        except ValueError as err:
            raise PatchError(f"invalid JSON patch: {err}", path=source) from None
    else:
        data = _load_yaml11(text, source)
    if not isinstance(data, list):
        raise PatchError("a JSON6902 patch must be a list of operations", path=source)
    for i, op in enumerate(data):
        if not isinstance(op, dict):
            raise PatchError(f"operation {i} is not a mapping", path=source)
    return data


def _load_yaml11(text: str, source: str) -> Any:
    import yaml

    if TYPE_CHECKING:
        from yaml import SafeLoader as _SafeLoader
    else:  # libyaml's loader when PyYAML has it
        _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(_SafeLoader):
        pass

    # go-yaml v2 (behind sigs.k8s.io/yaml) reads y/Y/n/N as booleans too, and keeps timestamps
    # as strings.
    Loader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    Loader.add_implicit_resolver("tag:yaml.org,2002:bool", _YAML11_YN, list("yYnN"))
    Loader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
    Loader.add_constructor("tag:yaml.org,2002:map", _construct_json_map)
    try:
        return next(iter(yaml.load_all(text, Loader=Loader)), None)
    except yaml.YAMLError as err:
        raise PatchError(f"invalid YAML patch: {err}", path=source) from None


_YAML11_YN = re.compile(r"^(?:y|Y|n|N)$")


def _construct_bool(loader: Any, node: Any) -> bool:
    return str(loader.construct_scalar(node)).lower() in ("y", "yes", "true", "on")


def _construct_json_map(loader: Any, node: Any) -> Any:
    """Map keys as YAMLToJSON writes them (`n:` is "false", `1:` is "1"); later duplicates win."""
    out: dict[str, Any] = {}
    yield out
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        out[_key_text(loader.construct_object(key_node, deep=True))] = loader.construct_object(value_node, deep=True)


def _key_text(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    if isinstance(key, float) and key.is_integer():
        return str(int(key))
    return str(key)


def apply_json6902(doc: dict[str, Any], ops: list[dict[str, Any]], source: str = "<patch>") -> dict[str, Any]:
    """`doc` with `ops` applied in order (doc is deep-copied first). Raises PatchError naming
    `source` when an op does not apply; nothing is half-applied for the caller."""
    from kustomize_py.yaml.load import plain_copy

    root: Any = plain_copy(doc)  # the reference round-trips through JSON: blank nulls become `null`
    for op in ops:
        try:
            root = _apply_one(root, op)
        except _OpError as err:
            raise PatchError(str(err), path=source) from None
    if not isinstance(root, dict):
        raise PatchError("JSON patch result is not a mapping", path=source)
    return root


class _OpError(Exception):
    pass


def _string_field(op: dict[str, Any], name: str, kind: str) -> str:
    if name not in op or op[name] is None:
        raise _OpError(f"{kind} operation failed to decode {name}: missing value")
    if not isinstance(op[name], str):
        raise _OpError(f"{kind} operation: {name} must be a string")
    return op[name]


def _apply_one(root: Any, op: dict[str, Any]) -> Any:
    kind = op.get("op") if isinstance(op.get("op"), str) else "unknown"
    if kind not in _OPS:
        raise _OpError(f"Unexpected kind: {kind}")
    path = _string_field(op, "path", kind)
    value = op.get("value")
    if kind == "add":
        con, key = _find(root, path)
        if con is None:
            raise _OpError(f'add operation does not apply: doc is missing path: "{path}"')
        _add(con, key, copy.deepcopy(value), path)
    elif kind == "remove":
        con, key = _find(root, path)
        if con is None:
            raise _OpError(f'remove operation does not apply: doc is missing path: "{path}"')
        _remove(con, key, f"error in remove for path: '{path}'")
    elif kind == "replace":
        if path == "":
            # evanphx wraps a nil error here, so a scalar value is silently ignored.
            return copy.deepcopy(value) if isinstance(value, (dict, list)) else root
        con, key = _find(root, path)
        if con is None:
            raise _OpError(f"replace operation does not apply: doc is missing path: {path}")
        try:
            _get(con, key)
        except _OpError:
            raise _OpError(f"replace operation does not apply: doc is missing key: {path}: missing value") from None
        _set(con, key, copy.deepcopy(value))
    elif kind in ("move", "copy"):
        frm = _string_field(op, "from", kind)
        con, key = _find(root, frm)
        if con is None:
            raise _OpError(f"{kind} operation does not apply: doc is missing from path: {frm}")
        try:
            val = _get(con, key)
        except _OpError as err:
            raise _OpError(f"error in {kind} for path: '{key if kind == 'move' else frm}': {err}") from None
        if kind == "move":
            _remove(con, key, f"error in move for path: '{key}'")
        else:
            val = copy.deepcopy(val)
        dst, dkey = _find(root, path)
        if dst is None:
            raise _OpError(f"{kind} operation does not apply: doc is missing destination path: {path}")
        _add(dst, dkey, val, path)
    else:  # test
        if "value" not in op:
            raise _OpError(f"test operation for path {path}: missing value")  # the Go code panics
        if path == "":
            if not _equal(root, value):
                raise _OpError(f"testing value {path} failed: test failed")
            return root
        con, key = _find(root, path)
        if con is None:
            raise _OpError(f"test operation does not apply: is missing path: {path}")
        try:
            val = _get(con, key)
        except _OpError as err:
            raise _OpError(f"error in test for path: '{path}': {err}") from None
        if not _equal(val, value):
            raise _OpError(f"testing value {path} failed: test failed")
    return root


def _decode(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def _find(root: Any, path: str) -> tuple[Any, str]:
    """Parent container of `path` and the last (decoded) segment; (None, "") when unreachable."""
    split = path.split("/")
    if len(split) < 2:
        return None, ""
    cur = root
    for part in split[1:-1]:
        try:
            nxt = _get(cur, _decode(part))
        except _OpError:
            return None, ""
        if not isinstance(nxt, (dict, list)):
            return None, ""  # null, missing or a scalar: no container to descend into
        cur = nxt
    if not isinstance(cur, (dict, list)):
        return None, ""
    return cur, _decode(split[-1])


def _index(key: str) -> int:
    if not _ATOI.match(key):
        raise _OpError(f'strconv.Atoi: parsing "{key}": invalid syntax')
    return int(key)


def _get(con: Any, key: str) -> Any:
    if isinstance(con, dict):
        return con.get(key)  # a missing key reads as null, not as an error
    idx = _index(key)
    if idx < 0:
        if idx < -len(con):
            raise _OpError(f"Unable to access invalid index: {idx}: invalid index referenced")
        idx += len(con)
    if idx >= len(con):
        raise _OpError(f"Unable to access invalid index: {idx}: invalid index referenced")
    return con[idx]


def _set(con: Any, key: str, val: Any) -> None:
    if isinstance(con, dict):
        con[key] = val
        return
    idx = _index(key)
    if idx < 0:
        idx += len(con)
    con[idx] = val


def _add(con: Any, key: str, val: Any, path: str) -> None:
    if isinstance(con, dict):
        con[key] = val
        return
    if key == "-":
        con.append(val)
        return
    try:
        idx = _index(key)
    except _OpError as err:
        raise _OpError(f"error in add for path: '{path}': value was not a proper array index: '{key}': {err}") from None
    size = len(con) + 1
    if idx >= size or idx < -size:
        raise _OpError(f"error in add for path: '{path}': Unable to access invalid index: {idx}: invalid index referenced")
    if idx < 0:
        idx += size
    con.insert(idx, val)


def _remove(con: Any, key: str, context: str) -> None:
    if isinstance(con, dict):
        if key not in con:
            raise _OpError(f"{context}: Unable to remove nonexistent key: {key}: missing value")
        del con[key]
        return
    idx = _index(key)
    if idx >= len(con) or idx < -len(con):
        raise _OpError(f"{context}: Unable to access invalid index: {idx}: invalid index referenced")
    del con[idx]


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: booleans are not numbers, 1 equals 1.0, maps ignore key order."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b
