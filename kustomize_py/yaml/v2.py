"""A fast path for documents read with a PyYAML loader class (kustomization files: go-yaml v2's
YAML 1.1 rules, set up in kustomization.py). libyaml composes the nodes as that loader would, the
loader's own resolver (cached per plain scalar) and constructors decide every scalar, and the
plain shapes (string-keyed maps, lists, scalars of the standard tags) are built here without
PyYAML's generic constructor. Anything else (aliases, merge keys, other tags, any error) is left
to the loader itself, so results and errors are exactly the loader's."""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

_TAG = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP = _TAG + "str", _TAG + "seq", _TAG + "map"
# Scalar tags whose constructor depends on the text only (the result may be cached by text).
_SCALAR_TAGS = frozenset(_TAG + t for t in ("null", "bool", "int", "float", "timestamp"))


class _Unsupported(Exception):
    """A shape the fast path leaves to the loader."""


_fast_classes: dict[Any, Any] = {}


def _fast_class(loader_class: Any) -> Any:
    """The loader class's parser with a cached resolver, or None when it cannot have one."""
    try:
        return _fast_classes[loader_class]
    except KeyError:
        pass
    fast = None
    parser_base: Any = getattr(getattr(yaml, "_yaml", None), "CParser", None)  # None without libyaml
    if parser_base is not None and issubclass(loader_class, parser_base) and not loader_class.yaml_path_resolvers:
        fast = _make_fast_class(loader_class, parser_base)
    _fast_classes[loader_class] = fast
    return fast


def _make_fast_class(loader_class: Any, parser_base: Any) -> Any:
    plain_tags: dict[str, str] = {}
    resolve_any = loader_class.resolve
    scalar_tag = loader_class.DEFAULT_SCALAR_TAG
    seq_tag, map_tag = loader_class.DEFAULT_SEQUENCE_TAG, loader_class.DEFAULT_MAPPING_TAG

    class Fast(loader_class):
        def __init__(self, stream: str) -> None:
            parser_base.__init__(self, stream)  # the constructor's state is not used

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            # Without path resolvers a plain scalar's tag depends on its text alone, and any
            # other node gets its kind's default tag.
            if kind is ScalarNode:
                if not implicit[0]:
                    return scalar_tag
                try:
                    return plain_tags[value]
                except KeyError:
                    pass
                if len(plain_tags) > 50_000:
                    plain_tags.clear()
                tag = plain_tags[value] = resolve_any(self, kind, value, implicit)
                return tag
            return seq_tag if kind is SequenceNode else map_tag

        # No path resolvers: these do nothing; C callables cost less than the Python methods.
        descend_resolver: Any = {}.get
        ascend_resolver: Any = tuple
        scalar_cache: dict[tuple[str, str], Any] = {}  # (tag, text) -> constructed value

    return Fast


def load_all(text: str, loader_class: Any) -> list[Any]:
    """The non-null documents of `text` as `yaml.load_all(text, Loader=loader_class)` reads them."""
    fast = _fast_class(loader_class) if "*" not in text else None  # aliases share objects
    if fast is not None:
        try:
            return _load_fast(text, fast)
        except Exception:  # noqa: BLE001 - the loader below gives the result or the error
            pass
    return [d for d in yaml.load_all(text, Loader=loader_class) if d is not None]  # noqa: S506


def _load_fast(text: str, fast_class: Any) -> list[Any]:
    parser = fast_class(text)
    try:
        builder = _Builder(parser)
        docs = []
        while parser.check_node():
            value = builder.value(parser.get_node())
            if value is not None:
                docs.append(value)
        return docs
    finally:
        parser.dispose()


class _Builder:
    __slots__ = ("constructors", "loader", "scalars")

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.constructors = loader.yaml_constructors
        self.scalars: dict[tuple[str, str], Any] = loader.scalar_cache

    def value(self, node: Any) -> Any:
        cls, tag = node.__class__, node.tag
        if cls is ScalarNode:
            if tag == _STR:
                return node.value
            if tag not in _SCALAR_TAGS:
                raise _Unsupported(tag)
            key = (tag, node.value)
            try:
                return self.scalars[key]
            except KeyError:
                pass
            result = self.constructors[tag](self.loader, node)
            if result == result:  # not NaN: each NaN is a distinct map key, so never shared
                if len(self.scalars) > 50_000:
                    self.scalars.clear()
                self.scalars[key] = result
            return result
        if cls is SequenceNode:
            if tag != _SEQ:
                raise _Unsupported(tag)
            return [self.value(child) for child in node.value]
        if tag != _MAP:
            raise _Unsupported(tag)
        out = {}
        for knode, vnode in node.value:
            if knode.__class__ is not ScalarNode or knode.tag != _STR and knode.tag not in _SCALAR_TAGS:
                raise _Unsupported("key")  # unhashable, merge, `=`...: the loader's rules
            out[self.value(knode)] = self.value(vnode)  # a repeated key: the last one wins
        return out


__all__ = ["load_all"]
