"""What `kpy validate` reads: `-` (standard input), manifest files (YAML or JSON, multi-document)
and kustomization directories (rendered first); CRD files and directories for `--crd`."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

from kustomize_py.errors import KpyError

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


def is_kustomization_dir(path: str) -> bool:
    from kustomize_py.kustomization import FILE_NAMES

    return os.path.isdir(path) and any(os.path.isfile(os.path.join(path, n)) for n in FILE_NAMES)


def expand_lists(docs: list[Any]) -> list[Any]:
    """A `kind: List` document stands for its items, as kubectl and kustomize read it."""
    out: list[Any] = []
    for doc in docs:
        if (isinstance(doc, dict) and doc.get("kind") == "List" and str(doc.get("apiVersion")) == "v1"
                and isinstance(doc.get("items"), list)):
            out.extend(doc["items"])
        else:
            out.append(doc)
    return out


def read_manifests(text: str | bytes, source: str) -> list[Any]:
    """The objects of a manifest file as kubectl reads it: an unquoted number or boolean among the
    annotations stays one (the loader keeps its text for kustomize, which prints it quoted)."""
    from kustomize_py.yaml.load import RawScalar, load_all

    docs = expand_lists(load_all(text, source))
    for doc in docs:
        meta = doc.get("metadata") if isinstance(doc, dict) else None
        notes = meta.get("annotations") if isinstance(meta, dict) else None
        if isinstance(notes, dict):
            for key, value in notes.items():
                if isinstance(value, RawScalar):
                    notes[key] = value.parsed
    return docs


def read(path: str, cache: Any = None) -> list[Any]:
    """The objects `path` stands for; a build error or bad YAML raises KpyError naming the file.
    `cache`: a ParseCache shared by the kustomizations read (they often share bases)."""
    if path == "-":
        return read_manifests(sys.stdin.buffer.read(), "-")
    if is_kustomization_dir(path):
        import kustomize_py

        return kustomize_py.build(path, cache=cache).objects
    if os.path.isdir(path):
        raise KpyError("a directory to validate must hold a kustomization file (pass manifest files "
                       "themselves, or `kpy build DIR | kpy validate -`)", path=path)
    if not os.path.isfile(path):
        raise KpyError("no such file or directory", path=path)
    with open(path, "rb") as f:
        return read_manifests(f.read(), path)


def manifest_files(path: str) -> Iterator[str]:
    """`path` itself, or every YAML/JSON file under the directory `path`, sorted."""
    if not os.path.isdir(path):
        if not os.path.isfile(path):
            raise KpyError("no such file or directory", path=path)
        yield path
        return
    from kustomize_py.repofiles import files_under

    yield from files_under(path, MANIFEST_SUFFIXES)


def crd_objects(path: str, *, lenient: bool = False) -> list[Any]:
    """The CustomResourceDefinitions in a file or anywhere under a directory. Files that are not
    YAML are an error, unless `lenient` (a whole repository's files, where any may be a template)."""
    from kustomize_py.validate.crds import is_crd

    found: list[Any] = []
    for name in manifest_files(path):
        with open(name, "rb") as f:
            data = f.read()
        if b"CustomResourceDefinition" not in data:
            continue
        try:
            docs = read_manifests(data, name)
        except KpyError:
            if lenient:
                continue
            raise
        found.extend(d for d in docs if is_crd(d))
    return found
