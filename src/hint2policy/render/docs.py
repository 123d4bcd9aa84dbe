"""Docs target: docs/catalog.md (one row per hint) and one page per hint.

Like generated/, the docs are a pure function of the catalog: written by
`hint2policy docs` and checked for drift by `hint2policy docs --check`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from hint2policy.catalog import Catalog, Entry, Hint
from hint2policy.engines.table import TARGETS, target_display
from hint2policy.generate import conftest_path, library_path
from hint2policy.load.fixtures import Fixture
from hint2policy.render.environment import render
from hint2policy.render.exemption import EXEMPT_ANNOTATION, exemption_metadata

ENGINES = tuple(target_display(t) for t in TARGETS)  # what an enforced hint is compiled to
STATUS_ORDER = ("enforced", "planned", "advisory")


@dataclass(frozen=True)
class Page:
    """What one hint's page shows, ready for the template."""

    entry: Entry
    spec: dict[str, Any]
    quotes: list[str]
    parameters: list[dict[str, Any]]
    check: str
    examples: list[tuple[str, str, str]]  # (verdict, file name, manifest)
    policies: list[tuple[str, str]]  # (label, path relative to the page)

    @property
    def engines(self) -> str:
        return ", ".join(ENGINES) if self.entry.status == "enforced" else "none"


def _quotes(spec: dict[str, Any]) -> list[str]:
    quote = spec["source"]["quote"]
    return [quote] if isinstance(quote, str) else list(quote)


def _examples(entry: Entry) -> list[tuple[str, str, str]]:
    if not isinstance(entry, Hint):
        return []
    found = []
    for verdict in ("fail", "pass"):
        # the first fixture that shows the hint itself, not an exemption from it
        first = next((f for f in entry.fixtures if f.verdict == verdict and not _exempting(f)), None)
        if first is not None:
            found.append((verdict, first.path.name, first.path.read_text(encoding="utf-8")))
    return found


def _exempting(fixture: Fixture) -> bool:
    return any(
        any(EXEMPT_ANNOTATION in (m or {}).get("annotations", {}) for m in exemption_metadata(o))
        for o in fixture.objects
    )


def _policies(entry: Entry) -> list[tuple[str, str]]:
    if not isinstance(entry, Hint):
        return []
    up = "../../generated"
    return [
        ("Rego library (conftest and Gatekeeper)", f"{up}/{library_path(entry)}"),
        ("conftest policy", f"{up}/{conftest_path(entry)}"),
        ("Gatekeeper ConstraintTemplate", f"{up}/gatekeeper/{entry.id}/template.yaml"),
        ("Gatekeeper Constraint", f"{up}/gatekeeper/{entry.id}/constraint.yaml"),
        ("gator suite", f"{up}/gatekeeper/{entry.id}/suite.yaml"),
        ("Kyverno ClusterPolicy", f"{up}/kyverno/{entry.id}/policy.yaml"),
        ("Kyverno test", f"{up}/kyverno/{entry.id}/kyverno-test.yaml"),
    ]


def page(entry: Entry) -> Page:
    spec = entry.spec
    parameters = [
        {"name": name, "description": p["description"], "default": p["default"], "schema": p["schema"]}
        for name, p in sorted((spec.get("parameters") or {}).items())
    ]
    check = yaml.safe_dump(spec["check"], sort_keys=False, allow_unicode=True, width=100) if "check" in spec else ""
    return Page(entry, spec, _quotes(spec), parameters, check, _examples(entry), _policies(entry))


def _order(entry: Entry) -> tuple[str, int, str]:
    return entry.spec["category"], STATUS_ORDER.index(entry.status), entry.id


def build_docs(catalog: Catalog) -> dict[str, str]:
    """docs/ as {path relative to docs/: text}, sorted by path."""
    pages = [page(e) for e in sorted(catalog.entries(), key=_order)]
    files = {f"hints/{p.entry.id}.md": render("docs/hint.md.j2", page=p) for p in pages}
    files["catalog.md"] = render("docs/catalog.md.j2", pages=pages, counts=_counts(pages))
    return dict(sorted(files.items()))


def _counts(pages: Sequence[Page]) -> dict[str, int]:
    return {status: sum(p.entry.status == status for p in pages) for status in STATUS_ORDER}
