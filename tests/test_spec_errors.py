"""A malformed hint gets one clear line naming file, line and field; the others still load."""

from __future__ import annotations

from pathlib import Path

import pytest

from hint2policy.catalog import load_catalog
from tests.conftest import invoke


def _edit(folder: Path, old: str, new: str) -> None:
    spec = folder / "hint.yaml"
    text = spec.read_text()
    assert old in text, f"{old!r} not in {spec}"
    spec.write_text(text.replace(old, new, 1))


def _line_of(folder: Path, needle: str) -> int:
    return next(i for i, line in enumerate((folder / "hint.yaml").read_text().splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "needle", "field", "message"),
    [
        ("severity: medium", "severity: 3", "severity:", "severity", "3 is not one of"),
        (
            'message: "Service',
            'message: "two\\nlines Service',
            "message:",
            "message",
            "does not match",
        ),
        (
            "title: Use ServiceEntries instead of ExternalName Services",
            'title: "\\ud83d lone surrogate"',
            "title:",
            "title",
            "does not match",
        ),
        (
            "  path: spec.type\n",
            "  path: spec.type\n  spce: x\n",
            "spce:",
            "check.spce",
            "unknown field 'spce'",
        ),
        (
            "  notEquals: ExternalName",
            "  matches: 'External(Name'",
            "matches:",
            "check.matches",
            "is not a valid RE2 regular expression",
        ),
        (
            "  notEquals: ExternalName",
            "  matches: '(?=lookahead)'",
            "matches:",
            "check.matches",
            "is not a valid RE2",
        ),
        ("  path: spec.type", "  path: $svc.type", "path:", "check.path", "unknown variable $svc"),
        ("  path: spec.type", "  path: spec.ports[$port]", "path:", "check.path", "unknown variable $port"),
        (
            "  notEquals: ExternalName",
            "  matches: {format: '{namespace}'}",
            "format:",
            "check.matches.format",
            "works with equals, startsWith, endsWith, contains",
        ),
        (
            "  notEquals: ExternalName",
            "  equals: {format: 'no placeholder'}",
            "format:",
            "check.equals.format",
            "needs at least one {placeholder}",
        ),
        (
            "  notEquals: ExternalName",
            "  equals: {format: '{$other}'}",
            "format:",
            "check.equals.format",
            "unknown variable $other",
        ),
        (
            '    - {group: "", kind: Service}',
            '    - {group: "", kind: Namespace}',
            "excludedNamespaces",
            "match.excludedNamespaces",
            "Namespace has no namespace",
        ),
        ("action: deny", "status: advisory\naction: deny", "id:", "<spec>", "'reason' is required"),
        (
            "action: deny",
            "status: planned\nreason: needs two resources\naction: deny",
            "action: deny",
            "action",
            "a planned hint has no policy: remove action",
        ),
        ("action: deny", "reason: why not\naction: deny", "reason:", "reason", "an enforced hint has none"),
        (
            "  notEquals: ExternalName",
            "  notEquals: ExternalName\n  equals: ClusterIP",
            "check",
            "check",
            "exactly one operator",
        ),
    ],
)
def test_bad_spec_names_file_line_and_field(hint_copy, old, new, needle, field, message) -> None:
    _assert_one_error(hint_copy("external-name-service"), old, new, needle, field, message)


def _assert_one_error(folder: Path, old: str, new: str, needle: str, field: str, message: str) -> None:
    """After the edit, the hint does not load and its one error names the line of needle, field and message."""
    _edit(folder, old, new)
    catalog = load_catalog([folder.parent])
    assert not catalog.hints
    [error] = catalog.errors
    text = str(error)
    assert text.startswith(f"{folder / 'hint.yaml'}:") or text.startswith("hints/") or ":" in text
    assert error.line == _line_of(folder, needle), text
    assert error.field == field, text
    assert message in error.message, text
    assert "\n" not in text


def test_duplicate_ids_across_hint_folders_are_an_error(hint_copy, tmp_path: Path) -> None:
    folder = hint_copy("external-name-service")
    other = tmp_path / "more" / "external-name-service"
    other.parent.mkdir()
    folder.rename(other)
    hint_copy("external-name-service")
    catalog = load_catalog([tmp_path / "hints", tmp_path / "more"])
    assert len(catalog.hints) == 1
    [error] = catalog.errors
    assert error.field == "id" and "duplicate id 'external-name-service'" in error.message


def test_id_must_match_folder(hint_copy) -> None:
    folder = hint_copy("external-name-service")
    _edit(folder, "id: external-name-service", "id: other-name")
    [error] = load_catalog([folder]).errors
    assert (error.line, error.field) == (1, "id")


def test_duplicate_yaml_key_is_an_error(hint_copy) -> None:
    folder = hint_copy("external-name-service")
    _edit(folder, "severity: medium", "severity: medium\nseverity: high")
    [error] = load_catalog([folder]).errors
    assert "duplicate key 'severity'" in error.message
    assert error.line == _line_of(folder, "severity: high")


def test_one_bad_hint_does_not_hide_the_others(hint_copy) -> None:
    bad = hint_copy("external-name-service")
    good = bad.parent / "good-copy"
    import shutil

    shutil.copytree(bad, good)
    _edit(good, "id: external-name-service", "id: good-copy")
    _edit(bad, "action: deny", "action: block")
    catalog = load_catalog([bad.parent])
    assert [h.id for h in catalog.hints] == ["good-copy"]
    assert len(catalog.errors) == 1 and catalog.errors[0].field == "action"


def test_cli_prints_one_line_and_exits_2_without_traceback(cli, hint_copy, tmp_path: Path) -> None:
    folder = hint_copy("external-name-service")
    _edit(folder, "severity: medium", "severity: 3")
    result = invoke(cli, "generate", "--hints", str(folder.parent), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "hint.yaml:" in errors[0] and ": severity: " in errors[0]


def test_fixture_with_wrong_kind_is_reported(hint_copy) -> None:
    folder = hint_copy("external-name-service")
    (folder / "fixtures" / "fail-pod.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n")
    [error] = load_catalog([folder]).errors
    assert "fail-pod.yaml" in str(error) and "not a kind this hint matches" in error.message


def test_fixture_name_must_state_the_verdict(hint_copy) -> None:
    folder = hint_copy("external-name-service")
    (folder / "fixtures" / "maybe.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n")
    [error] = load_catalog([folder]).errors
    assert "start with 'pass-' or 'fail-'" in error.message


def test_fixture_names_are_unique_within_a_hint(hint_copy) -> None:
    folder = hint_copy("external-name-service")
    first = sorted((folder / "fixtures").glob("pass-*.yaml"))[0]
    name = next(line.split(":", 1)[1].strip() for line in first.read_text().splitlines() if "  name:" in line)
    (folder / "fixtures" / "pass-same-name.yaml").write_text(
        f"apiVersion: v1\nkind: Service\nmetadata: {{name: {name}, namespace: other}}\n"
    )
    [error] = load_catalog([folder]).errors
    assert f"the name {name!r} already appears in {first.name}" in error.message


@pytest.mark.parametrize(
    ("old", "new", "needle", "field", "message"),
    [
        (
            "in: $other.spec.hosts, hosts: true}",
            "in: spec.hosts, hosts: true}",
            "join:",
            "check.each.check.not.related.join.in",
            "read from $other",
        ),
        (
            "hosts: true}",
            "match: covers}",
            "join:",
            "check.each.check.not.related.join.match",
            "set hosts: true",
        ),
        ("    in: spec.hosts", "    in: spec.hosts[*]", "in: spec.hosts", "check.each.in", "[*] projects a list only"),
        (
            "          as: other",
            "          as: host",
            "          as: host",
            "check.each.check.not.related.as",
            "already bound",
        ),
        (
            "          scope: exported",
            "          scope: everywhere",
            "scope:",
            "check.each.check.not.related.scope",
            "is not one of",
        ),
        (
            "join: {key: $host,",
            "join: {key: $nope,",
            "join:",
            "check.each.check.not.related.join.key",
            "unknown variable $nope",
        ),
    ],
)
def test_bad_relation_names_file_line_and_field(hint_copy, old, new, needle, field, message) -> None:
    _assert_one_error(hint_copy("service-entry-unique-host"), old, new, needle, field, message)


def test_scenario_fixture_reviews_a_matched_kind_first(hint_copy) -> None:
    folder = hint_copy("service-entry-unique-host")
    fixture = folder / "fixtures" / "pass-alone.yaml"
    fixture.write_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: a}\n---\n" + fixture.read_text()
    )
    [error] = load_catalog([folder.parent]).errors
    assert error.field == "document 1" and "the object under review" in error.message, str(error)
