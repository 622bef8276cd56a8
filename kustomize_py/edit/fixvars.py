"""`kustomize edit fix --vars`: turn each var into a replacement whose targets are the fields of
the kustomization's resources and patches that mention `$(VAR)`, and put `VAR_PLACEHOLDER` in
those files. Everything is computed first; files are written only when every var converts."""

from __future__ import annotations

import os
import posixpath

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

from kustomize_py.edit.kustfile import FILE_NAMES
from kustomize_py.errors import EditError


def _read(directory: str, name: str) -> str | None:
    try:
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            return f.read()
    except (OSError, UnicodeDecodeError):
        return None


def _sub_kustomization(text: str) -> dict[str, Any]:
    """A nested kustomization as kustomize reads it here: no checks, unknown fields ignored."""
    import yaml

    try:
        doc = yaml.safe_load(text) or {}
    except yaml.YAMLError as err:
        raise EditError(f"error converting YAML to JSON: {err}") from None
    if not isinstance(doc, dict):
        raise EditError("error unmarshaling JSON: cannot unmarshal into Go value of type types.Kustomization")
    folded = {str(k).lower(): v for k, v in doc.items()}
    return {"resources": folded.get("resources") or [], "patches": folded.get("patches") or []}


def touched_files(directory: str, k: dict[str, Any], prefix: str,
                  patch_targets: dict[str, dict[str, Any]]) -> list[str]:
    """The files a var may appear in: resources (through nested kustomizations) and patch files.
    As in kustomize, a nested directory is looked up from the current directory."""
    out: list[str] = []
    for r in k.get("resources") or []:
        full = os.path.join(directory, r)
        if os.path.isdir(full):
            for name in sorted(os.listdir(full)):
                if name not in FILE_NAMES:
                    continue
                text = _read(directory, posixpath.join(r, name))
                if text is None:
                    continue
                out.extend(touched_files(directory, _sub_kustomization(text), r, patch_targets))
        out.append(posixpath.normpath(posixpath.join(prefix, r)) if prefix else posixpath.normpath(r))
    for p in k.get("patches") or []:
        if p.get("path"):
            path = posixpath.normpath(posixpath.join(prefix, p["path"]))
            out.append(path)
            patch_targets[path] = p
    return out


def _nodes(text: str) -> list[Any]:
    import yaml

    try:
        return [n for n in yaml.compose_all(text, Loader=yaml.SafeLoader) if n is not None]
    except yaml.YAMLError:
        return []


def _field_options(value: str, var: str) -> dict[str, Any]:
    if value == var:
        return {}
    i = value.index(var)
    if i == 0:
        return {"delimiter": value[len(var)], "index": 0}
    if i + len(var) >= len(value):
        delimiter = value[i - 1]
        return {"delimiter": delimiter, "index": len(value.split(delimiter)) - 1}
    pre, post = value[i - 1], value[i + len(var)]
    if pre != post:
        raise EditError(f"cannot convert all vars to replacements; {var} is not delimited")
    parts = value.split(pre)
    if var not in parts:
        raise EditError(f"internal error: could not get index of var {var}")
    return {"delimiter": pre, "index": parts.index(var)}


def _find(node: Any, var: str, path: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """(field path, options) of every scalar under `node` that mentions `var`, in file order."""
    import yaml

    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found += _find(item, var, [*path, str(i)])
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            step = str(getattr(key, "value", "")).strip()
            if "." in step:
                step = f"[{step}]"
            found += _find(value, var, [*path, step])
    elif isinstance(node, yaml.ScalarNode) and var in node.value:
        found.append((".".join(path), _field_options(node.value, var)))
    return found


def _field(node: Any, *names: str) -> str:
    import yaml

    for name in names:
        if not isinstance(node, yaml.MappingNode):
            return ""
        node = next((v for k, v in node.value if getattr(k, "value", None) == name), None)
    return node.value if isinstance(node, yaml.ScalarNode) else ""


def _group_version(api_version: str) -> tuple[str, str]:
    group, slash, version = api_version.partition("/")
    return (group, version) if slash else ("", api_version)


def _targets(file: str, node: Any, found: list[tuple[str, dict[str, Any]]],
             patch_targets: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    patch = patch_targets.get(file)
    options = (patch or {}).get("options") or {}
    if patch is not None and not (options.get("allowNameChange") and options.get("allowKindChange")):
        # one selector, shared by the node's targets as in kustomize: the patch's own target
        selector = dict(patch.get("target") or {})
        out = []
        for path, opts in found:
            if options.get("allowNameChange"):
                selector["name"] = _field(node, "metadata", "name")
            if options.get("allowKindChange"):
                selector["kind"] = _field(node, "kind")
            if _field(node, "metadata", "namespace"):
                selector["namespace"] = _field(node, "metadata", "namespace")
            out.append({"select": selector, "fieldPaths": [path], **({"options": opts} if opts else {})})
        return out
    out = []
    for path, opts in found:
        select = {"name": _field(node, "metadata", "name"), "namespace": _field(node, "metadata", "namespace"),
                  "kind": _field(node, "kind")}
        api_version = _field(node, "apiVersion")
        if api_version:
            select["group"], select["version"] = _group_version(api_version)
        out.append({"select": select, "fieldPaths": [path], **({"options": opts} if opts else {})})
    return out


def convert_vars(directory: str, k: dict[str, Any]) -> dict[str, str]:
    """Replace `vars` by `replacements` in `k`; returns the new text of each resource or patch
    file that changes (relative path -> text), for the caller to write."""
    if k.get("vars") is None:
        return {}
    patch_targets: dict[str, dict[str, Any]] = {}
    files = touched_files(directory, k, "", patch_targets)
    texts = {f: _read(directory, f) for f in dict.fromkeys(files)}
    replacements = []  # kustomize starts the field afresh
    for v in k["vars"]:
        var = f"$({v.get('name', '')})"
        targets = []
        for file in files:
            text = texts.get(file)
            if text is None:
                continue
            for node in _nodes(text):
                try:
                    found = _find(node, var, [])
                except EditError as err:
                    raise EditError(f"error with {file}: {err.message}") from None
                targets += _targets(file, node, found, patch_targets)
        ref = v.get("objref") or {}
        group, version = _group_version(ref.get("apiVersion", ""))
        source = {"group": group, "version": version, "kind": ref.get("kind", ""),
                  "name": ref.get("name", ""), "namespace": ref.get("namespace", ""),
                  "fieldPath": (v.get("fieldref") or {}).get("fieldPath", "")}
        entry: dict[str, Any] = {"source": source}
        if targets:
            entry["targets"] = targets
        replacements.append(entry)
        for file, text in texts.items():
            if text is not None:
                texts[file] = text.replace(var, f"{v.get('name', '')}_PLACEHOLDER")
    k["replacements"] = replacements
    k.pop("vars", None)
    return {f: t for f, t in texts.items() if t is not None and t != _read(directory, f)}
