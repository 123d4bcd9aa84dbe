"""Kyverno target: a ClusterPolicy with CEL validate rules, and a kyverno-test.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from hint2policy.catalog import Hint
from hint2policy.compile import ir
from hint2policy.compile.workloads import template_groups
from hint2policy.engines.toolchain import spec
from hint2policy.render import cel, escape
from hint2policy.render.environment import render
from hint2policy.render.fixtures import Case

FAILURE_ACTION = {"deny": "Enforce", "warn": "Audit"}


@dataclass(frozen=True)
class Rule:
    name: str
    kinds: tuple[ir.Kind, ...]
    expression: str
    message: str

    @property
    def kind_names(self) -> list[str]:
        return [k.kind if not k.group else f"{k.group}/*/{k.kind}" for k in self.kinds]


def placements(policy: ir.Policy) -> list[tuple[str, tuple[str, ...], list[ir.Kind]]]:
    """(rule name, subject path, kinds): the object itself, or one rule per pod template path."""
    if not policy.workloads:
        return [("check", (), list(policy.kinds))]
    return [
        (kinds[0].kind.lower() if len(kinds) == 1 else "controllers", segments, kinds)
        for segments, kinds in template_groups()
    ]


def rules(policy: ir.Policy) -> list[Rule]:
    return [
        Rule(name, tuple(kinds), cel.compliance(policy, segments), cel.message(policy, segments))
        for name, segments, kinds in placements(policy)
    ]


def render_policy(policy: ir.Policy) -> str:
    return render(
        "kyverno/policy.yaml.j2",
        policy=policy,
        category=policy.category.replace("-", " ").title(),
        subject=", ".join(sorted({k.kind for k in policy.kinds})),
        kyverno_version=spec("kyverno").version.lstrip("v"),
        rules=rules(policy),
        failure_action=FAILURE_ACTION[policy.action],
        static_message=escape.one_line(policy.title),
    )


def expected_result(policy: ir.Policy, case: Case) -> str:
    """fail, pass, or skip: Kyverno skips a resource its exclude block names."""
    if case.verdict == "fail":
        return "fail"
    return "skip" if case.namespace in policy.excluded_namespaces else "pass"


def render_test(hint: Hint, cases: list[Case], fixtures_dir: str) -> str:
    policy = hint.policy
    rule_of = {k.kind: name for name, _, kinds in placements(policy) for k in kinds}
    keyed = sorted((rule_of[c.kind], c.kind, expected_result(policy, c), c.obj["metadata"]["name"]) for c in cases)
    results = [
        {"rule": rule, "kind": kind, "result": result, "resources": sorted({k[3] for k in group})}
        for (rule, kind, result), group in groupby(keyed, key=lambda k: k[:3])
    ]
    return render(
        "kyverno/test.yaml.j2",
        policy=policy,
        resources=[f"{fixtures_dir}/{c.file_name}" for c in cases],
        results=results,
        test_dir=f"generated/kyverno/{hint.id}",
    )
