"""Read Kubernetes manifests to check: files of YAML documents, `kind: List` flattened.

Nothing is dropped silently: a document that is not a Kubernetes object is
kept as a skip with its reason, and a file that is not YAML is an error
naming file and line while the other files are still read.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import re
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
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
    """Every object in paths, in order; the path `-` reads stdin (helm template . | hint2policy check -).

    Past PARALLEL_BYTES the files are shared out, in runs, between this process and a worker per
    further core: reading YAML is Python's part of a check (1.4 s of 10,000 objects, 8 s of 50,000).
    """
    files = manifest_files(paths)
    runs = _runs(files, os.cpu_count() or 1) if STDIN not in files else [files]
    if len(runs) == 1:
        return _load_files(files, stdin)
    # spawn, not fork: the caller may run threads; a worker imports this module alone (0.1 s)
    context = multiprocessing.get_context("spawn")
    with _collector_paused(), ProcessPoolExecutor(max_workers=len(runs) - 1, mp_context=context) as pool:
        others = [pool.submit(_load_files, run) for run in runs[1:]]
        found = _load_files(runs[0])
        for run, other in zip(runs[1:], others, strict=True):
            _merge(found, _result(other, run))
    return found


def _result(future: Future[Manifests], files: list[Path]) -> Manifests:
    """A worker's reading of files, or this process's where the worker could not start or died
    (a __main__ that spawn cannot import again, a worker killed): slower, never lost."""
    try:
        return future.result()
    except (BrokenProcessPool, OSError):
        return _load_files(files)


# Measured on the generated meshes (2 cores): starting a worker and sending its objects back costs
# about 0.25 s, which pays from a few MB of YAML on (10,000 objects, 3 MB: 1.4 s -> 0.9 s).
PARALLEL_BYTES = 2 * 1024 * 1024


def _runs(files: list[Path], workers: int) -> list[list[Path]]:
    """files in consecutive runs of about equal bytes, one per worker; one run when small."""
    sizes = [_size(file) for file in files]
    total = sum(sizes)
    count = min(workers, len(files)) if total >= PARALLEL_BYTES else 1
    if count <= 1:
        return [files]
    runs: list[list[Path]] = [[]]
    done = 0
    for file, size in zip(files, sizes, strict=True):
        if done >= total * len(runs) / count and len(runs) < count:
            runs.append([])
        runs[-1].append(file)
        done += size
    return runs


def _size(file: Path) -> int:
    try:
        return file.stat().st_size
    except OSError:
        return 0  # reported when read


def _load_files(files: list[Path], stdin: TextIO | None = None) -> Manifests:
    found = Manifests()
    # the objects read hold no cycles, and each collection would rescan all of them (50,000 objects: 8 s -> 7 s)
    with _collector_paused():
        for file in files:
            found.files += 1
            _load_file(file, found, stdin)
    return found


def _merge(found: Manifests, more: Manifests) -> None:
    found.files += more.files
    found.documents += more.documents
    found.objects += more.objects
    found.skipped += more.skipped
    found.errors += more.errors


@contextmanager
def _collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load_file(file: Path, found: Manifests, stdin: TextIO | None) -> None:
    try:
        text = (stdin or sys.stdin).read() if file == STDIN else _read(file)
        documents = read_documents(text)
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
        if isinstance(doc, Refused):  # this document only: the others of the file are still checked
            found.errors.append(Problem(file, doc.line, f"document {index}: {doc.message}"))
            continue
        for obj in _flatten(doc):
            reason = _not_an_object(obj)
            if reason:
                found.skipped.append(Problem(file, line, f"document {index}: {reason}"))
            else:
                found.objects.append(manifest(obj, file, index, line))


class Refused(Exception):
    """A file or document that is read as an error, at a line: too large, too deep, a key named twice,
    or with no JSON form."""

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
    would each print differently (or not at all). Merge keys are applied in
    sigs.k8s.io/yaml's order, not PyYAML's (see _merged).
    """

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        node.value = _merged(node)


_MERGE = "tag:yaml.org,2002:merge"


def _merged(node: yaml.MappingNode) -> list[tuple[yaml.Node, yaml.Node]]:
    """The pairs of node with its merge keys (`<<`) replaced by what they bring, to be set in order, last wins.

    That is how sigs.k8s.io/yaml (go-yaml v2, as `kubectl apply -f` reads) applies them: in document order,
    so a key after a `<<` overrides what it merged and a key before it does not, a second `<<` overrides
    the first, and in a list `<<: [*a, *b]` the first mapping wins. PyYAML instead lets the mapping's own keys
    always win and, between merged mappings, decides by whether two key strings are the same object.
    """
    pairs: list[tuple[yaml.Node, yaml.Node]] = []
    for key_node, value_node in node.value:
        if key_node.tag != _MERGE:
            pairs.append((key_node, value_node))
            continue
        sources = value_node.value[::-1] if isinstance(value_node, yaml.SequenceNode) else [value_node]
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"expected a mapping or list of mappings for merging, but found {source.id}",
                    source.start_mark,
                )
            pairs.extend(_merged(source))
    return pairs


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


def read_documents(text: str) -> list[tuple[int, Any]]:
    """Each YAML document of text with the line it starts on (JSON is YAML too), as Kubernetes reads it.

    A document refused on its own (a duplicate key, too deep, ...) is its Refused;
    a file that is too large is refused whole, and a YAML syntax error raises.
    """
    if len(text) > MAX_FILE_BYTES:  # characters: at least as many bytes
        raise Refused(1, f"too large: more than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    loader = _Loader(text)
    try:
        found = []
        while loader.check_node():
            node = loader.get_node()
            found.append((node.start_mark.line + 1, _document(loader, node)))
        return found
    finally:
        loader.dispose()


def _document(loader: Any, node: yaml.Node) -> Any:
    """The value of one document, or the Refused that says why it has none."""
    try:
        _check_shape(loader, node)  # before constructing: aliases are shared until something copies them
    except Refused as exc:
        return exc
    try:
        return loader.construct_document(node)
    except (ValueError, LookupError, TypeError) as exc:  # PyYAML's constructors on `!!int abc`, `!!bool maybe`, `!!int`
        # what construct_document resets when it ends, so the next document starts clean
        loader.constructed_objects, loader.recursive_objects, loader.state_generators = {}, {}, []
        loader.deep_construct = False
        return Refused(node.start_mark.line + 1, f"a value does not match its tag ({type(exc).__name__}: {exc})")


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


# A mapping that names one key twice is refused, as Kubernetes' strict readers refuse it: the API server
# under fieldValidation=Strict (kubectl's default) reads a YAML body with sigs.k8s.io/yaml's YAMLToJSONStrict
# (`key "x" already set in map`) and a JSON one with sigs.k8s.io/json's (`duplicate field "x"`); kustomize
# (kubectl -k) reads with yaml.v3 (`mapping key "x" already defined at line N`). A lenient reader (`kubectl
# apply -f` turns YAML into JSON before sending it) keeps the last value without a word, and the engines
# would judge a value the author may not have meant. Keys compare by the JSON field they become, as
# every engine and the cluster get: `1` and `"1"` are one key. sigs.k8s.io/yaml's strict check lets that pair
# through (an int and a string), then its JSON conversion keeps one of the two, which one undefined (a Go
# map); yaml.v3 refuses the pair (same text). Keys Python reads as equal (`1`, `1.0`, `true`) are one key
# too, or constructing the mapping would drop one silently.
# A merge key (`<<`) is not a key of its mapping: what it brings may be overridden (see _merged), and two
# `<<` may bring the same key, as sigs.k8s.io/yaml's ordinary reading (`kubectl apply -f`) allows. Its strict
# reading refuses any key set twice, merged ones too; overriding a merged key is what `<<` is used for.
_STR = "tag:yaml.org,2002:str"
_KEY_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "binary")}


def _check_keys(loader: Any, node: yaml.Node) -> None:
    if not isinstance(node, yaml.MappingNode):
        return
    texts = {k.value for k, _ in node.value if k.tag == _STR and isinstance(k, yaml.ScalarNode)}
    if len(texts) == len(node.value):  # nearly every mapping: distinct plain keys, each its own field
        return
    first: dict[tuple[str, Any], int] = {}  # ("field", JSON name) and ("value", Python key) -> line
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE:
            continue  # a mapping or list as a key has no JSON form: constructing the document refuses it
        if key_node.tag == _STR:  # nearly every key: the text is the key and its JSON field
            key = field = key_node.value
        else:
            key = _key(loader, key_node)
            field = _field_name(key)
        line = key_node.start_mark.line + 1
        seen = (("field", field), ("value", key))
        for name in seen:
            if name in first:
                shown = json.dumps(key_node.value, ensure_ascii=False)
                raise Refused(line, f"mapping key {shown} already defined at line {first[name]}")
        for name in seen:
            first[name] = line


def _key(loader: Any, node: yaml.ScalarNode) -> Any:
    """The key as the loader reads it (its text when the tag is one a key cannot sensibly have)."""
    if node.tag not in _KEY_TAGS:
        return node.value
    try:
        return loader.yaml_constructors[node.tag](loader, node)
    except (ValueError, LookupError, yaml.YAMLError):  # `!!int abc`: constructing the document refuses it
        return node.value


def _field_name(key: Any) -> str:
    """The JSON field the key becomes (string_keys, as the engines get it)."""
    return next(iter(string_keys({key: None})))


def _check_shape(loader: Any, root: yaml.Node) -> None:
    """Refuse a document nested deeper than MAX_DEPTH, that holds itself, whose aliases expand too far,
    that names a key twice in a mapping, or with a value that has no JSON form."""
    if not _check_tree(loader, root):
        _check_graph(loader, root)


def _check_tree(loader: Any, root: yaml.Node) -> bool:
    """_check_shape for a document without aliases, nearly every one: a tree, so it cannot hold itself or
    expand, and a node's depth is where it is met. False when a node is met twice (an alias).

    Nodes are met in _check_graph's order and checked as it checks them on first meeting, so a refusal
    raised here, before any alias is met, is the one _check_graph would raise first.
    """
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            return False
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise Refused(node.start_mark.line + 1, f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, yaml.ScalarNode):
            _check_scalar(node)
            continue
        _check_keys(loader, node)
        stack.extend((child, depth + 1) for child in reversed(_children(node)))
    return True


def _check_graph(loader: Any, root: yaml.Node) -> None:
    """_check_shape for any document. An alias is the very node it names, so the node graph is walked
    once per node (iteratively), counting each node's expanded size from its children's."""
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
        _check_keys(loader, node)
        on_path.add(key)
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in reversed(_children(node)))  # in document order
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
