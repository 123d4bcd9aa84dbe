"""Every hint quotes the seed verbatim, and every hint of the seed is in the catalog.

The seed page lives outside the project (../shared/seeds); these tests skip,
saying so, where it is absent.
"""

from __future__ import annotations

from functools import cache

import pytest

from hint2policy.catalog import Entry, load_catalog
from tests.conftest import HINTS, REPO

SEED = REPO.parent / "shared" / "seeds" / "000_3e0fecb3d81a61c2.txt"
# Lines of the seed that give no advice of their own: the page's introduction,
# sub-headings inside a list, and a line of an example.
NOT_HINTS = (
    "The Official Istio FAQ is a great starting point.",
    "Hostname",
    "Address",
    "- # import all hosts from any namespace that match this pattern",
)

needs_seed = pytest.mark.skipif(not SEED.is_file(), reason=f"the seed page is absent: {SEED} (it lives in ../shared)")


def _collapse(text: str) -> str:
    return " ".join(text.split())


@cache
def _seed() -> str:
    return SEED.read_text(encoding="utf-8")


def _quotes(entry: Entry) -> list[str]:
    quote = entry.spec["source"]["quote"]
    return [quote] if isinstance(quote, str) else list(quote)


@cache
def _entries() -> tuple[Entry, ...]:
    catalog = load_catalog([HINTS])
    assert not catalog.errors, catalog.errors
    return tuple(catalog.entries())


def _seed_hints() -> list[str]:
    """Each bullet of the seed, and each paragraph of its Common Problems sections."""
    units = []
    for line in _seed().splitlines():
        text = line.strip()
        if text.startswith("•"):
            text = text[1:].strip()
        elif len(text) <= 60:
            continue  # headings and short lines; bullets are caught above
        if text and not text.startswith(NOT_HINTS):
            units.append(_collapse(text))
    return units


@needs_seed
def test_every_quote_is_verbatim_in_the_seed() -> None:
    seed = _collapse(_seed())
    missing = [(e.id, q) for e in _entries() for q in _quotes(e) if _collapse(q) not in seed]
    assert not missing, f"quotes not found verbatim in {SEED.name}: {missing}"


@needs_seed
def test_every_section_is_a_heading_of_the_seed() -> None:
    headings = {line.strip() for line in _seed().splitlines()}
    wrong = [(e.id, e.spec["source"]["section"]) for e in _entries() if e.spec["source"]["section"] not in headings]
    assert not wrong, f"source.section must be a line of the seed, as written: {wrong}"


@needs_seed
def test_every_hint_of_the_seed_is_in_the_catalog() -> None:
    quotes = [_collapse(q) for e in _entries() for q in _quotes(e)]
    uncovered = [unit for unit in _seed_hints() if not any(q in unit for q in quotes)]
    assert not uncovered, f"hints of the seed that no catalog entry quotes: {uncovered}"


def test_category_is_the_slug_of_the_section() -> None:
    def slug(section: str) -> str:
        words = "".join(c if c.isalnum() else " " for c in section.lower().replace("&", " and "))
        return "-".join(words.split())

    wrong = [(e.id, e.spec["category"]) for e in _entries() if e.spec["category"] != slug(e.spec["source"]["section"])]
    assert not wrong, wrong
