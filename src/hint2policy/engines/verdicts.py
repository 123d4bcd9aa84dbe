"""What an engine said: a verdict per fixture case, or the findings on a set of manifests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Said = Literal["fail", "pass", "error"]
CaseKey = tuple[str, str]  # (hint id, case name)


@dataclass
class EngineReport:
    """One engine's verdict per case, and any engine-level error (with its stderr)."""

    engine: str
    verdicts: dict[CaseKey, Said] = field(default_factory=dict)
    details: dict[CaseKey, str] = field(default_factory=dict)
    error: str | None = None

    def add(self, part: EngineReport) -> None:
        """What one of the engine's processes said about its share of the cases; its first error stays."""
        self.verdicts.update(part.verdicts)
        self.details.update(part.details)
        self.error = self.error or part.error


@dataclass(frozen=True)
class Finding:
    """One violation an engine reported: which hint, on which object, saying what."""

    hint: str
    kind: str
    namespace: str  # "" for cluster-scoped objects
    name: str
    message: str

    @classmethod
    def of(cls, hint: str, resource: dict | None, message: object) -> Finding:
        """A finding from a generated Rego result: its hint, its `resource` object and its message."""
        resource = resource or {}
        return cls(
            hint=hint,
            kind=str(resource.get("kind")),
            namespace=resource.get("namespace") or "",
            name=str(resource.get("name")),
            message=str(message or ""),
        )


@dataclass
class EngineFindings:
    """Everything one engine reported on a set of manifests, or why it could not."""

    engine: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None

    def add(self, part: EngineFindings) -> None:
        """What one of the engine's processes found on its share; its first error stays."""
        self.findings += part.findings
        self.error = self.error or part.error
