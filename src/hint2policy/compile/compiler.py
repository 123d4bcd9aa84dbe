"""Compile a schema-valid spec into a Policy, checking what a schema cannot say.

The schema guarantees shapes; this pass checks meaning: one operator per
predicate, variables in scope, operands of the right type, RE2 regexes,
parameters that exist and are used, message placeholders that resolve.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import jsonschema

from hint2policy.compile import ir
from hint2policy.compile.paths import PathSyntaxError, parse_message, parse_path
from hint2policy.compile.regex import problem as regex_problem
from hint2policy.compile.workloads import WORKLOAD_KINDS
from hint2policy.errors import SpecError
from hint2policy.kube import CLUSTER_SCOPED
from hint2policy.load.yamlpos import FieldPath, Located
from hint2policy.validate import format_field

COMBINATORS = ("all", "any", "not", "each", "some", "related")
STRING_OPS = ("matches", "startsWith", "endsWith", "contains")
NUMBER_OPS = ("gt", "gte", "lt", "lte")
LENGTH_OPS = ("lengthEq", "lengthGt", "lengthGte", "lengthLt", "lengthLte")
LIST_OPS = ("oneOf", "noneOf")
FLAG_OPS = ("exists", "absent")
FORMAT_OPS = ("equals", "startsWith", "endsWith", "contains")

# The JSON Schema types a parameter may have for each operator that takes one.
_PARAM_TYPES: dict[str, frozenset[str]] = {
    **dict.fromkeys(STRING_OPS, frozenset({"string"})),
    **dict.fromkeys(NUMBER_OPS, frozenset({"number", "integer"})),
    **dict.fromkeys(LENGTH_OPS, frozenset({"integer"})),
    **dict.fromkeys(LIST_OPS, frozenset({"array"})),
    "equals": frozenset({"string", "number", "integer", "boolean"}),
    "notEquals": frozenset({"string", "number", "integer", "boolean"}),
}


class _Compiler:
    def __init__(self, file: Path, located: Located) -> None:
        self.file = file
        self.located = located
        self.spec: dict[str, Any] = located.value
        self.params = self._parameters()

    def error(self, path: FieldPath, message: str) -> SpecError:
        return SpecError(self.file, self.located.line_of(path), format_field(path), message)

    # -- parameters -------------------------------------------------------------------

    def _parameters(self) -> dict[str, ir.Parameter]:
        params = {}
        for name, raw in sorted((self.spec.get("parameters") or {}).items()):
            where: FieldPath = ("parameters", name)
            try:
                jsonschema.Draft202012Validator.check_schema(raw["schema"])
                jsonschema.Draft202012Validator(raw["schema"]).validate(raw["default"])
            except jsonschema.SchemaError as exc:
                raise self.error((*where, "schema"), f"invalid JSON Schema: {exc.message}") from None
            except jsonschema.ValidationError as exc:
                msg = f"default does not match its schema: {exc.message}"
                raise self.error((*where, "default"), msg) from None
            params[name] = ir.Parameter(name, raw["description"], raw["schema"], raw["default"])
        return params

    # -- checks -----------------------------------------------------------------------

    def node(self, raw: dict[str, Any], path: FieldPath, scope: tuple[str, ...]) -> ir.Node:
        keys = [k for k in raw if k in COMBINATORS]
        if len(keys) > 1 or (keys and len(raw) > 1):
            extra = sorted(set(raw) - {keys[0]})
            raise self.error((*path, extra[0]), f"{keys[0]!r} cannot be combined with {extra[0]!r}")
        if not keys:
            return self.predicate(raw, path, scope)
        key = keys[0]
        sub = (*path, key)
        if key in ("all", "any"):
            items = tuple(self.node(x, (*sub, i), scope) for i, x in enumerate(raw[key]))
            return ir.AllOf(items) if key == "all" else ir.AnyOf(items)
        if key == "not":
            return ir.Not(self.node(raw[key], sub, scope))
        if key == "related":
            return self.relation(raw[key], sub, scope)
        return self.quantifier(raw[key], sub, scope, every=key == "each")

    def quantifier(self, raw: dict, path: FieldPath, scope: tuple[str, ...], every: bool) -> ir.Node:
        var = raw["as"]
        if var in scope:
            raise self.error((*path, "as"), f"${var} is already bound by an enclosing iteration")
        over_keys = "keys" in raw
        source_key = "keys" if over_keys else "in"
        source = self.ref(raw[source_key], (*path, source_key), scope)
        body = self.node(raw["check"], (*path, "check"), (*scope, var))
        return ir.Quantifier(every, source, over_keys, var, body)

    def relation(self, raw: dict, path: FieldPath, scope: tuple[str, ...]) -> ir.Node:
        var = raw["as"]
        if var in scope:
            raise self.error((*path, "as"), f"${var} is already bound by an enclosing iteration")
        if self.spec["match"].get("workloads"):
            raise self.error(path, "a workload hint checks one pod template; relate named kinds instead")
        kinds = tuple(ir.Kind(k["group"], k["kind"]) for k in raw["kinds"])
        join = self.join(raw["join"], (*path, "join"), scope, var) if "join" in raw else None
        body = self.node(raw["check"], (*path, "check"), (*scope, var)) if "check" in raw else None
        return ir.Related(kinds, var, raw.get("scope", "cluster"), join, body)

    def join(self, raw: dict, path: FieldPath, scope: tuple[str, ...], var: str) -> ir.Join:
        values = self.ref(raw["in"], (*path, "in"), (*scope, var), projections=True)
        if values.var != var:
            raise self.error((*path, "in"), f"the related values are read from ${var}: write ${var}.<path>")
        match, hosts = raw.get("match", "equals"), raw.get("hosts", False)
        if match != "equals" and not hosts:
            raise self.error((*path, "match"), f"{match} compares host names: set hosts: true")
        return ir.Join(self.key(raw["key"], (*path, "key"), scope), values, match, hosts)

    def key(self, raw: Any, path: FieldPath, scope: tuple[str, ...]) -> ir.Operand:
        if isinstance(raw, dict) and "value" in raw:
            return ir.Lit(raw["value"])
        if isinstance(raw, dict) and "format" in raw:
            return self.format_operand("equals", raw["format"], (*path, "format"), scope)
        if isinstance(raw, dict):
            return self.param_operand("equals", raw["param"], path)
        return self.ref(raw, path, scope)

    def ref(self, raw: str | list[str], path: FieldPath, scope: tuple[str, ...], projections: bool = False) -> ir.Ref:
        try:
            ref = parse_path(raw)
        except PathSyntaxError as exc:
            raise self.error(path, str(exc)) from None
        if ref.projects and not projections:
            raise self.error(path, "[*] projects a list only in a relation's join.in; iterate with each or some")
        return self.in_scope(ref, path, scope)

    def in_scope(self, ref: ir.Ref, path: FieldPath, scope: tuple[str, ...]) -> ir.Ref:
        for var in sorted(ref.vars - set(scope)):
            known = ", ".join(f"${v}" for v in scope) or "none"
            raise self.error(path, f"unknown variable ${var} (in scope: {known})")
        return ref

    def predicate(self, raw: dict[str, Any], path: FieldPath, scope: tuple[str, ...]) -> ir.Node:
        ops = [k for k in raw if k in ir.OPERATORS]
        if "path" not in raw:
            raise self.error(path, "a check needs 'path' and one operator, or all/any/not/each/some")
        if len(ops) != 1:
            found = ", ".join(ops) or "none"
            raise self.error(path, f"a predicate takes exactly one operator (found: {found})")
        op = ops[0]
        ref = self.ref(raw["path"], (*path, "path"), scope)
        operand = None if op in FLAG_OPS else self.operand(op, raw[op], (*path, op), scope)
        return ir.Predicate(op, ref, operand)

    def operand(self, op: str, raw: Any, path: FieldPath, scope: tuple[str, ...]) -> ir.Operand:
        if isinstance(raw, dict) and "format" in raw:
            return self.format_operand(op, raw["format"], (*path, "format"), scope)
        if isinstance(raw, dict) and "path" in raw:
            if op not in ("equals", "notEquals"):
                raise self.error((*path, "path"), "a path operand works with equals and notEquals")
            return self.ref(raw["path"], (*path, "path"), scope)
        if isinstance(raw, dict):
            return self.param_operand(op, raw["param"], path)
        for value in raw if isinstance(raw, list) else [raw]:
            if isinstance(value, float) and not math.isfinite(value):
                raise self.error(path, "numbers must be finite")
        if op == "matches":
            self.check_regex(raw, path)
        return ir.Lit(raw)

    def param_operand(self, op: str, name: str, path: FieldPath) -> ir.Operand:
        param = self.params.get(name)
        if param is None:
            known = ", ".join(sorted(self.params)) or "none"
            raise self.error((*path, "param"), f"unknown parameter {name!r} (declared: {known})")
        declared = param.schema.get("type")
        types = set(declared) if isinstance(declared, list) else {declared}
        if not types <= _PARAM_TYPES[op]:
            wanted = " or ".join(sorted(_PARAM_TYPES[op]))
            raise self.error((*path, "param"), f"{op} needs a {wanted} parameter; {name!r} is {declared}")
        if op == "matches":
            self.check_regex(param.default, ("parameters", name, "default"))
        return ir.ParamRef(name)

    def format_operand(self, op: str, text: str, path: FieldPath, scope: tuple[str, ...]) -> ir.Format:
        if op not in FORMAT_OPS:
            ops = ", ".join(FORMAT_OPS)
            raise self.error(path, f"a format operand works with {ops}; write 'not' around it to negate")
        try:
            parts = parse_message(text)
        except PathSyntaxError as exc:
            raise self.error(path, str(exc)) from None
        resolved: list[ir.MessagePart] = []
        for part in parts:
            if isinstance(part, ir.Builtin):
                part = self.builtin_ref(part, path)
            if isinstance(part, ir.Ref):
                self.in_scope(part, path, scope)
            resolved.append(part)
        if not any(isinstance(p, ir.Ref) for p in resolved):
            raise self.error(path, "a format operand needs at least one {placeholder}; use a plain value instead")
        return ir.Format(tuple(resolved))

    def builtin_ref(self, part: ir.Builtin, path: FieldPath) -> ir.Ref:
        # In a check, {namespace} is read from the subject; a workload's subject is its pod template.
        if self.spec["match"].get("workloads"):
            raise self.error(path, f"{{{part.name}}} is not available in the checks of a workload hint")
        return ir.Ref(None, ("kind",) if part.name == "kind" else ("metadata", part.name))

    def check_regex(self, pattern: str, path: FieldPath) -> None:
        problem = regex_problem(pattern)
        if problem:
            raise self.error(path, f"regular expression {pattern!r} {problem}")

    # -- the policy -------------------------------------------------------------------

    def kinds(self) -> tuple[ir.Kind, ...]:
        match = self.spec["match"]
        if match.get("workloads"):
            return WORKLOAD_KINDS
        kinds = tuple(ir.Kind(k["group"], k["kind"]) for k in match["kinds"])
        # excludedNamespaces cannot apply to a kind without a namespace the same way in every engine
        scoped = [k.kind for k in kinds if k.kind in CLUSTER_SCOPED]
        if scoped and match["excludedNamespaces"]:
            msg = f"{scoped[0]} has no namespace; exclude by name in the check (metadata.name noneOf [...])"
            raise self.error(("match", "excludedNamespaces"), msg)
        return kinds

    def message(self, chain: tuple[ir.Quantifier, ...]) -> tuple[ir.MessagePart, ...]:
        try:
            parts = parse_message(self.spec["message"])
        except PathSyntaxError as exc:
            raise self.error(("message",), str(exc)) from None
        bound = {q.var for q in chain}
        for part in parts:
            if isinstance(part, ir.Ref) and part.var is not None and part.var not in bound:
                usable = ", ".join("$" + v for v in sorted(bound)) or "none"
                msg = f"{{${part.var}}} is not bound here: messages use the leading 'each' variables ({usable})"
                raise self.error(("message",), msg)
        return parts

    def policy(self) -> ir.Policy:
        check = self.node(self.spec["check"], ("check",), ())
        chain, body = split_chain(check)
        unused = sorted(set(self.params) - ir.params_used(check))
        if unused:
            raise self.error(("parameters", unused[0]), "parameter is declared but never used")
        spec = self.spec
        istioctl = spec.get("istioctl") or {}
        return ir.Policy(
            hint_id=spec["id"],
            title=spec["title"],
            category=spec["category"],
            severity=spec["severity"],
            action=spec["action"],
            description=" ".join(spec["rationale"].split()),
            remediation=spec["remediation"],
            source_file=f"hints/{spec['id']}/hint.yaml",
            kinds=self.kinds(),
            workloads=bool(spec["match"].get("workloads")),
            excluded_namespaces=tuple(spec["match"]["excludedNamespaces"]),
            parameters=tuple(self.params.values()),
            check=check,
            chain=chain,
            body=body,
            message=self.message(chain),
            relations=tuple(ir.relations(check)),
            istioctl_codes=tuple(istioctl.get("codes", ())),
            spec=spec,
        )


def split_chain(check: ir.Node) -> tuple[tuple[ir.Quantifier, ...], ir.Node]:
    """The leading `each` iterations of a check, and the body they lead to.

    A violation is one binding of these iterations whose body fails, so that a
    resource with three bad hosts gets three messages, each naming its host.
    """
    chain: list[ir.Quantifier] = []
    while isinstance(check, ir.Quantifier) and check.every:
        chain.append(check)
        check = check.body
    return tuple(chain), check


def compile_spec(file: Path, located: Located) -> ir.Policy:
    """Compile a schema-valid spec; raises SpecError naming file, line and field."""
    return _Compiler(file, located).policy()
