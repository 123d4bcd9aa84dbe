"""What `hint2policy check` found: the findings of one engine on a set of manifests, and their rules.

This is the one model every output format (report/findings.py) renders:
table, JSON, JUnit, SARIF and GitHub annotations read the same objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from hint2policy.load.manifests import Problem

Action = Literal["deny", "warn"]
FailOn = Literal["deny", "warn", "never"]
# The project's home page (SARIF tool.driver.informationUri).
PROJECT_URL = "https://github.com/hint2policy/hint2policy"
# Where the pages of the hints are published; a finding links to DOCS_URL + "<id>.md".
DOCS_URL = "https://github.com/hint2policy/hint2policy/blob/main/docs/hints/"
# The version of the JSON report's schema (src/hint2policy/schema/findings.schema.json).
REPORT_VERSION = "1"


@dataclass(frozen=True)
class Resource:
    api_version: str
    kind: str
    namespace: str  # "" for a cluster-scoped object
    name: str

    def __str__(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind} {where}{self.name}"


@dataclass(frozen=True)
class Rule:
    """A hint as a lint rule: what a report needs to explain a finding."""

    id: str
    title: str
    severity: str  # low | medium | high | critical
    action: Action
    category: str
    rationale: str
    remediation: str

    @property
    def help_uri(self) -> str:
        return f"{DOCS_URL}{self.id}.md"


@dataclass(frozen=True)
class CheckFinding:
    """One violation: which hint, on which object, where it was read, said by which engine."""

    hint: str
    severity: str
    action: Action
    message: str
    resource: Resource
    file: str  # as given on the command line ("-" for stdin)
    document: int  # index of the YAML document in its file, from 1
    line: int  # line where that document starts, from 1
    engine: str


@dataclass
class CheckRun:
    """Everything one `check` saw and said; nothing read is left uncounted."""

    engine: str
    rules: dict[str, Rule]
    files: int = 0
    documents: int = 0
    objects: int = 0
    findings: list[CheckFinding] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)  # documents that are not Kubernetes objects
    errors: list[Problem] = field(default_factory=list)  # files that could not be read
    engine_error: str | None = None
    fail_on: FailOn = "deny"

    def failing(self) -> list[CheckFinding]:
        """The findings at or above fail_on (warn < deny)."""
        if self.fail_on == "never":
            return []
        levels = ("deny",) if self.fail_on == "deny" else ("deny", "warn")
        return [f for f in self.findings if f.action in levels]

    @property
    def exit_code(self) -> int:
        """0 clean, 1 findings at or above fail_on, 2 input or engine errors (findings cannot be trusted)."""
        if self.engine_error or self.errors:
            return 2
        return 1 if self.failing() else 0
