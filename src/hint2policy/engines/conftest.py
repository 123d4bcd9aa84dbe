"""conftest: runs the generated Rego on every fixture file in one process."""

from __future__ import annotations

import json
from pathlib import Path

from hint2policy.engines import toolchain
from hint2policy.engines.runner import run
from hint2policy.engines.verdicts import CaseKey, EngineFindings, EngineReport, Finding

TIMEOUT = 600.0


def _test(root: Path, inputs: list[Path]) -> tuple[list[dict], str | None]:
    """conftest's JSON results for inputs (files or folders), or why there are none."""
    binary = toolchain.require("conftest")
    argv = [str(binary), "test", "--all-namespaces", "--no-color", "-o", "json"]
    argv += ["-p", str(root / "conftest" / "policy"), "--", *map(str, inputs)]
    done = run(argv, timeout=TIMEOUT, cwd=root)
    try:
        return json.loads(done.stdout), None
    except json.JSONDecodeError:
        return [], f"conftest exited {done.returncode}: {done.stderr.strip()[-2000:]}"


def judge(root: Path, files: dict[Path, CaseKey]) -> EngineReport:
    """Verdicts for fixture files (absolute paths -> case) against root/conftest/policy."""
    report = EngineReport("conftest")
    results, report.error = _test(root, list(files))
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


def findings(root: Path, inputs: Path) -> EngineFindings:
    """Every hint's findings on the manifests in the folder inputs."""
    report = EngineFindings("conftest")
    results, report.error = _test(root, [inputs])
    for result in results:
        for found in (result.get("failures") or []) + (result.get("warnings") or []):
            meta = found.get("metadata") or {}
            resource = meta.get("resource") or {}
            report.findings.append(
                Finding(
                    hint=str(meta.get("hint")),
                    kind=str(resource.get("kind")),
                    namespace=resource.get("namespace") or "",
                    name=str(resource.get("name")),
                    message=found.get("msg", ""),
                )
            )
    return report
