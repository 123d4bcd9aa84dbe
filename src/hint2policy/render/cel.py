"""Render a Policy's logic as CEL for Kyverno's validate.cel rules.

One boolean expression says whether the resource complies; a message
expression lists one message per failing binding of the leading `each`
iterations, as the Rego library does.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from hint2policy.compile import ir
from hint2policy.compile.workloads import template_groups
from hint2policy.render import escape, exemption

# joins the messages of one object's violations in a Kyverno result (not allowed in a hint's message)
MESSAGE_SEPARATOR = " | "

_COMPARE = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
_STRING_METHOD = {"startsWith": "startsWith", "endsWith": "endsWith", "contains": "contains"}
_LENGTH = {"lengthEq": "==", "lengthGt": ">", "lengthGte": ">=", "lengthLt": "<", "lengthLte": "<="}
SUBJECT = "subject"
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
        self.listed = {r.var for r in policy.relations}

    # -- expressions ------------------------------------------------------------------

    def ref(self, ref: ir.Ref) -> str:
        """The value at ref, or null where a step is missing or goes through a non-map."""
        if ref.var in self.listed:
            return at_object(var_name(ref.var), ref.segments)
        if ref.var:
            return at(var_name(ref.var), ref.segments)
        if self.subject_segments:
            return at(SUBJECT, ref.segments)
        return at_object("object", ref.segments)

    def bind_subject(self, expr: str, boolean: bool) -> str:
        """expr with the subject (a pod template's spec) read once, as SUBJECT, where it is not the object."""
        if not self.subject_segments:
            return expr
        subject = f"[{at_object('object', self.subject_segments)}]"
        return f"{subject}.exists({SUBJECT}, {expr})" if boolean else f"{subject}.map({SUBJECT}, {expr})[0]"

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
        return let(x, lambda x: typed_predicate(op, x, v), "x")

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
                *([self.not_self(kind, var)] if kind.key in self.policy.reviewed else []),
                *([exports_overlap("object", var)] if node.scope == "exported" else []),
                *([self.join(node.join, var)] if node.join else []),
                *([self.expr(node.body)] if node.body else []),
            ]
            listed = self.list_names[(number, position)]
            found.append(f"variables.{listed}.exists({var}, {' && '.join(conditions) or 'true'})")
        return "(" + " || ".join(found) + ")"

    @functools.cached_property
    def list_names(self) -> dict[tuple[int, int], str]:
        return list_names(self.policy)

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
            f"{at_object(var, ('metadata', 'name'))} == {at_object('object', ('metadata', 'name'))}",
        ]
        return f"!({' && '.join(same)})"

    def join(self, join: ir.Join, var: str) -> str:
        key = self.operand(join.key)
        if join.hosts:
            key = host(key, namespace("object"))

        def exists(k: str) -> str:
            found = self.values_exist(join, var, var, list(join.values.segments), k)
            # a field may be missing; a literal or a parameter never is (and CEL refuses "x" != null)
            return f"({k} != null && {found})" if isinstance(join.key, ir.Ref | ir.Format) else f"({found})"

        return let(key, exists, "key")

    def values_exist(self, join: ir.Join, var: str, base: str, segments: list, key: str, depth: int = 1) -> str:
        """Some value at segments from base (through every [*]) matches key."""
        cut = next((i for i, s in enumerate(segments) if isinstance(s, ir.Every)), None)
        if cut is not None:
            item, items = f"item_{depth}", at(base, segments[:cut])
            inner = self.values_exist(join, var, item, segments[cut + 1 :], key, depth + 1)
            return f"{as_list(items)}.exists({item}, {inner})"
        values = at_object(base, segments) if base == var else at(base, segments)

        def matched(value: str) -> str:
            return {
                "equals": f"{value} == {key}",
                "covers": covers(value, key),
                "coveredBy": covers(key, value),
                "overlaps": f"({covers(value, key)} || {covers(key, value)})",
            }[join.match]

        found = let(host("value", namespace(var)), matched, "host") if join.hosts else matched("value")
        listed = let(values, lambda v: f"(type({v}) == list ? {v} : ({v} == null ? [] : [{v}]))", "values", False)
        return f"{listed}.exists(value, value != null && {found})"

    def source(self, node: ir.Quantifier) -> str:
        x = self.ref(node.source)
        if node.keys:
            return let(x, lambda m: f"(type({m}) == map ? {m} : {{}})", "keys", False)
        return as_list(x)

    # -- message ----------------------------------------------------------------------

    def text(self, x: str) -> str:
        # as common.text in Rego: CEL's string() fails on a list or map, which a wrong-typed field can be
        return let(x, lambda t: f'(type({t}) == string ? {t} : ({t} == null ? "" : {_printed(t)}))', "text", False)

    def message_part(self, part: ir.MessagePart) -> str:
        if isinstance(part, str):
            return escape.cel_str(part)
        if isinstance(part, ir.Builtin):
            path = ("kind",) if part.name == "kind" else ("metadata", part.name)
            return self.text(at_object("object", path))
        return self.text(self.ref(part))

    def message(self) -> str:
        """Messages of every failing binding of the chain, joined by MESSAGE_SEPARATOR.

        Kyverno gives one result per policy and object, and CEL refuses line breaks in a message; so the
        messages are joined by MESSAGE_SEPARATOR, which hint.schema.json keeps out of a hint's message,
        and `check` reads one finding per part, as the Rego engines give one per binding.
        """
        text = " + ".join(self.message_part(p) for p in self.policy.message) or '""'
        for depth in range(len(self.policy.chain) - 1, -1, -1):
            quantifier = self.policy.chain[depth]
            rest = self.policy.chain[depth + 1] if depth + 1 < len(self.policy.chain) else self.policy.body
            var = var_name(quantifier.var)
            joined = escape.cel_str(MESSAGE_SEPARATOR)
            text = f"{self.source(quantifier)}.filter({var}, !{self.expr(rest)}).map({var}, {text}).join({joined})"
        return text


def typed_predicate(op: str, x: str, v: str) -> str:
    """A predicate that reads x more than once: x must be a plain name (see let)."""
    if op == "matches":
        return f"(type({x}) == string && {x}.matches({v}))"
    if op in _STRING_METHOD:
        return f"(type({x}) == string && {x}.{_STRING_METHOD[op]}({v}))"
    if op in _COMPARE:
        return f"({_NUMBER.format(x=x)} && double({x}) {_COMPARE[op]} double({v}))"
    return f"({_SIZED.format(x=x)} && size({x}) {_LENGTH[op]} {v})"


def let(value: str, body: Callable[[str], str], name: str, boolean: bool = True) -> str:
    """body(name) with value read once as name: CEL has no let, so a one-item list binds it.

    A guarded path is long, and reading it again for every use would multiply the text and the work
    of compiling it (which Kyverno's CLI does per resource). A plain name is used as it is.
    """
    if value.isidentifier():
        return body(value)
    return f"[{value}].exists({name}, {body(name)})" if boolean else f"[{value}].map({name}, {body(name)})[0]"


def _printed(t: str) -> str:
    return f'(type({t}) == list ? "<list>" : (type({t}) == map ? "<map>" : string({t})))'


def as_list(x: str) -> str:
    """x where it is a list, else the empty list."""
    return let(x, lambda v: f"(type({v}) == list ? {v} : [])", "items", False)


def list_names(policy: ir.Policy) -> dict[tuple[int, int], str]:
    """The variable that lists each relation's kind, by (relation number, kind position).

    Relations that list one kind in one scope share a variable, named for the first of them: a
    resource.List copies every object it returns, at every evaluation.
    """
    first: dict[tuple[str, str, bool], str] = {}
    names = {}
    for number, relation in enumerate(policy.relations, 1):
        for position, kind in enumerate(relation.kinds, 1):
            listed = (kind.group, kind.kind, relation.scope == "namespace")
            names[(number, position)] = first.setdefault(listed, f"related_{number}_{position}")
    return names


# -- paths ----------------------------------------------------------------------------------
#
# Indexing a list or a scalar with a string is an error in CEL, and an error fails Kyverno's whole
# rule, where Rego reads the path as undefined. So every step into a value not known to be a map is
# guarded: a missing step, or one through a non-map, gives the default (null: Rego's undefined).
# A guard reads the path up to the value it guards; two guarded steps are conditions re-reading
# their prefix, and each step past them is bound with .map over a one-item list, so the text stays
# linear in the path's length. (optFlatMap would do, but its macro copies its target: chained, the
# expression doubles per step. cel.bind is not in the CEL environment of Kyverno's ClusterPolicy.)

_REREAD = 2
_STEP = ".map(m, type(m) == map ? m[?{key}].orValue({default}) : {default})"


def at(base: str, segments: Sequence[str | ir.VarKey], default: str = "null", known: int = 0) -> str:
    """The value at segments from base, or default where a step is missing or goes through a non-map.

    known: how many leading values of the path (base first) are known to be maps.
    """
    keys = [var_name(s.var) if isinstance(s, ir.VarKey) else escape.cel_str(s) for s in segments]
    if known >= len(keys):
        return _read(base, keys, default)
    first, rest = keys[: known + _REREAD], keys[known + _REREAD :]
    guards = " && ".join(f"type({_read(base, keys[:i], 'null')}) == map" for i in range(known, len(first)))
    otherwise = "null" if rest else default
    value = f"({guards} ? {_read(base, first, otherwise)} : {otherwise})"
    return f"[{value}]" + "".join(_STEP.format(key=key, default=default) for key in rest) + "[0]" if rest else value


def at_object(obj: str, segments: Sequence[str | ir.VarKey], default: str = "null") -> str:
    """at() from a whole Kubernetes object (the reviewed one or a listed one): its top level and its
    metadata are maps (the loader skips any other object, and the API server refuses it)."""
    return at(obj, segments, default, known=2 if tuple(segments[:1]) == ("metadata",) else 1)


def _read(base: str, keys: list[str], default: str) -> str:
    """The value at keys from base, unguarded: base and every value before the last key are maps."""
    return base + "".join(f"[?{k}]" for k in keys) + f".orValue({default})" if keys else base


def namespace(obj: str) -> str:
    return at_object(obj, ("metadata", "namespace"), '""')


def host(h: str, ns: str) -> str:
    """A short host name (no dot) resolved against namespace ns, as Istio does."""
    return f'(type({h}) == string && {h} != "*" && !{h}.contains(".") ? {h} + "." + {ns} + ".svc.cluster.local" : {h})'


def covers(wildcard: str, h: str) -> str:
    """wildcard is a wildcard host other than h that covers it."""
    return (
        f"(type({wildcard}) == string && type({h}) == string && {wildcard} != {h} && "
        f'({wildcard} == "*" || ({wildcard}.startsWith("*.") && {h}.endsWith({wildcard}.substring(1)))))'
    )


def _exported_everywhere(exports: str) -> str:
    return f'(size({exports}) == 0 || "*" in {exports})'


def _exported_namespaces(exports: str, obj: str) -> str:
    return f'{exports}.filter(e, type(e) == string && e != "~" && e != "*").map(e, e == "." ? {namespace(obj)} : e)'


def exports_overlap(a: str, b: str) -> str:
    """Some namespace sees both a and b (exportTo absent or empty: every namespace)."""

    def overlap(exports_a: str, exports_b: str) -> str:
        everywhere = {a: _exported_everywhere(exports_a), b: _exported_everywhere(exports_b)}
        named = {a: _exported_namespaces(exports_a, a), b: _exported_namespaces(exports_b, b)}
        seen = {x: f"({everywhere[x]} || size({named[x]}) > 0)" for x in (a, b)}
        return (
            f"(({everywhere[a]} && {seen[b]}) || ({everywhere[b]} && {seen[a]}) || "
            f"{named[a]}.exists(n, n in {named[b]}))"
        )

    def with_b(exports_a: str) -> str:
        return let(_exports(b), lambda exports_b: overlap(exports_a, exports_b), "exports_b")

    return let(_exports(a), with_b, "exports_a")


def _exports(obj: str) -> str:
    return as_list(at_object(obj, ("spec", "exportTo")))


def compliance(policy: ir.Policy, subject_segments: tuple[str, ...] = ()) -> str:
    """The CEL expression that holds when the resource complies with the hint."""
    renderer = CelRenderer(policy, subject_segments)
    return renderer.bind_subject(renderer.expr(policy.check), boolean=True)


def message(policy: ir.Policy, subject_segments: tuple[str, ...] = ()) -> str:
    """The CEL message expression naming every violation."""
    renderer = CelRenderer(policy, subject_segments)
    return renderer.bind_subject(renderer.message(), boolean=False)


# -- exemptions (render/exemption.py) -------------------------------------------------------


def _exempted_at(prefix: tuple[str, ...], hint_id: str) -> str:
    """The metadata at prefix names hint_id among its exempt ids and gives a reason."""
    annotations = at_object("object", (*prefix, "metadata", "annotations"))
    # read once and bound to a: the reads below are one step into a map
    ids, reason = (at("a", (key,), known=1) for key in (exemption.EXEMPT_ANNOTATION, exemption.REASON_ANNOTATION))
    return (
        f"[{annotations}].exists(a, type(a) == map && type({ids}) == string && type({reason}) == string"
        f" && {reason}.matches({escape.cel_str(exemption.NON_BLANK)})"
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
