"""Conformance with Istio's own analyzer tests: hints mapped to an istioctl code flag what istioctl flags.

The corpus lives outside the project (../shared/corpus/istio-analyzers) and
is never copied in. For each case and each code it expects, every enforced
hint that maps the code must flag exactly the expected origins, in every
engine, unless its spec names the case in istioctl.differsOn (and says why
in istioctl.differs): a general `differs` does not excuse a mismatch here.
"""

from __future__ import annotations

from functools import cache

import pytest
import yaml

from hint2policy.audit import ENGINES, AuditRun, audit
from hint2policy.catalog import Hint, load_catalog
from hint2policy.load.manifests import load_manifests
from tests.conftest import HINTS, REPO

CORPUS = REPO.parent / "shared" / "corpus" / "istio-analyzers"
# A case that expects nothing does not say which analyzer ran; Istio's analyzers_test.go does.
EMPTY_CASE_CODES = {
    "namedPort": ("IST0118",),
    "unnamedPortInSystemNamespace": ("IST0118",),
    "ServiceEntry no conflict same protocol": ("IST0177",),
}


def _cases() -> list[dict]:
    if not (CORPUS / "expectations.yaml").is_file():
        return []
    return yaml.safe_load((CORPUS / "expectations.yaml").read_text(encoding="utf-8"))["cases"]


def _expected(case: dict) -> dict[str, set[str]]:
    """Code -> origins ("Kind ns/name"), with the codes of cases that expect nothing."""
    found = {key.split()[0]: set(origins) for key, origins in (case["expected"] or {}).items()}
    for code in EMPTY_CASE_CODES.get(case["name"], ()):
        found.setdefault(code, set())
    return found


@cache
def _hints() -> tuple[Hint, ...]:
    return tuple(load_catalog([HINTS]).hints)


def _params() -> list:
    params = []
    for case in _cases():
        for code in sorted(_expected(case)):
            for hint in _hints():
                if code in hint.policy.istioctl_codes:
                    params.append(pytest.param(case["name"], code, hint.id, id=f"{case['name']}-{code}-{hint.id}"))
    return params or [pytest.param("", "", "", marks=pytest.mark.skip(reason=_no_cases_reason()))]


def _no_cases_reason() -> str:
    if not CORPUS.is_dir():
        return f"the conformance corpus is absent: {CORPUS} (it lives in ../shared, outside the project)"
    return "no enforced hint maps an istioctl code that the corpus expects"


@cache
def _run(case_name: str) -> tuple[AuditRun, frozenset[tuple[str, str, str]]]:
    """The audit of a case's inputs, and the objects whose file named no namespace."""
    case = next(c for c in _cases() if c["name"] == case_name)
    manifests = load_manifests([CORPUS / p for p in case["inputs"]])
    assert not manifests.errors, manifests.errors
    mapped = [h for h in _hints() if set(h.policy.istioctl_codes) & set(_expected(case))]
    unnamespaced = frozenset(m.identity for m in manifests.objects if m.defaulted_namespace)
    return audit(mapped, manifests.objects), unnamespaced


def _origin(kind: str, namespace: str, name: str, unnamespaced: frozenset[tuple[str, str, str]]) -> str:
    # istioctl names an object by what its file says: "Kind name" when the file gives no namespace
    if not namespace or (kind, namespace, name) in unnamespaced:
        return f"{kind} {name}"
    return f"{kind} {namespace}/{name}"


@pytest.mark.usefixtures("engines")
@pytest.mark.parametrize(("case_name", "code", "hint_id"), _params())
def test_hint_flags_what_istioctl_flags(case_name: str, code: str, hint_id: str) -> None:
    case = next(c for c in _cases() if c["name"] == case_name)
    expected = _expected(case)[code]
    run, unnamespaced = _run(case_name)
    assert not run.errors, run.errors
    hint = next(h for h in _hints() if h.id == hint_id)
    flagged = {
        engine: {_origin(f.kind, f.namespace, f.name, unnamespaced) for f in run.findings(engine) if f.hint == hint_id}
        for engine in ENGINES
    }
    assert len({frozenset(got) for got in flagged.values()}) == 1, f"engines disagree: {flagged}"
    istioctl = hint.spec.get("istioctl") or {}
    mismatched = {engine: got for engine, got in flagged.items() if got != expected}
    if mismatched and case_name in istioctl.get("differsOn", ()):
        pytest.skip(f"{hint_id} deliberately differs from {code} here: {istioctl.get('differs', '').strip()}")
    assert not mismatched, f"{hint_id} vs {code} on {case['inputs']}: expected {sorted(expected)}, got {mismatched}"


def test_corpus_is_read_in_place_never_copied() -> None:
    copies = [p for p in REPO.rglob("expectations.yaml") if ".venv" not in p.parts]
    assert not copies, f"the conformance corpus must stay in ../shared: {copies}"
