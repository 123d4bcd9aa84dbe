"""kyverno: runs the generated kyverno-test.yaml files (one process for the whole library).

Kyverno's own report says what it decided ("Ok", "Excluded", or "Want X, got
Y"), so the verdict is read from it, never inferred.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from hint2policy.engines import toolchain
from hint2policy.engines.parallel import WORKERS, balanced, gathered
from hint2policy.engines.runner import Completed, go_env, run
from hint2policy.engines.verdicts import CaseKey, EngineFindings, EngineReport, Finding
from hint2policy.render.cel import MESSAGE_SEPARATOR

TIMEOUT = 600.0
_GOT = re.compile(r"Want (\w+), got (\w+)")
_FLAGGED = {"fail": "fail", "warn": "fail", "pass": "pass", "skip": "pass"}

# (hint id, kind, name) -> case, and the result the kyverno test expects for it; a
# cross-resource scenario has its own Test, so its "hint id" is <hint id>/<scenario>.
Index = dict[tuple[str, str, str], tuple[CaseKey, str]]
_LOADING = re.compile(r"^Loading test\s+\(\s*(\S+)\s*\)")


def judge(root: Path, index: Index) -> EngineReport:
    """Verdicts from the generated Tests: the hints' folders in a `kyverno test` per core, side by side,
    balanced by their cases (one run of the whole library kept one core busy: 20.9 s, halves 12 s)."""
    binary = toolchain.require("kyverno")
    return gathered(
        EngineReport("kyverno"), lambda folders: _judge(root, binary, folders, index), _folder_groups(index)
    )


def _folder_groups(index: Index) -> list[list[str]]:
    """The hints' test folders (kyverno/<hint id>) in WORKERS groups of about equal cases."""
    cases = Counter(policy.split("/")[0] for policy, _, _ in index)
    return [[f"kyverno/{hint_id}" for hint_id in group] for group in balanced(cases, WORKERS)]


def _judge(root: Path, binary: Path, folders: list[str], index: Index) -> EngineReport:
    report = EngineReport("kyverno")
    argv = [str(binary), "test", *folders, "--remove-color", "--detailed-results"]
    done = run(argv, timeout=TIMEOUT, cwd=root, env=go_env(WORKERS))
    scenario = None
    for line in done.stdout.splitlines():
        if found := _LOADING.match(line):
            parts = Path(found.group(1)).parts  # kyverno/<hint>/[<scenario>/]kyverno-test.yaml
            scenario = f"{parts[-3]}/{parts[-2]}" if len(parts) >= 4 else None
        elif row := _result_row(line):
            policy, resource, reason, message = row
            _row(report, index, scenario or policy, resource, reason, message)
    if not report.verdicts:
        report.error = _no_results(done)
    return report


def _result_row(line: str) -> tuple[str, str, str, str] | None:
    """(policy, resource, reason, message) from a row of `kyverno test --detailed-results`."""
    cells = [c.strip() for c in line.split("│")]
    if len(cells) < 7 or not cells[1].isdigit():
        return None
    return cells[2], cells[4], cells[6], cells[7] if len(cells) > 7 else ""


def _no_results(done: Completed) -> str:
    return f"kyverno test exited {done.returncode}: {(done.stderr or done.stdout).strip()[-2000:]}"


def _row(report: EngineReport, index: Index, policy: str, resource: str, reason: str, message: str) -> None:
    parts = resource.split("/")
    entry = next(
        (index[(policy, kind, parts[-1])] for kind in parts if (policy, kind, parts[-1]) in index),
        None,
    )
    if entry is None:
        return
    key, wanted = entry
    if reason == "Excluded" and key in report.verdicts:
        return  # a rule for other kinds (e.g. the controllers' rule on a Pod): the real row already said
    report.details[key] = message
    if reason in ("Ok", "Excluded"):
        report.verdicts[key] = _FLAGGED[wanted]
        return
    got = _GOT.search(reason)
    if not got:
        report.verdicts[key] = "error"
        report.details[key] = f"{reason}: {message}"
        return
    said = _FLAGGED.get(got.group(2), "error")
    if said == _FLAGGED.get(got.group(1)):
        # pass and skip are both "not flagged", but the generated test expected the other one
        report.details[key] = f"kyverno-test.yaml expects {got.group(1)}, Kyverno said {got.group(2)}"
        said = "error"
    report.verdicts[key] = said  # type: ignore[assignment]


def findings(root: Path, batches: list[tuple[Path, list[str]]]) -> EngineFindings:
    """Every policy's fail and warn results, one `kyverno apply` per (folder, hint ids) batch.

    `kyverno apply` reads one flat folder of resources (it neither recurses nor
    takes a second --resource folder), and its cost grows with policies x
    resources even where a policy's kinds do not match; so each folder holds one
    kind and is given only the policies that match it.
    """
    binary = toolchain.require("kyverno")

    def one(batch: tuple[Path, list[str]]) -> EngineFindings:
        folder, hint_ids = batch
        return _apply(root, [str(binary), "apply", *(f"kyverno/{h}/policy.yaml" for h in hint_ids)], folder)

    return gathered(EngineFindings("kyverno"), one, batches)


def _apply(root: Path, argv: list[str], folder: Path) -> EngineFindings:
    report = EngineFindings("kyverno")
    argv += ["--resource", str(folder), "--policy-report", "--output-format", "json", "--remove-color", "--audit-warn"]
    done = run(argv, timeout=TIMEOUT, cwd=root, env=go_env(WORKERS))
    start = done.stdout.find("{")
    try:
        results = json.loads(done.stdout[start:])["results"] if start >= 0 else None
    except (json.JSONDecodeError, KeyError):
        results = None
    if results is None:
        report.error = f"kyverno apply exited {done.returncode}: {(done.stderr or done.stdout).strip()[-2000:]}"
        return report
    errors = [r for r in results if r.get("result") == "error"]
    if errors:
        report.error = f"kyverno could not evaluate {errors[0].get('policy')}: {errors[0].get('message')}"
    for result in results:
        if result.get("result") not in ("fail", "warn"):
            continue
        for resource in result.get("resources") or []:
            report.findings += [
                Finding(
                    hint=str(result.get("policy")),
                    kind=str(resource.get("kind")),
                    namespace=resource.get("namespace") or "",
                    name=str(resource.get("name")),
                    message=message,
                )
                for message in messages(result.get("message", ""))
            ]
    return report


def test_findings(root: Path, test_dir: Path, kinds: dict[str, set[str]]) -> EngineFindings:
    """The results of an audit Test (see render.kyverno.render_audit_test) that are not a pass.

    kinds: each policy's kinds, to read the resource column (group/version/Kind/[namespace/]name).
    """
    report = EngineFindings("kyverno")
    binary = toolchain.require("kyverno")
    argv = [str(binary), "test", str(test_dir), "--remove-color", "--detailed-results"]
    done = run(argv, timeout=TIMEOUT, cwd=root, env=go_env(WORKERS))
    rows = [row for line in done.stdout.splitlines() if (row := _result_row(line))]
    for policy, resource, reason, message in rows:
        if reason == "Ok":
            continue
        got = _GOT.search(reason)
        if not got or got.group(2) not in ("fail", "warn"):
            report.error = f"kyverno could not evaluate {policy} on {resource}: {reason} {message}".strip()
            return report
        report.findings += [_finding(policy, resource, m, kinds.get(policy, set())) for m in messages(message)]
    if not rows:
        report.error = _no_results(done)
    return report


def messages(text: str) -> list[str]:
    """One message per violation, in order, each once: Kyverno gives one result per policy and
    object, its messages joined (render/cel.py); the Rego engines give a set of messages."""
    return list(dict.fromkeys(text.split(MESSAGE_SEPARATOR)))


def _finding(policy: str, resource: str, message: str, kinds: set[str]) -> Finding:
    parts = resource.split("/")
    at = max((i for i, part in enumerate(parts) if part in kinds), default=len(parts) - 2)
    namespace = "/".join(parts[at + 1 : -1])
    return Finding(hint=policy, kind=parts[at], namespace=namespace, name=parts[-1], message=message)
