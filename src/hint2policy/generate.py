"""Build the generated/ tree for a catalog, write it, or check it for drift.

The tree is a pure function of the catalog and the templates: rendering
twice gives the same bytes, and `generate --check` names any stale file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hint2policy.catalog import Hint
from hint2policy.engines.table import TARGETS  # what each engine reads: `check` renders only its engine's
from hint2policy.render import gatekeeper, kyverno
from hint2policy.render.environment import render
from hint2policy.render.fixtures import cases, render_case, render_inventory
from hint2policy.render.rego import CHECK_PACKAGE, render_check, render_common, render_conftest, render_library

CONFTEST_POLICY = "conftest/policy"


def common_path() -> str:
    return f"{CONFTEST_POLICY}/lib/hint2policy/common/common.rego"


def library_path(hint: Hint) -> str:
    return f"{CONFTEST_POLICY}/lib/hint2policy/{hint.policy.snake_id}/lib.rego"


def conftest_path(hint: Hint) -> str:
    return f"{CONFTEST_POLICY}/hint2policy/{hint.policy.snake_id}/policy.rego"


def fixtures_dir(hint: Hint) -> str:
    return f"fixtures/{hint.id}"


def check_path() -> str:
    """The package `hint2policy check` queries in conftest: never part of generated/."""
    return f"{CONFTEST_POLICY}/{CHECK_PACKAGE}/check.rego"


def policy_files(hint: Hint, common: str, targets: tuple[str, ...] = TARGETS) -> dict[str, str]:
    """One hint's policies for the targets, by path relative to generated/."""
    policy = hint.policy
    library = render_library(policy)
    files: dict[str, str] = {}
    if "conftest" in targets:
        files[library_path(hint)] = library
        files[conftest_path(hint)] = render_conftest(policy)
    if "gatekeeper" in targets:
        files[f"gatekeeper/{hint.id}/template.yaml"] = gatekeeper.render_template(policy, [common, library])
        files[f"gatekeeper/{hint.id}/constraint.yaml"] = gatekeeper.render_constraint(policy)
    if "kyverno" in targets:
        files[f"kyverno/{hint.id}/policy.yaml"] = kyverno.render_policy(policy)
    return files


def test_files(hint: Hint) -> dict[str, str]:
    """One hint's fixtures and each engine's test files for them."""
    found, rel_fixtures = cases(hint), f"../../{fixtures_dir(hint)}"
    files = {f"gatekeeper/{hint.id}/suite.yaml": gatekeeper.render_suite(hint, found, rel_fixtures)}
    if hint.policy.cross_resource:
        for case in found:
            files.update(kyverno.render_scenario(hint, case, rel_fixtures))
    else:
        files[f"kyverno/{hint.id}/kyverno-test.yaml"] = kyverno.render_test(hint, found, rel_fixtures)
    for case in found:
        files[f"{fixtures_dir(hint)}/{case.file_name}"] = render_case(case)
        if case.inventory_file_name:
            files[f"{fixtures_dir(hint)}/{case.inventory_file_name}"] = render_inventory(case)
    return files


def hint_files(hint: Hint, common: str) -> dict[str, str]:
    """Every generated file of one hint, by path relative to generated/."""
    return {**policy_files(hint, common), **test_files(hint)}


def build_tree(hints: list[Hint]) -> dict[str, str]:
    """The whole generated/ tree, sorted by path."""
    files = {"conftest/.regal/config.yaml": render("regal/config.yaml.j2")}
    files.update(build_policies(hints))
    for hint in hints:
        files.update(test_files(hint))
    return dict(sorted(files.items()))


def build_policies(hints: list[Hint], targets: tuple[str, ...] = TARGETS, *, check: bool = False) -> dict[str, str]:
    """Only what the targets' engines load to judge objects: no fixtures, no test files.

    With check (and the conftest target), also the package `hint2policy check` queries conftest with.
    """
    common = render_common()
    files = {common_path(): common} if {"conftest", "gatekeeper"} & set(targets) else {}
    for hint in hints:
        files.update(policy_files(hint, common, targets))
    policies = [h.policy for h in hints]
    if "kyverno" in targets:
        files.update({f"kyverno/{kyverno.crd_file(k)}": kyverno.render_crd(k) for k in kyverno.crd_kinds(policies)})
    if "gatekeeper" in targets:
        files.update(gatekeeper.render_sync(policies))
    if check and "conftest" in targets:
        files[check_path()] = render_check()
    return dict(sorted(files.items()))


@dataclass
class Drift:
    changed: list[str]
    missing: list[str]
    extra: list[str]

    @property
    def clean(self) -> bool:
        return not (self.changed or self.missing or self.extra)

    def lines(self) -> list[str]:
        return (
            [f"changed: {p}" for p in self.changed]
            + [f"missing: {p}" for p in self.missing]
            + [f"not generated (stale): {p}" for p in self.extra]
        )


def _existing(out: Path) -> set[str]:
    if not out.is_dir():
        return set()
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}


def check_tree(tree: dict[str, str], out: Path) -> Drift:
    """Compare the rendered tree with what is on disk."""
    existing = _existing(out)
    changed = [p for p in tree if p in existing and (out / p).read_text(encoding="utf-8") != tree[p]]
    missing = [p for p in tree if p not in existing]
    return Drift(changed, missing, sorted(existing - set(tree)))


def write_tree(tree: dict[str, str], out: Path) -> Drift:
    """Write the tree, removing files it no longer holds; returns what changed."""
    drift = check_tree(tree, out)
    for path in drift.extra:
        (out / path).unlink()
    for path in drift.changed + drift.missing:
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(tree[path], encoding="utf-8", newline="\n")
    for folder in sorted((p for p in out.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    return drift
