"""Auditing manifests: every engine flags exactly the fixtures named fail-, reading real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from hint2policy import audit as audit_module
from hint2policy.audit import ENGINES, AuditRun, audit
from hint2policy.catalog import load_catalog
from hint2policy.kube import group_kind
from hint2policy.load.manifests import Manifest, load_manifests, manifest
from hint2policy.render.fixtures import cases
from hint2policy.render.kyverno import identity
from tests.conftest import HINTS


@pytest.mark.usefixtures("engines")
def test_audit_of_every_fixture_matches_its_verdict_in_every_engine() -> None:
    # cross-resource fixtures are scenarios: the next test audits each one on its own
    hints = [h for h in load_catalog([HINTS]).hints if not h.policy.cross_resource]
    # Fixtures of different hints may name the same object; each batch holds an object once,
    # so that a finding names exactly one fixture (names are kept: some hints read them).
    batches: list[dict[tuple[str, str, str], tuple[str, str, Manifest]]] = []
    for hint in hints:
        # each fixture as written (`test` already runs a Pod as every workload kind)
        for case in (c for c in cases(hint) if c.kind in {o["kind"] for o in c.source.objects}):
            found = manifest(case.obj, case.source.path, 1)
            batch = next((b for b in batches if found.identity not in b), None)
            if batch is None:
                batches.append(batch := {})
            batch[found.identity] = (hint.id, case.verdict, found)
    for batch in batches:
        run = audit(hints, [m for _, _, m in batch.values()])
        assert not run.errors, run.errors
        for engine in ENGINES:
            flagged = {
                (f.kind, f.namespace, f.name)
                for f in run.findings(engine)
                if f.hint == batch.get((f.kind, f.namespace, f.name), ("",))[0]
            }
            wrong = sorted((batch[key][0], *key) for key in batch if (key in flagged) != (batch[key][1] == "fail"))
            assert not wrong, f"{engine}: {wrong[:10]}"
        _assert_same_messages(run)


@pytest.mark.usefixtures("engines")
def test_audit_of_each_scenario_flags_its_object_and_the_engines_agree_on_the_rest() -> None:
    """A cross-resource fixture audited as a whole set: the reviewed object gets its verdict,
    and every engine reports the same objects (both sides of a conflict) with the same words."""
    hints = [h for h in load_catalog([HINTS]).hints if h.policy.cross_resource]
    assert hints, "the catalog has cross-resource hints"
    for hint in hints:
        for case in cases(hint):
            # one object per identity, as in a cluster: an older version of the subject is replaced
            objects = [case.obj, *(o for o in case.inventory if identity(o) != identity(case.obj))]
            run = audit([hint], [manifest(o, case.source.path, i) for i, o in enumerate(objects, 1)])
            assert not run.errors, (case.source.path, run.errors)
            subject = (case.kind, case.namespace, case.obj["metadata"]["name"])
            for engine in ENGINES:
                flagged = {(f.kind, f.namespace, f.name) for f in run.findings(engine)}
                assert (subject in flagged) == (case.verdict == "fail"), (engine, case.source.path, flagged)
            _assert_same_messages(run)


def _assert_same_messages(run: AuditRun) -> None:
    """Every engine says the same words about the same object.

    Rego reports one message per violation; Kyverno's CEL rule joins them with
    "; " into one, so both sides are compared as sets of "; "-separated parts.
    """
    said: dict[str, dict[tuple[str, str, str, str], set[str]]] = {e: {} for e in ENGINES}
    for engine in ENGINES:
        for f in run.findings(engine):
            said[engine].setdefault((f.hint, f.kind, f.namespace, f.name), set()).update(f.message.split("; "))
    assert said["conftest"] == said["gator"] == said["kyverno"]


def test_manifests_are_read_whole_and_nothing_is_dropped(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n---\n"
        "apiVersion: v1\nkind: List\nitems:\n"
        "  - {apiVersion: v1, kind: Namespace, metadata: {name: shop}}\n"
        "  - {apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: shop}}\n"
        "---\njust: data\n---\n"
    )
    (tmp_path / "ports.yaml").write_text(
        "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: p, namespace: x}\n"
        "spec: {portLevelMtls: {8080: {mode: STRICT}}}\n"
    )
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "broken.yaml").write_text("apiVersion: v1\nkind: [\n")
    (tmp_path / "sub" / "c.json").write_text('{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}')
    (tmp_path / "notes.txt").write_text("not a manifest")
    found = load_manifests([tmp_path])
    assert [m.identity for m in found.objects] == [
        ("Service", "default", "web"),  # a namespaced object without namespace lands in default
        ("Namespace", "", "shop"),  # a cluster-scoped one stays without
        ("ConfigMap", "shop", "c"),
        ("PeerAuthentication", "x", "p"),
        ("Secret", "default", "s"),
    ]
    # YAML reads 8080 as a number; Kubernetes (and gator) only know string keys
    assert found.objects[3].obj["spec"]["portLevelMtls"] == {"8080": {"mode": "STRICT"}}
    assert [(m.file.name, m.document) for m in found.objects][:3] == [("a.yaml", 1), ("a.yaml", 2), ("a.yaml", 2)]
    [skipped] = found.skipped
    assert skipped.file.name == "a.yaml" and "document 3" in skipped.message
    [error] = found.errors
    assert error.file.name == "broken.yaml" and error.line == 3 and "not valid YAML" in error.message


APPS = [Path(__file__).parent / "data" / "manifests" / name for name in ("bookinfo", "istio", "json", "teams")]


@pytest.mark.usefixtures("engines")
@pytest.mark.parametrize("processes", [1, 3])
def test_conftest_and_gator_split_between_processes_find_what_one_process_finds(
    monkeypatch: pytest.MonkeyPatch, processes: int
) -> None:
    hints = load_catalog([HINTS], fixtures=False).hints
    manifests = load_manifests(APPS).objects
    monkeypatch.setattr(audit_module, "WORKERS", processes)
    assert len(audit_module.hint_groups(hints, manifests)) == processes
    run = audit(hints, manifests, engines=("conftest", "gator", "embedded"))
    assert not run.errors, run.errors
    assert len({f.hint for f in run.findings("embedded")}) >= 3, "the sample manifests must exercise the catalog"
    assert set(run.findings("conftest")) == set(run.findings("embedded"))
    assert set(run.findings("gator")) == set(run.findings("embedded"))


def test_hint_groups_hold_every_hint_once_heaviest_apart() -> None:
    hints = load_catalog([HINTS], fixtures=False).hints
    manifests = load_manifests(APPS).objects
    groups = audit_module.hint_groups(hints, manifests, processes=2)
    assert sorted(h.id for g in groups for h in g) == sorted(h.id for h in hints)
    # the two hints that read the most objects run side by side, not one after the other
    objects = [group_kind(m.obj) for m in manifests]
    reads = {h.id: sum(key in h.policy.read for key in objects) for h in hints}
    first, second = sorted(reads, key=lambda s: (-reads[s], s))[:2]
    assert reads[first] > 0 and not any({first, second} <= {h.id for h in g} for g in groups)
    assert audit_module.hint_groups(hints, manifests, processes=2) == groups  # the same run to run
    assert len(audit_module.hint_groups(hints[:1], manifests, processes=4)) == 1
