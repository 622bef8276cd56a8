"""Where a field sits in a YAML file: the line and column that errors report.

Only called when a build fails, so the file is parsed again (nodes keep their position; the
render path's plain dicts do not)."""

from __future__ import annotations

import re

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def find(data: bytes | str, field: str | None, value: str | None = None) -> tuple[int, int] | None:
    """(line, column), both 1-based, of `field` (dotted, `spec.containers[0].image`) in the first
    document that has it, or of the list entry equal to `value` under it; None when absent."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        docs = list(yaml.compose_all(data, Loader=loader))
    except (yaml.YAMLError, RecursionError, ValueError):
        return None
    segments = _segments(field)
    for doc in docs:
        node = _walk(doc, segments)
        if node is None:
            continue
        if value is not None:
            node = _entry(node[1], value)
            if node is None:
                continue
            return node.start_mark.line + 1, node.start_mark.column + 1
        return node[0].start_mark.line + 1, node[0].start_mark.column + 1
    if value is not None and field:  # e.g. `bases:` entries, folded into `resources` on load
        for doc in docs:
            found = _anywhere(doc, value)
            if found is not None:
                return found.start_mark.line + 1, found.start_mark.column + 1
    return None


def _segments(field: str | None) -> list[str | int]:
    out: list[str | int] = []
    for name, index in _SEGMENT.findall(field or ""):
        out.append(int(index) if index else name)
    return out


def _walk(node: Any, segments: list[str | int]) -> tuple[Any, Any] | None:
    """(the node to point at, the node the path leads to)."""
    import yaml

    at = (node, node)
    for seg in segments:
        current = at[1]
        if isinstance(seg, int):
            if not isinstance(current, yaml.SequenceNode) or seg >= len(current.value):
                return None
            at = (current.value[seg], current.value[seg])
            continue
        if not isinstance(current, yaml.MappingNode):
            return None
        for key, val in current.value:
            if isinstance(key, yaml.ScalarNode) and key.value == seg:
                at = (key, val)
                break
        else:
            return None
    return at


def _entry(node: Any, value: str) -> Any:
    import yaml

    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            if isinstance(item, yaml.ScalarNode) and item.value == value:
                return item
    return None


def _anywhere(node: Any, value: str) -> Any:
    import yaml

    if isinstance(node, yaml.SequenceNode):
        found = _entry(node, value)
        if found is not None:
            return found
        children = node.value
    elif isinstance(node, yaml.MappingNode):
        children = [v for _, v in node.value]
    else:
        return None
    for child in children:
        found = _anywhere(child, value)
        if found is not None:
            return found
    return None
