"""Auditing manifests: every engine flags exactly the fixtures named fail-, reading real files."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from hint2policy.audit import ENGINES, audit
from hint2policy.catalog import load_catalog
from hint2policy.load.manifests import load_manifests, manifest
from hint2policy.render.fixtures import cases
from tests.conftest import HINTS


@pytest.mark.usefixtures("engines")
def test_audit_of_every_fixture_matches_its_verdict_in_every_engine() -> None:
    hints = load_catalog([HINTS]).hints
    manifests, expected = [], {}
    for hint in hints:
        for case in cases(hint):
            obj = copy.deepcopy(case.obj)
            # one run for the whole catalog: names made unique so a finding names one fixture
            obj["metadata"]["name"] = f"{hint.id}.{case.name}"
            found = manifest(obj, case.source.path, 1)
            manifests.append(found)
            expected[(hint.id, *found.identity)] = case.verdict
    run = audit(hints, manifests)
    assert not run.errors, run.errors
    for engine in ENGINES:
        flagged = {(f.hint, f.kind, f.namespace, f.name) for f in run.findings(engine)}
        own = {key for key in flagged if key[3].startswith(f"{key[0]}.")}
        wrong = sorted(key for key, verdict in expected.items() if (key in own) != (verdict == "fail"))
        assert not wrong, f"{engine}: {wrong[:10]}"


def test_manifests_are_read_whole_and_nothing_is_dropped(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n---\n"
        "apiVersion: v1\nkind: List\nitems:\n"
        "  - {apiVersion: v1, kind: Namespace, metadata: {name: shop}}\n"
        "  - {apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: shop}}\n"
        "---\njust: data\n---\n"
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
        ("Secret", "default", "s"),
    ]
    assert [(m.file.name, m.document) for m in found.objects][:3] == [("a.yaml", 1), ("a.yaml", 2), ("a.yaml", 2)]
    [skipped] = found.skipped
    assert skipped.file.name == "a.yaml" and "document 3" in skipped.message
    [error] = found.errors
    assert error.file.name == "broken.yaml" and error.line == 3 and "not valid YAML" in error.message
