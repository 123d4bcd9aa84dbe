"""Render a CheckRun: a table for people, JSON, JUnit, SARIF 2.1.0 and GitHub annotations for CI.

Every format is byte-stable: findings are sorted by file, document, resource and
hint, problems by file and line, so the same run always renders the same text.
Strings from manifests and specs are escaped for the format they land in.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree as ET

from hint2policy import __version__
from hint2policy.findings import PROJECT_URL, REPORT_VERSION, CheckFinding, CheckRun, Resource, Rule
from hint2policy.load.manifests import Problem
from hint2policy.render import markdown
from hint2policy.resources import SCHEMA_DIR

TOOL_NAME = "hint2policy"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_LEVEL = {"deny": "error", "warn": "warning"}
GITHUB_LEVEL = {"deny": "error", "warn": "warning"}
STDIN = "-"
# Characters that would act on a terminal or a CI log instead of showing: controls (but tab and newline,
# which each format handles) and the bidirectional overrides that reorder what is shown.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# ---------------------------------------------------------------- shared helpers


def findings_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of to_json's report."""
    return json.loads((SCHEMA_DIR / "findings.schema.json").read_text(encoding="utf-8"))


def _posix(file: object) -> str:
    """A path as given, with forward slashes (Windows paths too)."""
    text = str(file)
    return text if text == STDIN else PurePath(text).as_posix()


def _shown(file: object) -> str:
    """A path for people and CI annotations: stdin named as such."""
    text = _posix(file)
    return "stdin" if text == STDIN else text


def _resource_key(resource: Resource) -> tuple[str, str, str, str]:
    return (resource.kind, resource.namespace, resource.name, resource.api_version)


def _finding_key(finding: CheckFinding) -> tuple[Any, ...]:
    # Every field takes part, so that the order never depends on the engine's.
    return (
        _posix(finding.file),
        finding.document,
        _resource_key(finding.resource),
        finding.hint,
        finding.message,
        finding.action,
        finding.severity,
        finding.line,
        finding.engine,
    )


def sorted_findings(run: CheckRun) -> list[CheckFinding]:
    return sorted(run.findings, key=_finding_key)


def _sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (_posix(p.file), p.line, p.message))


def rules(run: CheckRun) -> list[Rule]:
    """Every rule that ran, by id, plus a bare one for a finding whose hint the run did not list."""
    known = dict(run.rules)
    for finding in run.findings:
        if finding.hint not in known:
            known[finding.hint] = Rule(
                id=finding.hint,
                title=finding.hint,
                severity=finding.severity,
                action=finding.action,
                category="unknown",
                rationale="",
                remediation="",
            )
    return [known[hint] for hint in sorted(known)]


def _visible(text: str) -> str:
    """Unsafe characters shown as \\uXXXX escapes."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def located_message(finding: CheckFinding) -> str:
    """The message naming its resource (a location line alone points at the document, not the object)."""
    named = str(finding.resource)
    return finding.message if named in finding.message else f"{named}: {finding.message}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def first_sentence(markdown_text: str) -> str:
    """The first sentence of a remediation: its first paragraph or list item, without code blocks."""
    lines: list[str] = []
    for line in markdown_text.strip().splitlines():
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")) or (lines and (not stripped or _LIST_ITEM.match(stripped))):
            break
        if stripped:
            lines.append(stripped)
    text = _LIST_ITEM.sub("", " ".join(lines), count=1)
    text = _SENTENCE_END.split(text, maxsplit=1)[0].strip()
    # "Do this:" announced a code block that is not shown here.
    return text[:-1] + "." if text.endswith(":") else text


_LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _counts(run: CheckRun) -> dict[str, int]:
    return {
        "files": run.files,
        "documents": run.documents,
        "objects": run.objects,
        "skipped": len(run.skipped),
        "errors": len(run.errors),
        "findings": len(run.findings),
        "failing": len(run.failing()),
    }


# ---------------------------------------------------------------- table


def summary(run: CheckRun) -> str:
    """One line: what was read, what was found, and whether the run fails."""
    state = {0: "ok", 1: "FAILED", 2: "ERROR"}[run.exit_code]
    deny = sum(f.action == "deny" for f in run.findings)
    warn = sum(f.action == "warn" for f in run.findings)
    line = (
        f"{state}: {_plural(run.files, 'file')}, {_plural(run.documents, 'document')}, "
        f"{_plural(run.objects, 'object')} checked ({run.engine}); "
        f"{len(run.skipped)} skipped, {_plural(len(run.errors), 'error')}; "
        f"{_plural(len(run.findings), 'finding')} ({deny} deny, {warn} warn), "
        f"{len(run.failing())} at or above --fail-on {run.fail_on}"
    )
    return line + ("; engine error" if run.engine_error else "")


def _terminal(text: str, indent: str) -> str:
    """Text safe for a terminal: controls shown as escapes, a newline continues at indent."""
    return _visible(text.replace("\r\n", "\n")).replace("\n", "\n" + indent)


def _groups(run: CheckRun) -> dict[tuple[str, int, Resource], list[CheckFinding]]:
    grouped: dict[tuple[str, int, Resource], list[CheckFinding]] = {}
    for finding in sorted_findings(run):
        grouped.setdefault((_posix(finding.file), finding.document, finding.resource), []).append(finding)
    return grouped


def _finding_lines(finding: CheckFinding, rule: Rule) -> list[str]:
    indent = " " * 4
    lines = [f"  {finding.severity:<8}  {finding.action:<4}  {finding.hint}  {_terminal(finding.message, indent)}"]
    fix = first_sentence(rule.remediation)
    if fix:
        lines.append(f"{indent}fix: {_terminal(fix, indent)}")
    lines.append(f"{indent}see: {rule.help_uri}")
    return lines


def table(run: CheckRun) -> str:
    """Findings grouped by resource, then notes, errors and the summary."""
    by_id = {rule.id: rule for rule in rules(run)}
    lines: list[str] = []
    for (file, document, resource), found in _groups(run).items():
        line = found[0].line
        where = _terminal(f"{_shown(file)}:{line}", "")
        lines.append(f"{_terminal(str(resource), '')}  ({where}, document {document})")
        for finding in found:
            lines += _finding_lines(finding, by_id[finding.hint])
        lines.append("")
    for problem in _sorted_problems(run.skipped):
        lines.append(_terminal(f"note: {_shown(problem.file)}:{problem.line}: {problem.message}", "  "))
    for problem in _sorted_problems(run.errors):
        lines.append(_terminal(f"error: {_shown(problem.file)}:{problem.line}: {problem.message}", "  "))
    if run.engine_error:
        lines.append(f"error: engine {run.engine}: {_terminal(run.engine_error, '  ')}")
    lines.append(summary(run))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- JSON


def _resource_json(resource: Resource) -> dict[str, Any]:
    return {
        "apiVersion": resource.api_version,
        "kind": resource.kind,
        "namespace": resource.namespace or None,
        "name": resource.name,
    }


def _finding_json(finding: CheckFinding, help_uri: str) -> dict[str, Any]:
    return {
        "hint": finding.hint,
        "severity": finding.severity,
        "action": finding.action,
        "message": finding.message,
        "resource": _resource_json(finding.resource),
        "file": _posix(finding.file),
        "document": finding.document,
        "line": finding.line,
        "engine": finding.engine,
        "helpUri": help_uri,
    }


def _problem_json(problem: Problem) -> dict[str, Any]:
    return {"file": _posix(problem.file), "line": problem.line, "message": problem.message}


def to_json(run: CheckRun) -> str:
    """The versioned JSON report (schema/findings.schema.json)."""
    by_id = {rule.id: rule for rule in rules(run)}
    doc = {
        "version": REPORT_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__},
        "engine": run.engine,
        "failOn": run.fail_on,
        "summary": _counts(run),
        "findings": [_finding_json(f, by_id[f.hint].help_uri) for f in sorted_findings(run)],
        "skipped": [_problem_json(p) for p in _sorted_problems(run.skipped)],
        "errors": [_problem_json(p) for p in _sorted_problems(run.errors)],
        "engineError": run.engine_error,
    }
    # ASCII only: a report stays valid whatever encoding the console or file uses.
    return json.dumps(doc, indent=2, ensure_ascii=True) + "\n"


# ---------------------------------------------------------------- JUnit

# Characters XML 1.0 cannot carry at all, not even as references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    """Text XML can carry: forbidden characters shown as escapes, line ends as newlines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _element(parent: ET.Element, tag: str, text: str | None = None, **attrs: object) -> ET.Element:
    element = ET.SubElement(parent, tag, {key: _xml(str(value)) for key, value in attrs.items()})
    if text is not None:
        element.text = _xml(text)
    return element


def _resource_cases(run: CheckRun) -> dict[str, dict[tuple[str, int, Resource], list[CheckFinding]]]:
    """Per hint, the findings of each resource (file, document, resource)."""
    cases: dict[str, dict[tuple[str, int, Resource], list[CheckFinding]]] = {}
    for finding in sorted_findings(run):
        key = (_posix(finding.file), finding.document, finding.resource)
        cases.setdefault(finding.hint, {}).setdefault(key, []).append(finding)
    return cases


def _junit_hint(suites: ET.Element, rule: Rule, run: CheckRun, cases: dict[Any, list[CheckFinding]]) -> None:
    suite = _element(suites, "testsuite", name=rule.id)
    failing = set(run.failing())
    failures = 0
    for (file, document, resource), found in cases.items():
        case = _element(
            suite,
            "testcase",
            classname=rule.id,
            name=f"{resource} ({_shown(file)}, document {document})",
            file=_shown(file),
            line=found[0].line,
        )
        # A finding below --fail-on (a warn under the default) is reported without failing the case,
        # so that JUnit and the exit code agree.
        fails = [f for f in found if f in failing]
        if fails:
            failures += 1
            text = "\n".join(f"{f.action}: {f.message}" for f in found) + f"\nsee: {rule.help_uri}"
            _element(case, "failure", text, message="\n".join(f.message for f in fails), type=fails[0].action)
        else:
            _element(case, "system-out", "\n".join(f"{f.action}: {f.message}" for f in found))
    if not cases:
        _element(suite, "testcase", classname=rule.id, name=rule.id)
    _set_counts(suite, tests=max(len(cases), 1), failures=failures, errors=0)


def _junit_errors(suites: ET.Element, run: CheckRun) -> None:
    if not run.errors and not run.engine_error:
        return
    suite = _element(suites, "testsuite", name="errors")
    for problem in _sorted_problems(run.errors):
        where = f"{_shown(problem.file)}:{problem.line}"
        case = _element(suite, "testcase", classname="errors", name=where, file=_shown(problem.file), line=problem.line)
        _element(case, "error", f"{where}: {problem.message}", message=problem.message, type="input-error")
    if run.engine_error:
        case = _element(suite, "testcase", classname="errors", name=f"engine {run.engine}")
        _element(case, "error", run.engine_error, message=run.engine_error, type="engine-error")
    count = len(run.errors) + bool(run.engine_error)
    _set_counts(suite, tests=count, failures=0, errors=count)


def _set_counts(element: ET.Element, tests: int, failures: int, errors: int) -> None:
    element.set("tests", str(tests))
    element.set("failures", str(failures))
    element.set("errors", str(errors))


def to_junit(run: CheckRun) -> str:
    """JUnit XML: a suite per hint that ran, a case per resource it found, an errors suite for input errors."""
    suites = ET.Element("testsuites", name=f"{TOOL_NAME} check ({_xml(run.engine)})")
    cases = _resource_cases(run)
    for rule in rules(run):
        _junit_hint(suites, rule, run, cases.get(rule.id, {}))
    _junit_errors(suites, run)
    totals = [sum(int(s.get(key, "0")) for s in suites) for key in ("tests", "failures", "errors")]
    _set_counts(suites, *totals)
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    # Non-ASCII as character references: the declared encoding holds whatever the file is written in.
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body.encode("ascii", "xmlcharrefreplace").decode() + "\n"


# ---------------------------------------------------------------- SARIF


def _sarif_rule(rule: Rule) -> dict[str, Any]:
    help_markdown = "\n\n".join(
        part
        for part in (
            markdown.text(rule.rationale),
            rule.remediation,  # Markdown already: that is how specs write it
            f"[{markdown.text(rule.id)}]({rule.help_uri})",
        )
        if part
    )
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", rule.id)),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale or rule.title},
        "help": {"text": rule.remediation or rule.title, "markdown": help_markdown},
        "helpUri": rule.help_uri,
        "defaultConfiguration": {"level": SARIF_LEVEL[rule.action]},
        "properties": {
            "severity": rule.severity,
            "category": rule.category,
            "tags": ["istio", "kubernetes", rule.category],
        },
    }


def _artifact(file: object) -> dict[str, Any]:
    """A SARIF artifactLocation: a relative path under %SRCROOT%, an absolute one as a file URI."""
    path = _posix(file)
    if path == STDIN:
        return {"uri": "stdin"}
    if PurePath(path).is_absolute():
        return {"uri": "file://" + quote(path, safe="/")}
    return {"uri": quote(path, safe="/"), "uriBaseId": "%SRCROOT%"}


def _physical(file: object, line: int) -> dict[str, Any]:
    return {"physicalLocation": {"artifactLocation": _artifact(file), "region": {"startLine": max(line, 1)}}}


def fingerprint(finding: CheckFinding) -> str:
    """Stable per (hint, resource): the API group, not its version, so an apiVersion bump keeps the alert."""
    resource = finding.resource
    group = resource.api_version.rpartition("/")[0]
    key = "\0".join((finding.hint, group, resource.kind, resource.namespace, resource.name))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _sarif_result(finding: CheckFinding, index: int) -> dict[str, Any]:
    resource = finding.resource
    return {
        "ruleId": finding.hint,
        "ruleIndex": index,
        "level": SARIF_LEVEL[finding.action],
        "message": {"text": located_message(finding)},
        "locations": [
            {
                **_physical(finding.file, finding.line),
                "logicalLocations": [{"name": resource.name, "fullyQualifiedName": str(resource), "kind": "resource"}],
            }
        ],
        "partialFingerprints": {"hint2policy/v1": fingerprint(finding)},
        "properties": {
            "severity": finding.severity,
            "action": finding.action,
            "document": finding.document,
            "engine": finding.engine,
            "resource": _resource_json(resource),
        },
    }


def _notification(level: str, descriptor: str, text: str, problem: Problem | None = None) -> dict[str, Any]:
    note: dict[str, Any] = {"level": level, "descriptor": {"id": descriptor}, "message": {"text": text}}
    if problem is not None:
        note["locations"] = [_physical(problem.file, problem.line)]
    return note


def _invocation(run: CheckRun) -> dict[str, Any]:
    notes = [_notification("error", "input-error", p.message, p) for p in _sorted_problems(run.errors)]
    if run.engine_error:
        notes.append(_notification("error", "engine-error", f"engine {run.engine}: {run.engine_error}"))
    notes += [_notification("note", "skipped-document", p.message, p) for p in _sorted_problems(run.skipped)]
    invocation: dict[str, Any] = {"executionSuccessful": not (run.errors or run.engine_error)}
    if notes:
        invocation["toolExecutionNotifications"] = notes
    invocation["properties"] = {"engine": run.engine, "failOn": run.fail_on, **_counts(run)}
    return invocation


def to_sarif(run: CheckRun) -> str:
    """A SARIF 2.1.0 log of one run: every rule with its help, every finding a result."""
    ordered = rules(run)
    index = {rule.id: i for i, rule in enumerate(ordered)}
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": PROJECT_URL,
                        "rules": [_sarif_rule(rule) for rule in ordered],
                    }
                },
                "invocations": [_invocation(run)],
                "originalUriBaseIds": {
                    "%SRCROOT%": {"description": {"text": "The directory hint2policy check ran in."}}
                },
                "results": [_sarif_result(f, index[f.hint]) for f in sorted_findings(run)],
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=True) + "\n"


# ---------------------------------------------------------------- GitHub annotations


def _gh_data(text: str) -> str:
    """Escape a workflow command's message, as the runner unescapes it; other controls shown as escapes."""
    return _visible(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _gh_property(text: str) -> str:
    """Escape a workflow command's property value: the message escapes, and the separators : and ,."""
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def _gh_command(command: str, message: str, title: str, file: object | None = None, line: int = 0) -> str:
    props = []
    if file is not None and _posix(file) != STDIN:
        props += [f"file={_gh_property(_posix(file))}", f"line={max(line, 1)}"]
    props.append(f"title={_gh_property(title)}")
    return f"::{command} {','.join(props)}::{_gh_data(message)}"


def to_github(run: CheckRun) -> str:
    """GitHub workflow commands: an annotation per finding, input error and skipped document."""
    lines = [
        _gh_command(GITHUB_LEVEL[f.action], located_message(f), f.hint, f.file, f.line) for f in sorted_findings(run)
    ]
    lines += [_gh_command("error", p.message, TOOL_NAME, p.file, p.line) for p in _sorted_problems(run.errors)]
    if run.engine_error:
        lines.append(_gh_command("error", f"engine {run.engine}: {run.engine_error}", TOOL_NAME))
    lines += [
        _gh_command("notice", f"skipped: {p.message}", TOOL_NAME, p.file, p.line) for p in _sorted_problems(run.skipped)
    ]
    return "".join(line + "\n" for line in lines)
