"""What an engine said about each fixture case: flagged, clean, or an error."""

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
