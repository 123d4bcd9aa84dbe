"""gator: runs the generated gator suites and audits manifests, a process per core side by side.

A suite case passes when Gatekeeper's verdict is the expected one, so the
verdict is read back from the case's outcome; a case that failed for any
other reason than the number of violations is an error, not a verdict.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from hint2policy.engines import toolchain
from hint2policy.engines.parallel import WORKERS, balanced, gathered
from hint2policy.engines.runner import go_env, run
from hint2policy.engines.verdicts import CaseKey, EngineFindings, EngineReport, Finding, Said

TIMEOUT = 600.0
_TEST = re.compile(r"^=== RUN\s+(\S+)")
_CASE = re.compile(r"^\s+--- (PASS|FAIL): (\S+)")
_WRONG_COUNT = "unexpected number of violations"


def judge(root: Path, expected: dict[CaseKey, Said]) -> EngineReport:
    """Verdicts from the generated suites: a `gator verify` per core, each running a group of suites of about
    equal cases (`--run`); one run of the whole library kept one core busy (13.4 s, two side by side 8.2 s)."""
    binary = toolchain.require("gator")
    suites = balanced(Counter(suite for suite, _ in expected), WORKERS)
    return gathered(EngineReport("gator"), lambda group: _verify(root, binary, group, expected), suites)


def _verify(root: Path, binary: Path, suites: list[str], expected: dict[CaseKey, Said]) -> EngineReport:
    report = EngineReport("gator")
    only = "^(" + "|".join(re.escape(suite) for suite in suites) + ")$"
    argv = [str(binary), "verify", "-v", "./gatekeeper/...", "--run", only]
    done = run(argv, timeout=TIMEOUT, cwd=root, env=go_env(WORKERS))
    test, failed = "", None  # failed: the case whose explanation the next line gives
    for line in done.stdout.splitlines():
        if found := _TEST.match(line):
            test, failed = found.group(1), None
        elif found := _CASE.match(line):
            key, passed = (test, found.group(2)), found.group(1) == "PASS"
            failed = None if passed or key not in expected else key
            if key in expected:
                report.verdicts[key] = _verdict(expected[key], passed)
        elif failed and line.strip():
            _explain(report, failed, line.strip())
            failed = None
    if not report.verdicts:
        report.error = f"gator verify exited {done.returncode}: {(done.stderr or done.stdout).strip()[-2000:]}"
    return report


def _verdict(expected: Said, passed: bool) -> Said:
    if passed:
        return expected
    return "pass" if expected == "fail" else "fail"


def _explain(report: EngineReport, key: CaseKey, line: str) -> None:
    report.details[key] = line
    if not line.startswith(_WRONG_COUNT):  # failed for another reason than its verdict
        report.verdicts[key] = "error"


def findings(root: Path, groups: Sequence[Sequence[str]], inputs: Path) -> EngineFindings:
    """Every constraint's violations on the manifests in the folder inputs: a `gator test` per group of
    hint ids, side by side (gator reviews one object at a time, on one core)."""
    binary = toolchain.require("gator")
    return gathered(EngineFindings("gator"), lambda ids: _test(root, binary, ids, inputs, len(groups)), groups)


def _test(root: Path, binary: Path, hint_ids: Sequence[str], inputs: Path, processes: int) -> EngineFindings:
    report = EngineFindings("gator")
    argv = [str(binary), "test", "-o", "json"]
    for hint_id in hint_ids:
        argv += ["-f", f"gatekeeper/{hint_id}/template.yaml", "-f", f"gatekeeper/{hint_id}/constraint.yaml"]
    done = run([*argv, "-f", str(inputs)], timeout=TIMEOUT, cwd=root, env=go_env(processes))
    try:
        # with nothing to report, gator prints `null` and exits 0; no output at all is no report
        results = json.loads(done.stdout) if done.stdout.strip() else False
    except json.JSONDecodeError:
        results = False
    if results is None and done.returncode == 0:
        return report
    if not isinstance(results, list) or (done.returncode != 0 and not results):
        report.error = f"gator test exited {done.returncode}: {(done.stderr or done.stdout).strip()[-2000:]}"
        return report
    for result in results:
        obj = result.get("violatingObject") or {}
        meta = obj.get("metadata") or {}
        constraint = (result.get("constraint") or {}).get("metadata") or {}
        report.findings.append(
            Finding(
                hint=str(constraint.get("name")),
                kind=str(obj.get("kind")),
                namespace=meta.get("namespace") or "",
                name=str(meta.get("name")),
                message=result.get("msg", ""),
            )
        )
    return report
