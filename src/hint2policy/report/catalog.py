"""Render the catalog for `hint2policy list`: an aligned table or versioned JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence

from hint2policy.catalog import Entry
from hint2policy.engines.table import TARGETS

JSON_VERSION = 1
COLUMNS = ("id", "status", "severity", "action", "category", "istioctl", "title")


def engines_of(entry: Entry) -> tuple[str, ...]:
    """The engines a hint is compiled to: all of them when enforced, none otherwise."""
    return TARGETS if entry.status == "enforced" else ()


def row(entry: Entry) -> dict[str, object]:
    spec = entry.spec
    return {
        "id": entry.id,
        "status": entry.status,
        "severity": spec["severity"],
        "action": spec.get("action"),
        "category": spec["category"],
        "section": spec["source"]["section"],
        "istioctl": list((spec.get("istioctl") or {}).get("codes", [])),
        "engines": list(engines_of(entry)),
        "title": spec["title"],
    }


def table(entries: Sequence[Entry]) -> str:
    rows = [row(e) for e in entries]
    cells = [[_cell(r[c]) for c in COLUMNS] for r in rows]
    widths = [max([len(c)] + [len(line[i]) for line in cells]) for i, c in enumerate(COLUMNS)]
    lines = ["  ".join(c.upper().ljust(w) for c, w in zip(COLUMNS, widths, strict=True)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip() for line in cells]
    return "\n".join(lines) + f"\n\n{summary(entries)}\n"


def _cell(value: object) -> str:
    if value is None or value == []:
        return "-"
    return ",".join(value) if isinstance(value, list) else str(value)


def summary(entries: Sequence[Entry]) -> str:
    counts = {s: sum(e.status == s for e in entries) for s in ("enforced", "planned", "advisory")}
    return f"{len(entries)} hints: " + ", ".join(f"{n} {s}" for s, n in counts.items())


def to_json(entries: Sequence[Entry]) -> str:
    return json.dumps({"version": JSON_VERSION, "hints": [row(e) for e in entries]}, indent=2) + "\n"
