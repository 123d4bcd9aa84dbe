"""The intermediate form: one small tree per hint, rendered by every target.

Every node kind here has one template construct per target; a renderer is a
method per node kind (as in sqlglot's generators).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class VarKey:
    """A path step whose key is the value of an iteration variable: labels[$key]."""

    var: str


Segment = str | VarKey


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
        return not any(isinstance(s, VarKey) for s in self.segments)


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


Node = Predicate | AllOf | AnyOf | Not | Quantifier


@dataclass(frozen=True)
class Builtin:
    """A resource property usable in messages: kind, name or namespace."""

    name: Literal["kind", "name", "namespace"]


MessagePart = str | Ref | Builtin
Operand = Lit | ParamRef | Format


@dataclass(frozen=True)
class Kind:
    group: str
    kind: str
    template: tuple[str, ...] | None = None  # where the pod template sits, for workloads

    @property
    def api_group_label(self) -> str:
        return self.group or "core"


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
    istioctl_codes: tuple[str, ...] = ()
    spec: dict[str, Any] = field(default_factory=dict, compare=False)

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
    return ()


def refs(node: Node) -> list[Ref]:
    """Every path a node reads, its own and its descendants'."""
    own = [node.ref] if isinstance(node, Predicate) else []
    if isinstance(node, Predicate) and isinstance(node.operand, Format):
        own += node.operand.refs
    if isinstance(node, Quantifier):
        own = [node.source]
    return own + [r for child in children(node) for r in refs(child)]


def free_vars(node: Node) -> set[str]:
    """The iteration variables a node reads but does not bind itself."""
    if isinstance(node, Predicate):
        return {v for ref in refs(node) for v in ref.vars}
    if isinstance(node, Quantifier):
        return node.source.vars | (free_vars(node.body) - {node.var})
    return {v for child in children(node) for v in free_vars(child)}


def uses_subject(node: Node) -> bool:
    return any(r.var is None for r in refs(node))


def uses_params(node: Node) -> bool:
    if isinstance(node, Predicate) and isinstance(node.operand, ParamRef):
        return True
    return any(uses_params(child) for child in children(node))


def params_used(node: Node) -> set[str]:
    own = {node.operand.name} if isinstance(node, Predicate) and isinstance(node.operand, ParamRef) else set()
    return own | {p for child in children(node) for p in params_used(child)}


_NODE_KINDS = {
    Predicate: "predicate",
    AllOf: "all_of",
    AnyOf: "any_of",
    Not: "not_",
    Quantifier: "quantifier",
}


def node_kind(node: Node) -> str:
    """The name of a node's kind; renderers have one method of this name per kind."""
    return _NODE_KINDS[type(node)]
