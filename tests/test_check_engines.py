"""`hint2policy check` on real-looking manifests reports the same findings in all four engines."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from hint2policy.check import ENGINES
from hint2policy.cli import app
from hint2policy.engines import toolchain

MANIFESTS = Path(__file__).parent / "data" / "manifests"
APPS = [MANIFESTS / name for name in ("bookinfo", "istio", "json", "teams")]
HELM = MANIFESTS / "helm" / "rendered.yaml"


def _check(cli, *args: str, stdin: str | None = None) -> dict:
    result = cli.invoke(app, ["check", *args, "--output", "json"], input=stdin)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def _said(doc: dict) -> set[tuple[str, str, str, str, str]]:
    return {
        (f["hint"], f["resource"]["kind"], f["resource"]["namespace"], f["resource"]["name"], f["message"])
        for f in doc["findings"]
    }


@pytest.mark.engines
@pytest.mark.parametrize("engine", [e for e in ENGINES if e != "embedded"])
def test_every_engine_reports_what_the_embedded_engine_reports(engines, cli, engine: str) -> None:
    paths = [str(p) for p in APPS]
    embedded = _check(cli, *paths)
    other = _check(cli, *paths, "--engine", engine)
    assert len(embedded["findings"]) >= 5, "the sample manifests must exercise the catalog"
    assert len({f["hint"] for f in embedded["findings"]}) >= 3
    assert _said(other) == _said(embedded)
    assert other["summary"] == embedded["summary"]


@pytest.mark.engines
@pytest.mark.parametrize("engine", list(ENGINES))
def test_helm_output_on_stdin_is_checked_by_every_engine(engines, cli, engine: str) -> None:
    text = HELM.read_text(encoding="utf-8")
    from_stdin = _check(cli, "-", "--engine", engine, stdin=text)
    from_file = _check(cli, str(HELM), "--engine", "embedded")
    assert from_stdin["findings"], "the rendered chart has findings"
    assert _said(from_stdin) == _said(from_file)
    assert {f["file"] for f in from_stdin["findings"]} == {"-"}


# two short hosts, one twice, and hosts of the wrong type: one finding per distinct message in every
# engine (Kyverno joins one object's messages; CEL cannot print a list or a map, so no engine does)
SEVERAL = """\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: several
  namespace: shop
spec:
  hosts: [reviews, ratings, reviews, {a: 1}, [x, y], reviews.shop.svc.cluster.local]
"""


@pytest.mark.engines
@pytest.mark.parametrize("engine", list(ENGINES))
def test_several_violations_of_one_hint_are_several_findings(engines, cli, engine: str) -> None:
    doc = _check(cli, "-", "--engine", engine, stdin=SEVERAL)
    hosts = {f["message"].split("short host ")[1].split(":")[0] for f in doc["findings"]}
    assert hosts == {"reviews", "ratings", "<map>", "<list>"}
    assert doc["summary"]["findings"] == 4


def _entry(name: str, namespace: str, port: int, export_to: list[str] | None) -> str:
    spec = {"hosts": [f"{name}.example.com"], "resolution": "DNS", "ports": [{"number": port, "protocol": "TCP"}]}
    if export_to is not None:
        spec["exportTo"] = export_to
    doc = {"apiVersion": "networking.istio.io/v1", "kind": "ServiceEntry"}
    return json.dumps(doc | {"metadata": {"name": name, "namespace": namespace}, "spec": spec})


# pairs of address-less TCP entries, one pair per port: a pair collides when some namespace sees both
EXPORTS = {
    1001: (("a", ["."]), ("b", ["."]), False),  # each in its own namespace: never meet
    1002: (("a", ["."]), ("b", ["a"]), True),  # b's entry exported into a
    1003: (("a", ["."]), ("b", ["*"]), True),
    1004: (("a", ["."]), ("b", None), True),  # no exportTo: every namespace
    1005: (("a", ["."]), ("a", ["~"]), False),  # exported nowhere
    1006: (("a", None), ("b", ["."]), True),
    1007: (("a", ["b", "c"]), ("b", ["c"]), True),
}


@pytest.mark.engines
@pytest.mark.parametrize("engine", list(ENGINES))
def test_exported_relations_meet_only_where_some_namespace_sees_both(engines, cli, engine: str) -> None:
    # conftest and the embedded engine look related objects up in an index by exported namespace;
    # Gatekeeper scans and Kyverno compares exportTo in CEL: every path must give the same pairs
    docs = [
        _entry(f"p{port}-{side}", namespace, port, export_to)
        for port, (*pair, _) in EXPORTS.items()
        for side, (namespace, export_to) in zip("xy", pair, strict=True)
    ]
    doc = _check(cli, "-", "--engine", engine, stdin="\n---\n".join(docs))
    flagged = {f["resource"]["name"] for f in doc["findings"] if f["hint"] == "service-entry-addressless-protocol"}
    assert flagged == {f"p{port}-{side}" for port, (*_, met) in EXPORTS.items() if met for side in "xy"}


@pytest.mark.engines
@pytest.mark.parametrize("combine", [True, False])
def test_conftest_on_generated_reads_a_kind_list_as_its_items(engines, tmp_path: Path, combine: bool) -> None:
    # kubectl get -o json prints a kind: List; check flattens it, and so must the Rego users run
    entries = [json.loads(_entry(f"p-{side}", "a", 5432, None)) for side in "xy"]
    listed = tmp_path / "objects.json"
    listed.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": [*entries, "not an object"]}))
    argv = [str(toolchain.require("conftest")), "test", "--no-color", "-o", "json", "--all-namespaces"]
    policy = Path(__file__).parent.parent / "generated" / "conftest" / "policy"
    done = subprocess.run(
        [*argv, *(["--combine"] if combine else []), "-p", str(policy), str(listed)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    results = json.loads(done.stdout)
    found = {
        (r["namespace"].rsplit(".", 1)[-1], f["metadata"]["resource"]["name"])
        for r in results
        for f in (r.get("failures") or []) + (r.get("warnings") or [])
    }
    names = {"p-x", "p-y"}
    assert {name for hint, name in found if hint == "service_entry_namespaces"} == names
    # relating the two entries needs every document in one query
    related = {name for hint, name in found if hint == "service_entry_addressless_protocol"}
    assert related == (names if combine else set())


# Istio's Gateway and DestinationRule against objects of the same kind names in other API groups
# (the Kubernetes Gateway API has its own Gateway): a hint reviews, and relates, its own group only
GROUPS = """\
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: istio-gateway, namespace: shop}
spec:
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: other-gateway, namespace: shop}
spec:
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews.shop.svc.cluster.local]
  http: [{route: [{destination: {host: reviews.shop.svc.cluster.local, subset: v1}}]}]
---
apiVersion: example.com/v1
kind: DestinationRule
metadata: {name: reviews, namespace: shop}
spec:
  host: reviews.shop.svc.cluster.local
  subsets: [{name: v1, labels: {version: v1}}]
"""


@pytest.mark.engines
@pytest.mark.parametrize("engine", list(ENGINES))
def test_a_kind_of_another_api_group_is_neither_reviewed_nor_related(engines, cli, engine: str) -> None:
    doc = _check(cli, "-", "--engine", engine, stdin=GROUPS)
    flagged = {(f["hint"], f["resource"]["name"]) for f in doc["findings"]}
    assert ("gateway-wildcard-hosts", "istio-gateway") in flagged
    assert not {name for _, name in flagged} & {"other-gateway"}
    # the subset is defined only by a DestinationRule of another group: the route's subset is missing
    assert ("virtual-service-subset-exists", "reviews") in flagged
