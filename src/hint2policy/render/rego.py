"""Render a Policy's logic as a Rego library shared by conftest and Gatekeeper.

Each check node becomes one small function (_check_N) taking only what it
reads: the subject, the parameters and the iteration variables in scope.
"""

from __future__ import annotations

from typing import Any

from hint2policy.compile import ir
from hint2policy.compile.workloads import template_groups
from hint2policy.render import escape
from hint2policy.render.environment import macros, render

_COMPARE = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
_STRING_BUILTIN = {"startsWith": "startswith", "endsWith": "endswith", "contains": "contains"}
_LENGTH = {"lengthEq": "==", "lengthGt": ">", "lengthGte": ">=", "lengthLt": "<", "lengthLte": "<="}


def var_name(var: str) -> str:
    return f"v_{var}"


class RegoRenderer:
    """IR -> Rego; one method per node kind."""

    def __init__(self, policy: ir.Policy) -> None:
        self.policy = policy
        self.macros: Any = macros("rego/constructs.rego.j2")
        self.functions: dict[int, str] = {}

    # -- expressions ------------------------------------------------------------------

    def ref(self, ref: ir.Ref) -> str:
        base = var_name(ref.var) if ref.var else "subject"
        if not ref.segments:
            return base
        if ref.static:
            return f"common.get({base}, {escape.rego_value(list(ref.segments))})"
        steps = [var_name(s.var) if isinstance(s, ir.VarKey) else escape.rego_str(s) for s in ref.segments]
        return f"common.get({base}, [{', '.join(steps)}])"

    def operand(self, operand: ir.Operand | None) -> tuple[list[str], str]:
        """Expressions that bind the operand's parts (for a format), and the operand itself."""
        if isinstance(operand, ir.ParamRef):
            return [], f"params.{operand.name}"
        if isinstance(operand, ir.Format):
            return self.format(operand)
        assert operand is not None
        return [], escape.rego_value(operand.value)

    def format(self, operand: ir.Format) -> tuple[list[str], str]:
        # every placeholder must hold a string, or the predicate is false
        binds, pieces = [], []
        for part in operand.parts:
            if isinstance(part, str):
                pieces.append(escape.rego_str(part))
                continue
            name = f"part_{len(binds) // 2 + 1}"
            binds += [f"{name} := {self.ref(part)}", f"is_string({name})"]  # type: ignore[arg-type]
            pieces.append(name)
        return binds, f'concat("", [{", ".join(pieces)}])'

    def args(self, node: ir.Node) -> list[str]:
        args = ["subject"] if ir.uses_subject(node) else []
        args += ["params"] if ir.uses_params(node) else []
        return args + [var_name(v) for v in sorted(ir.free_vars(node))]

    def call(self, node: ir.Node) -> str:
        """Render node as a function and return the expression that calls it."""
        number = len(self.functions) + 1
        self.functions[number] = ""  # reserve the number: parents before children
        name, args = f"_check_{number}", self.args(node)
        method = getattr(self, ir.node_kind(node))
        self.functions[number] = method(node, name, args)
        return f"{name}({', '.join(args)})"

    # -- one method per node kind -----------------------------------------------------

    def predicate(self, node: ir.Predicate, name: str, args: list[str]) -> str:
        return self.macros.function(name, args, self.predicate_exprs(node))

    def predicate_exprs(self, node: ir.Predicate) -> list[str]:
        value, operand, op = self.ref(node.ref), node.operand, node.op
        simple = {
            "exists": f"{value} != null",
            "absent": f"{value} == null",
            "equals": f"{value} == {{v}}",
            "notEquals": f"{value} != {{v}}",
            "oneOf": f"{value} in {{v}}",
            "noneOf": f"not {value} in {{v}}",
        }
        pre, v = self.operand(operand) if operand is not None else ([], "")
        if op in simple:
            return [*pre, simple[op].replace("{v}", v)]
        # a bare iteration variable is used as it is; a path is read once into `value`
        bind, x = ([], value) if not node.ref.segments and node.ref.var else ([f"value := {value}"], "value")
        bind = pre + bind
        if op == "matches":
            pattern = self.regex(operand) if isinstance(operand, ir.Lit) else v
            return [*bind, f"is_string({x})", f"regex.match({pattern}, {x})"]
        if op in _STRING_BUILTIN:
            return [*bind, f"is_string({x})", f"{_STRING_BUILTIN[op]}({x}, {v})"]
        if op in _COMPARE:
            return [*bind, f"is_number({x})", f"{x} {_COMPARE[op]} {v}"]
        return [*bind, f"common.has_size({x})", f"count({x}) {_LENGTH[op]} {v}"]

    def regex(self, operand: ir.Lit) -> str:
        """A raw string where the pattern allows one (no backtick, nothing to escape)."""
        text = str(operand.value)
        if "`" in text or any(escape.needs_escape(ch) or ch in "\n\t" for ch in text):
            return escape.rego_str(text)
        return f"`{text}`"

    def all_of(self, node: ir.AllOf, name: str, args: list[str]) -> str:
        return self.macros.function(name, args, [self.call(item) for item in node.items])

    def any_of(self, node: ir.AnyOf, name: str, args: list[str]) -> str:
        # one definition per branch; an argument a branch does not read is a wildcard there
        heads = [[a if a in self.args(item) else "_" for a in args] for item in node.items]
        return self.macros.any_of(name, heads, [self.call(item) for item in node.items])

    def not_(self, node: ir.Not, name: str, args: list[str]) -> str:
        return self.macros.function(name, args, [f"not {self.call(node.item)}"])

    def quantifier(self, node: ir.Quantifier, name: str, args: list[str]) -> str:
        source, var, call = self.source(node), var_name(node.var), self.call(node.body)
        if node.every:
            return self.macros.every(name, args, var, source, call)
        return self.macros.function(name, args, [f"some {var} in {source}", call])

    def source(self, node: ir.Quantifier) -> str:
        helper = "common.keys" if node.keys else "common.list"
        return f"{helper}({self.ref(node.source)})"

    # -- the library ------------------------------------------------------------------

    def comprehension(self) -> list[str]:
        policy = self.policy
        lines = ["params := object.union(_defaults, overrides)"] if ir.uses_params(policy.check) else []
        if policy.workloads:
            lines.append("some subject in common.pod_templates(obj)")
        lines += [f"some {var_name(q.var)} in {self.source(q)}" for q in policy.chain]
        lines += [f"not {self.call(policy.body)}", f"msg := {self.message()}"]
        return lines

    @property
    def obj(self) -> str:
        """The library's name for the resource: a workload's subject is its pod template."""
        return "obj" if self.policy.workloads else "subject"

    def message(self) -> str:
        fmt, values = "", []
        for part in self.policy.message:
            if isinstance(part, str):
                fmt += escape.rego_format(part)
                continue
            # common.text: a missing field prints "" as in CEL, not "null"
            fmt += "%s"
            if isinstance(part, ir.Builtin):
                path = ["kind"] if part.name == "kind" else ["metadata", part.name]
                values.append(f"common.text(common.get({self.obj}, {escape.rego_value(path)}))")
            else:
                values.append(f"common.text({self.ref(part)})")
        if not values:
            return escape.rego_str(fmt.replace("%%", "%"))
        return f"sprintf({escape.rego_str(fmt)}, [{', '.join(values)}])"

    def library(self) -> str:
        comprehension = self.comprehension()
        return render(
            "rego/lib.rego.j2",
            policy=self.policy,
            defaults={p.name: p.default for p in self.policy.parameters},
            obj=self.obj,
            uses_params=ir.uses_params(self.policy.check),
            comprehension=comprehension,
            functions=[self.functions[n] for n in sorted(self.functions)],
        )


def render_library(policy: ir.Policy) -> str:
    """The hint's Rego library: package lib.hint2policy.<id>, entry point violations(obj, params)."""
    return RegoRenderer(policy).library()


def render_common() -> str:
    """Helpers every hint library imports (data.lib.hint2policy.common)."""
    return render("rego/common.rego.j2", template_groups=template_groups())


def render_conftest(policy: ir.Policy) -> str:
    """The conftest entry point: deny or warn, with the hint and resource as metadata."""
    return render("rego/conftest.rego.j2", policy=policy, rule=policy.action)
