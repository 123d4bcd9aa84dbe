"""What the shipped catalog promises: fixtures on both sides, and Kyverno's Istio policies covered."""

from __future__ import annotations

from hint2policy.catalog import load_catalog
from tests.conftest import HINTS

# The validate policies of Kyverno's policy library, folder istio/ (kyverno/policies, main):
# the mutate and generate ones (add-*, create-*) enforce nothing to compare with.
KYVERNO_ISTIO_VALIDATIONS = (
    "enforce-ambient-mode-namespace",
    "enforce-sidecar-injection-namespace",
    "enforce-strict-mtls",
    "enforce-tls-hosts-host-subnets",
    "prevent-disabling-injection-pods",
    "require-authorizationpolicy",
    "restrict-virtual-service-wildcard",
)


def test_catalog_loads_without_errors() -> None:
    catalog = load_catalog([HINTS])
    assert not catalog.errors, [str(e) for e in catalog.errors]
    assert catalog.hints and catalog.notes


def test_every_enforced_hint_has_two_passing_and_two_failing_fixtures() -> None:
    thin = []
    for hint in load_catalog([HINTS]).hints:
        verdicts = [f.verdict for f in hint.fixtures]
        if verdicts.count("pass") < 2 or verdicts.count("fail") < 2:
            thin.append((hint.id, verdicts.count("pass"), verdicts.count("fail")))
    assert not thin, f"(hint, pass fixtures, fail fixtures): {thin}"


def test_catalog_covers_kyvernos_istio_validations() -> None:
    covered = {name: e.id for e in load_catalog([HINTS]).entries() for name in e.spec.get("kyvernoPolicies", [])}
    missing = [name for name in KYVERNO_ISTIO_VALIDATIONS if name not in covered]
    assert not missing, f"Kyverno library policies no hint covers: {missing}"
    assert set(covered) <= set(KYVERNO_ISTIO_VALIDATIONS), (
        f"unknown Kyverno policies: {set(covered) - set(KYVERNO_ISTIO_VALIDATIONS)}"
    )
