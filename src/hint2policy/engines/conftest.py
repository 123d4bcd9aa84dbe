"""conftest: runs the generated Rego on every fixture file in one process."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from hint2policy.engines import toolchain
from hint2policy.engines.parallel import WORKERS, side_by_side
from hint2policy.engines.runner import go_env, run
from hint2policy.engines.verdicts import CaseKey, EngineFindings, EngineReport, Finding
from hint2policy.generate import check_path
from hint2policy.render.rego import CHECK_PACKAGE

TIMEOUT = 600.0


def _test(
    root: Path,
    inputs: list[Path],
    *,
    combine: bool = False,
    namespace: str | None = None,
    policies: list[Path] | None = None,
    processes: int = 1,
) -> tuple[list[dict], str | None]:
    """conftest's JSON results for inputs (files or folders), or why there are none.

    With combine, conftest gives every document to one query, with its file:
    cross-resource hints need that, and the others report the same either way.
    """
    binary = toolchain.require("conftest")
    argv = [str(binary), "test", "--no-color", "-o", "json"]
    argv += ["--combine"] if combine else []
    argv += ["--namespace", namespace] if namespace else ["--all-namespaces"]
    for policy in policies or [root / "conftest" / "policy"]:
        argv += ["-p", str(policy)]
    argv += ["--", *map(str, inputs)]
    done = run(argv, timeout=TIMEOUT, cwd=root, env=go_env(processes))
    try:
        results = json.loads(done.stdout)
    except json.JSONDecodeError:
        return [], f"conftest exited {done.returncode}: {done.stderr.strip()[-2000:]}"
    if not isinstance(results, list) or (inputs and not results):
        # conftest reports every policy namespace it ran, even a clean one: nothing at all is no report
        return [], f"conftest exited {done.returncode} and reported nothing: {done.stderr.strip()[-2000:]}"
    return results, None


def judge(root: Path, files: dict[Path, CaseKey], package: dict[str, str]) -> EngineReport:
    """Verdicts for fixture files (absolute paths -> case) against root/conftest/policy.

    A fixture's verdict is its own hint's, so each hint's files are one conftest run of that hint's package
    alone, runs side by side: every file under every hint's package cost 53 times the queries (675 fixtures:
    13.5 s, most of `hint2policy test --engine conftest`). Files are read one by one, as users run conftest.
    """
    report = EngineReport("conftest")
    by_hint: dict[str, list[Path]] = {}
    for path, key in files.items():
        by_hint.setdefault(key[0], []).append(path)

    for results, error in side_by_side(lambda hint_id: _hint_run(root, by_hint[hint_id], package[hint_id]), by_hint):
        report.error = report.error or error
        for result in results:
            _verdict(report, files.get(Path(result["filename"]).resolve()), result)
    return report


def _verdict(report: EngineReport, key: CaseKey | None, result: dict) -> None:
    """A file's verdict from one namespace's result: fail when its own hint reported it."""
    if key is None:
        return
    mine = [f for f in _all([result]) if (f.get("metadata") or {}).get("hint") == key[0]]
    if mine or report.verdicts.get(key) != "fail":
        report.verdicts[key] = "fail" if mine else "pass"
    if mine:
        report.details[key] = mine[0]["msg"]


# (hint id, file of the object under review, file of what exists or None)
Scenario = tuple[str, Path, Path | None]


def judge_scenarios(root: Path, scenarios: dict[CaseKey, Scenario], package: dict[str, str]) -> EngineReport:
    """Verdicts for cross-resource cases: one combined run per scenario, with only its hint's package."""
    report = EngineReport("conftest")

    def one(key: CaseKey, scenario: Scenario) -> tuple[CaseKey, list[dict], str | None]:
        hint_id, subject, inventory = scenario
        inputs = [subject] + ([inventory] if inventory else [])
        return key, *_hint_run(root, inputs, package[hint_id], combine=True)

    for key, results, error in side_by_side(lambda item: one(*item), scenarios.items()):
        if error:
            report.verdicts[key], report.details[key] = "error", error
            continue
        subject = str(scenarios[key][1])
        mine = [f for f in _all(results) if (f.get("metadata") or {}).get("file") == subject]
        report.verdicts[key] = "fail" if mine else "pass"
        if mine:
            report.details[key] = mine[0]["msg"]
    return report


def _hint_run(root: Path, inputs: list[Path], package: str, combine: bool = False) -> tuple[list[dict], str | None]:
    """One hint's package alone on inputs: its folders and the common library, not the whole tree."""
    policies = _own(root, [package.removeprefix("hint2policy.")])
    return _test(root, inputs, combine=combine, namespace=package, policies=policies, processes=WORKERS)


def _own(root: Path, snakes: Sequence[str]) -> list[Path]:
    """Some hints' policy folders (by snake id) and the common library: a run compiles these, not the whole tree."""
    policy = root / "conftest" / "policy"
    hints = [
        folder
        for snake in snakes
        for folder in (policy / "lib" / "hint2policy" / snake, policy / "hint2policy" / snake)
    ]
    return [policy / "lib" / "hint2policy" / "common", *hints]


def _all(results: list[dict]) -> list[dict]:
    return [f for r in results for f in (r.get("failures") or []) + (r.get("warnings") or [])]


def findings(root: Path, inputs: Path, groups: Sequence[Sequence[str]]) -> EngineFindings:
    """The findings of the hints in groups on the manifests in inputs (a file or folder).

    root holds the policies as generate.build_policies(..., check=True) renders them: with the check
    package, which gathers the findings of every hint loaded into one query. groups (lists of hints'
    snake ids) split the hints between conftest processes that run side by side, one query each.
    """
    report = EngineFindings("conftest")
    if not (root / check_path()).is_file():
        report.error = f"conftest: {check_path()} was not rendered under {root}"
        return report
    check = (root / check_path()).parent
    runs = [[*_own(root, group), check] for group in groups]

    def one(policies: list[Path]) -> tuple[list[dict], str | None]:
        return _test(root, [inputs], combine=True, namespace=CHECK_PACKAGE, policies=policies, processes=len(runs))

    for results, error in side_by_side(one, runs):
        report.error = report.error or error
        for found in _all(results):
            meta = found.get("metadata") or {}
            report.findings.append(Finding.of(str(meta.get("hint")), meta.get("resource"), found.get("msg")))
    return report
