"""Gatekeeper target: ConstraintTemplate (sharing the Rego library), Constraint, gator Suite."""

from __future__ import annotations

import json
from itertools import groupby

from hint2policy import __version__
from hint2policy.catalog import Hint
from hint2policy.compile import ir
from hint2policy.kube import api_version
from hint2policy.render.environment import render
from hint2policy.render.fixtures import Case


def crd_kind(policy: ir.Policy) -> str:
    return f"H2p{policy.camel_id}"


def template_name(policy: ir.Policy) -> str:
    return crd_kind(policy).lower()


def sync_gvks(policies: list[ir.Policy]) -> list[dict[str, str]]:
    """Group, version and kind of every object a cross-resource template reads from data.inventory."""
    kinds = sorted({(k.group, k.kind) for p in policies for k in p.related_kinds})
    return [{"group": g, "version": api_version(g).rpartition("/")[2], "kind": k} for g, k in kinds]


def requires_sync_data(policy: ir.Policy) -> str:
    """The template annotation that tells Gatekeeper (and gator sync test) what to replicate."""
    gvks = [{"groups": [g["group"]], "versions": [g["version"]], "kinds": [g["kind"]]} for g in sync_gvks([policy])]
    return '"' + json.dumps([gvks], separators=(",", ":")) + '"'


def render_sync(policies: list[ir.Policy]) -> dict[str, str]:
    gvks = sync_gvks(policies)
    if not gvks:
        return {}
    return {
        "gatekeeper/sync/syncset.yaml": render("gatekeeper/syncset.yaml.j2", gvks=gvks, version=__version__),
        "gatekeeper/sync/config.yaml": render("gatekeeper/config.yaml.j2", gvks=gvks, version=__version__),
    }


def render_template(policy: ir.Policy, libs: list[str]) -> str:
    """The ConstraintTemplate; libs are the very Rego files conftest loads (common, then the hint's)."""
    name = template_name(policy)
    properties = {p.name: {"description": p.description, **p.schema} for p in policy.parameters}
    return render(
        "gatekeeper/template.yaml.j2",
        policy=policy,
        name=name,
        kind=crd_kind(policy),
        version=__version__,
        properties=properties,
        entry=render("gatekeeper/entry.rego.j2", policy=policy, name=name),
        libs=libs,
        requires_sync_data=requires_sync_data(policy) if policy.cross_resource else None,
    )


def render_constraint(policy: ir.Policy) -> str:
    by_group = groupby(sorted(policy.kinds, key=lambda k: (k.group, k.kind)), key=lambda k: k.group)
    return render(
        "gatekeeper/constraint.yaml.j2",
        policy=policy,
        kind=crd_kind(policy),
        kind_groups=[(group, [k.kind for k in kinds]) for group, kinds in by_group],
        defaults={p.name: p.default for p in policy.parameters},
    )


def render_suite(hint: Hint, cases: list[Case], fixtures_dir: str) -> str:
    items = [
        {
            "name": c.name,
            "verdict": c.verdict,
            "path": f"{fixtures_dir}/{c.file_name}",
            "inventory": f"{fixtures_dir}/{c.inventory_file_name}" if c.inventory_file_name else None,
        }
        for c in cases
    ]
    return render(
        "gatekeeper/suite.yaml.j2",
        policy=hint.policy,
        cases=items,
        suite_dir=f"generated/gatekeeper/{hint.id}",
    )
