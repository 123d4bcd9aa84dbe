"""The benchmark's mesh generator: deterministic, and clean except where it injects a violation."""

from __future__ import annotations

import pytest

from benchmarks.meshgen import VIOLATIONS, generate
from hint2policy.audit import ENGINES, audit
from hint2policy.catalog import load_catalog
from hint2policy.load.manifests import manifest
from tests.conftest import HINTS


def test_generation_is_deterministic_and_exact() -> None:
    first, again = generate(500, 0.1, seed=7), generate(500, 0.1, seed=7)
    assert first.objects == again.objects and first.violations == again.violations
    assert len(first.objects) == 500
    assert 20 <= len(first.violations) <= 80  # about 10%: only kinds with a breaker can be broken
    assert generate(500, 0.1, seed=8).violations != first.violations


@pytest.mark.usefixtures("engines")
def test_engines_flag_exactly_the_injected_violations() -> None:
    mesh = generate(240, 0.3, seed=3)
    # every breaker was used; a knock-on (an open Sidecar leaves its namespace unrestricted) adds one more hint
    assert {hint for hint, _, _ in VIOLATIONS} <= {v["hint"] for v in mesh.violations}
    run = audit(load_catalog([HINTS]).hints, [manifest(o, HINTS, i) for i, o in enumerate(mesh.objects, 1)])
    assert not run.errors, run.errors
    injected = {(v["hint"], v["kind"], v["namespace"], v["name"]) for v in mesh.violations}
    for engine in ENGINES:
        flagged = {(f.hint, f.kind, f.namespace, f.name) for f in run.findings(engine)}
        assert flagged == injected, f"{engine}: unexpected {flagged - injected}, missed {injected - flagged}"
