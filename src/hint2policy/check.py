"""`hint2policy check`: the catalog's policies on a user's manifests, judged by one engine.

load (manifests) -> engine (audit.py runs the generated policies) -> locate
each finding in the file and document it came from -> report (report/findings.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from hint2policy.audit import audit
from hint2policy.catalog import Hint
from hint2policy.engines.table import CHECK
from hint2policy.engines.verdicts import Finding
from hint2policy.findings import Action, CheckFinding, CheckRun, FailOn, Resource, Rule
from hint2policy.load.manifests import Manifest, Manifests, load_manifests

# check's engine names -> audit's (engines/table.py): users know Gatekeeper, the runner knows its CLI, gator
ENGINES = {e.option: e.runner for e in CHECK}


def rules(hints: Sequence[Hint]) -> dict[str, Rule]:
    """Each hint as a rule, with the action and severity its (configured) policy carries."""
    return {
        h.id: Rule(
            id=h.id,
            title=h.policy.title,
            severity=h.policy.severity,
            action=_action(h.policy.action),
            category=h.policy.category,
            rationale=h.policy.description,
            remediation=h.policy.remediation,
        )
        for h in hints
    }


def run_check(
    hints: Sequence[Hint],
    paths: Sequence[Path],
    engine: str = "embedded",
    fail_on: FailOn = "deny",
    stdin: TextIO | None = None,
    progress: Callable[[str], None] | None = None,
) -> CheckRun:
    """Load the manifests under paths, run one engine on them, and locate every finding."""
    say = progress or (lambda _: None)
    loaded = load_manifests(paths, stdin)
    run = CheckRun(engine, rules(hints), fail_on=fail_on)
    _count(run, loaded)
    if not loaded.objects or not hints:
        return run
    say(f"checking {len(loaded.objects)} objects from {loaded.files} files with {len(hints)} hints ({engine}) ...")
    report = audit(hints, loaded.objects, engines=(ENGINES[engine],)).reports[ENGINES[engine]]
    run.engine_error = report.error
    run.findings = locate(report.findings, loaded.objects, run.rules, engine)
    return run


def _count(run: CheckRun, loaded: Manifests) -> None:
    run.files, run.documents, run.objects = loaded.files, loaded.documents, len(loaded.objects)
    run.skipped, run.errors = list(loaded.skipped), list(loaded.errors)


def locate(
    found: Sequence[Finding], manifests: Sequence[Manifest], rules: dict[str, Rule], engine: str
) -> list[CheckFinding]:
    """Engine findings as check findings: each in the file and document its object was read from.

    Engines name an object by kind, namespace and name; the first manifest of
    that identity is the one reported (a duplicate is the same object to a cluster).
    """
    where: dict[tuple[str, str, str], Manifest] = {}
    for manifest in manifests:
        where.setdefault(manifest.identity, manifest)
    located = []
    for finding in dict.fromkeys(found):  # engines may repeat one finding; order kept
        manifest = where.get((finding.kind, finding.namespace, finding.name))
        rule = rules.get(finding.hint)
        if manifest is None or rule is None:
            continue  # not an object of this run: an engine's own inventory placeholder
        located.append(_located(finding, manifest, rule, engine))
    return located


def _located(finding: Finding, manifest: Manifest, rule: Rule, engine: str) -> CheckFinding:
    obj = manifest.obj
    return CheckFinding(
        hint=finding.hint,
        severity=rule.severity,
        action=rule.action,
        message=finding.message,
        resource=Resource(
            api_version=str(obj.get("apiVersion", "")),
            kind=finding.kind,
            namespace=finding.namespace,
            name=finding.name,
        ),
        file=str(manifest.file),
        document=manifest.document,
        line=manifest.line,
        engine=engine,
    )


def _action(action: str) -> Action:
    return "deny" if action == "deny" else "warn"
