"""The embedded engine's worker: what rego-cpp needs around it to answer like OPA."""

from __future__ import annotations

import pytest

from hint2policy.engines import embedded, regopy_worker
from hint2policy.engines.regopy_worker import Job
from hint2policy.errors import EngineError

# Five statements or so per item: 500,000 items pass rego-cpp's default limit of 10,000,000
# VM statements, which ingress-gateway-authorization passed on a 10,000-object mesh.
LONG_QUERY = """package hint2policy.long

deny contains result if {
	n := count([i | some i in numbers.range(1, 500000); _small(i)])
	result := {"msg": sprintf("%d items", [n])}
}

_small(i) if {
	i > 0
	j := i + 1
	j > 1
}
"""


def test_a_query_past_rego_cpps_statement_limit_still_answers() -> None:
    job = Job("long", "hint2policy.long", (("long.rego", LONG_QUERY),), ("[]",))
    assert regopy_worker.run_job(job) == [[{"msg": "500000 items", "action": "deny"}]]


def test_workers_past_the_memory_cap_are_stopped_with_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HINT2POLICY_ENGINE_MEMORY", "1")  # MiB: any worker holds more once it runs
    job = Job("long", "hint2policy.long", (("long.rego", LONG_QUERY),), ("[]",))
    with pytest.raises(EngineError, match=r"used more than 1 MiB and was stopped \(HINT2POLICY_ENGINE_MEMORY"):
        embedded.evaluate([job])


def test_a_memory_cap_that_is_not_a_number_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HINT2POLICY_ENGINE_MEMORY", "lots")
    with pytest.raises(EngineError, match="must be a number of MiB, not 'lots'"):
        embedded.memory_cap()
