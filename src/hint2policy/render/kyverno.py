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


def rules(policy: ir.Policy) -> list[Rule]:
    """One rule per place the subject sits: the object itself, or each pod template path."""
    groups = template_groups() if policy.workloads else [((), list(policy.kinds))]
    found = []
    for segments, kinds in groups:
        name = "check" if not policy.workloads else (kinds[0].kind.lower() if len(kinds) == 1 else "controllers")
        found.append(Rule(name, tuple(kinds), cel.compliance(policy, segments), cel.message(policy, segments)))
    return found


def rule_for(policy: ir.Policy, kind: str) -> str:
    return next(r.name for r in rules(policy) if kind in {k.kind for k in r.kinds})


def render_policy(policy: ir.Policy) -> str:
    found = rules(policy)
    return render(
        "kyverno/policy.yaml.j2",
        policy=policy,
        category=policy.category.replace("-", " ").title(),
        subject=", ".join(sorted({k.kind for k in policy.kinds})),
        kyverno_version=spec("kyverno").version.lstrip("v"),
        rules=[
            {
                "name": r.name,
                "kinds": r.kind_names,
                "expression": r.expression,
                "message": r.message,
            }
            for r in found
        ],
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
    keyed = sorted(
        (rule_for(policy, c.kind), c.kind, expected_result(policy, c), c.obj["metadata"]["name"]) for c in cases
    )
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
