"""conftest: runs the generated Rego on every fixture file in one process."""

from __future__ import annotations

import json
from pathlib import Path

from hint2policy.engines import toolchain
from hint2policy.engines.runner import run
from hint2policy.engines.verdicts import CaseKey, EngineReport

TIMEOUT = 600.0


def judge(root: Path, files: dict[Path, CaseKey]) -> EngineReport:
    """Verdicts for fixture files (absolute paths -> case) against root/conftest/policy."""
    report = EngineReport("conftest")
    binary = toolchain.require("conftest")
    argv = [str(binary), "test", "--all-namespaces", "--no-color", "-o", "json"]
    argv += ["-p", str(root / "conftest" / "policy"), "--", *map(str, files)]
    done = run(argv, timeout=TIMEOUT, cwd=root)
    try:
        results = json.loads(done.stdout)
    except json.JSONDecodeError:
        report.error = f"conftest exited {done.returncode}: {done.stderr.strip()[-2000:]}"
        return report
    for result in results:
        key = files.get(Path(result["filename"]).resolve())
        if key is None:
            continue
        findings = (result.get("failures") or []) + (result.get("warnings") or [])
        mine = [f for f in findings if (f.get("metadata") or {}).get("hint") == key[0]]
        if mine or report.verdicts.get(key) != "fail":
            report.verdicts[key] = "fail" if mine else "pass"
        if mine:
            report.details[key] = mine[0]["msg"]
    return report
