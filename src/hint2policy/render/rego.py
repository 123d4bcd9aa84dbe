"""Render a Policy's logic as a Rego library shared by conftest and Gatekeeper.

Each check node becomes one small function (_check_N) taking only what it
reads: the subject, the parameters and the iteration variables in scope.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from hint2policy.compile import ir
from hint2policy.compile.workloads import workload_groups
from hint2policy.render import escape
from hint2policy.render.environment import macros, render

_COMPARE = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
_STRING_BUILTIN = {"startsWith": "startswith", "endsWith": "endswith", "contains": "contains"}
_LENGTH = {"lengthEq": "==", "lengthGt": ">", "lengthGte": ">=", "lengthLt": "<", "lengthLte": "<="}
# the predicates that test no type, on common.get's value (null where a field is missing) ...
_SIMPLE = {
    "exists": "{x} != null",
    "absent": "{x} == null",
    "equals": "{x} == {v}",
    "notEquals": "{x} != {v}",
    "oneOf": "{x} in {v}",
    "noneOf": "not {x} in {v}",
}
# ... and on a reference (undefined where a field is missing), a negated test written with not. Not
# noneOf: OPA reads `not x.f in [...]` with x.f missing as undefined, not true (rego-cpp as true)
_SIMPLE_REFERENCE = {
    "exists": "{x} != null",
    "equals": "{x} == {v}",
    "notEquals": "not {x} == {v}",
    "oneOf": "{x} in {v}",
}


def _null_free(op: str, operand: ir.Operand | None) -> bool:
    """Whether op gives a missing field (undefined by reference) the verdict it gives null (common.get).

    It does unless null may match the operand: absent, an operand read from a parameter or a path (null
    == null holds there), or a literal that is null or lists it.
    """
    if op == "exists":
        return True
    if not isinstance(operand, ir.Lit):
        return False
    values = operand.value if op == "oneOf" else [operand.value]
    return None not in values


def var_name(var: str) -> str:
    return f"v_{var}"


# a path step that a Rego reference spells with a dot, as opa fmt writes it; and the words it may not be
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
REGO_KEYWORDS = frozenset(
    [
        "as",
        "contains",
        "default",
        "else",
        "every",
        "false",
        "if",
        "import",
        "in",
        "not",
        "null",
        "package",
        "some",
        "true",
        "with",
    ]
)


class RegoRenderer:
    """IR -> Rego; one method per node kind."""

    def __init__(self, policy: ir.Policy) -> None:
        self.policy = policy
        self.macros: Any = macros("rego/constructs.rego.j2")
        self.functions: dict[int, str] = {}
        self.indexes: dict[str, str] = {}  # one index per relation (and direction), by rule name
        self.index_names: dict[tuple[str, ...], str] = {}  # what an index holds -> its rule name

    # -- expressions ------------------------------------------------------------------

    def ref(self, ref: ir.Ref, base: str | None = None) -> str:
        base = base or (var_name(ref.var) if ref.var else "subject")
        if not ref.segments:
            return base
        if ref.static:
            return f"common.get({base}, {escape.rego_value(list(ref.segments))})"
        steps = [var_name(s.var) if isinstance(s, ir.VarKey) else escape.rego_str(s) for s in ref.segments]
        return f"common.get({base}, [{', '.join(steps)}])"

    def reference(self, ref: ir.Ref) -> str | None:
        """ref as a plain Rego reference (subject.spec.ports), or None where one would not read what
        common.get reads: a step that is not a plain key (a list's item by number, [$var]) or is a Rego
        keyword (opa fmt's spelling of such a step is not worth guessing). A reference is undefined where
        common.get gives null; it reads as the hint is written and costs less than a function call."""
        segments = ref.segments
        if not all(isinstance(s, str) and not s.isdigit() and s not in REGO_KEYWORDS for s in segments):
            return None
        base = var_name(ref.var) if ref.var else "subject"
        return base + "".join(f".{s}" if IDENTIFIER.fullmatch(s) else f"[{escape.rego_str(s)}]" for s in segments)

    def read(self, ref: ir.Ref) -> str:
        """ref where the reader fails on null as on a missing field (it tests the value's type)."""
        return self.reference(ref) or self.ref(ref)

    def operand(self, operand: ir.Operand | None) -> tuple[list[str], str]:
        """Expressions that bind the operand's parts (for a format), and the operand itself."""
        if isinstance(operand, ir.ParamRef):
            return [], f"params.{operand.name}"
        if isinstance(operand, ir.Format):
            return self.format(operand)
        if isinstance(operand, ir.Ref):
            return [], self.ref(operand)
        assert operand is not None
        return [], escape.rego_value(operand.value)

    def format(self, operand: ir.Format) -> tuple[list[str], str]:
        # every placeholder must hold a string, or the predicate is false
        binds, pieces, count = [], [], 0
        for part in operand.parts:
            if isinstance(part, str):
                pieces.append(escape.rego_str(part))
                continue
            assert isinstance(part, ir.Ref)
            if part.var and not part.segments:  # a bare $var is used as it is
                name = var_name(part.var)
            else:
                count += 1
                name = f"part_{count}"
                binds.append(f"{name} := {self.read(part)}")
            binds.append(f"is_string({name})")
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
        operand, op = node.operand, node.op
        pre, v = self.operand(operand) if operand is not None else ([], "")
        if op in _SIMPLE:
            fast = self.reference(node.ref) if op in _SIMPLE_REFERENCE and _null_free(op, operand) else None
            template = _SIMPLE_REFERENCE[op] if fast else _SIMPLE[op]
            return [*pre, template.format(x=fast or self.ref(node.ref), v=v)]
        # a bare iteration variable is used as it is; a path is read once into `value`
        value = self.read(node.ref)
        bind, x = ([], value) if not node.ref.segments and node.ref.var else ([f"value := {value}"], "value")
        bind = pre + bind
        if op == "matches":
            pattern = self.regex(operand) if isinstance(operand, ir.Lit) else v
            return [*bind, f"is_string({x})", f"common.regex_match({pattern}, {x})"]
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
        # one body per branch, chained with else: a branch runs only when the ones before it fail.
        # OPA stops at the first definition of a function that holds; rego-cpp evaluates every
        # definition, so a cheap branch did not spare an expensive one (ingress-gateway-authorization).
        return self.macros.any_of(name, args, [self.call(item) for item in node.items])

    def not_(self, node: ir.Not, name: str, args: list[str]) -> str:
        return self.macros.function(name, args, [f"not {self.call(node.item)}"])

    def quantifier(self, node: ir.Quantifier, name: str, args: list[str]) -> str:
        source, var, call = self.source(node), var_name(node.var), self.call(node.body)
        if node.every:
            return self.macros.every(name, args, var, source, call)
        return self.macros.function(name, args, [f"some {var} in {source}", call])

    def related(self, node: ir.Related, name: str, args: list[str]) -> str:
        own, rest = self.split_body(node)
        # conditions on the related object alone go into the index, so a popular key's group holds
        # only candidates; the other conditions run before `same` and `exports_overlap`, which cost
        # many calls per candidate
        filters = [self.call(item) for item in own]
        body = [
            *self.candidates(node, filters),
            *([self.call(rest)] if rest else []),
            f"not common.same({var_name(node.var)}, subject)",
            *([f"common.exports_overlap(subject, {var_name(node.var)})"] if node.scope == "exported" else []),
        ]
        return self.macros.function(name, args, body)

    def split_body(self, node: ir.Related) -> tuple[list[ir.Node], ir.Node | None]:
        """The relation's conditions that read only the related object, and the rest (one node or None)."""
        items = list(node.body.items) if isinstance(node.body, ir.AllOf) else [node.body] if node.body else []
        own = [item for item in items if self.args(item) == [var_name(node.var)]]
        rest = [item for item in items if item not in own]
        return own, (rest[0] if len(rest) == 1 else ir.AllOf(tuple(rest)) if rest else None)

    def candidates(self, node: ir.Related, filters: list[str]) -> list[str]:
        """Bind the related variable to each object the index holds for the subject's key."""
        var, join = var_name(node.var), node.join
        if join is None and node.scope != "namespace":
            return [f"some {var} in {self.index(node, None, filters)}"]
        pre, key = ([], "common.namespace(subject)") if join is None else self.operand(join.key)
        if join is not None and join.hosts:
            key = f"common.host({key}, common.namespace(subject))"
        lookups = []  # (how the index groups, the keys to look up: None for [key])
        if join is None or join.match in ("equals", "covers", "overlaps"):
            keys = "common.covering(key)" if join is not None and join.match != "equals" else None
            lookups.append(("exact" if join else None, keys))
        if join is not None and join.match in ("coveredBy", "overlaps"):
            lookups.append(("covering", None))
        scoped = "[common.namespace(subject), {k}]" if join is not None and node.scope == "namespace" else "{k}"
        found = []
        for by, keys in lookups:
            rule = self.index(node, by, filters)
            # through the index's accessor (index.rego.j2): the index where a query checks every
            # document, one scan for all the keys where it reviews one object
            if keys:
                scoped_keys = keys if scoped == "{k}" else f"{{{scoped.format(k='k')} | some k in {keys}}}"
            else:
                scoped_keys = f"[{scoped.format(k='key')}]"
            if node.scope == "exported":
                found.append(f"{self.exported_index(node, by, rule, filters)}({scoped_keys}, subject)")
            else:
                found.append(f"{rule}_of({scoped_keys})")
        source = found[0] if len(found) == 1 else f"({' | '.join(found)})"
        return [*pre, f"key := {key}", f"some {var} in {source}"]

    @staticmethod
    def kind_values(node: ir.Related) -> list[dict[str, str]]:
        return [{"group": k.group, "kind": k.kind} for k in node.kinds]

    def kinds(self, node: ir.Related) -> str:
        return escape.rego_value(self.kind_values(node))

    def objects(self, node: ir.Related) -> str:
        """The rule that lists the objects of the relation's kinds, once per query; indexes hold positions in it."""
        objects = f"common.objects_of({self.kinds(node)})"
        rule = f"_objects_{self.policy.relations.index(node) + 1}"
        names = ", ".join(k.kind for k in node.kinds)
        return self.define_index(rule, (objects,), lambda name: f"# every {names}\n{name} := {objects}")

    def index(self, node: ir.Related, by: str | None, filters: list[str]) -> str:
        """The rule that groups the related objects by key, built once per query; its name.

        by: None (by namespace, or no key), "exact" (each value) or "covering" (the wildcards covering each).
        Relations that group the same objects by the same key share one rule.
        """
        number = self.policy.relations.index(node) + 1
        rule = f"_related_{number}" + ("_covered" if by == "covering" else "")
        var, objects = var_name(node.var), self.objects(node)
        if by is None and node.scope != "namespace":
            if not filters:
                return objects
            body = "; ".join([f"some {var} in {objects}", *filters])
            comment = self.index_comment(node, by, True)
            return self.define_index(rule, (body,), lambda name: f"{comment}\n{name} := [{var} | {body}]")
        lines = list(filters)  # what the index and the scan ask of each object, after binding it
        if by is None:
            lines.append(f"key := common.namespace({var})")
        else:
            scoped = [f"key := [common.namespace({var}), value_key]"] if node.scope == "namespace" else None
            lines += self.keyed(node, by, scoped)
        comment = self.index_comment(node, by, bool(filters))
        everywhere, scanned = self.scanned(node, by, objects)
        return self.define_index(
            rule,
            (var, objects, comment, *lines),
            lambda name: render(
                "rego/index.rego.j2",
                rule=name,
                objects=objects,
                lines=lines,
                comment=comment,
                var=var,
                scanned=scanned,
                everywhere=everywhere,
                kind_values=self.kind_values(node),
            ).rstrip("\n"),
        )

    def exported_index(self, node: ir.Related, by: str, rule: str, filters: list[str]) -> str:
        """The accessor that narrows rule's objects to those exported where the subject is; its name.

        A second index groups the objects by [namespace exported to, key], so a subject exported to a
        few namespaces meets only the objects those namespaces see: 526 address-less ServiceEntries on
        port 443, each exported to its own namespace, no longer meet each other (BENCHMARKS.md).
        """
        var, objects = var_name(node.var), self.objects(node)
        lines = [*filters, *self.keyed(node, by, [f"some n in common.exports({var})", "key := [n, value_key]"])]
        scoped = f"{rule}_exported"
        comment = f"{self.index_comment(node, by, bool(filters))}, under each namespace they are exported to"
        return self.define_index(
            f"{rule}_seen",
            (var, objects, comment, rule, *lines),
            lambda name: render(
                "rego/exported.rego.j2",
                rule=scoped,
                seen=name,
                plain=rule,
                objects=objects,
                lines=lines,
                comment=comment,
                var=var,
            ).rstrip("\n"),
        )

    def keyed(self, node: ir.Related, by: str, scoped: list[str] | None) -> list[str]:
        """Bind `key` to each key of the related object: its join value, through host and covering where the
        join asks; scoped: lines that make `key` of that value, bound as value_key (None: it is the key)."""
        name = "value_key" if scoped else "key"
        plain = by == "exact" and not node.join.hosts  # the value is the key itself
        lines = self.join_values(node, name if plain else "value")
        if not plain:
            lines.append(self.join_key(node, by, name))
        return lines + (scoped or [])

    def scanned(self, node: ir.Related, by: str | None, objects: str) -> tuple[bool, list[str]]:
        """How a one-object review scans for keys: in their namespaces of data.inventory where keys name them,
        else in every object. With a host prefilter the template reads data.inventory by reference (True)
        and tests a field of each object before anything reads it whole: building objects_of's list of
        1,579 VirtualServices was a third of such a review. Without one, the list costs less than handing
        each object, read by reference, to the relation's functions."""
        var = var_name(node.var)
        namespaces = None
        if node.scope == "namespace":  # a key is the namespace, or [namespace, value] when joined
            namespaces = "keys" if by is None else "{k[0] | some k in keys}"
        elif by == "exact" and not node.join.hosts and node.join.values.segments == ("metadata", "namespace"):
            namespaces = "keys"  # joined on the object's own namespace
        if namespaces is None:
            prefilter = self.host_prefilter(node, by)
            return (True, prefilter) if prefilter else (False, [f"some {var} in {objects}"])
        return False, [f"some ns in {namespaces}", f"some {var} in common.objects_in({self.kinds(node)}, ns)"]

    def host_prefilter(self, node: ir.Related, by: str | None) -> list[str]:
        """For a scan that resolves related hosts to compare with keys: a cheap test of the raw field first.

        Resolving (common.host per value, the relation's own conditions) cost 50-100 ms per review of
        10,000 objects; a resolved host starts with its raw value, so the raw field, read by reference,
        rules out almost every object. Only plain paths (see reference).
        covers looks up the wildcards covering the subject's host (common.covering) the same way. Not
        overlaps: its second scan, of the wildcards covering each related host, reads every object whole
        anyway, and reading them by reference as well made service-entry-host-overlap 20% slower.
        """
        join = node.join
        if by != "exact" or join is None or not join.hosts or join.match == "overlaps" or node.scope == "namespace":
            return []
        field = self.reference(ir.Ref(node.var, join.values.segments))
        return [f"common.host_candidate({field}, keys)"] if field else []

    def define_index(self, rule: str, definition: tuple[str, ...], text: Callable[[str], str]) -> str:
        """rule's text, unless an index of the same definition exists: then that one's name."""
        if definition not in self.index_names:
            self.index_names[definition] = rule
            self.indexes[rule] = text(rule)
        return self.index_names[definition]

    def join_values(self, node: ir.Related, name: str) -> list[str]:
        """Bind name to each of the related object's join values, through every [*]."""
        assert node.join is not None
        current, lines, segments = var_name(node.var), [], list(node.join.values.segments)
        step = 0
        while any(isinstance(s, ir.Every) for s in segments):
            cut = next(i for i, s in enumerate(segments) if isinstance(s, ir.Every))
            step += 1
            item = f"item_{step}"
            lines.append(f"some {item} in common.list({self.path_of(current, segments[:cut])})")
            current, segments = item, segments[cut + 1 :]
        lines.append(f"some {name} in common.values({self.path_of(current, segments)})")
        return lines

    def path_of(self, base: str, segments: list[ir.Segment]) -> str:
        return self.ref(ir.Ref(None, tuple(segments)), base)

    def join_key(self, node: ir.Related, by: str, name: str) -> str:
        assert node.join is not None
        value = f"common.host(value, common.namespace({var_name(node.var)}))" if node.join.hosts else "value"
        return f"some {name} in common.covering({value})" if by == "covering" else f"{name} := {value}"

    def index_comment(self, node: ir.Related, by: str | None, filtered: bool) -> str:
        kinds = ", ".join(k.kind for k in node.kinds)
        which = f"{kinds} objects that pass the relation's own conditions" if filtered else f"{kinds} objects"
        if by is None:
            return f"# {which}, by namespace" if node.scope == "namespace" else f"# the {which}"
        what = "the wildcard hosts that cover them" if by == "covering" else "value"
        scope = "namespace and " if node.scope == "namespace" else ""
        return f"# {which}, by {scope}{what}"

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
            functions=[self.functions[n] for n in sorted(self.functions)] + list(self.indexes.values()),
        )


def render_library(policy: ir.Policy) -> str:
    """The hint's Rego library: package lib.hint2policy.<id>, entry point violations(obj, params)."""
    return RegoRenderer(policy).library()


def render_common() -> str:
    """Helpers every hint library imports (data.lib.hint2policy.common)."""
    return render("rego/common.rego.j2", workload_groups=workload_groups())


CHECK_PACKAGE = "hint2policy_check"


def render_check() -> str:
    """The package `hint2policy check` gives conftest: every hint's deny and warn, in one query."""
    return render("rego/check.rego.j2", package=CHECK_PACKAGE)


def render_conftest(policy: ir.Policy) -> str:
    """The conftest entry point: deny or warn, with the hint and resource as metadata."""
    groups: dict[str, list[str]] = {}
    for kind in policy.kinds:
        groups.setdefault(kind.kind, []).append(kind.group)
    return render("rego/conftest.rego.j2", policy=policy, rule=policy.action, groups=groups)
