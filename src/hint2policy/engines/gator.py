"""gator: runs the generated gator suites (one process for the whole library).

A suite case passes when Gatekeeper's verdict is the expected one, so the
verdict is read back from the case's outcome; a case that failed for any
other reason than the number of violations is an error, not a verdict.
"""

from __future__ import annotations

import re
from pathlib import Path

from hint2policy.engines import toolchain
from hint2policy.engines.runner import run
from hint2policy.engines.verdicts import CaseKey, EngineReport, Said

TIMEOUT = 600.0
_TEST = re.compile(r"^=== RUN\s+(\S+)")
_CASE = re.compile(r"^\s+--- (PASS|FAIL): (\S+)")
_WRONG_COUNT = "unexpected number of violations"


def judge(root: Path, expected: dict[CaseKey, Said]) -> EngineReport:
    report = EngineReport("gator")
    binary = toolchain.require("gator")
    done = run([str(binary), "verify", "-v", "./gatekeeper/..."], timeout=TIMEOUT, cwd=root)
    test, last = "", None
    for line in done.stdout.splitlines():
        if found := _TEST.match(line):
            test = found.group(1)
        elif found := _CASE.match(line):
            outcome, last = found.group(1), (test, found.group(2))
            if last in expected:
                report.verdicts[last] = _verdict(expected[last], outcome == "PASS")
        elif last in report.details or (last and line.strip() and report.verdicts.get(last)):
            _note(report, expected, last, line.strip())
    if not report.verdicts:
        report.error = f"gator verify exited {done.returncode}: {(done.stderr or done.stdout).strip()[-2000:]}"
    return report


def _verdict(expected: Said, passed: bool) -> Said:
    if passed:
        return expected
    return "pass" if expected == "fail" else "fail"


def _note(report: EngineReport, expected: dict[CaseKey, Said], key: CaseKey, line: str) -> None:
    if key in report.details:
        return
    report.details[key] = line
    if report.verdicts[key] != expected[key] and not line.startswith(_WRONG_COUNT):
        report.verdicts[key] = "error"
