"""The generated docs and `hint2policy list`: deterministic, escaped, filtered."""

from __future__ import annotations

import json
from pathlib import Path

from hint2policy.catalog import load_catalog
from hint2policy.render import markdown
from hint2policy.render.docs import build_docs
from tests.conftest import HINTS, REPO, invoke


def test_docs_are_byte_stable_and_committed(cli) -> None:
    catalog = load_catalog([HINTS])
    assert build_docs(catalog) == build_docs(load_catalog([HINTS]))
    result = invoke(cli, "docs", "--check", "--out", str(REPO / "docs"))
    assert result.exit_code == 0, result.output


def test_docs_check_names_stale_files(cli, tmp_path: Path) -> None:
    out = tmp_path / "docs"
    assert invoke(cli, "docs", "--out", str(out)).exit_code == 0
    page = next((out / "hints").glob("*.md"))
    page.write_text(page.read_text() + "hand edit\n")
    (out / "stray.md").write_text("x\n")
    result = invoke(cli, "docs", "--check", "--out", str(out))
    assert result.exit_code == 1
    assert f"{page.name}: changed" in result.output and "stray.md: not generated (stale)" in result.output


def test_catalog_has_a_row_and_a_page_per_hint() -> None:
    catalog = load_catalog([HINTS])
    docs = build_docs(catalog)
    rows = [line for line in docs["catalog.md"].splitlines() if line.startswith("| [")]
    assert len(rows) == len(catalog.entries())
    assert {f"hints/{e.id}.md" for e in catalog.entries()} == set(docs) - {"catalog.md"}
    for entry in catalog.entries():
        page = docs[f"hints/{entry.id}.md"]
        assert "## From the seed" in page and "## What to do" in page
        if entry.status == "enforced":
            assert "A failing example" in page and "A passing example" in page and "## Generated policies" in page
        else:
            assert "## Why there is no policy" in page


def test_markdown_escaping_keeps_tables_and_angle_brackets() -> None:
    assert markdown.cell("a | b\n<namespace>") == "a \\| b &lt;namespace&gt;"
    assert markdown.cell_code("x|y") == "`x\\|y`"
    assert markdown.code("a`b") == "``a`b``"
    body = "```yaml\nx: 1\n```"
    assert markdown.fence(body, "md").startswith("````md\n")


def test_list_prints_every_hint_and_filters(cli) -> None:
    entries = load_catalog([HINTS]).entries()
    result = invoke(cli, "list", "--output", "json")
    assert result.exit_code == 0
    listed = json.loads(result.output)
    assert listed["version"] == 1 and [h["id"] for h in listed["hints"]] == [e.id for e in entries]

    high = json.loads(invoke(cli, "list", "-o", "json", "--severity", "high").output)["hints"]
    assert high and {h["severity"] for h in high} == {"high"}
    assert len(high) == sum(e.spec["severity"] == "high" for e in entries)

    kyverno = json.loads(invoke(cli, "list", "-o", "json", "--engine", "kyverno").output)["hints"]
    assert {h["status"] for h in kyverno} == {"enforced"}

    category = entries[0].spec["category"]
    table = invoke(cli, "list", "--category", category).output
    assert all(e.id in table for e in entries if e.spec["category"] == category)
    assert not any(f"{e.id} " in table for e in entries if e.spec["category"] != category)


def test_list_rejects_unknown_filter_values(cli) -> None:
    result = invoke(cli, "list", "--engine", "opa-server")
    assert result.exit_code == 2 and "unknown value 'opa-server'" in result.output
