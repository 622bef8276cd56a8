"""Parse YAML/JSON text into plain Python data the way Kustomize reads resource files: libyaml
builds the node tree, our own constructor applies go-yaml v3's scalar rules."""

from __future__ import annotations

import re
import sys

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

import yaml as _pyyaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from kustomize_py.errors import YamlError
from kustomize_py.yaml.folded import FoldedStr, settle
from kustomize_py.yaml.scalars import (
    READ_TABLE,
    TEXTED,
    TimestampRangeError,
    drop_text,
    parse_timestamp,
    read_plain,
    timestamp_text,
    with_text,
)


_TAG = "tag:yaml.org,2002:"
_PLAIN = "!<plain>"  # our tag for untagged plain scalars: resolved by read_plain below
_STR, _SEQ, _MAP = _TAG + "str", _TAG + "seq", _TAG + "map"

# go-yaml v3's guard against alias bombs ("billion laughs"): beyond a few thousand nodes, the
# share of nodes that come from expanding aliases may not exceed this ratio.
_ALIAS_LOW, _ALIAS_HIGH = 400_000, 4_000_000


def _allowed_alias_ratio(decoded: int) -> float:
    if decoded <= _ALIAS_LOW:
        return 0.99
    if decoded >= _ALIAS_HIGH:
        return 0.10
    return 0.99 - 0.89 * (decoded - _ALIAS_LOW) / (_ALIAS_HIGH - _ALIAS_LOW)


class _PlainTags:
    """Tag resolution for the parser: none here; tags are resolved later, knowing the scalar style."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            return _PLAIN if implicit[0] else _STR
        return _SEQ if kind is SequenceNode else _MAP

    # Called around every node and ignored: C callables that take the same arguments and do
    # nothing cost less than Python methods (builtins are not bound to the instance).
    descend_resolver: Any = {}.get  # (parent, index) -> index
    ascend_resolver: Any = tuple  # () -> ()


class _PureParser(  # pragma: no cover - only for PyYAML built without libyaml
    _pyyaml.reader.Reader, _pyyaml.scanner.Scanner, _pyyaml.parser.Parser, _pyyaml.composer.Composer
):
    def __init__(self, stream: str) -> None:
        _pyyaml.reader.Reader.__init__(self, stream)
        _pyyaml.scanner.Scanner.__init__(self)
        _pyyaml.parser.Parser.__init__(self)
        _pyyaml.composer.Composer.__init__(self)


# libyaml's parser and composer when PyYAML has them; the type checker is shown that one.
if TYPE_CHECKING:
    from yaml._yaml import CParser as _ParserBase
else:
    try:
        from yaml._yaml import CParser as _ParserBase
    except ImportError:  # pragma: no cover - PyYAML built without libyaml
        _ParserBase = _PureParser


class _Parser(_PlainTags, _ParserBase):
    """Composes the node tree, every node tagged by _PlainTags."""


class TimestampKey:
    """A plain timestamp used as a map key below the top level. Go decodes it as a time, which
    Kustomize cannot print as a JSON key, so the emitter rejects it like any non-string key."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TimestampKey) and other.text == self.text

    def __hash__(self) -> int:
        return hash(("!!timestamp", self.text))

    def __repr__(self) -> str:
        return f"TimestampKey({self.text!r})"


class BlankNullMap(dict):
    """A mapping read from YAML where some keys have an empty value (`key:` with nothing after it).

    Kustomize's strategic merge drops such fields from the patched resource while keeping ones
    written `null` or `~`, so the loader remembers which keys were blank (`blank`).
    """

    __slots__ = ("blank",)

    def __init__(self, items: dict[Any, Any], blank: frozenset[Any]):
        super().__init__(items)
        self.blank = blank


class RawScalar(str):
    """A non-string annotation value as its source text (`port: 8080` is "8080", `x: 0x10` stays
    "0x10", `y: ~` is "~"), as the reference prints annotations; `parsed` keeps the value, which is
    what it prints once the resource has round-tripped through JSON."""

    parsed: Any

    def __new__(cls, text: str, parsed: Any = None) -> RawScalar:
        obj = super().__new__(cls, text)
        obj.parsed = parsed
        return obj

    def __reduce__(self) -> tuple[Any, ...]:  # copy, deepcopy and pickle keep the parsed value
        return (RawScalar, (str(self), self.parsed))


def _keep_annotation_text(doc: dict[Any, Any], node: Any) -> None:
    """Non-string values of the document's metadata.annotations become RawScalars holding their
    source text, read from the document's node (no second parse); a plain timestamp keeps its
    text too (`note: 2024-01-01` stays "2024-01-01", where elsewhere it prints as RFC 3339)."""
    meta = doc.get("metadata")
    ann = meta.get("annotations") if isinstance(meta, dict) else None
    if not isinstance(ann, dict) or all(isinstance(v, str) and not _maybe_timestamp(v) for v in ann.values()):
        return
    texts = _scalar_texts(_child_node(_child_node(node, "metadata"), "annotations"))
    for key, value in ann.items():
        text = texts.get(str(key))
        if text is None:
            continue
        if not isinstance(value, str):
            ann[key] = RawScalar(text, value)
        elif value != text and _maybe_timestamp(value) and parse_timestamp(text) is not None:
            ann[key] = text


def _maybe_timestamp(value: str) -> bool:
    """Whether a loaded string may be a timestamp's RFC 3339 rewrite (cheap pre-check)."""
    return value[4:5] == "-" and value[:4].isdigit()


def _child_node(node: Any, key: str) -> Any:
    if not isinstance(node, MappingNode):
        return None
    for k, v in node.value:
        if isinstance(k, ScalarNode) and k.value == key:
            return v
    return None


def _scalar_texts(node: Any) -> dict[str, str]:
    if not isinstance(node, MappingNode):
        return {}
    return {str(k.value): v.value for k, v in node.value if isinstance(v, ScalarNode)}


_COPIED = (dict, list, FoldedStr, *TEXTED)


def plain_copy(value: Any, *, keep_marks: bool = False) -> Any:
    """A deep copy of parsed YAML (dicts, lists, scalars), much faster than copy.deepcopy.

    By default the copy is what a JSON round trip in the reference leaves: plain dicts and lists,
    blank nulls no longer told apart, folded scalars as their text, numbers without the way they
    were written (after a JSON patch `name: 010` is the number 8, matched as "8"). With
    `keep_marks` the loader's marks survive (blank keys, folded strings, number texts): a cached
    parse reused."""
    if isinstance(value, dict):
        out = {k: plain_copy(v, keep_marks=keep_marks) if isinstance(v, _COPIED) else v
               for k, v in value.items()}
        if keep_marks and isinstance(value, BlankNullMap):
            return BlankNullMap(out, value.blank)
        return out
    if isinstance(value, list):
        return [plain_copy(v, keep_marks=keep_marks) if isinstance(v, _COPIED) else v for v in value]
    if keep_marks:
        return value
    if value.__class__ is FoldedStr:
        return settle(value)
    return drop_text(value)


# _FLOW_TIMESTAMP: inside a flow collection (`[...]`, `{...}`) a plain timestamp with a time part
# keeps its text. The reference re-writes each resource with go-yaml v3, which must quote a
# scalar holding ':' in flow context, so it is read back as a string, not as a time to normalize.


class _Fail(Exception):
    """Internal: a construction error with the node it concerns (and, for a duplicate key, the
    0-based line of the key it repeats)."""

    def __init__(self, message: str, node: Any, earlier_line: int | None = None):
        super().__init__(message)
        self.node = node
        self.earlier_line = earlier_line

    def message(self, first_line: int) -> str:
        """The message with lines counted from `first_line` (0-based), as go-yaml counts them."""
        line = self.node.start_mark.line + 1 - first_line
        earlier = "" if self.earlier_line is None else f" at line {self.earlier_line + 1 - first_line}"
        return f"yaml: line {line}: {self}{earlier}"


_plain_cache: dict[str, Any] = {}


def _plain(value: str, node: Any) -> Any:
    if node.style:  # a quoted scalar under the non-specific tag "!": go-yaml keeps the text
        return value
    try:
        return _plain_cache[value]
    except KeyError:
        pass
    try:
        result = read_plain(value)
    except TimestampRangeError as err:
        raise _Fail(str(err), node) from None
    if len(_plain_cache) > 100_000:
        _plain_cache.clear()
    _plain_cache[value] = result
    return result


def _tagged_scalar(node: Any) -> Any:
    """A scalar with an explicit tag: go-yaml v3 checks the text against the tag."""
    tag, value = node.tag, node.value
    short = "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag
    if short == "!!str":
        return value
    if short == "!!binary":
        import base64  # rare: kept off the start-up path
        import binascii

        try:
            raw = base64.b64decode("".join(value.split()), validate=True)
        except (binascii.Error, ValueError):
            raise _Fail("!!binary value contains invalid base64 data", node) from None
        return raw.decode("utf-8", "replace")
    if short == "!!timestamp":
        try:
            text = timestamp_text(value)
        except TimestampRangeError as err:
            raise _Fail(str(err), node) from None
        if text is None:
            raise _Fail(f"cannot decode !!str `{value}` as a !!timestamp", node)
        return text
    if short not in ("!!int", "!!float", "!!bool", "!!null", "!!merge"):
        return value  # unknown tags keep the text, as go-yaml does
    got: Any = READ_TABLE.get(value, value)
    if got is value and value[:1] in "+-0123456789.":
        got = read_plain(value)
    if short == "!!null" and got is None:
        return None
    if short == "!!bool" and isinstance(got, bool):
        return got
    if short == "!!int" and isinstance(got, int) and not isinstance(got, bool):
        return got
    if short == "!!float" and isinstance(got, (int, float)) and not isinstance(got, bool):
        return with_text(float(got), value)
    if short == "!!merge" and value == "<<":
        return value
    kinds = {bool: "!!bool", int: "!!int", float: "!!float", type(None): "!!null"}
    kind = kinds.get(type(got), "!!str")
    raise _Fail(f"cannot decode {kind} `{value}` as a {short}", node)


_MERGE_TAG = _TAG + "merge"


class _Builder:
    """Turns one composed document into plain data; expands aliases with a budget.

    The common shapes (plain and quoted scalars, string keys, nested collections) are handled
    inline in _map and _seq rather than through build(): one Python call per collection instead
    of one per node. Alias bookkeeping (`track`) is only needed when the text holds a `*`."""

    __slots__ = ("active", "aliased", "decoded", "folded", "in_alias", "seen", "track")

    def __init__(self, folded: bool = False, track: bool = True) -> None:
        self.folded = folded  # mark folded block scalars (FoldedStr): resources and patches
        self.track = track  # False: the text has no alias, so no node is visited twice
        self.seen: set[int] = set()
        self.active: set[int] = set()
        self.decoded = 0
        self.aliased = 0
        self.in_alias = 0

    def _count(self, n: int) -> None:
        # Children are counted by their parent; the ratio check runs before each alias expansion.
        self.decoded += n
        if self.in_alias:
            self.aliased += n

    def build(self, node: Any) -> Any:
        cls = node.__class__
        if cls is ScalarNode:
            tag = node.tag
            if tag == _PLAIN:
                return _plain(node.value, node)
            if tag == _STR:
                if node.style == ">" and self.folded:
                    return FoldedStr(node.value)
                return node.value
            return _tagged_scalar(node)
        if not self.track:
            return self._seq(node) if cls is SequenceNode else self._map(node)
        key = id(node)
        if key in self.seen:  # a second visit: this is an alias, expand it afresh
            return self._alias(node, key)
        self.seen.add(key)
        self.active.add(key)
        try:
            if cls is SequenceNode:
                return self._seq(node)
            return self._map(node)
        finally:
            self.active.discard(key)

    def _alias(self, node: Any, key: int) -> Any:
        if key in self.active:
            raise _Fail("anchor value contains itself", node)
        if (self.aliased > 100 and self.decoded > 1000
                and self.aliased / self.decoded > _allowed_alias_ratio(self.decoded)):
            raise _Fail("document contains excessive aliasing", node)
        self.in_alias += 1
        self.active.add(key)
        try:
            if node.__class__ is SequenceNode:
                return self._seq(node)
            return self._map(node)
        finally:
            self.active.discard(key)
            self.in_alias -= 1

    def _seq(self, node: Any) -> list[Any]:
        out = []
        if self.track:
            self._count(len(node.value))
        flow = node.flow_style
        for child in node.value:
            cls = child.__class__
            if cls is ScalarNode:  # inline build() for scalars: the common case
                tag, text = child.tag, child.value
                if tag == _PLAIN:
                    if child.style:
                        value = text
                    else:
                        try:
                            value = _plain_cache[text]
                        except KeyError:
                            value = _plain(text, child)
                        if flow and value.__class__ is str and ":" in text:
                            value = text  # see _FLOW_TIMESTAMP
                elif tag == _STR:
                    value = FoldedStr(text) if child.style == ">" and self.folded else text
                else:
                    value = _tagged_scalar(child)
                out.append(value)
            elif self.track:
                out.append(self.build(child))
            elif cls is MappingNode:
                out.append(self._map(child))
            else:
                out.append(self._seq(child))
        return out

    def _key(self, knode: Any, top: bool) -> Any:
        """A key other than a plain or quoted string (a number, null, timestamp, tagged...)."""
        if knode.__class__ is not ScalarNode:
            raise _Fail("invalid map key: a key must be a scalar", knode)
        key = self.build(knode)
        if isinstance(key, str) and key != knode.value and knode.tag == _PLAIN:
            key = TimestampKey(knode.value)  # a plain timestamp is no string key in Go
        if top and not isinstance(key, str):
            key = "" if key is None else knode.value  # Go decodes top-level keys as text
        return key

    def _map(self, node: Any, top: bool = False) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        merges: list[Any] = []
        blank: list[Any] = []
        track = self.track
        if track:
            self._count(2 * len(node.value))
        flow = node.flow_style
        for knode, vnode in node.value:
            if knode.__class__ is ScalarNode:
                ktag, ktext = knode.tag, knode.value
                if ktext == "<<":
                    if ktag == _PLAIN or ktag == _MERGE_TAG:
                        if merges:
                            raise _Fail("duplicate merge key", knode)
                        merges.append(vnode)
                    continue  # a quoted "<<" key is dropped, as Kustomize does
                if ktag == _STR:
                    key = ktext
                elif ktag == _PLAIN and not knode.style:
                    try:
                        key = _plain_cache[ktext]
                    except KeyError:
                        key = _plain(ktext, knode)
                    if key.__class__ is not str or key != ktext:
                        key = self._key(knode, top)
                else:
                    key = self._key(knode, top)
            else:
                key = self._key(knode, top)
            if key in out:
                first = next(k for k, _ in node.value
                             if k.__class__ is ScalarNode and k.value == knode.value)
                raise _Fail(f"mapping key {_go_quote(knode.value)} already defined", knode,
                            first.start_mark.line)
            cls = vnode.__class__
            if cls is ScalarNode:  # inline build() for scalars: the common case
                tag, text = vnode.tag, vnode.value
                if tag == _PLAIN:
                    if vnode.style:
                        value = text
                    else:
                        try:
                            value = _plain_cache[text]
                        except KeyError:
                            value = _plain(text, vnode)
                        if flow and value.__class__ is str and ":" in text:
                            value = text  # see _FLOW_TIMESTAMP
                elif tag == _STR:
                    value = FoldedStr(text) if vnode.style == ">" and self.folded else text
                else:
                    value = _tagged_scalar(vnode)
                out[key] = value
                if value is None and text == "":
                    blank.append(key)
                    if flow and tag == _PLAIN:
                        out[key] = ""  # `{a: }`: the reference prints an empty string here
            elif track:
                out[key] = self.build(vnode)
            elif cls is MappingNode:
                out[key] = self._map(vnode)
            else:
                out[key] = self._seq(vnode)
        for mnode in merges:
            for source in self._merge_sources(mnode):
                for k, v in source.items():
                    if k not in out:
                        out[k] = v
        return BlankNullMap(out, frozenset(blank)) if blank else out

    def _merge_sources(self, mnode: Any) -> list[dict[Any, Any]]:
        """The maps a `<<` key merges, first one winning (go-yaml v3 semantics)."""
        items = mnode.value if mnode.__class__ is SequenceNode else [mnode]
        if mnode.__class__ is ScalarNode or any(i.__class__ is not MappingNode for i in items):
            raise _Fail("map merge requires map or sequence of maps as the value", mnode)
        merged: dict[Any, Any] = {}
        for item in items:
            value = self.build(item)
            for k, v in value.items():
                merged.setdefault(k, v)
        return [merged]

    def document(self, node: Any) -> Any:
        self.decoded += 1
        if node.__class__ is MappingNode:
            if not self.track:
                return self._map(node, top=True)
            self.seen.add(id(node))
            self.active.add(id(node))
            try:
                return self._map(node, top=True)
            finally:
                self.active.discard(id(node))
        return self.build(node)


def _go_quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _to_text(text: str | bytes, source: str) -> str:
    if isinstance(text, str):
        return text
    data = bytes(text)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise YamlError(f"yaml: invalid UTF-16 data at byte {err.start}", path=source) from None
    try:  # utf-8, then without a BOM: what utf-8-sig does, without its Python-level codec
        text = data.decode()
        return text[1:] if text[:1] == "\ufeff" else text
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("utf-8-sig")  # its error offsets are the ones reported
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise YamlError(f"yaml: line {line}: invalid UTF-8 byte at offset {err.start} "
                        f"(the file must be UTF-8)", path=source) from None


def _mark_error(err: _pyyaml.YAMLError, text: str, source: str, pieces: bool = False) -> YamlError:
    """libyaml's error in go-yaml v3's words. go-yaml is a port of libyaml, so the marks agree; it
    prints the context mark's line (0-based) when not 0, else the problem mark's, one more for a
    scanner error, and only the problem, no context. With `pieces` (a resource stream, which the
    reference parses document by document) lines count from the start of the mark's document."""
    if isinstance(err, _pyyaml.reader.ReaderError):
        line = text.count("\n", 0, err.position) + 1
        return YamlError(f"yaml: line {line}: {err.reason}", path=source)
    problem_mark = getattr(err, "problem_mark", None)
    first = _piece_start_line(text, problem_mark.line) if pieces and problem_mark is not None else 0
    return YamlError(go_yaml_message(err, text, first_line=first), path=source)


def go_yaml_message(err: _pyyaml.YAMLError, text: str, *, v2: bool = False, first_line: int = 0) -> str:
    """`yaml: line N: problem` as go-yaml words a libyaml error (v2 for kustomization files)."""
    problem = getattr(err, "problem", None) or str(err).splitlines()[0]
    mark = getattr(err, "problem_mark", None)
    if problem.startswith("found undefined alias") and mark is not None:
        name = re.match(r"\*([^\s,\[\]{}]*)", text[mark.index:])
        return f"yaml: unknown anchor '{name.group(1) if name else ''}' referenced"
    return f"yaml: {go_yaml_where(err, v2=v2, first_line=first_line)}{problem}"


def go_yaml_where(err: _pyyaml.YAMLError, *, v2: bool = False, first_line: int = 0) -> str:
    """`line N: ` as go-yaml places a libyaml error (its marks are libyaml's): the 0-based line of
    the context mark when not 0, else of the problem mark (v2 looks at the problem mark first),
    one more for a scanner error; lines count from `first_line`. Empty when the line is 0."""
    marks = [getattr(err, "context_mark", None), getattr(err, "problem_mark", None)]
    for mark in reversed(marks) if v2 else marks:
        if mark is not None and mark.line - first_line > 0:
            return f"line {mark.line - first_line + isinstance(err, _pyyaml.scanner.ScannerError)}: "
    return ""


def _piece_start_line(text: str, line: int) -> int:
    """The first line (0-based) of the document, as kyaml's reader cuts the stream, holding `line`."""
    first = 0
    for match in _SEPARATOR.finditer(text):
        after = text.count("\n", 0, match.end())
        if after > line:
            break
        first = after
    return first


def _build(node: Any, source: str, folded: bool = False, text: str | None = None,
           aliases: bool = True) -> Any:
    """The value of a document node. With `folded` (a resource stream) and its `text`, error lines
    count from the document's start, as the reference parses each document alone. `aliases`:
    whether the text may hold any (a `*`)."""
    try:
        return _Builder(folded, aliases).document(node)
    except _Fail as fail:
        first = _piece_start_line(text, fail.node.start_mark.line) if folded and text is not None else 0
        raise YamlError(fail.message(first), path=source) from None


def _build_deep(node: Any, source: str, folded: bool = False, text: str | None = None,
                aliases: bool = True) -> Any:
    """libyaml caps nesting at 1000 levels; building that deep needs a higher recursion limit."""
    try:
        return _build(node, source, folded, text, aliases)
    except RecursionError:
        pass
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 4 * GO_MAX_DEPTH + 2_000))
    try:
        return _build(node, source, folded, text, aliases)
    except RecursionError:
        raise YamlError("yaml: document nested too deeply", path=source) from None
    finally:
        sys.setrecursionlimit(old)


class _JsonDuplicate(Exception):
    pass


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _JsonDuplicate(key)
            seen.add(key)
    return out


def _json_int(text: str) -> int | float:
    value = int(text)
    if -(1 << 63) <= value < (1 << 64):
        return value if value or text == "0" else with_text(value, text)  # `-0` keeps its text
    return with_text(float(text), text)  # go-yaml reads integers past 64 bits as floats


def _json_float(text: str) -> float | str:
    value = float(text)
    return text if value in (float("inf"), float("-inf")) else with_text(value, text)


def _json_constant(name: str) -> Any:
    raise ValueError(name)  # NaN/Infinity are not JSON; let the YAML path judge the text


def _json_docs(text: str, source: str) -> list[Any] | None:
    """JSON input read by the json module: faster than YAML, and it allows the tab indentation
    that libyaml (unlike go-yaml) rejects. None when the text is not plain JSON."""
    import json  # only JSON-looking input pays for it

    try:
        value = json.loads(text, object_pairs_hook=_json_object, parse_int=_json_int,
                           parse_float=_json_float, parse_constant=_json_constant)
    except _JsonDuplicate as dup:
        message = f"yaml: mapping key {_go_quote(str(dup))} already defined"
        raise YamlError(message, path=source) from None
    except (ValueError, RecursionError):
        return None
    return [] if value is None else [value]


def load_all(text: str | bytes, source: str = "<input>", folded: bool = False) -> list[Any]:
    """All non-empty documents of `text`; `source` names the file in errors. With `folded` (a
    resource stream: resources, patches, generated output), strings from folded block scalars are
    FoldedStr, and the stream must split into documents as the reference's reader splits it."""
    text = _to_text(text, source)
    if folded:
        check_document_split(text, source)
    head = text.lstrip(" \t\r\n\ufeff")[:1]
    if head == "{" or head == "[":
        as_json = _json_docs(text, source)
        if as_json is not None:
            if "\\/" in text and _SLASH_ESCAPE.search(text):
                # JSON's `\\/` escape is not one of go-yaml v3's (outside strings JSON has no '\\')
                raise YamlError("yaml: found unknown escape character", path=source)
            return as_json
    simple = _simple_reader()(text, folded)  # plain block YAML, read without libyaml's nodes
    if simple is not None:
        return simple
    original = text
    for _ in range(10_000):
        try:
            docs = _load_stream(text, source, folded)
        except _pyyaml.YAMLError as err:
            if _allow_go_depth(err):
                continue
            if "exceeded maximum nesting depth" in str(getattr(err, "problem", "")):
                raise YamlError(str(_mark_error(err, original, source, pieces=folded).message).replace(
                    "exceeded maximum nesting depth", f"exceeded max depth of {GO_MAX_DEPTH}"), path=source) from None
            fixed = (_quote_flow_colon_scalar(text, err) or _drop_quote_escape(text, err)
                     or _cut_dedented_rest(text, err))
            if fixed is None:
                raise _mark_error(err, original, source, pieces=folded) from None
            text = fixed
            continue
        if "\\/" in text:
            _refuse_slash_escape(text, source)
        return docs
    raise YamlError("yaml: too many scalars libyaml refuses", path=source)


_read_simple: Any = None


def _simple_reader() -> Any:
    """simple.read, imported on first use (it imports this module); kept here, as an import
    statement in load_all would cost a Python call per file."""
    global _read_simple
    if _read_simple is None:
        from kustomize_py.yaml.simple import read

        _read_simple = read
    return _read_simple


GO_MAX_DEPTH = 10_000  # go-yaml v3's nesting limit; libyaml's default is 1,000


def _allow_go_depth(err: _pyyaml.YAMLError) -> bool:
    """Raise libyaml's nesting limit to go-yaml's the first time a document needs it (True: parse
    again). Done on demand: ctypes is not imported by an ordinary build."""
    if "exceeded maximum nesting depth" not in str(getattr(err, "problem", "")):
        return False
    module = getattr(_pyyaml, "_yaml", None)
    if module is None:
        return False
    import ctypes

    try:
        lib = ctypes.CDLL(module.__file__)
        if lib.yaml_get_max_nest_level() >= GO_MAX_DEPTH:
            return False
        lib.yaml_set_max_nest_level(GO_MAX_DEPTH)
    except (OSError, AttributeError):  # a libyaml without the setting keeps its limit
        return False
    return True


def _cut_dedented_rest(text: str, err: _pyyaml.YAMLError) -> str | None:
    """`text` without what go-yaml v3 never reads: when a document's first line is indented, its
    node ends at the first line indented less, and the reference decodes that one node only, so
    the rest up to the next `---` is ignored (libyaml refuses it: no document start)."""
    mark = getattr(err, "problem_mark", None)
    problem = str(getattr(err, "problem", ""))
    if mark is None or problem not in ("did not find expected <document start>",) and not problem.startswith(
            "expected '<document start>'"):
        return None
    lines = text.split("\n")
    if mark.line >= len(lines):
        return None
    start = next((i + 1 for i in range(mark.line - 1, -1, -1) if lines[i].startswith("---")), 0)
    first = next((line for line in lines[start:mark.line] if line.strip() and not line.lstrip().startswith("#")), "")
    indent = len(first) - len(first.lstrip(" "))
    bad = lines[mark.line]
    if not indent or len(bad) - len(bad.lstrip(" ")) >= indent:
        return None
    end = next((i for i in range(mark.line, len(lines)) if lines[i].startswith("---")), len(lines))
    return "\n".join(lines[:mark.line] + [""] * (end - mark.line) + lines[end:])  # line numbers kept


def _drop_quote_escape(text: str, err: _pyyaml.YAMLError) -> str | None:
    """`text` with the `\\'` escape libyaml refused written as a plain `'` (go-yaml v3 accepts it)."""
    mark = getattr(err, "problem_mark", None)
    if getattr(err, "problem", None) != "found unknown escape character" or mark is None:
        return None
    lines = text.split("\n")
    if mark.line >= len(lines) or lines[mark.line][mark.column:mark.column + 2] != "\\'":
        return None
    line = lines[mark.line]
    lines[mark.line] = line[:mark.column] + line[mark.column + 1:]
    return "\n".join(lines)


_SLASH_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\/")

# kyaml's reader cuts a resource stream at every "\n---...\n" (non-overlapping) before parsing.
_SEPARATOR = re.compile(r"\n---.*\n")


def check_document_split(text: str, source: str) -> None:
    """Refuse a resource stream the reference cannot split: kyaml cuts it at lines starting with
    `---` and parses each piece alone, so a separator line holding content (`--- {a: b}`) is an
    error, and so is a directive (`%YAML 1.1`), which ends up alone before its document."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    separators = list(_SEPARATOR.finditer(text))
    for match in separators:
        rest = match.group()[4:].strip()
        if rest and not rest.startswith("#"):
            raise YamlError(f"invalid document separator: {match.group().strip()}", path=source)
    if text.startswith("%") or "\n%" in text:  # rare: only then are the pieces cut out
        starts = [0, *(m.end() for m in separators)]
        ends = [*(m.start() for m in separators), len(text)]
        for start, end in zip(starts, ends):
            _check_directives(text[start:end], source)


def _check_directives(piece: str, source: str) -> None:
    """go-yaml v3's verdict on one piece that may start with directives (lines as it counts them)."""
    lines = piece.split("\n")
    directive = False
    for number, line in enumerate(lines):
        bare = line.strip()
        if not bare or bare.startswith("#"):
            continue
        if not line.startswith("%"):
            if directive:
                raise YamlError(f"yaml: line {number}: did not find expected <document start>", path=source)
            return
        directive = True
        name, *args = line[1:].split()
        where = f"line {number}: " if number else ""
        if name == "YAML" and args[:1] != ["1.1"]:
            raise YamlError(f"yaml: {where}found incompatible YAML document", path=source)
        if name not in ("YAML", "TAG"):
            where = f"line {number + 1}: " if number else ""  # a scanner error: counted from 1
            raise YamlError(f"yaml: {where}found unknown directive name", path=source)
    if directive:  # only directives: the stream ends where a document should start
        end = len(lines) - 1 + (lines[-1] != "")
        raise YamlError(f"yaml: line {end}: did not find expected <document start>", path=source)


def _refuse_slash_escape(text: str, source: str) -> None:
    """go-yaml v3 has no `\\/` escape in double-quoted scalars (libyaml reads it as '/')."""
    lines = text.split("\n")
    loader = getattr(_pyyaml, "CSafeLoader", _pyyaml.SafeLoader)
    for token in _pyyaml.scan(text, Loader=loader):
        if token.__class__ is not _pyyaml.ScalarToken or token.style != '"':
            continue
        start, end = token.start_mark, token.end_mark
        if start.line == end.line:
            raw = lines[start.line][start.column:end.column]
        else:
            raw = "\n".join([lines[start.line][start.column:], *lines[start.line + 1:end.line],
                             lines[end.line][:end.column]])
        if _SLASH_ESCAPE.search(raw):
            raise YamlError(f"yaml: line {start.line + 1}: found unknown escape character", path=source)


def _quote_flow_colon_scalar(text: str, err: _pyyaml.YAMLError) -> str | None:
    """`text` with the plain scalar that libyaml refused single-quoted, or None.

    In a flow collection libyaml rejects a plain scalar with ':' before a flow indicator
    (`[fe80::, a:]`); go-yaml v3 reads it as text ending in ':'. Such a scalar can only be a string.
    """
    if getattr(err, "problem", None) != "found unexpected ':'":
        return None
    start, colon = getattr(err, "context_mark", None), getattr(err, "problem_mark", None)
    if start is None or colon is None or start.line != colon.line:
        return None
    lines = text.split("\n")
    if colon.line >= len(lines):
        return None
    line = lines[colon.line]
    if not (start.column < colon.column < len(line)) or line[colon.column] != ":":
        return None
    end = colon.column
    while end < len(line) and line[end] not in ",[]{}" and not (
            line[end] == ":" and line[end + 1:end + 2] in ("", " ", "\t")) and line[end:end + 2] != " #":
        end += 1
    scalar = line[start.column:end].rstrip(" \t")
    end = start.column + len(scalar)
    lines[colon.line] = line[:start.column] + "'" + scalar.replace("'", "''") + "'" + line[end:]
    return "\n".join(lines)


def _load_stream(text: str, source: str, folded: bool) -> list[Any]:
    try:
        return _load_nodes(text, source, folded, _composed_nodes)
    except _pyyaml.composer.ComposerError as err:
        if "duplicate anchor" not in str(err):
            raise
    # go-yaml lets an anchor be defined again (an alias takes the latest definition); libyaml's
    # composer refuses, so compose such a stream from the parser's events instead.
    try:
        return _load_nodes(text, source, folded, _event_nodes)
    except RecursionError:
        raise YamlError("yaml: document nested too deeply", path=source) from None


def _load_nodes(text: str, source: str, folded: bool, nodes: Any) -> list[Any]:
    parser = _Parser(text)
    docs: list[Any] = []
    aliases = "*" in text  # without one no node is shared, and the builder skips the bookkeeping
    try:
        for node in nodes(parser):
            value = _build_deep(node, source, folded, text, aliases)
            if value is not None:
                if folded and isinstance(value, dict):
                    _keep_annotation_text(value, node)
                docs.append(value)
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose:
            dispose()
    return docs


def _composed_nodes(parser: Any) -> Iterator[Any]:
    """Each document's root node, composed by libyaml."""
    while parser.check_node():
        node = parser.get_node()
        if node is not None:
            yield node


def _event_nodes(parser: Any) -> Iterator[Any]:
    """Each document's root node, composed here from parser events; anchors may be redefined."""
    from yaml import events

    parser.get_event()  # stream start
    while not parser.check_event(events.StreamEndEvent):
        parser.get_event()  # document start
        anchors: dict[str, Any] = {}
        node = _event_node(parser, anchors, events)
        parser.get_event()  # document end
        if node is not None:
            yield node
    parser.get_event()


def _event_node(parser: Any, anchors: dict[str, Any], events: Any) -> Any:
    event = parser.get_event()
    cls = event.__class__
    if cls is events.AliasEvent:
        if event.anchor not in anchors:
            raise _pyyaml.composer.ComposerError(None, None, "found undefined alias", event.start_mark)
        return anchors[event.anchor]
    tag = event.tag
    if cls is events.ScalarEvent:
        if tag is None or tag == "!":
            tag = _PLAIN if event.implicit[0] else _STR
        node: Any = ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
    elif cls is events.SequenceStartEvent:
        node = SequenceNode(_SEQ if tag is None or tag == "!" else tag, [], event.start_mark, None,
                            flow_style=event.flow_style)
    else:
        node = MappingNode(_MAP if tag is None or tag == "!" else tag, [], event.start_mark, None,
                           flow_style=event.flow_style)
    if event.anchor is not None:
        anchors[event.anchor] = node
    if cls is events.SequenceStartEvent:
        while not parser.check_event(events.SequenceEndEvent):
            node.value.append(_event_node(parser, anchors, events))
        node.end_mark = parser.get_event().end_mark
    elif cls is events.MappingStartEvent:
        while not parser.check_event(events.MappingEndEvent):
            key = _event_node(parser, anchors, events)
            node.value.append((key, _event_node(parser, anchors, events)))
        node.end_mark = parser.get_event().end_mark
    return node


def load(text: str | bytes, source: str = "<input>") -> Any:
    """The single document of `text` (None when empty)."""
    docs = load_all(text, source)
    if len(docs) > 1:
        raise YamlError("expected a single YAML document", path=source)
    return docs[0] if docs else None


__all__ = ["BlankNullMap", "RawScalar", "load", "load_all", "plain_copy"]
