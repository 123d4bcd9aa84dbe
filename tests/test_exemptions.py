"""Exemptions: hint2policy.io/exempt with a reason, native in every engine, and the reason-required policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from hint2policy.audit import ENGINES as AUDIT_ENGINES
from hint2policy.audit import audit
from hint2policy.catalog import Hint, load_catalog
from hint2policy.compile.workloads import WORKLOAD_KINDS
from hint2policy.generate import build_tree, conftest_path
from hint2policy.load.manifests import load_manifests
from hint2policy.render import cel, exemption
from hint2policy.render.exemption import EXEMPT_ANNOTATION, REASON_ANNOTATION, REASON_POLICY_ID
from hint2policy.render.rego import render_common
from hint2policy.testing import ENGINES, run_tests
from tests.conftest import HINTS

# One hint of each shape: workloads, a single Istio resource, a cross-resource scenario.
SHAPES = {
    "application-uid-1337": "workloads",
    "service-entry-fqdn-hosts": "single",
    "virtual-service-unique-host": "cross",
}


def _hints(*ids: str) -> list[Hint]:
    catalog = load_catalog([HINTS / i for i in ids])
    assert not catalog.errors, catalog.errors
    return catalog.hints


def _annotated(annotations: dict[str, Any] | None, template: dict[str, Any] | None = None) -> dict[str, Any]:
    """A Deployment with annotations on its own metadata and, optionally, on its pod template."""
    meta: dict[str, Any] = {"name": "app", "namespace": "shop"}
    if annotations is not None:
        meta["annotations"] = annotations
    pod_meta = {"annotations": template} if template is not None else {}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta,
        "spec": {"template": {"metadata": pod_meta}},
    }


def _exemption(ids: Any, reason: Any = "why") -> dict[str, Any]:
    return {EXEMPT_ANNOTATION: ids} | ({REASON_ANNOTATION: reason} if reason is not None else {})


@pytest.mark.parametrize(
    ("annotations", "expected"),
    [
        (_exemption("service-entry-fqdn-hosts"), True),
        (_exemption(" a-hint ,  service-entry-fqdn-hosts ,b"), True),
        (_exemption("a-hint,\nservice-entry-fqdn-hosts\n"), True),
        # whole ids only: neither a longer id nor a prefix exempts
        (_exemption("service-entry-fqdn-hosts-legacy,service-entry-fqdn"), False),
        (_exemption("service-entry-fqdn-hosts", reason=None), False),
        (_exemption("service-entry-fqdn-hosts", reason=""), False),
        (_exemption("service-entry-fqdn-hosts", reason="   "), False),
        (_exemption("service-entry-fqdn-hosts", reason=7), False),
        (_exemption(["service-entry-fqdn-hosts"]), False),
        ({REASON_ANNOTATION: "why"}, False),
        (None, False),
    ],
)
def test_an_exemption_names_whole_ids_and_needs_a_reason(annotations: dict | None, expected: bool) -> None:
    assert exemption.exempt(_annotated(annotations), "service-entry-fqdn-hosts") is expected


def test_a_workload_is_exempted_by_its_own_metadata_or_its_pod_templates() -> None:
    assert exemption.exempt(_annotated(None, template=_exemption("h")), "h")
    cronjob = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "c"},
        "spec": {"jobTemplate": {"spec": {"template": {"metadata": {"annotations": _exemption("h")}}}}},
    }
    assert exemption.exempt(cronjob, "h")
    # a pod template path on a kind that has none is not read
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": cronjob["spec"]}
    assert not exemption.exempt(service, "h")


def test_the_ids_and_the_reason_sit_in_the_same_metadata() -> None:
    split = _annotated({EXEMPT_ANNOTATION: "h"}, template={REASON_ANNOTATION: "why"})
    assert not exemption.exempt(split, "h")


def test_the_rego_library_reads_the_annotations_and_blankness_defined_in_python() -> None:
    common = render_common()
    assert f'"{EXEMPT_ANNOTATION}"' in common
    assert f'"{REASON_ANNOTATION}"' in common
    assert f"regex.match(`{exemption.NON_BLANK}`, reason)" in common


def test_every_target_skips_an_exempt_object_through_one_helper() -> None:
    hints = _hints(*SHAPES)
    tree = build_tree(hints)
    for hint in hints:
        hint_id = hint.id
        assert f'not common.exempt(obj, "{hint_id}")' in tree[conftest_path(hint)]
        template = yaml.safe_load(tree[f"gatekeeper/{hint_id}/template.yaml"])
        entry = template["spec"]["targets"][0]["code"][0]["source"]["rego"]
        assert f'not common.exempt(input.review.object, "{hint_id}")' in entry
        policy = yaml.safe_load(tree[f"kyverno/{hint_id}/policy.yaml"])
        not_exempt = {"name": "not-exempt", "expression": f"!{cel.exempt(hint_id)}"}
        if SHAPES[hint_id] == "cross":
            assert policy["kind"] == "ValidatingPolicy"
            assert not_exempt in policy["spec"]["matchConditions"]
        else:
            assert policy["kind"] == "ClusterPolicy"
            assert all(not_exempt in rule["celPreconditions"] for rule in policy["spec"]["rules"])


def test_a_validating_policy_leaves_out_the_excluded_namespaces(hint_copy) -> None:
    folder = hint_copy("virtual-service-unique-host")
    spec = folder / "hint.yaml"
    spec.write_text(spec.read_text().replace("excludedNamespaces: []", "excludedNamespaces: [legacy]"))
    [hint] = load_catalog([folder]).hints
    policy = yaml.safe_load(build_tree([hint])["kyverno/virtual-service-unique-host/policy.yaml"])
    names = [c["name"] for c in policy["spec"]["matchConditions"]]
    assert names == ["not-exempt", "outside-excluded-namespaces"]
    assert '["legacy"]' in policy["spec"]["matchConditions"][1]["expression"]


def test_the_reason_policy_covers_every_kind_any_hint_reviews() -> None:
    catalog = load_catalog([HINTS])
    hints = exemption.with_reason_policy(catalog.hints)
    reason = hints[-1]
    assert reason.id == REASON_POLICY_ID
    reviewed = {(k.group, k.kind) for h in catalog.hints for k in h.policy.kinds}
    assert {(k.group, k.kind) for k in reason.policy.kinds} == reviewed
    assert {(k.group, k.kind) for k in WORKLOAD_KINDS} <= reviewed
    # added once, and not to an empty catalog
    assert exemption.with_reason_policy(hints) == hints
    assert exemption.with_reason_policy([]) == []


def test_the_reason_policy_takes_the_fixtures_of_the_kinds_it_reviews() -> None:
    only_service_entries = exemption.reason_hint(_hints("service-entry-fqdn-hosts"))
    kinds = {o["kind"] for f in only_service_entries.fixtures for o in f.objects}
    assert kinds == {"ServiceEntry"}
    every = exemption.reason_hint(load_catalog([HINTS]).hints)
    verdicts = {f.verdict for f in every.fixtures}
    assert verdicts == {"pass", "fail"}
    assert len(every.fixtures) == len(list(exemption.FIXTURES_DIR.glob("*.yaml")))


@pytest.mark.parametrize("hint_id", sorted(SHAPES))
def test_each_shape_has_exemption_fixtures(hint_id: str) -> None:
    names = [p.name for p in (HINTS / hint_id / "fixtures").iterdir()]
    assert any(n.startswith("pass-exempted") for n in names), names
    assert any(n.startswith("fail-exemption-without-reason") for n in names), names
    [hint] = _hints(hint_id)
    shape = "cross" if hint.policy.cross_resource else "workloads" if hint.policy.workloads else "single"
    assert shape == SHAPES[hint_id]


@pytest.mark.engines
def test_exemptions_and_the_reason_policy_agree_in_every_engine(engines) -> None:
    hints = exemption.with_reason_policy(_hints(*SHAPES))
    run = run_tests(hints, ENGINES)
    assert not run.engine_errors, run.engine_errors
    failures = [(r.hint, r.case, r.expected, r.said, r.details) for r in run.results if not r.ok]
    assert not failures, failures
    cases = {(r.hint, r.case.split(".")[0]) for r in run.results}
    for hint_id in SHAPES:
        assert (hint_id, "pass-exempted") in cases
        assert (hint_id, "fail-exemption-without-reason") in cases
    assert any(hint == REASON_POLICY_ID for hint, _ in cases)


@pytest.mark.engines
def test_an_excluded_namespace_skips_a_cross_resource_hint_in_every_engine(engines, hint_copy) -> None:
    folder = hint_copy("virtual-service-unique-host")
    spec = folder / "hint.yaml"
    spec.write_text(spec.read_text().replace("excludedNamespaces: []", "excludedNamespaces: [legacy]"))
    conflict = (folder / "fixtures" / "fail-same-host-other-namespace.yaml").read_text()
    # the same conflict, with the VirtualService under review in the excluded namespace: not flagged
    (folder / "fixtures" / "pass-in-excluded-namespace.yaml").write_text(conflict.replace("team-a", "legacy", 1))
    run = run_tests(load_catalog([folder]).hints, ENGINES)
    assert not run.engine_errors, run.engine_errors
    failures = [(r.case, r.expected, r.said, r.details) for r in run.results if not r.ok]
    assert not failures, failures
    assert any(r.case == "pass-in-excluded-namespace" for r in run.results)


def test_fixture_folder_ships_inside_the_package() -> None:
    package = Path(exemption.__file__).resolve().parents[1]
    assert exemption.FIXTURES_DIR.is_relative_to(package)


AUDITED = """\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: checkout-migration
  namespace: team-a
  annotations:
    hint2policy.io/exempt: virtual-service-unique-host
    hint2policy.io/exempt-reason: "Takes over checkout.example.com during the migration (MIG-7)."
spec:
  hosts: [checkout.example.com]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: checkout
  namespace: team-b
spec:
  hosts: [checkout.example.com]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: legacy-ledger
  namespace: shop
  annotations:
    hint2policy.io/exempt: service-entry-fqdn-hosts
    hint2policy.io/exempt-reason: "Legacy DNS search path (NET-42)."
spec:
  hosts: [ledger]
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: unexplained-ledger
  namespace: shop
  annotations:
    hint2policy.io/exempt: service-entry-fqdn-hosts
spec:
  hosts: [ledger]
  resolution: DNS
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: legacy-app
  namespace: shop
spec:
  selector: {matchLabels: {app: legacy-app}}
  template:
    metadata:
      labels: {app: legacy-app}
      annotations:
        hint2policy.io/exempt: application-uid-1337
        hint2policy.io/exempt-reason: "Vendor image runs as 1337 (OPS-123)."
    spec:
      containers:
        - {name: app, image: example.com/app:1.0.0, securityContext: {runAsUser: 1337}}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: unexplained-app
  namespace: shop
  annotations:
    hint2policy.io/exempt: application-uid-1337
    hint2policy.io/exempt-reason: " "
spec:
  selector: {matchLabels: {app: unexplained-app}}
  template:
    metadata:
      labels: {app: unexplained-app}
    spec:
      containers:
        - {name: app, image: example.com/app:1.0.0, securityContext: {runAsUser: 1337}}
"""


@pytest.mark.engines
def test_an_audit_reports_the_same_in_every_engine_with_exemptions(engines, tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(AUDITED)
    hints = exemption.with_reason_policy(_hints(*SHAPES))
    run = audit(hints, load_manifests([tmp_path / "app.yaml"]).objects, AUDIT_ENGINES)
    assert not run.errors, run.errors
    flagged = {e: {(f.hint, f.namespace, f.name) for f in run.findings(e)} for e in AUDIT_ENGINES}
    expected = {
        ("virtual-service-unique-host", "team-b", "checkout"),
        ("service-entry-fqdn-hosts", "shop", "unexplained-ledger"),
        (REASON_POLICY_ID, "shop", "unexplained-ledger"),
        ("application-uid-1337", "shop", "unexplained-app"),
        (REASON_POLICY_ID, "shop", "unexplained-app"),
    }
    assert flagged == dict.fromkeys(AUDIT_ENGINES, expected)
