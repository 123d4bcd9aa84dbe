"""Kyverno target: a ClusterPolicy with CEL validate rules, and a kyverno-test.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from hint2policy.catalog import Hint
from hint2policy.compile import ir
from hint2policy.compile.workloads import template_groups
from hint2policy.engines.toolchain import spec
from hint2policy.kube import CLUSTER_SCOPED, api_version, group_kind, plural
from hint2policy.render import cel, escape, exemption
from hint2policy.render.environment import render
from hint2policy.render.fixtures import Case, yaml_text

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


def _described(policy: ir.Policy) -> dict:
    """What both policy kinds say about the hint in their annotations and static message."""
    return {
        "policy": policy,
        "category": policy.category.replace("-", " ").title(),
        "subject": ", ".join(sorted({k.kind for k in policy.kinds})),
        "kyverno_version": spec("kyverno").version.lstrip("v"),
        "static_message": escape.one_line(policy.title),
    }


def conditions(policy: ir.Policy, namespaces: bool) -> list[dict[str, str]]:
    """CEL conditions an object must meet to be reviewed at all: not exempt (and outside the excluded
    namespaces, where the policy kind has no exclude block for them)."""
    found = [{"name": "not-exempt", "expression": f"!{cel.exempt(policy.hint_id)}"}]
    if namespaces and policy.excluded_namespaces:
        excluded = escape.cel_value(list(policy.excluded_namespaces))
        found.append(
            {"name": "outside-excluded-namespaces", "expression": f"!({cel.namespace('object')} in {excluded})"}
        )
    return found


def render_policy(policy: ir.Policy) -> str:
    if policy.cross_resource:
        return render_validating_policy(policy)
    action = FAILURE_ACTION[policy.action]
    return render(
        "kyverno/policy.yaml.j2",
        **_described(policy),
        rules=rules(policy),
        failure_action=action,
        conditions=conditions(policy, namespaces=False),
    )


VALIDATION_ACTION = {"deny": "Deny", "warn": "Audit"}


def list_variables(policy: ir.Policy) -> list[dict[str, str]]:
    """One resource.List per kind and scope the relations read, evaluated once per admission request."""
    variables, names = [], cel.list_names(policy)
    for number, relation in enumerate(policy.relations, 1):
        namespace = cel.namespace("object") if relation.scope == "namespace" else '""'
        for position, kind in enumerate(relation.kinds, 1):
            name = names[(number, position)]
            if any(v["name"] == name for v in variables):
                continue  # listed by an earlier relation
            version, resource = escape.cel_str(api_version(kind.group)), escape.cel_str(plural(kind.kind))
            listed = f"resource.List({version}, {resource}, {namespace})"
            variables.append({"name": name, "expression": f"dyn({listed}.items)"})
    return variables


def render_validating_policy(policy: ir.Policy) -> str:
    by_group = groupby(sorted(policy.kinds, key=lambda k: (k.group, k.kind)), key=lambda k: k.group)
    return render(
        "kyverno/validating-policy.yaml.j2",
        **_described(policy),
        validation_action=VALIDATION_ACTION[policy.action],
        resource_rules=[{"group": g, "resources": [plural(k.kind) for k in kinds]} for g, kinds in by_group],
        variables=list_variables(policy),
        conditions=conditions(policy, namespaces=True),
        expression=cel.compliance(policy),
        message=cel.message(policy),
    )


def skipped(policy: ir.Policy, obj: dict) -> bool:
    """Whether Kyverno leaves obj out: its exclude block or its conditions (namespace, exemption)."""
    namespace = obj["metadata"].get("namespace", "")
    return namespace in policy.excluded_namespaces or exemption.exempt(obj, policy.hint_id)


def expected_result(policy: ir.Policy, case: Case) -> str:
    """fail, pass, or skip: what `kyverno test` must report for a fixture case."""
    if case.verdict == "fail":
        return "fail"
    return "skip" if skipped(policy, case.obj) else "pass"


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


CRD_DIR = "crds"


BUILT_IN_GROUPS = frozenset({"", "apps", "batch"})
PLACEHOLDER_NAMESPACE = "hint2policy-kyverno-test-placeholders"


def cross_kinds(policies: list[ir.Policy]) -> list[ir.Kind]:
    """Every kind a cross-resource policy reviews or lists."""
    kinds = {(k.group, k.kind) for p in policies if p.cross_resource for k in (*p.kinds, *p.related_kinds)}
    return [ir.Kind(g, k) for g, k in sorted(kinds)]


def crd_kinds(policies: list[ir.Policy]) -> list[ir.Kind]:
    """The custom kinds that `kyverno test` needs a CRD for (it maps kinds to resources through them)."""
    return [k for k in cross_kinds(policies) if k.group not in BUILT_IN_GROUPS]


def placeholders(kinds: list[ir.Kind], objects: list[dict]) -> list[dict]:
    """An empty object of each built-in kind that no object registers in `kyverno test`'s fake cluster.

    The fake cluster can list a built-in kind only once an object of it exists
    (a CRD for a built-in kind clashes with the built-in mapping), so listing
    Pods where there are none is an error, not an empty list. A placeholder has
    no labels and no spec, in a namespace of its own, so no relation matches it.
    """
    present = {group_kind(o) for o in objects}
    missing = [k for k in kinds if k.group in BUILT_IN_GROUPS and (k.group, k.kind) not in present]
    found = []
    for kind in missing:
        meta = (
            {"name": "placeholder"}
            if kind.kind in CLUSTER_SCOPED
            else {"name": "placeholder", "namespace": PLACEHOLDER_NAMESPACE}
        )
        found.append({"apiVersion": api_version(kind.group), "kind": kind.kind, "metadata": meta})
    return found


def crd_file(kind: ir.Kind) -> str:
    return f"{CRD_DIR}/{plural(kind.kind)}.{kind.group}.yaml"


def render_crd(kind: ir.Kind) -> str:
    versions = ["v1", "v1beta1", "v1alpha3"] if kind.group == "networking.istio.io" else ["v1", "v1beta1"]
    return render("kyverno/crd.yaml.j2", kind=kind.kind, group=kind.group, plural=plural(kind.kind), versions=versions)


def render_scenario(hint: Hint, case: Case, fixtures_dir: str) -> dict[str, str]:
    """A Test per scenario (kyverno test has no isolation within one Test) and its cluster."""
    policy, folder = hint.policy, f"kyverno/{hint.id}/{case.name}"
    source = f"hints/{hint.id}/fixtures/{case.source.path.name}"
    crds = sorted(f"../../{crd_file(kind)}" for kind in crd_kinds([policy]))
    test = render(
        "kyverno/scenario-test.yaml.j2",
        policy=policy,
        source=source,
        name=f"{hint.id}-{case.name}",
        test_dir=f"generated/{folder}",
        resource=f"../{fixtures_dir}/{case.file_name}",
        kind=case.kind,
        resource_name=case.obj["metadata"]["name"],
        result=expected_result(policy, case),
    )
    cluster = render(
        "kyverno/cluster.yaml.j2",
        source=source,
        subject=f"{case.kind} {case.obj['metadata']['name']}",
        name=case.name,
        crds=crds,
        resources=_dump(cluster_objects(policy, case)),
    )
    return {f"{folder}/kyverno-test.yaml": test, f"{folder}/cluster.yaml": cluster}


def cluster_objects(policy: ir.Policy, case: Case) -> list[dict]:
    """The namespaces of the scenario, then what exists except the reviewed object.

    `kyverno test` adds the reviewed object to the cluster itself, and refuses
    a second object of the same identity, so an older version of it is left out.
    """
    existing = [o for o in case.inventory if identity(o) != identity(case.obj)]
    filler = placeholders(cross_kinds([policy]), [case.obj, *existing])
    namespaces = missing_namespaces([case.obj, *existing, *filler])
    return namespaces + existing + filler


def missing_namespaces(objects: list[dict]) -> list[dict]:
    """The Namespace objects a fake cluster needs for objects: resource.List looks there."""
    names = sorted({o["metadata"].get("namespace") for o in objects} - {None})
    declared = {o["metadata"]["name"] for o in objects if o["kind"] == "Namespace"}
    return [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n}} for n in names if n not in declared]


def identity(obj: dict) -> tuple[str, str, str, str]:
    meta = obj["metadata"]
    return (*group_kind(obj), meta.get("namespace", ""), meta["name"])


def _dump(objects: list[dict]) -> str:
    return yaml_text(objects).rstrip("\n")


def render_audit_test(
    policies: list[ir.Policy], subjects: list[tuple[str, dict]], others: list[dict]
) -> dict[str, str]:
    """A Test that audits a whole set of manifests with the cross-resource policies.

    `kyverno apply` cannot list objects across namespaces for a ValidatingPolicy
    (its stand-in for the cluster only lists one namespace at a time), while
    `kyverno test` serves resource.List from clusterResources. Every object under
    review is expected to pass (or to be skipped, where exempt or in an excluded namespace);
    the results that differ are the findings.
    subjects: (file name, object) of the objects some policy reviews; others: the rest.
    """
    results = []
    for policy in policies:
        mine = policy.reviewed
        by_kind: dict[tuple[str, str], list[str]] = {}
        for _, obj in subjects:
            if group_kind(obj) in mine:
                meta = obj["metadata"]
                # an exempt object, or one in an excluded namespace, is skipped by the matchConditions
                result = "skip" if skipped(policy, obj) else "pass"
                name = f"{meta.get('namespace', '')}/{meta['name']}".lstrip("/")
                by_kind.setdefault((obj["kind"], result), []).append(name)
        results += [
            {
                "policy": policy.hint_id,
                "isValidatingPolicy": True,
                "kind": kind,
                "resources": sorted(names),
                "result": result,
            }
            for (kind, result), names in sorted(by_kind.items())
        ]
    others = others + placeholders(cross_kinds(policies), [obj for _, obj in subjects] + others)
    namespaces = missing_namespaces([obj for _, obj in subjects] + others)
    cluster = {
        "apiVersion": "cli.kyverno.io/v1alpha1",
        "kind": "ClusterResource",
        "metadata": {"name": "audit"},
        "spec": {
            "crds": [f"../kyverno/{crd_file(k)}" for k in crd_kinds(policies)],
            "resources": namespaces + others,
        },
    }
    test = {
        "apiVersion": "cli.kyverno.io/v1alpha1",
        "kind": "Test",
        "metadata": {"name": "audit"},
        "policies": [f"../kyverno/{p.hint_id}/policy.yaml" for p in policies],
        "resources": [f"resources/{name}" for name, _ in subjects],
        "clusterResources": ["cluster.yaml"],
        "results": results,
    }
    files = {"kyverno-test.yaml": _dump(test), "cluster.yaml": _dump(cluster)}
    for name, obj in subjects:
        files[f"resources/{name}"] = _dump(obj)
    return files
