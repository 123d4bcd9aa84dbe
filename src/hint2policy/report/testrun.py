"""Render a TestRun as a hint x engine table, as versioned JSON, or as JUnit XML."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from hint2policy.errors import _display
from hint2policy.testing import CaseResult, TestRun

JSON_VERSION = 1


def _by_hint(run: TestRun) -> dict[str, list[CaseResult]]:
    grouped: dict[str, list[CaseResult]] = {}
    for result in run.results:
        grouped.setdefault(result.hint, []).append(result)
    return grouped


def table(run: TestRun) -> str:
    grouped = _by_hint(run)
    width = max([len(h) for h in grouped] + [4])
    lines = [f"{'hint':<{width}}  " + "  ".join(f"{e:<9}" for e in run.engines)]
    for hint, results in grouped.items():
        cells = []
        for engine in run.engines:
            if engine in run.engine_errors:
                cells.append("error")
                continue
            good = sum(r.said.get(engine) == r.expected for r in results)
            cells.append(f"{good}/{len(results)}" + ("" if good == len(results) else " FAIL"))
        lines.append(f"{hint:<{width}}  " + "  ".join(f"{c:<9}" for c in cells))
    lines += ["", *failure_lines(run), summary(run)]
    return "\n".join(lines) + "\n"


def failure_lines(run: TestRun) -> list[str]:
    lines = [f"error: {engine}: {message}" for engine, message in run.engine_errors.items()]
    for result in run.results:
        if result.ok:
            continue
        said = ", ".join(f"{e} says {v}" for e, v in result.said.items())
        why = "; ".join(f"{e}: {d}" for e, d in result.details.items() if result.said.get(e) != result.expected)
        disagree = " (engines disagree)" if not result.agree else ""
        lines.append(
            f"FAIL {result.hint}/{result.case} ({_display(result.fixture)}): "
            f"expected {result.expected}; {said}{disagree}" + (f"\n     {why}" if why else "")
        )
    return lines + ([""] if lines else [])


def summary(run: TestRun) -> str:
    verdicts = sum(len(r.said) for r in run.results)
    good = sum(v == r.expected for r in run.results for v in r.said.values())
    hints = len({r.hint for r in run.results})
    disagreements = sum(not r.agree for r in run.results)
    state = "ok" if run.ok else "FAILED"
    return (
        f"{state}: {hints} hints, {len(run.results)} fixture cases, {len(run.engines)} engines: "
        f"{good} of {verdicts} verdicts as expected, {disagreements} disagreements"
    )


def to_json(run: TestRun) -> str:
    doc = {
        "version": JSON_VERSION,
        "ok": run.ok,
        "engines": list(run.engines),
        "engineErrors": run.engine_errors,
        "cases": [
            {
                "hint": r.hint,
                "case": r.case,
                "fixture": _display(r.fixture),
                "expected": r.expected,
                "engines": r.said,
                "details": r.details,
                "ok": r.ok,
                "agree": r.agree,
            }
            for r in run.results
        ],
    }
    return json.dumps(doc, indent=2, sort_keys=False) + "\n"


def to_junit(run: TestRun) -> str:
    suites = ET.Element("testsuites", name="hint2policy")
    for engine in run.engines:
        suite = ET.SubElement(suites, "testsuite", name=engine)
        failures = errors = 0
        for r in run.results:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"{engine}.{r.hint}",
                name=r.case,
                file=_display(r.fixture),
            )
            said = r.said.get(engine)
            if engine in run.engine_errors or said == "error":
                errors += 1
                ET.SubElement(
                    case,
                    "error",
                    message=run.engine_errors.get(engine) or r.details.get(engine, "error"),
                )
            elif said != r.expected:
                failures += 1
                ET.SubElement(
                    case, "failure", message=f"expected {r.expected}, {engine} says {said}"
                ).text = r.details.get(engine, "")
        suite.set("tests", str(len(run.results)))
        suite.set("failures", str(failures))
        suite.set("errors", str(errors))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
