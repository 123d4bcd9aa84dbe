"""Read Kubernetes manifests to check: files of YAML documents, `kind: List` flattened.

Nothing is dropped silently: a document that is not a Kubernetes object is
kept as a skip with its reason, and a file that is not YAML is an error
naming file and line while the other files are still read.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import yaml

from hint2policy.kube import CLUSTER_SCOPED, DEFAULT_NAMESPACE, string_keys
from hint2policy.load.yamlpos import FastLoader

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")

# Limits that keep one hostile file from taking the run down; each is a per-file error.
MAX_FILE_BYTES = 64 * 1024 * 1024  # manifests, not data dumps
MAX_DEPTH = 100  # nesting of mappings and sequences (deeper crashes recursive code; Kubernetes goes ~30 deep)
MAX_ALIAS_VALUES = 100_000  # values that aliases repeat beyond the document's own ("billion laughs")


@dataclass(frozen=True)
class Manifest:
    """One Kubernetes object, and where it was read from (document index from 1)."""

    obj: dict[str, Any]
    file: Path
    document: int
    defaulted_namespace: bool = False  # the file named no namespace; the object was placed in default
    line: int = 1  # where its document starts

    @property
    def identity(self) -> tuple[str, str, str]:
        meta = self.obj["metadata"]
        return self.obj["kind"], meta.get("namespace", ""), meta["name"]


@dataclass(frozen=True)
class Problem:
    file: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


STDIN = Path("-")


@dataclass
class Manifests:
    files: int = 0
    documents: int = 0  # YAML documents that hold something (a `kind: List` is one)
    objects: list[Manifest] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)  # documents that are not Kubernetes objects
    errors: list[Problem] = field(default_factory=list)  # files that could not be read


def manifest_files(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and the manifest files under directories, recursively, sorted."""
    files: list[Path] = []
    for path in paths:
        if path == STDIN:
            files.append(path)
        elif path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in MANIFEST_SUFFIXES and p.is_file()))
        else:
            files.append(path)
    return files


def load_manifests(paths: Iterable[Path], stdin: TextIO | None = None) -> Manifests:
    """Every object in paths; the path `-` reads stdin (helm template . | hint2policy check -)."""
    found = Manifests()
    for file in manifest_files(paths):
        found.files += 1
        _load_file(file, found, stdin)
    return found


def _load_file(file: Path, found: Manifests, stdin: TextIO | None) -> None:
    try:
        text = (stdin or sys.stdin).read() if file == STDIN else _read(file)
        documents = _documents(text)
    except OSError as exc:
        found.errors.append(Problem(file, 1, f"cannot read: {exc.strerror or exc}"))
        return
    except yaml.YAMLError as exc:
        found.errors.append(Problem(file, _error_line(exc, text), f"not valid YAML: {exc}"))
        return
    except Refused as exc:
        found.errors.append(Problem(file, exc.line, exc.message))
        return
    for index, (line, doc) in enumerate(documents, 1):
        if doc is None:
            continue
        found.documents += 1
        for obj in _flatten(doc):
            reason = _not_an_object(obj)
            if reason:
                found.skipped.append(Problem(file, line, f"document {index}: {reason}"))
            else:
                found.objects.append(manifest(obj, file, index, line))


class Refused(Exception):
    """A file or document that is read as an error, at a line: too large, too deep, or with no JSON form."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _read(file: Path) -> str:
    if file.stat().st_size > MAX_FILE_BYTES:
        raise Refused(1, f"file too large: more than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    data = file.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise Refused(line, f"not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start}") from None


def _error_line(exc: yaml.YAMLError, text: str) -> int:
    mark = getattr(exc, "problem_mark", None)
    if mark is not None:
        return mark.line + 1
    position = getattr(exc, "position", None)  # a reader error: a character YAML does not allow
    return text[:position].count("\n") + 1 if isinstance(position, int) else 1


class _Loader(FastLoader):  # type: ignore[misc,valid-type]
    """YAML as Kubernetes reads it (sigs.k8s.io/yaml): every value has a JSON form.

    A timestamp stays the text it was written as, !!binary is its decoded text,
    a !!set is a mapping to nulls and !!omap/!!pairs a list of one-key mappings;
    PyYAML would give Python dates, bytes, sets and tuples, which the engines
    would each print differently (or not at all).
    """


def _text(loader: Any, node: yaml.ScalarNode) -> str:
    return str(node.value)


def _binary(loader: Any, node: yaml.ScalarNode) -> str:
    data = yaml.SafeLoader.construct_yaml_binary(loader, node)
    return data.decode("utf-8", errors="replace")


def _set(loader: Any, node: yaml.MappingNode) -> dict[Any, None]:
    return {loader.construct_object(key, deep=True): None for key, _ in node.value}


def _pairs(loader: Any, node: yaml.SequenceNode) -> list[dict[Any, Any]]:
    if not all(isinstance(item, yaml.MappingNode) for item in node.value):
        return loader.construct_sequence(node, deep=True)
    return [loader.construct_mapping(item, deep=True) for item in node.value]


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _text)
_Loader.add_constructor("tag:yaml.org,2002:binary", _binary)
_Loader.add_constructor("tag:yaml.org,2002:set", _set)
_Loader.add_constructor("tag:yaml.org,2002:omap", _pairs)
_Loader.add_constructor("tag:yaml.org,2002:pairs", _pairs)

_NOT_FINITE = re.compile(r"^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$")
_FLOAT = "tag:yaml.org,2002:float"


def _documents(text: str) -> list[tuple[int, Any]]:
    """Each YAML document of text with the line it starts on (JSON is YAML too)."""
    if len(text) > MAX_FILE_BYTES:  # characters: at least as many bytes
        raise Refused(1, f"too large: more than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    loader = _Loader(text)
    try:
        found = []
        while loader.check_node():
            node = loader.get_node()
            _check_shape(node)  # before constructing: aliases are shared until something copies them
            found.append((node.start_mark.line + 1, loader.construct_document(node)))
        return found
    finally:
        loader.dispose()


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_scalar(node: yaml.Node) -> None:
    if not isinstance(node, yaml.ScalarNode):
        return
    line = node.start_mark.line + 1
    if node.tag == _FLOAT and _NOT_FINITE.match(node.value):
        raise Refused(line, f"{node.value} is not a number JSON can hold (Kubernetes objects are JSON)")
    if "\0" in node.value:
        # rego-cpp (the embedded engine) ends a string at a NUL, so the engines would judge different text
        raise Refused(line, "a string holds a NUL character (\\0)")


def _check_shape(root: yaml.Node) -> None:
    """Refuse a document nested deeper than MAX_DEPTH, that holds itself, whose aliases expand too far,
    or with a value that has no JSON form.

    An alias is the very node it names, so the node graph is walked once per
    node (iteratively), counting each node's expanded size from its children's.
    """
    size: dict[int, int] = {}  # id(node) -> values it stands for once expanded
    height: dict[int, int] = {}  # id(node) -> levels it holds, itself included
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            children = _children(node)
            size[key] = 1 + sum(size[id(child)] for child in children)
            height[key] = 1 + max((height[id(child)] for child in children), default=0)
            continue
        if key in on_path:
            raise Refused(node.start_mark.line + 1, "not a tree: an alias refers to a value that contains it")
        if depth + height.get(key, 1) - 1 > MAX_DEPTH:
            raise Refused(node.start_mark.line + 1, f"nested more than {MAX_DEPTH} levels deep")
        if key in size:
            continue  # an alias of a value already measured
        _check_scalar(node)
        on_path.add(key)
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in _children(node))
    repeated = size[id(root)] - len(size)
    if repeated > MAX_ALIAS_VALUES:
        raise Refused(
            root.start_mark.line + 1,
            f"aliases expand the document by {repeated} values (limit {MAX_ALIAS_VALUES}): refusing an alias bomb",
        )


def _flatten(doc: Any) -> list[Any]:
    if isinstance(doc, dict) and doc.get("kind") == "List" and isinstance(doc.get("items"), list):
        return list(doc["items"])
    return [doc]


def _not_an_object(doc: Any) -> str | None:
    if not isinstance(doc, dict):
        return "not a Kubernetes object (not a mapping)"
    for key in ("apiVersion", "kind"):
        if not isinstance(doc.get(key), str) or not doc[key]:
            return f"not a Kubernetes object (no {key})"
    meta = doc.get("metadata")
    if not isinstance(meta, dict) or not isinstance(meta.get("name"), str) or not meta["name"]:
        return f"{doc['kind']} without metadata.name"
    if meta.get("namespace") is not None and not isinstance(meta["namespace"], str):
        return f"{doc['kind']} {meta['name']}: metadata.namespace is not a string"
    return None


def manifest(obj: dict[str, Any], file: Path, document: int, line: int = 1) -> Manifest:
    """A Manifest of obj (keys as strings), in the default namespace when it is namespaced and names none."""
    obj = string_keys(obj)
    if obj["kind"] in CLUSTER_SCOPED or obj["metadata"].get("namespace"):
        return Manifest(obj, file, document, line=line)
    obj = {**obj, "metadata": {**obj["metadata"], "namespace": DEFAULT_NAMESPACE}}
    return Manifest(obj, file, document, defaulted_namespace=True, line=line)
