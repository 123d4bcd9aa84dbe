"""Relation indexes: common.group in the real evaluators, and what the compiler puts in an index.

An index groups a relation's objects by key once per query. It is built by
sorting [key, position] pairs (common.group) because the engines' own grouping
forms are quadratic on a popular key (BENCHMARKS.md, "Relation indexes").
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import regopy

from hint2policy.engines import toolchain
from hint2policy.render.rego import render_common

ROOT = Path(__file__).resolve().parent.parent
OBJECTS = [{"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": "d"}]
# position 1 gives key "x" twice (an object with two values under one key): it is grouped once
PAIRS = [["y", 3], ["x", 1], [80, 2], ["x", 0], ["x", 1], [["ns", 80], 2]]
QUERY = f"x := data.lib.hint2policy.common.group(sort({json.dumps(PAIRS)}), {json.dumps(OBJECTS)})"
EXPECTED = {
    '"x"': [{"name": "a"}, {"name": "b"}],
    '"y"': [{"name": "d"}],
    "80": [{"name": "c"}],
    '["ns",80]': [{"name": "c"}],
}


def _normal(found: list[list]) -> dict:
    """The grouping as {key as JSON: sorted members}, whatever the engine's output form."""
    return {json.dumps(k, separators=(",", ":")): sorted(v, key=json.dumps) for k, v in found}


def test_group_in_opa(engines, tmp_path: Path) -> None:
    (tmp_path / "common.rego").write_text(render_common(), encoding="utf-8")
    query = f"{QUERY}; y := [[k, v] | some k, v in x]"
    out = subprocess.run(
        [str(toolchain.require("opa")), "eval", "-d", str(tmp_path), "--format", "json", query],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    found = json.loads(out.stdout)["result"][0]["bindings"]["y"]
    assert _normal(found) == EXPECTED


def test_group_in_rego_cpp() -> None:
    interpreter = regopy.Interpreter()
    interpreter.add_module("common.rego", render_common())
    output = interpreter.query(f"{QUERY}; y := [[k, v] | some k; v := x[k]]")
    assert output.ok(), str(output)
    assert _normal(json.loads(str(output))["bindings"]["y"]) == EXPECTED


def test_group_of_nothing_is_empty() -> None:
    interpreter = regopy.Interpreter()
    interpreter.add_module("common.rego", render_common())
    output = interpreter.query("x := data.lib.hint2policy.common.group([], [])")
    assert json.loads(str(output))["bindings"]["x"] == {}


# conftest --combine input: a kind twice with another between, a document without a kind, a list
DOCUMENTS = [
    {"path": "a.yaml", "contents": {"kind": "Service", "metadata": {"name": "one"}}},
    {"path": "a.yaml", "contents": {"kind": "Sidecar", "metadata": {"name": "two"}}},
    {"path": "b.yaml", "contents": {"kind": "Service", "metadata": {"name": "three"}}},
    {"path": "b.yaml", "contents": {"metadata": {"name": "kindless"}}},
    {"path": "c.json", "contents": [1, 2]},
]
BY_KIND = "data.lib.hint2policy.common.documents_by_kind"
EXPECTED_BY_KIND = {"Service": ["one", "three"], "Sidecar": ["two"]}


def _names_by_kind(found: dict) -> dict[str, list[str]]:
    return {kind: [d["contents"]["metadata"]["name"] for d in docs] for kind, docs in found.items()}


# one document (a conftest file without --combine) is grouped without the sort; a kindless one is in no group
BY_KIND_CASES = [
    pytest.param(DOCUMENTS, EXPECTED_BY_KIND, id="combined"),
    pytest.param({"kind": "Service", "metadata": {"name": "one"}}, {"Service": ["one"]}, id="one-document"),
    pytest.param({"metadata": {"name": "kindless"}}, {}, id="one-kindless-document"),
]


@pytest.mark.parametrize(("given", "expected"), BY_KIND_CASES)
def test_documents_by_kind_in_opa(engines, tmp_path: Path, given: object, expected: dict) -> None:
    (tmp_path / "common.rego").write_text(render_common(), encoding="utf-8")
    argv = [str(toolchain.require("opa")), "eval", "-d", str(tmp_path / "common.rego"), "-I", "--format", "json"]
    out = subprocess.run(
        [*argv, f"x := {BY_KIND}"], input=json.dumps(given), capture_output=True, text=True, check=True
    )
    assert _names_by_kind(json.loads(out.stdout)["result"][0]["bindings"]["x"]) == expected


@pytest.mark.parametrize(("given", "expected"), BY_KIND_CASES)
def test_documents_by_kind_in_rego_cpp(given: object, expected: dict) -> None:
    interpreter = regopy.Interpreter()
    interpreter.add_module("common.rego", render_common())
    interpreter.set_input_term(json.dumps(given))
    output = interpreter.query(f"x := {BY_KIND}")
    assert output.ok(), str(output)
    assert _names_by_kind(json.loads(str(output))["bindings"]["x"]) == expected


# host and values, the helpers a relation's scan calls for every value: each input and what it gives
HOSTS = [
    ["reviews.prod.svc.cluster.local", "reviews.prod.svc.cluster.local"],
    ["reviews", "reviews.ns.svc.cluster.local"],
    ["*", "*"],
    ["*.example.com", "*.example.com"],
    ["", ".ns.svc.cluster.local"],
    [5, 5],
    [None, None],
    [["a"], ["a"]],
]
VALUES = [[[1, "a"], [1, "a"]], [None, []], ["x", ["x"]], [{}, [{}]], [0, [0]], [False, [False]], [[], []]]
HELPERS = (
    f'h := [[x, common.host(x, "ns")] | some [x, _] in {json.dumps(HOSTS)}]; '
    f"v := [[x, common.values(x)] | some [x, _] in {json.dumps(VALUES)}]"
)


def _helpers_query() -> str:
    return HELPERS.replace("common.", "data.lib.hint2policy.common.")


def test_host_and_values_in_opa(engines, tmp_path: Path) -> None:
    (tmp_path / "common.rego").write_text(render_common(), encoding="utf-8")
    argv = [str(toolchain.require("opa")), "eval", "-d", str(tmp_path), "--format", "json", _helpers_query()]
    found = json.loads(subprocess.run(argv, capture_output=True, text=True, check=True, timeout=120).stdout)
    bindings = found["result"][0]["bindings"]
    assert (bindings["h"], bindings["v"]) == (HOSTS, VALUES)


def test_host_and_values_in_rego_cpp() -> None:
    interpreter = regopy.Interpreter()
    interpreter.add_module("common.rego", render_common())
    output = interpreter.query(_helpers_query())
    assert output.ok(), str(output)
    bindings = json.loads(str(output))["bindings"]
    assert (bindings["h"], bindings["v"]) == (HOSTS, VALUES)


# a review's scan tests a related object's raw host field with host_candidate before resolving it: it
# must hold wherever common.host(value, ns) gives a key, and should rule out the rest
CANDIDATES = [
    # raw field, keys, holds
    [["reviews"], ["reviews.ns.svc.cluster.local"], True],
    ["reviews", ["reviews.ns.svc.cluster.local"], True],  # a scalar is its own one value
    [["ratings", "reviews.prod.svc.cluster.local"], ["reviews.prod.svc.cluster.local"], True],
    [["*"], ["*"], True],
    [[""], [".ns.svc.cluster.local"], True],
    [[7], [7], True],
    [["ünïcode"], ["ünïcode.ns.svc.cluster.local"], True],
    [["details"], ["reviews.ns.svc.cluster.local"], False],
    [["reviews.prod.svc.cluster.local"], ["reviews.ns.svc.cluster.local"], False],
    [[7], ["7"], False],
    [None, ["reviews.ns.svc.cluster.local"], False],
    [[], ["reviews.ns.svc.cluster.local"], False],
]


def test_host_candidate_holds_wherever_a_host_resolves_to_a_key(engines, tmp_path: Path) -> None:
    (tmp_path / "common.rego").write_text(render_common(), encoding="utf-8")
    query = (
        "x := [[raw, keys, r] | some [raw, keys, _] in "
        + json.dumps(CANDIDATES)
        + "; r := count({1 | data.lib.hint2policy.common.host_candidate(raw, keys)}) == 1]"
    )
    argv = [str(toolchain.require("opa")), "eval", "-d", str(tmp_path), "--format", "json", query]
    found = json.loads(subprocess.run(argv, capture_output=True, text=True, check=True, timeout=120).stdout)
    assert found["result"][0]["bindings"]["x"] == CANDIDATES
    # the rows that hold are those whose raw values resolve to a key: the superset is what matters
    holds = [c for c in CANDIDATES if c[2]]
    common = "data.lib.hint2policy.common"
    resolved = f'{{k | some v in {common}.values(raw); k := {common}.host(v, "ns")}}'
    check = (
        f"y := [ok | some [raw, keys, _] in {json.dumps(holds)}; ok := {resolved} & {{k | some k in keys}} != set()]"
    )
    out = subprocess.run([*argv[:-1], check], capture_output=True, text=True, check=True, timeout=120)
    assert json.loads(out.stdout)["result"][0]["bindings"]["y"] == [True] * len(holds)


def _virtual_service(api: str, name: str, host: str, namespace: str | None = None) -> dict:
    metadata = {"name": name, **({"namespace": namespace} if namespace else {})}
    return {"apiVersion": api, "kind": "VirtualService", "metadata": metadata, "spec": {"hosts": [host]}}


def test_a_review_scans_every_namespace_and_the_cluster_scope_of_the_inventory(engines, tmp_path: Path) -> None:
    """A review's scan reads data.inventory by reference: the objects objects_of lists, in any namespace,
    apiVersion of the group, or the cluster scope, and no other group's kind of the same name."""
    from benchmarks.admission import inventory_data

    objects = [
        _virtual_service("networking.istio.io/v1", "short", "reviews", "a"),
        _virtual_service("networking.istio.io/v1beta1", "older", "reviews.a.svc.cluster.local", "b"),
        _virtual_service("networking.istio.io/v1", "clusterwide", "reviews.a.svc.cluster.local"),
        _virtual_service("networking.istio.io/v1", "other-host", "ratings", "a"),
        _virtual_service("example.com/v1", "other-group", "reviews.a.svc.cluster.local", "a"),
    ]
    (tmp_path / "inventory.json").write_text(json.dumps(inventory_data(objects)), encoding="utf-8")
    policy = ROOT / "generated" / "conftest" / "policy" / "lib"
    scan = 'data.lib.hint2policy.virtual_service_unique_host._related_1_of(["reviews.a.svc.cluster.local"])'
    argv = [str(toolchain.require("opa")), "eval", "-d", str(policy), "-d", str(tmp_path / "inventory.json")]
    out = subprocess.run([*argv, "-f", "json", f"x := {{o.metadata.name | some o in {scan}}}"], **_RUN)
    assert sorted(json.loads(out.stdout)["result"][0]["bindings"]["x"]) == ["clusterwide", "older", "short"]


_RUN = {"capture_output": True, "text": True, "check": True, "timeout": 120}


def test_conditions_on_the_related_object_alone_are_in_the_index() -> None:
    # headless-service-unique-port: "the other Service is headless" reads only the related Service,
    # so a port's group holds only headless Services; "not in ignoredNamespaces" reads a parameter
    # and stays in the relation's body
    rego = (ROOT / "generated/conftest/policy/lib/hint2policy/headless_service_unique_port/lib.rego").read_text()
    index = rego[rego.index("_related_1 := common.group(") :]
    headless = next(line.split(" if ")[0] for line in rego.splitlines() if 'v_other.spec.clusterIP == "None"' in line)
    assert headless in index
    ignored = next(line.split(" if ")[0] for line in rego.splitlines() if "not common.get(v_other" in line)
    assert ignored not in index


def _inventory_object(version: str, kind: str, namespace: str | None, name: str) -> dict:
    meta = {"name": name} | ({"namespace": namespace} if namespace else {})
    return {"apiVersion": version, "kind": kind, "metadata": meta}


ISTIO = "networking.istio.io/v1"
# data.inventory as Gatekeeper replicates it: namespace (or cluster), apiVersion, kind, name
INVENTORY = {
    "namespace": {
        ns: {
            ISTIO: {"Sidecar": {"s": _inventory_object(ISTIO, "Sidecar", ns, "s")}},
            "v1": {"Sidecar": {"x": _inventory_object("v1", "Sidecar", ns, "x")}},  # same kind, other group
        }
        for ns in ("a", "b")
    },
    "cluster": {"v1": {"Namespace": {"a": _inventory_object("v1", "Namespace", None, "a")}}},
}
SIDECARS = '[{"group": "networking.istio.io", "kind": "Sidecar"}]'


def _opa_inventory(tmp_path: Path, query: str) -> list:
    (tmp_path / "common.rego").write_text(render_common(), encoding="utf-8")
    (tmp_path / "data.json").write_text(json.dumps({"inventory": INVENTORY}), encoding="utf-8")
    argv = [str(toolchain.require("opa")), "eval", "-d", str(tmp_path), "-I", "--format", "json"]
    out = subprocess.run([*argv, f"x := {query}"], input="{}", capture_output=True, text=True, check=True, timeout=120)
    return json.loads(out.stdout)["result"][0]["bindings"]["x"]


def _names(found: list) -> list[str]:
    return sorted(f"{o['metadata'].get('namespace', '')}/{o['metadata']['name']}" for o in found)


def test_a_review_reads_the_inventory_by_group_from_the_version_key(engines, tmp_path: Path) -> None:
    # Gatekeeper mode (input is one object): every namespace, only the group asked for
    found = _opa_inventory(tmp_path, f"data.lib.hint2policy.common.objects_of({SIDECARS})")
    assert _names(found) == ["a/s", "b/s"]
    cluster = _opa_inventory(tmp_path, 'data.lib.hint2policy.common.objects_of([{"group": "", "kind": "Namespace"}])')
    assert _names(cluster) == ["/a"]


def test_a_namespaced_relation_reads_one_namespace_of_the_inventory(engines, tmp_path: Path) -> None:
    found = _opa_inventory(tmp_path, f'data.lib.hint2policy.common.objects_in({SIDECARS}, "b")')
    assert _names(found) == ["b/s"]
    assert _opa_inventory(tmp_path, f'data.lib.hint2policy.common.objects_in({SIDECARS}, "none")') == []
