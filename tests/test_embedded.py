"""The embedded engine's worker: what rego-cpp needs around it to answer like OPA."""

from __future__ import annotations

from hint2policy.engines import regopy_worker
from hint2policy.engines.regopy_worker import Job

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
