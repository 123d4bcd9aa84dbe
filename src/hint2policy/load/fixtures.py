"""Fixture manifests: pass-*.yaml must not be flagged, fail-*.yaml must be."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from hint2policy.errors import SpecError
from hint2policy.kube import string_keys
from hint2policy.load.manifests import Refused, read_documents

Verdict = Literal["pass", "fail"]
FIXTURE_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Fixture:
    """One fixture file of a hint and the Kubernetes objects it holds."""

    path: Path
    verdict: Verdict
    objects: tuple[dict[str, Any], ...]

    @property
    def stem(self) -> str:
        return self.path.stem


def load_fixtures(folder: Path) -> list[Fixture]:
    """Every fixture file in folder, in name order."""
    if not folder.is_dir():
        return []
    files = sorted(p for p in folder.iterdir() if p.suffix in FIXTURE_SUFFIXES)
    return [_load_fixture(p) for p in files]


def _load_fixture(path: Path) -> Fixture:
    verdict = _verdict(path)
    try:  # a fixture is a manifest: read as `check` reads one (duplicate keys, limits, JSON-only values)
        documents = read_documents(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise SpecError(path, mark.line + 1 if mark else 1, "<manifest>", str(exc.problem)) from None
    except Refused as exc:
        raise SpecError(path, exc.line, "<manifest>", exc.message) from None
    objects = []
    for index, (_, doc) in enumerate(documents):
        if doc is None:
            continue
        if isinstance(doc, Refused):
            raise SpecError(path, doc.line, f"document {index + 1}", doc.message)
        _check_object(path, index, doc)
        objects.append(string_keys(doc))
    if not objects:
        raise SpecError(path, 1, "<manifest>", "fixture holds no Kubernetes object")
    return Fixture(path, verdict, tuple(objects))


def _verdict(path: Path) -> Verdict:
    for verdict in ("pass", "fail"):
        if path.name.startswith(f"{verdict}-"):
            return verdict  # type: ignore[return-value]
    raise SpecError(path, 1, "<file name>", "fixture names start with 'pass-' or 'fail-'")


def _check_object(path: Path, index: int, doc: Any) -> None:
    where = f"document {index + 1}"
    if not isinstance(doc, dict):
        raise SpecError(path, 1, where, "a fixture document must be a Kubernetes object")
    for key in ("apiVersion", "kind"):
        if not isinstance(doc.get(key), str) or not doc[key]:
            raise SpecError(path, 1, where, f"{key} is required")
    metadata = doc.get("metadata")
    if not isinstance(metadata, dict) or not isinstance(metadata.get("name"), str):
        raise SpecError(path, 1, where, "metadata.name is required")
