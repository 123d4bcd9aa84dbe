"""A predicate reads its field by plain reference only where that gives common.get's verdict.

A reference is undefined where a field is missing, or a step is not a map; common.get gives
null. The two forms of each predicate are rendered side by side and run in the real
evaluators (OPA, rego-cpp) on values of every shape: their verdicts must match.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import regopy

from hint2policy.compile import ir
from hint2policy.engines import toolchain
from hint2policy.render.rego import RegoRenderer, render_common

FIELD = ir.Ref("item", ("spec", "f"))
# each predicate, and whether its field is read by reference (the rest keep common.get)
CASES = [
    ("exists", None, True),
    ("absent", None, False),
    ("equals", ir.Lit("x"), True),
    ("equals", ir.Lit(1), True),
    ("equals", ir.Lit(None), False),
    ("equals", ir.ParamRef("p"), False),
    ("notEquals", ir.Lit("x"), True),
    ("notEquals", ir.Lit(None), False),
    ("oneOf", ir.Lit(["x", 1]), True),
    ("oneOf", ir.Lit(["x", None]), False),
    ("noneOf", ir.Lit(["x", 1]), False),
    ("matches", ir.Lit("^x"), True),
    ("startsWith", ir.Lit("x"), True),
    ("gt", ir.Lit(0), True),
    ("lengthGt", ir.Lit(0), True),
]
# the item under test, and the parameter a ParamRef reads (null: a parameter left null)
SUBJECTS = [
    "s",
    3,
    None,
    [1],
    {},
    {"spec": "s"},
    {"spec": [1]},
    {"spec": None},
    {"spec": {}},
    {"spec": {"f": None}},
    {"spec": {"f": "x"}},
    {"spec": {"f": "xyz"}},
    {"spec": {"f": 1}},
    {"spec": {"f": [1]}},
    {"spec": {"f": {}}},
]
PARAMS = [{"p": "x"}, {"p": None}]


def _policy() -> ir.Policy:
    check = ir.Predicate("exists", FIELD)
    return ir.Policy("h", "t", "c", "low", "warn", "d", "r", "f", (), False, (), (), check, (), check, ())


def _exprs(op: str, operand: ir.Operand | None, reference: bool) -> list[str]:
    renderer = RegoRenderer(_policy())
    if not reference:
        renderer.reference = lambda ref: None  # type: ignore[method-assign]
    return renderer.predicate_exprs(ir.Predicate(op, FIELD, operand))


def _module() -> str:
    lines = ["package reads", "", "import data.lib.hint2policy.common", ""]
    for number, (op, operand, _) in enumerate(CASES):
        for form, reference in (("ref", True), ("get", False)):
            body = "\n\t".join(_exprs(op, operand, reference))
            lines += [f"{form}_{number}(v_item, params) := true if {{\n\t{body}\n}} else := false", ""]
    results = ", ".join(
        f'"{n}": [[ref_{n}(s, p), get_{n}(s, p)] | some s in {json.dumps(SUBJECTS)}; some p in {json.dumps(PARAMS)}]'
        for n in range(len(CASES))
    )
    return "\n".join([*lines, f"results := {{{results}}}", ""])


def _differences(results: dict) -> list[str]:
    pairs = [(s, p) for s in SUBJECTS for p in PARAMS]
    return [
        f"{CASES[int(n)][0]} {CASES[int(n)][1]} on {s} (params {p}): reference {ref}, common.get {get}"
        for n, verdicts in sorted(results.items(), key=lambda kv: int(kv[0]))
        for (s, p), (ref, get) in zip(pairs, verdicts, strict=True)
        if ref != get
    ]


def test_the_reference_is_taken_where_it_is_safe() -> None:
    for op, operand, by_reference in CASES:
        text = "\n".join(_exprs(op, operand, reference=True))
        assert ("common.get" not in text) == by_reference, (op, operand, text)


def test_both_forms_agree_in_opa(engines, tmp_path: Path) -> None:
    (tmp_path / "common.rego").write_text(render_common(), encoding="utf-8")
    (tmp_path / "reads.rego").write_text(_module(), encoding="utf-8")
    argv = [str(toolchain.require("opa")), "eval", "-d", str(tmp_path), "--format", "json", "data.reads.results"]
    out = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=120)
    results = json.loads(out.stdout)["result"][0]["expressions"][0]["value"]
    assert len(results) == len(CASES)
    assert _differences(results) == []


def test_both_forms_agree_in_rego_cpp() -> None:
    interpreter = regopy.Interpreter()
    interpreter.add_module("common.rego", render_common())
    interpreter.add_module("reads.rego", _module())
    output = interpreter.query("x := data.reads.results")
    assert output.ok(), str(output)
    results = json.loads(str(output))["bindings"]["x"]
    assert len(results) == len(CASES)
    assert _differences(results) == []
