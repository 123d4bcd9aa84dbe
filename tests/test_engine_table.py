"""engines/table.py is the one list of engines: check, audit, test, generate, list and docs all derive from it."""

from __future__ import annotations

from hint2policy import audit, check, generate, testing
from hint2policy.catalog import load_catalog
from hint2policy.cli_check import DEFAULT_ENGINE, CheckEngine
from hint2policy.engines import toolchain
from hint2policy.engines.table import CHECK, ENGINES, RUNNERS, TARGETS, by_option, by_runner, file_targets
from hint2policy.render import docs
from hint2policy.report import catalog
from tests.conftest import HINTS, REPO


def test_every_engine_is_named_once_in_each_role() -> None:
    for names in ([e.runner for e in ENGINES], [e.option for e in ENGINES], [e.display for e in ENGINES]):
        assert len(set(names)) == len(ENGINES)
    assert {by_runner(e.runner) for e in ENGINES} == {by_option(e.option) for e in ENGINES} == set(ENGINES)


def test_check_engine_names_come_from_the_table() -> None:
    assert {e.option: e.runner for e in CHECK} == check.ENGINES
    assert [e.value for e in CheckEngine] == [e.option for e in CHECK] == list(check.ENGINES)
    assert DEFAULT_ENGINE.value == "embedded"
    assert check.ENGINES["gatekeeper"] == "gator"


def test_audit_test_and_generate_lists_come_from_the_table() -> None:
    assert audit.ENGINES == testing.ENGINES == RUNNERS == ("conftest", "gator", "kyverno", "embedded")
    assert generate.TARGETS == TARGETS == ("conftest", "gatekeeper", "kyverno")
    assert {e.target for e in ENGINES} == set(TARGETS)
    assert docs.ENGINES == ("conftest", "Gatekeeper", "Kyverno")
    enforced = next(e for e in load_catalog([HINTS]).entries() if e.status == "enforced")
    assert catalog.engines_of(enforced) == TARGETS


def test_only_the_cli_engines_read_files() -> None:
    assert file_targets(("embedded",)) == ()
    assert file_targets(RUNNERS) == TARGETS
    assert file_targets(("gator",)) == ("gatekeeper",)


def test_every_target_has_a_folder_under_generated() -> None:
    for target in TARGETS:
        assert (REPO / "generated" / target).is_dir(), target


def test_every_cli_is_a_pinned_tool() -> None:
    assert {e.cli for e in ENGINES if e.cli} <= set(toolchain.specs())
    assert [e.runner for e in ENGINES if e.cli is None] == ["embedded"]


def test_the_check_package_is_rendered_for_conftest_checks_only() -> None:
    hints = load_catalog([HINTS]).hints[:2]
    assert generate.check_path() in generate.build_policies(hints, ("conftest",), check=True)
    assert generate.check_path() not in generate.build_policies(hints, ("gatekeeper", "kyverno"), check=True)
    assert generate.check_path() not in generate.build_policies(hints)
    assert generate.check_path() not in generate.build_tree(hints)
    assert not (REPO / "generated" / generate.check_path()).exists()
