"""The intermediate form: one small tree per hint, rendered by every target.

Every node kind here has one template construct per target; a renderer is a
method per node kind (as in sqlglot's generators).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal


@dataclass(frozen=True)
class VarKey:
    """A path step whose key is the value of an iteration variable: labels[$key]."""

    var: str


@dataclass(frozen=True)
class Every:
    """A path step that projects over every item of a list: spec.ports[*].port."""


Segment = str | VarKey | Every


@dataclass(frozen=True)
class Ref:
    """A field path, from the check's subject (var None) or from an iteration variable."""

    var: str | None
    segments: tuple[Segment, ...]

    @property
    def vars(self) -> set[str]:
        """Every iteration variable the path reads: its root and its [$key] steps."""
        own = {self.var} if self.var else set()
        return own | {s.var for s in self.segments if isinstance(s, VarKey)}

    @property
    def static(self) -> bool:
        return all(isinstance(s, str) for s in self.segments)

    @property
    def projects(self) -> bool:
        return any(isinstance(s, Every) for s in self.segments)


@dataclass(frozen=True)
class Lit:
    value: Any


@dataclass(frozen=True)
class ParamRef:
    name: str


PredicateOp = Literal[
    "exists", "absent", "equals", "notEquals", "oneOf", "noneOf", "matches",
    "startsWith", "endsWith", "contains", "gt", "gte", "lt", "lte",
    "lengthEq", "lengthGt", "lengthGte", "lengthLt", "lengthLte",
]  # fmt: skip
OPERATORS: tuple[str, ...] = PredicateOp.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Format:
    """A string operand built from text and the resource's values (see parse_message)."""

    parts: tuple[MessagePart, ...]

    @property
    def refs(self) -> tuple[Ref, ...]:
        return tuple(p for p in self.parts if isinstance(p, Ref))


@dataclass(frozen=True)
class Predicate:
    op: str
    ref: Ref
    operand: Operand | None = None


@dataclass(frozen=True)
class AllOf:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


@dataclass(frozen=True)
class Quantifier:
    """each (every item satisfies body) or some (at least one does), over a list or map keys."""

    every: bool
    source: Ref
    keys: bool
    var: str
    body: Node


MATCHES = ("equals", "covers", "coveredBy", "overlaps")
SCOPES = ("cluster", "namespace", "exported")


@dataclass(frozen=True)
class Join:
    """How a related object is found: the subject's key among the related object's values.

    match: equals, or host wildcards: covers (a related wildcard covers the key),
    coveredBy (the key is a wildcard covering a related value), overlaps (either).
    hosts: short host names resolve against their own object's namespace first.
    """

    key: Operand
    values: Ref  # rooted at the related object's variable; may project with [*]
    match: str
    hosts: bool


@dataclass(frozen=True)
class Related:
    """Some object of kinds, never the subject itself, in scope, joined and satisfying body.

    scope: cluster (any namespace), namespace (the subject's), exported (any
    namespace whose exportTo scopes overlap the subject's).
    """

    kinds: tuple[Kind, ...]
    var: str
    scope: str
    join: Join | None
    body: Node | None


Node = Predicate | AllOf | AnyOf | Not | Quantifier | Related


@dataclass(frozen=True)
class Builtin:
    """A resource property usable in messages: kind, name or namespace."""

    name: Literal["kind", "name", "namespace"]


MessagePart = str | Ref | Builtin
Operand = Lit | ParamRef | Format | Ref


@dataclass(frozen=True)
class Kind:
    group: str
    kind: str
    template: tuple[str, ...] | None = None  # where the pod template sits, for workloads

    @property
    def api_group_label(self) -> str:
        return self.group or "core"

    @property
    def key(self) -> tuple[str, str]:
        """(group, kind): what an object's apiVersion and kind are compared with (kube.group_kind)."""
        return (self.group, self.kind)


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    schema: dict[str, Any]
    default: Any


@dataclass(frozen=True)
class Policy:
    """Everything a target needs to render one hint."""

    hint_id: str
    title: str
    category: str
    severity: str
    action: str
    description: str
    remediation: str
    source_file: str
    kinds: tuple[Kind, ...]
    workloads: bool
    excluded_namespaces: tuple[str, ...]
    parameters: tuple[Parameter, ...]
    check: Node
    chain: tuple[Quantifier, ...]  # leading `each` iterations: one violation per failing item
    body: Node  # what each chain binding must satisfy
    message: tuple[MessagePart, ...]
    relations: tuple[Related, ...] = ()
    istioctl_codes: tuple[str, ...] = ()
    spec: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def cross_resource(self) -> bool:
        """Whether the check relates the subject to other objects (needs the whole set)."""
        return bool(self.relations)

    @property
    def related_kinds(self) -> tuple[Kind, ...]:
        return tuple(dict.fromkeys(k for r in self.relations for k in r.kinds))

    @cached_property
    def reviewed(self) -> frozenset[tuple[str, str]]:
        """The (group, kind) of every object the policy reviews."""
        return frozenset(k.key for k in self.kinds)

    @cached_property
    def read(self) -> frozenset[tuple[str, str]]:
        """The (group, kind) of every object the policy reviews or relates to."""
        return self.reviewed | {k.key for k in self.related_kinds}

    @property
    def snake_id(self) -> str:
        return self.hint_id.replace("-", "_")

    @property
    def camel_id(self) -> str:
        return "".join(part.capitalize() for part in self.hint_id.split("-"))


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-checks of a node."""
    if isinstance(node, AllOf | AnyOf):
        return node.items
    if isinstance(node, Not):
        return (node.item,)
    if isinstance(node, Quantifier):
        return (node.body,)
    if isinstance(node, Related):
        return (node.body,) if node.body else ()
    return ()


def operand_refs(operand: Operand | None) -> list[Ref]:
    if isinstance(operand, Format):
        return list(operand.refs)
    return [operand] if isinstance(operand, Ref) else []


def own_refs(node: Node) -> list[Ref]:
    """The paths a node reads itself, not through its children."""
    if isinstance(node, Predicate):
        return [node.ref, *operand_refs(node.operand)]
    if isinstance(node, Quantifier):
        return [node.source]
    if isinstance(node, Related) and node.join:
        return [*operand_refs(node.join.key), node.join.values]
    return []


def refs(node: Node) -> list[Ref]:
    """Every path a node reads, its own and its descendants'."""
    return own_refs(node) + [r for child in children(node) for r in refs(child)]


def free_vars(node: Node) -> set[str]:
    """The iteration variables a node reads but does not bind itself."""
    own = {v for ref in own_refs(node) for v in ref.vars}
    inner = {v for child in children(node) for v in free_vars(child)}
    if isinstance(node, Quantifier | Related):
        return (own | inner) - {node.var} | (node.source.vars if isinstance(node, Quantifier) else set())
    return own | inner


def uses_subject(node: Node) -> bool:
    # a relation always reads the subject: its identity, its namespace
    if isinstance(node, Related):
        return True
    return any(r.var is None for r in own_refs(node)) or any(uses_subject(c) for c in children(node))


def params_used(node: Node) -> set[str]:
    operands = [node.operand] if isinstance(node, Predicate) else []
    if isinstance(node, Related) and node.join:
        operands.append(node.join.key)
    own = {o.name for o in operands if isinstance(o, ParamRef)}
    return own | {p for child in children(node) for p in params_used(child)}


def uses_params(node: Node) -> bool:
    return bool(params_used(node))


def relations(node: Node) -> list[Related]:
    """Every relation in a check, outermost first."""
    own = [node] if isinstance(node, Related) else []
    return own + [r for child in children(node) for r in relations(child)]


_NODE_KINDS = {
    Predicate: "predicate",
    AllOf: "all_of",
    AnyOf: "any_of",
    Not: "not_",
    Quantifier: "quantifier",
    Related: "related",
}


def node_kind(node: Node) -> str:
    """The name of a node's kind; renderers have one method of this name per kind."""
    return _NODE_KINDS[type(node)]
