"""The embedded engine's worker: what rego-cpp needs around it to answer like OPA."""

from __future__ import annotations

import pytest
import regopy

from hint2policy.engines import embedded, regopy_worker, runner
from hint2policy.engines.regopy_worker import Job
from hint2policy.errors import EngineError
from hint2policy.render.environment import macros

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
        runner.memory_cap()


# A later branch of an anyOf must not run once an earlier one holds. OPA stops at the first
# definition of a function that holds; rego-cpp evaluates them all, so the renderer chains the
# branches with else. `_costly` passes rego-cpp's default statement limit (its bare `<error>`)
# if it runs for the three items at all.
ANY_OF_MODULE = """package anyof

_cheap(x) if x > 0

_costly(x) if {
	n := count([i | some i in numbers.range(1, 1000000); _step(i, x)])
	n > 0
}

_step(i, x) if {
	i > 0
	j := i + x
	j > 1
}

{any_of}

answer := [x | some x in [1, 2, 3]; _either(x)]
"""


def test_an_any_of_runs_a_later_branch_only_when_the_earlier_ones_fail() -> None:
    rendered = macros("rego/constructs.rego.j2").any_of("_either", ["x"], ["_cheap(x)", "_costly(x)"])
    interpreter = regopy.Interpreter()  # rego-cpp's own limits, not the worker's
    interpreter.add_module("anyof.rego", ANY_OF_MODULE.replace("{any_of}", str(rendered)))
    assert str(interpreter.query("x := data.anyof.answer")) == '{"expressions":[true], "bindings":{"x":[1,2,3]}}'
