"""A resource (a plain dict plus the bookkeeping Kustomize keeps beside it) and its ids."""

from __future__ import annotations

from collections import namedtuple
from functools import lru_cache

TYPE_CHECKING = False  # typing is not imported at run time: it costs start-up time
if TYPE_CHECKING:
    from typing import Any

DEFAULT_NS = "default"
_EMPTY: dict[str, Any] = {}  # never written
CLUSTER_NS = "_non_namespaceable_"


@lru_cache(maxsize=1)
def _cluster_scoped() -> frozenset[tuple[str, str]]:
    from kustomize_py.fieldspecs import load_data

    data = load_data("cluster_scoped.yaml")
    return frozenset((api, kind) for api, kinds in data.items() for kind in kinds)


def is_cluster_scoped(api_version: str, kind: str) -> bool:
    """True for the built-in types the reference knows to be cluster-scoped."""
    return (api_version, kind) in _cluster_scoped()


def split_api_version(api_version: str) -> tuple[str, str]:
    """`apps/v1` -> (`apps`, `v1`); `v1` -> (``, `v1`)."""
    group, sep, version = api_version.partition("/")
    return (group, version) if sep else ("", api_version)


# A plain namedtuple base: typing.NamedTuple under postponed annotations compiles a ForwardRef for
# every field, ~1 ms of every start.
class ResId(namedtuple("ResId", ("group", "version", "kind", "name", "namespace"))):
    """Group, version, kind, name and namespace of a resource, as the reference identifies it."""

    __slots__ = ()

    group: str
    version: str
    kind: str
    name: str
    namespace: str

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def cluster_scoped(self) -> bool:
        return is_cluster_scoped(self.api_version, self.kind)

    @property
    def effective_namespace(self) -> str:
        if self.cluster_scoped:
            return CLUSTER_NS
        return self.namespace or DEFAULT_NS

    def key(self) -> tuple[str, str, str, str, str]:
        """Identity used for equality: namespaces compared as the reference does ('' == default)."""
        return _key(self)

    def gvk_string(self) -> str:
        return f"{self.kind or '[noKind]'}.{self.version or '[noVer]'}.{self.group or '[noGrp]'}"

    def __str__(self) -> str:
        return f"{self.gvk_string()}/{self.name or '[noName]'}.{self.namespace or '[noNs]'}"


def _key(rid: tuple[str, str, str, str, str]) -> tuple[str, str, str, str, str]:
    """ResId.key without its property calls (it runs for every resource at every reindex)."""
    group, version, kind, name, namespace = rid
    api = f"{group}/{version}" if group else version
    if (api, kind) in _cluster_scoped():
        return (group, version, kind, name, CLUSTER_NS)
    return (group, version, kind, name, namespace or DEFAULT_NS)


def id_of(obj: dict[str, Any]) -> ResId:
    meta = obj.get("metadata") or {}
    return _id(obj.get("apiVersion"), obj.get("kind"), meta.get("name"), meta.get("namespace"))


_new_tuple = tuple.__new__


def _id(api: Any, kind: Any, name: Any, namespace: Any) -> ResId:
    group, version = split_api_version(_str(api))
    # tuple.__new__ directly: the namedtuple's own __new__ is a Python function
    return _new_tuple(ResId, (group, version, _str(kind), _str(name), _str(namespace)))


# Field values a cached id may be checked against by identity: immutable ones.
_IMMUTABLE = frozenset((str, int, float, bool, type(None)))


def _str(v: Any) -> str:
    if isinstance(v, str):
        return v
    if v is None:
        return ""
    # The reference reads names and namespaces as the scalar's text: `name: 007` is "007".
    from kustomize_py.yaml.scalars import text_of  # rare: kept out of this module's imports

    return text_of(v)


class Resource:
    """One object of a build.

    `obj` is the plain data that will be printed. The other fields are what the reference keeps in
    internal annotations while building: previous ids (for name references and patch targeting),
    the prefixes/suffixes applied, generator behaviour and hash flag, and where it came from.
    Compared by identity.
    """

    __slots__ = ("obj", "source", "prev", "prefixes", "suffixes", "needs_hash", "behavior", "origin",
                 "transformations", "refvar_names", "allow_name_change", "allow_kind_change",
                 "touched_annotations", "original", "_id_cache")

    def __init__(self, obj: dict[str, Any], source: str | None = None,
                 prev: list[tuple[str, str, str]] | None = None, prefixes: list[str] | None = None,
                 suffixes: list[str] | None = None, needs_hash: bool = False, behavior: str = "",
                 origin: dict[str, Any] | None = None, transformations: list[dict[str, Any]] | None = None,
                 refvar_names: list[str] | None = None, allow_name_change: bool = False,
                 allow_kind_change: bool = False, touched_annotations: bool = False,
                 original: tuple[str, str] | None = None) -> None:
        self.obj = obj
        self.source = source
        self.prev: list[tuple[str, str, str]] = [] if prev is None else prev  # (kind, name, effective ns)
        self.prefixes: list[str] = [] if prefixes is None else prefixes
        self.suffixes: list[str] = [] if suffixes is None else suffixes
        self.needs_hash = needs_hash
        self.behavior = behavior
        self.origin = origin  # config.kubernetes.io/origin, in the reference's field order
        self.transformations: list[dict[str, Any]] = [] if transformations is None else transformations
        self.refvar_names: list[str] = [] if refvar_names is None else refvar_names
        self.allow_name_change = allow_name_change
        self.allow_kind_change = allow_kind_change
        self.touched_annotations = touched_annotations
        self._id_cache: tuple[Any, ...] | None = None
        # (name, namespace) as read from its source file
        if original is None:
            meta = obj.get("metadata") or _EMPTY
            original = (_str(meta.get("name")), _str(meta.get("namespace")))
        self.original: tuple[str, str] | None = original

    def __repr__(self) -> str:
        return f"Resource({self.obj!r}, source={self.source!r})"

    @property
    def orig_name(self) -> str:
        return self.original[0] if self.original else self.name

    @property
    def orig_namespace(self) -> str:
        return self.original[1] if self.original else self.namespace

    @property
    def origin_path(self) -> str | None:
        """The file this resource was read from (or the kustomization that generated it)."""
        return self.source

    # The id is read often (every index update) and changed rarely, by anything that edits the
    # object: instead of being told of changes, `_id_cache` (apiVersion, kind, name and namespace
    # values, ResId, key) is checked against the four values it was made from by identity, which
    # is safe for immutable values (a new value is a new object or an equal one). The check is
    # written out in `id` and `id_key`: a call more costs as much as the check.

    @property
    def id(self) -> ResId:
        obj = self.obj
        meta = obj.get("metadata") or _EMPTY
        c = self._id_cache
        if (c is not None and c[0] is obj.get("apiVersion") and c[1] is obj.get("kind")
                and c[2] is meta.get("name") and c[3] is meta.get("namespace")):
            return c[4]
        return self._cached_id()[4]

    def id_key(self) -> tuple[str, str, str, str, str]:
        """`self.id.key()`, cached with the id."""
        obj = self.obj
        meta = obj.get("metadata") or _EMPTY
        c = self._id_cache
        if (c is not None and c[0] is obj.get("apiVersion") and c[1] is obj.get("kind")
                and c[2] is meta.get("name") and c[3] is meta.get("namespace")):
            return c[5]
        return self._cached_id()[5]

    def _cached_id(self) -> tuple[Any, ...]:
        """`_id_cache`, made again if out of date."""
        obj = self.obj
        meta = obj.get("metadata") or _EMPTY
        api, kind, name, ns = obj.get("apiVersion"), obj.get("kind"), meta.get("name"), meta.get("namespace")
        c = self._id_cache
        if c is not None and c[0] is api and c[1] is kind and c[2] is name and c[3] is ns:
            return c
        rid = _id(api, kind, name, ns)
        c = (api, kind, name, ns, rid, _key(rid))
        if (api.__class__ in _IMMUTABLE and kind.__class__ in _IMMUTABLE and name.__class__ in _IMMUTABLE
                and ns.__class__ in _IMMUTABLE):
            self._id_cache = c
        return c

    @property
    def kind(self) -> str:
        return _str(self.obj.get("kind"))

    @property
    def api_version(self) -> str:
        return _str(self.obj.get("apiVersion"))

    @property
    def name(self) -> str:
        return _str((self.obj.get("metadata") or {}).get("name"))

    @property
    def namespace(self) -> str:
        return _str((self.obj.get("metadata") or {}).get("namespace"))

    def meta(self) -> dict[str, Any]:
        meta = self.obj.get("metadata")
        if not isinstance(meta, dict):
            meta = self.obj["metadata"] = {}
        return meta

    def set_name(self, name: Any) -> None:  # a str, or a number that keeps its text
        self.meta()["name"] = name

    def set_namespace(self, ns: Any) -> None:
        meta = self.meta()
        if ns:
            meta["namespace"] = ns
        else:
            meta.pop("namespace", None)

    def labels(self) -> dict[str, Any]:
        return (self.obj.get("metadata") or {}).get("labels") or {}

    def annotations(self) -> dict[str, Any]:
        return (self.obj.get("metadata") or {}).get("annotations") or {}

    def store_previous_id(self) -> None:
        """Remember the current kind/name/namespace before a transformer changes them."""
        cached = self._cached_id()
        cur, key = cached[4], cached[5]
        self.prev.append((cur.kind, cur.name, key[4]))  # key[4]: the effective namespace
        self.touched_annotations = True

    def prev_ids(self) -> list[ResId]:
        if not self.prev:
            return []
        group, version = split_api_version(self.api_version)
        return [_new_tuple(ResId, (group, version, kind, name, "" if ns == CLUSTER_NS else ns))
                for kind, name, ns in self.prev]

    def org_id(self) -> ResId:
        """The id the resource had when it was first read (before any rename)."""
        if not self.prev:
            return self.id
        group, version = split_api_version(self.api_version)
        kind, name, ns = self.prev[0]
        return _new_tuple(ResId, (group, version, kind, name, "" if ns == CLUSTER_NS else ns))

    def all_ids(self) -> list[ResId]:
        return [*self.prev_ids(), self.id]

    def copy(self) -> Resource:
        import copy as _copy

        return Resource(
            _copy.deepcopy(self.obj), self.source, list(self.prev), list(self.prefixes),
            list(self.suffixes), self.needs_hash, self.behavior,
            dict(self.origin) if self.origin else None, [dict(t) for t in self.transformations],
            list(self.refvar_names), self.allow_name_change, self.allow_kind_change,
            self.touched_annotations, self.original,
        )
