"""Render a Policy's logic as CEL for Kyverno's validate.cel rules.

One boolean expression says whether the resource complies; a message
expression lists one message per failing binding of the leading `each`
iterations, as the Rego library does.
"""

from __future__ import annotations

from hint2policy.compile import ir
from hint2policy.compile.workloads import template_groups
from hint2policy.render import escape, exemption

_COMPARE = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
_STRING_METHOD = {"startsWith": "startsWith", "endsWith": "endsWith", "contains": "contains"}
_LENGTH = {"lengthEq": "==", "lengthGt": ">", "lengthGte": ">=", "lengthLt": "<", "lengthLte": "<="}
_NUMBER = "(type({x}) == int || type({x}) == uint || type({x}) == double)"
_SIZED = "(type({x}) == string || type({x}) == list || type({x}) == map)"


def var_name(var: str) -> str:
    return f"v_{var}"


class CelRenderer:
    """IR -> CEL; one method per node kind. subject is the CEL path of the check's subject."""

    def __init__(self, policy: ir.Policy, subject_segments: tuple[str, ...] = ()) -> None:
        self.policy = policy
        self.subject_segments = subject_segments
        self.params = {p.name: p.default for p in policy.parameters}

    # -- expressions ------------------------------------------------------------------

    def ref(self, ref: ir.Ref) -> str:
        """The value at ref, or null where a step is missing."""
        if ref.var:
            base, segments = var_name(ref.var), ref.segments
        else:
            base, segments = "object", self.subject_segments + ref.segments
        return self.at(base, list(segments))

    def operand(self, operand: ir.Operand | None) -> str:
        assert operand is not None
        if isinstance(operand, ir.Ref):
            return self.ref(operand)
        if isinstance(operand, ir.Format):
            return " + ".join(escape.cel_str(p) if isinstance(p, str) else self.ref(p) for p in operand.parts)  # type: ignore[arg-type]
        value = self.params[operand.name] if isinstance(operand, ir.ParamRef) else operand.value
        return escape.cel_value(value)

    def guard(self, operand: ir.Operand | None, expr: str) -> str:
        """A format's placeholders must all hold strings, or the predicate is false."""
        if not isinstance(operand, ir.Format):
            return expr
        checks = [f"type({self.ref(ref)}) == string" for ref in operand.refs]
        return f"({' && '.join(checks)} && {expr})"

    def expr(self, node: ir.Node) -> str:
        return getattr(self, ir.node_kind(node))(node)

    # -- one method per node kind -----------------------------------------------------

    def predicate(self, node: ir.Predicate) -> str:
        return self.guard(node.operand, self.bare_predicate(node))

    def bare_predicate(self, node: ir.Predicate) -> str:
        x, op = self.ref(node.ref), node.op
        v = self.operand(node.operand) if node.operand is not None else ""
        simple = {
            "exists": f"{x} != null",
            "absent": f"{x} == null",
            "equals": f"{x} == {v}",
            "notEquals": f"{x} != {v}",
            "oneOf": f"{x} in {v}",
            "noneOf": f"!({x} in {v})",
        }
        if op in simple:
            return f"({simple[op]})"
        if op == "matches":
            return f"(type({x}) == string && {x}.matches({v}))"
        if op in _STRING_METHOD:
            return f"(type({x}) == string && {x}.{_STRING_METHOD[op]}({v}))"
        if op in _COMPARE:
            return f"({_NUMBER.format(x=x)} && double({x}) {_COMPARE[op]} double({v}))"
        return f"({_SIZED.format(x=x)} && size({x}) {_LENGTH[op]} {v})"

    def all_of(self, node: ir.AllOf) -> str:
        return "(" + " && ".join(self.expr(item) for item in node.items) + ")"

    def any_of(self, node: ir.AnyOf) -> str:
        return "(" + " || ".join(self.expr(item) for item in node.items) + ")"

    def not_(self, node: ir.Not) -> str:
        return f"!{self.expr(node.item)}"

    def quantifier(self, node: ir.Quantifier) -> str:
        macro = "all" if node.every else "exists"
        return f"{self.source(node)}.{macro}({var_name(node.var)}, {self.expr(node.body)})"

    def related(self, node: ir.Related) -> str:
        """Some listed object of each kind (variables.related_<n>_<k>) matches."""
        number, var = self.policy.relations.index(node) + 1, var_name(node.var)
        found = []
        for position, kind in enumerate(node.kinds, 1):
            conditions = [
                *([self.not_self(kind, var)] if (kind.group, kind.kind) in self.subject_kinds else []),
                *([exports_overlap("object", var)] if node.scope == "exported" else []),
                *([self.join(node.join, var)] if node.join else []),
                *([self.expr(node.body)] if node.body else []),
            ]
            found.append(f"variables.{list_name(number, position)}.exists({var}, {' && '.join(conditions) or 'true'})")
        return "(" + " || ".join(found) + ")"

    @property
    def subject_kinds(self) -> set[tuple[str, str]]:
        return {(k.group, k.kind) for k in self.policy.kinds}

    def not_self(self, kind: ir.Kind, var: str) -> str:
        # the listed kind is fixed; the subject is the same object when kind, group, namespace and name agree
        group = (
            f"object.apiVersion.startsWith({escape.cel_str(kind.group + '/')})"
            if kind.group
            else ('!object.apiVersion.contains("/")')
        )
        same = [
            f"object.kind == {escape.cel_str(kind.kind)}",
            group,
            f"{namespace(var)} == {namespace('object')}",
            f"{var}.metadata.name == object.metadata.name",
        ]
        return f"!({' && '.join(same)})"

    def join(self, join: ir.Join, var: str) -> str:
        key = self.operand(join.key)
        if join.hosts:
            key = host(key, namespace("object"))
        exists = self.values_exist(join, var, var, list(join.values.segments), key)
        # a field may be missing; a literal or a parameter never is (and CEL refuses "x" != null)
        return f"({key} != null && {exists})" if isinstance(join.key, ir.Ref | ir.Format) else f"({exists})"

    def values_exist(self, join: ir.Join, var: str, base: str, segments: list, key: str, depth: int = 1) -> str:
        """Some value at segments from base (through every [*]) matches key."""
        cut = next((i for i, s in enumerate(segments) if isinstance(s, ir.Every)), None)
        if cut is not None:
            item, items = f"item_{depth}", self.at(base, segments[:cut])
            inner = self.values_exist(join, var, item, segments[cut + 1 :], key, depth + 1)
            return f"(type({items}) == list ? {items} : []).exists({item}, {inner})"
        values = self.at(base, segments)
        value = host("value", namespace(var)) if join.hosts else "value"
        matched = {
            "equals": f"{value} == {key}",
            "covers": covers(value, key),
            "coveredBy": covers(key, value),
            "overlaps": f"({covers(value, key)} || {covers(key, value)})",
        }[join.match]
        listed = f"(type({values}) == list ? {values} : ({values} == null ? [] : [{values}]))"
        return f"{listed}.exists(value, value != null && {matched})"

    def at(self, base: str, segments: list) -> str:
        """The value at segments from base, or null where a step is missing."""
        if not segments:
            return base
        steps = [var_name(s.var) if isinstance(s, ir.VarKey) else escape.cel_str(s) for s in segments]
        return base + "".join(f"[?{step}]" for step in steps) + ".orValue(null)"

    def source(self, node: ir.Quantifier) -> str:
        x = self.ref(node.source)
        if node.keys:
            return f"(type({x}) == map ? {x} : {{}})"
        return f"(type({x}) == list ? {x} : [])"

    # -- message ----------------------------------------------------------------------

    def text(self, x: str) -> str:
        return f'(type({x}) == string ? {x} : ({x} == null ? "" : string({x})))'

    def message_part(self, part: ir.MessagePart) -> str:
        if isinstance(part, str):
            return escape.cel_str(part)
        if isinstance(part, ir.Builtin):
            path = ("kind",) if part.name == "kind" else ("metadata", part.name)
            return self.text(self.at("object", list(path)))
        return self.text(self.ref(part))

    def message(self) -> str:
        """Messages of every failing binding of the chain, joined by '; '."""
        text = " + ".join(self.message_part(p) for p in self.policy.message) or '""'
        for depth in range(len(self.policy.chain) - 1, -1, -1):
            quantifier = self.policy.chain[depth]
            rest = self.policy.chain[depth + 1] if depth + 1 < len(self.policy.chain) else self.policy.body
            var = var_name(quantifier.var)
            text = f'{self.source(quantifier)}.filter({var}, !{self.expr(rest)}).map({var}, {text}).join("; ")'
        return text


def list_name(relation: int, kind: int) -> str:
    return f"related_{relation}_{kind}"


def namespace(obj: str) -> str:
    return f'{obj}.metadata.?namespace.orValue("")'


def host(h: str, ns: str) -> str:
    """A short host name (no dot) resolved against namespace ns, as Istio does."""
    return f'(type({h}) == string && {h} != "*" && !{h}.contains(".") ? {h} + "." + {ns} + ".svc.cluster.local" : {h})'


def covers(wildcard: str, h: str) -> str:
    """wildcard is a wildcard host other than h that covers it."""
    return (
        f"(type({wildcard}) == string && type({h}) == string && {wildcard} != {h} && "
        f'({wildcard} == "*" || ({wildcard}.startsWith("*.") && {h}.endsWith({wildcard}.substring(1)))))'
    )


def _exports(obj: str) -> str:
    return f"(type({obj}.spec.?exportTo.orValue(null)) == list ? {obj}.spec.exportTo : [])"


def _exported_everywhere(obj: str) -> str:
    return f'(size({_exports(obj)}) == 0 || "*" in {_exports(obj)})'


def _exported_namespaces(obj: str) -> str:
    return (
        f'{_exports(obj)}.filter(e, type(e) == string && e != "~" && e != "*").map(e, e == "." ? {namespace(obj)} : e)'
    )


def exports_overlap(a: str, b: str) -> str:
    """Some namespace sees both a and b (exportTo absent or empty: every namespace)."""
    seen = [f"({_exported_everywhere(x)} || size({_exported_namespaces(x)}) > 0)" for x in (a, b)]
    return (
        f"(({_exported_everywhere(a)} && {seen[1]}) || ({_exported_everywhere(b)} && {seen[0]}) || "
        f"{_exported_namespaces(a)}.exists(n, n in {_exported_namespaces(b)}))"
    )


def compliance(policy: ir.Policy, subject_segments: tuple[str, ...] = ()) -> str:
    """The CEL expression that holds when the resource complies with the hint."""
    return CelRenderer(policy, subject_segments).expr(policy.check)


def message(policy: ir.Policy, subject_segments: tuple[str, ...] = ()) -> str:
    """The CEL message expression naming every violation."""
    return CelRenderer(policy, subject_segments).message()


# -- exemptions (render/exemption.py) -------------------------------------------------------


def _at(base: str, segments: tuple[str, ...]) -> str:
    return base + "".join(f"[?{escape.cel_str(s)}]" for s in segments) + ".orValue(null)"


def _exempted_at(prefix: tuple[str, ...], hint_id: str) -> str:
    """The metadata at prefix names hint_id among its exempt ids and gives a reason."""
    annotations = (*prefix, "metadata", "annotations")
    ids, reason = (
        _at("object", (*annotations, exemption.EXEMPT_ANNOTATION)),
        _at("object", (*annotations, exemption.REASON_ANNOTATION)),
    )
    return (
        f"(type({ids}) == string && type({reason}) == string && {reason}.matches({escape.cel_str(exemption.NON_BLANK)})"
        f' && {ids}.split(",").exists(id, id.trim() == {escape.cel_str(hint_id)}))'
    )


def is_kind(kinds: list[ir.Kind]) -> str:
    """The object is of one of kinds (group from its apiVersion, as the Rego library reads it)."""
    by_group: dict[str, list[str]] = {}
    for kind in kinds:
        by_group.setdefault(kind.group, []).append(kind.kind)
    tests = []
    for group, names in by_group.items():
        in_group = (
            f"object.apiVersion.startsWith({escape.cel_str(group + '/')})"
            if group
            else '!object.apiVersion.contains("/")'
        )
        tests.append(f"({in_group} && object.kind in {escape.cel_value(names)})")
    return "(" + " || ".join(tests) + ")"


def exempt(hint_id: str) -> str:
    """CEL: the object is exempt from hint_id, by its own metadata or its pod template's."""
    found = [_exempted_at((), hint_id)]
    for path, kinds in template_groups():
        if path:
            found.append(f"({is_kind(kinds)} && {_exempted_at(path, hint_id)})")
    return "(" + " || ".join(found) + ")"
