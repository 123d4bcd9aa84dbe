"""The embedded engine's worker process: rego-cpp (regopy) queries, and nothing else to import.

A worker starts fresh (spawn), so this module stays light: regopy and the
error type. embedded.py plans the jobs and reads the results.

rego-cpp keeps a string as the escaped text it was written in: the policy's
literal "a\\"b" and an input's "a\\"b" are equal only if both are spelled alike,
and its printed JSON output breaks on them. So the input arrives as JSON text
spelled exactly like the generated Rego's literals (embedded.rego_json, with
render/escape.py's rego_str), results are read from the output's nodes (not
from regopy's Output class, which parses that printed JSON), and every string
is unescaped once, here. What rego-cpp cannot do in that form is documented in
README (count() and regular expressions see the escaped text of a string that
holds quotes, backslashes, controls or separators).
"""

from __future__ import annotations

import ctypes
import json
from dataclasses import dataclass
from typing import Any

from hint2policy.errors import EngineError

ACTIONS = ("deny", "warn")
Module = tuple[str, str]  # (path, Rego text)
# One result list per input of a job: conftest-like results, each with its "action" added.
Results = list[list[dict[str, Any]]]


@dataclass(frozen=True)
class Job:
    """One hint's package, its modules, and the inputs (conftest --combine lists) to query."""

    hint: str
    package: str
    modules: tuple[Module, ...]
    inputs: tuple[str, ...]  # JSON text, spelled as the Rego literals are


def run_chunk(jobs: list[Job]) -> dict[str, Results]:
    return {job.hint: run_job(job) for job in jobs}


def run_job(job: Job) -> Results:
    interpreter = _interpreter(job.modules)
    results: Results = []
    for text in job.inputs:
        try:
            interpreter.set_input_term(text)
            found = _query(interpreter, job.package)
        except EngineError:
            raise
        except Exception as exc:  # regopy raises whatever its native side gives; one clear line, not a traceback
            raise EngineError(f"embedded: {job.hint}: the evaluator failed: {exc}") from None
        results.append([{**r, "action": action} for action in ACTIONS for r in found[action]])
    return results


def _query(interpreter: Any, package: str) -> dict[str, Any]:
    """Each action's results, read from the output's nodes (see the module's docstring)."""
    from regopy import rego_shared as native
    from regopy.interpreter import rego_query

    # an empty partial set is "undefined" in rego-cpp: a comprehension always gives a list
    query = "; ".join(f"{a} := [r | some r in data.{package}.{a}]" for a in ACTIONS)
    output = rego_query(interpreter._impl, query)
    try:
        if not native.rego_output_ok(output):
            raise EngineError(f"embedded: {package}: {_first_lines(native.rego_output_string(output))}")
        return {a: _value(native.rego_output_binding_at_index(output, 0, a)) for a in ACTIONS}
    finally:
        native.rego_free_output(output)


def _value(node: Any) -> Any:
    """A rego-cpp node as a Python value."""
    from regopy import rego_shared as native
    from regopy.node import NodeKind

    kind = native.rego_node_type(node)
    children = [native.rego_node_get(node, i) for i in range(native.rego_node_size(node))]
    if kind in (NodeKind.Term, NodeKind.Scalar):
        return _value(children[0])
    if kind in (NodeKind.Array, NodeKind.Set):
        return [_value(child) for child in children]
    if kind == NodeKind.Object:
        return {_value(native.rego_node_get(i, 0)): _value(native.rego_node_get(i, 1)) for i in children}
    text = native.rego_node_value(node)
    scalars = {
        NodeKind.String: lambda: json.loads(f'"{text}"'),
        NodeKind.Int: lambda: int(text),
        NodeKind.Float: lambda: float(text),
        NodeKind.Boolean: lambda: text == "true",
        NodeKind.True_: lambda: True,
        NodeKind.False_: lambda: False,
        NodeKind.Null: lambda: None,
    }
    if kind not in scalars:
        raise EngineError(f"embedded: unexpected value of kind {native.rego_node_type_name(node)} in the output")
    return scalars[kind]()


def _interpreter(modules: tuple[Module, ...]) -> Any:
    try:
        import regopy
    except ImportError as exc:  # pragma: no cover - regopy is a dependency; a broken install says so
        raise EngineError("embedded: regopy is not installed: run 'pip install hint2policy' again") from exc
    interpreter = regopy.Interpreter()
    _lift_statement_limit(interpreter)
    for path, text in modules:
        interpreter.add_module(path, text)
    return interpreter


# rego::Interpreter::stmt_limit(size_t), which regopy does not expose; its C handle is the Interpreter.
_STMT_LIMIT = "_ZN4rego11Interpreter10stmt_limitEm"


def _lift_statement_limit(interpreter: Any) -> None:
    """Let a query run past rego-cpp's 10,000,000 VM statements: past them it answers a bare
    `<error>`, which ingress-gateway-authorization reached on a 10,000-object mesh. The engine's
    timeout (embedded.TIMEOUT, HINT2POLICY_ENGINE_TIMEOUT) bounds a query instead, as OPA's does.
    Another build of regopy without the symbol keeps its limit, and that error stays an error."""
    from regopy import rego_shared as native

    setter = getattr(native.rego, _STMT_LIMIT, None)
    if setter is None:
        return
    setter.argtypes, setter.restype = [ctypes.c_void_p, ctypes.c_size_t], ctypes.c_void_p
    setter(interpreter._impl, 1 << 62)


def _first_lines(text: str) -> str:
    return " ".join(line.strip() for line in text.splitlines()[:6] if line.strip())
