"""`hint2policy test`: every fixture through every engine, compared with its name and each other.

The tree is rendered into a temporary folder exactly as `generate` would
write it, and each engine runs once over the whole library.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hint2policy.catalog import Hint
from hint2policy.engines import conftest, embedded, gator, kyverno
from hint2policy.engines.parallel import run_engines
from hint2policy.engines.table import RUNNERS
from hint2policy.engines.verdicts import CaseKey, EngineReport, Said
from hint2policy.generate import build_tree, fixtures_dir, write_tree
from hint2policy.render.fixtures import Case, cases
from hint2policy.render.kyverno import expected_result

ENGINES = RUNNERS


@dataclass
class CaseResult:
    hint: str
    case: str
    fixture: Path
    expected: Said
    said: dict[str, Said] = field(default_factory=dict)
    details: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(v == self.expected for v in self.said.values())

    @property
    def agree(self) -> bool:
        return len(set(self.said.values())) <= 1


@dataclass
class TestRun:
    engines: tuple[str, ...]
    results: list[CaseResult]
    engine_errors: dict[str, str]

    @property
    def ok(self) -> bool:
        return not self.engine_errors and all(r.ok for r in self.results)

    def failures(self) -> list[tuple[CaseResult, str]]:
        return [(r, e) for r in self.results for e, v in r.said.items() if v != r.expected]


@dataclass
class _Plan:
    root: Path
    cases: dict[CaseKey, tuple[Hint, Case]]
    tree: dict[str, str]  # what root holds, by path: the embedded engine reads its Rego from here

    def conftest(self) -> EngineReport:
        single = {k: v for k, v in self.cases.items() if not v[0].policy.cross_resource}
        files = {(self.root / fixtures_dir(h) / c.file_name).resolve(): k for k, (h, c) in single.items()}
        packages = {h.id: f"hint2policy.{h.policy.snake_id}" for h, _ in self.cases.values()}
        report = conftest.judge(self.root, files, packages) if files else EngineReport("conftest")
        scenarios = {k: self.scenario(h, c) for k, (h, c) in self.cases.items() if h.policy.cross_resource}
        if scenarios and not report.error:
            report.add(conftest.judge_scenarios(self.root, scenarios, packages))
        return report

    def scenario(self, hint: Hint, case: Case) -> conftest.Scenario:
        folder = self.root / fixtures_dir(hint)
        inventory = folder / case.inventory_file_name if case.inventory_file_name else None
        return hint.id, folder / case.file_name, inventory

    def gator(self) -> EngineReport:
        return gator.judge(self.root, {k: c.verdict for k, (_, c) in self.cases.items()})

    def embedded(self) -> EngineReport:
        return embedded.judge(self.cases, self.tree)

    def kyverno(self) -> EngineReport:
        index = {
            (f"{h.id}/{c.name}" if h.policy.cross_resource else h.id, c.kind, c.obj["metadata"]["name"]): (
                k,
                expected_result(h.policy, c),
            )
            for k, (h, c) in self.cases.items()
        }
        return kyverno.judge(self.root, index)


def run_tests(hints: Sequence[Hint], engines: Sequence[str] = ENGINES) -> TestRun:
    """Run every selected engine on every fixture case of hints."""
    with tempfile.TemporaryDirectory(prefix="hint2policy-test-") as tmp:
        root = Path(tmp)
        tree = build_tree(list(hints))
        write_tree(tree, root)
        plan = _Plan(root, {(h.id, c.name): (h, c) for h in hints for c in cases(h)}, tree)
        reports = _run_engines(plan, engines)
    return _collect(plan, engines, reports)


def _run_engines(plan: _Plan, engines: Sequence[str]) -> dict[str, EngineReport]:
    jobs = {name: getattr(plan, name) for name in engines}
    return run_engines(jobs, lambda name, error: EngineReport(name, error=error))


def _collect(plan: _Plan, engines: Sequence[str], reports: dict[str, EngineReport]) -> TestRun:
    results = []
    for key, (hint, case) in plan.cases.items():
        result = CaseResult(hint.id, case.name, case.source.path, case.verdict)
        for name in engines:
            report = reports[name]
            if report.error:
                continue
            result.said[name] = report.verdicts.get(key, "error")
            if key in report.details:
                result.details[name] = report.details[key]
            elif key not in report.verdicts:
                result.details[name] = f"{name} reported nothing for this case"
        results.append(result)
    errors = {name: r.error for name, r in reports.items() if r.error}
    return TestRun(tuple(engines), results, errors)
