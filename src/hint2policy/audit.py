"""Run the generated policies of a catalog on a set of manifests, in each real engine.

The policies are rendered into a temporary folder exactly as `generate`
writes them, and every object is written to its own file in one flat folder
that each engine reads whole: the three engines judge the same bytes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from hint2policy.catalog import Hint
from hint2policy.engines import conftest, gator, kyverno
from hint2policy.engines.parallel import run_engines
from hint2policy.engines.verdicts import EngineFindings, Finding
from hint2policy.generate import build_tree, write_tree
from hint2policy.load.manifests import Manifest

ENGINES = ("conftest", "gator", "kyverno")


@dataclass
class AuditRun:
    engines: tuple[str, ...]
    reports: dict[str, EngineFindings]

    @property
    def errors(self) -> dict[str, str]:
        return {name: r.error for name, r in self.reports.items() if r.error}

    def findings(self, engine: str) -> list[Finding]:
        return self.reports[engine].findings


def audit(hints: Sequence[Hint], manifests: Sequence[Manifest], engines: Sequence[str] = ENGINES) -> AuditRun:
    """Every selected engine's findings for the hints' policies on the manifests."""
    ids = [h.id for h in hints]
    with tempfile.TemporaryDirectory(prefix="hint2policy-audit-") as tmp:
        root, inputs = Path(tmp) / "policies", Path(tmp) / "inputs"
        write_tree(build_tree(list(hints)), root)
        _write_inputs(manifests, inputs)
        jobs = {
            "conftest": lambda: conftest.findings(root, inputs),
            "gator": lambda: gator.findings(root, ids, inputs),
            "kyverno": lambda: kyverno.findings(root, ids, inputs),
        }
        reports = run_engines({e: jobs[e] for e in engines}, lambda name, error: EngineFindings(name, error=error))
    return AuditRun(tuple(engines), reports)


def _write_inputs(manifests: Sequence[Manifest], folder: Path) -> None:
    folder.mkdir(parents=True)
    width = len(str(len(manifests)))
    for index, manifest in enumerate(manifests, 1):
        text = yaml.safe_dump(manifest.obj, sort_keys=False, allow_unicode=True)
        (folder / f"{index:0{width}d}.yaml").write_text(text, encoding="utf-8")
