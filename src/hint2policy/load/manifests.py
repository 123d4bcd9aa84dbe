"""Read Kubernetes manifests to check: files of YAML documents, `kind: List` flattened.

Nothing is dropped silently: a document that is not a Kubernetes object is
kept as a skip with its reason, and a file that is not YAML is an error
naming file and line while the other files are still read.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import yaml

from hint2policy.kube import CLUSTER_SCOPED, DEFAULT_NAMESPACE, string_keys
from hint2policy.load.yamlpos import FastLoader

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


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
        text = (stdin or sys.stdin).read() if file == STDIN else file.read_text(encoding="utf-8")
        documents = _documents(text)
    except (OSError, UnicodeDecodeError) as exc:
        found.errors.append(Problem(file, 1, f"cannot read: {exc}"))
        return
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        found.errors.append(Problem(file, mark.line + 1 if mark else 1, f"not valid YAML: {exc}"))
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


def _documents(text: str) -> list[tuple[int, Any]]:
    """Each YAML document of text with the line it starts on (JSON is YAML too)."""
    loader = FastLoader(text)
    try:
        found = []
        while loader.check_node():
            node = loader.get_node()
            found.append((node.start_mark.line + 1, loader.construct_document(node)))
        return found
    finally:
        loader.dispose()


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
    return None


def manifest(obj: dict[str, Any], file: Path, document: int, line: int = 1) -> Manifest:
    """A Manifest of obj (keys as strings), in the default namespace when it is namespaced and names none."""
    obj = string_keys(obj)
    if obj["kind"] in CLUSTER_SCOPED or obj["metadata"].get("namespace"):
        return Manifest(obj, file, document, line=line)
    obj = {**obj, "metadata": {**obj["metadata"], "namespace": DEFAULT_NAMESPACE}}
    return Manifest(obj, file, document, defaulted_namespace=True, line=line)
