"""hint2policy.yaml: validated with file, line and field; applied the same way in every engine."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from hint2policy.audit import ENGINES, audit
from hint2policy.catalog import Catalog, Hint, load_catalog
from hint2policy.config import CONFIG_NAME, Config, ConfigError, config_schema, load_config
from hint2policy.generate import build_tree, conftest_path, library_path
from hint2policy.load.manifests import load_manifests
from hint2policy.render import escape
from tests.conftest import HINTS, REPO

DATA = Path(__file__).parent / "data" / "config"
INVALID = DATA / "invalid"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog([HINTS])


def _config(tmp_path: Path, body: str) -> Config:
    path = tmp_path / CONFIG_NAME
    path.write_text("apiVersion: hint2policy.io/v1alpha1\nkind: Config\n" + body, encoding="utf-8")
    return load_config(path)


def _by_id(hints: list[Hint]) -> dict[str, Hint]:
    return {h.id: h for h in hints}


# -- loading and finding the file -----------------------------------------------------


def test_without_a_file_every_hint_is_enforced_as_shipped(catalog: Catalog, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config(None)
    assert config.source is None
    assert config.apply(catalog.hints, catalog.notes) == catalog.hints
    # an empty file means the same, and so has the same digest
    assert load_config(DATA / "minimal.yaml").digest == config.digest


def test_hint2policy_yaml_in_the_working_directory_is_found(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / CONFIG_NAME).write_text((DATA / "full.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert load_config(None).source == tmp_path / CONFIG_NAME
    assert load_config(None, discover=False).source is None
    # an explicit file wins over the discovered one
    assert load_config(DATA / "minimal.yaml").source == DATA / "minimal.yaml"


def test_a_missing_file_is_an_error_not_the_default(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"absent\.yaml:1: <config>: cannot read the configuration"):
        load_config(tmp_path / "absent.yaml")


def test_digest_is_the_meaning_not_the_spelling() -> None:
    full, same = load_config(DATA / "full.yaml"), load_config(DATA / "same-as-full.yaml")
    assert full.data == same.data
    assert full.digest == same.digest
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", full.digest)
    assert load_config(DATA / "allowlist.yaml").digest != full.digest
    # data is plain JSON (what a bundle stamps), with every default written out
    assert json.loads(json.dumps(full.data)) == full.data
    assert load_config(DATA / "minimal.yaml").data["hints"] == {"enable": ["*"], "disable": []}


# -- selection --------------------------------------------------------------------------


def test_disable_by_id_and_category(catalog: Catalog) -> None:
    selected = _by_id(load_config(DATA / "full.yaml").apply(catalog.hints, catalog.notes))
    assert "readiness-probe-command" not in selected
    assert not [h for h in selected.values() if h.policy.category == "istio-observability"]
    observability = {h.id for h in catalog.hints if h.policy.category == "istio-observability"}
    assert len(selected) == len(catalog.hints) - 1 - len(observability)


def test_enable_lists_are_an_allowlist_and_an_id_beats_its_category(catalog: Catalog) -> None:
    selected = _by_id(load_config(DATA / "allowlist.yaml").apply(catalog.hints, catalog.notes))
    security = {h.id for h in catalog.hints if h.policy.category == "istio-security"}
    assert set(selected) == (security - {"csr-legacy-unknown-signer"}) | {"service-port-names"}


def test_an_id_enabled_by_name_survives_its_disabled_category(catalog: Catalog, tmp_path: Path) -> None:
    config = _config(
        tmp_path, "hints: {enable: ['*', mesh-access-logging]}\ncategories: {disable: [istio-observability]}\n"
    )
    selected = _by_id(config.apply(catalog.hints, catalog.notes))
    assert "mesh-access-logging" in selected
    assert "telemetry-access-logging" not in selected


def test_a_category_of_advisory_hints_only_may_be_named(catalog: Catalog, tmp_path: Path) -> None:
    config = _config(tmp_path, "categories: {disable: [eks-vm-integration]}\n")
    assert config.apply(catalog.hints, catalog.notes) == catalog.hints


# -- overrides --------------------------------------------------------------------------


def test_overrides_change_only_the_policies_they_name(catalog: Catalog) -> None:
    before = _by_id(catalog.hints)
    after = _by_id(load_config(DATA / "full.yaml").apply(catalog.hints, catalog.notes))

    peer = after["peer-authentication-strict"].policy
    assert (peer.action, peer.severity) == ("deny", "critical")
    assert before["peer-authentication-strict"].policy.action == "warn"

    sidecar = after["sidecar-annotations-allowlist"].policy
    params = {p.name: p.default for p in sidecar.parameters}
    assert params["allowedAnnotations"] == ["sidecar.istio.io/inject", "proxy.istio.io/config"]
    # parameters not named keep their defaults, and declared order is kept
    old = before["sidecar-annotations-allowlist"].policy.parameters
    assert [p.name for p in sidecar.parameters] == [p.name for p in old]
    assert params["injectorAnnotations"] == {p.name: p.default for p in old}["injectorAnnotations"]

    # an override's list replaces the hint's own; the top-level list is added to every hint
    assert after["workload-app-version-labels"].policy.excluded_namespaces == ("monitoring", "legacy", "sandbox")
    assert after["service-port-names"].policy.excluded_namespaces == (
        *before["service-port-names"].policy.excluded_namespaces,
        "legacy",
        "sandbox",
    )
    # the catalog's own hints are not changed: apply returns new ones
    assert before["peer-authentication-strict"].policy.severity == "high"
    untouched = after["external-name-service"].policy
    assert untouched.action == before["external-name-service"].policy.action
    assert untouched.parameters == before["external-name-service"].policy.parameters


def test_namespaces_are_not_excluded_from_hints_about_cluster_scoped_objects(catalog: Catalog) -> None:
    after = _by_id(load_config(DATA / "full.yaml").apply(catalog.hints, catalog.notes))
    namespace_hints = [h for h in after.values() if any(k.kind == "Namespace" for k in h.policy.kinds)]
    assert namespace_hints
    for hint in namespace_hints:
        assert hint.policy.excluded_namespaces == ()


# -- mistakes: one error naming file, line and field ------------------------------------

INVALID_CASES = {
    "unknown-field.yaml": (5, "overrides.service-port-names.acton", "unknown field 'acton'"),
    "bad-action.yaml": (5, "overrides.service-port-names.action", "'block' is not one of ['deny', 'warn']"),
    "bad-namespace.yaml": (5, "excludeNamespaces[1]", "'Team_A' does not match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'"),
    "wrong-version.yaml": (1, "apiVersion", "'hint2policy.io/v1' is not supported: write 'hint2policy.io/v1alpha1'"),
    "no-kind.yaml": (1, "<config>", "'kind' is required"),
    "star-in-disable.yaml": (
        4,
        "hints.disable[0]",
        "'*' is for enable lists: to enforce only a few hints, list them in enable instead",
    ),
    "not-yaml.yaml": (5, "<yaml>", "invalid YAML: while parsing a flow sequence"),
    "duplicate-key.yaml": (5, "<yaml>", "duplicate key 'service-port-names'"),
    "date-value.yaml": (
        6,
        "overrides.sidecar-annotations-allowlist.parameters.allowedAnnotations[0]",
        "YAML reads this as a date; quote it to make it a string",
    ),
    "enabled-and-disabled.yaml": (5, "hints.disable[1]", "'sidecar-import-all' is also in hints.enable"),
    "empty-override.yaml": (
        4,
        "overrides.service-port-names",
        "an override changes at least one of action, severity, parameters, excludeNamespaces",
    ),
    "unknown-hint.yaml": (
        6,
        "hints.disable[1]",
        "unknown hint 'sidecar-annotation-allowlist' (closest: sidecar-annotations-allowlist",
    ),
    "advisory-hint.yaml": (
        4,
        "hints.enable[0]",
        "'observability-tools' is an advisory hint: it has no policy to enforce",
    ),
    "unknown-category.yaml": (4, "categories.disable[0]", "unknown category 'istio-securty' (closest: istio-security"),
    "unknown-override.yaml": (4, "overrides.service-port-name", "unknown hint 'service-port-name' (closest: service-"),
    "undeclared-parameter.yaml": (
        6,
        "overrides.service-port-names.parameters.allowedAnnotations",
        "service-port-names has no parameter 'allowedAnnotations' (declared: protocolPattern, wellKnownPorts)",
    ),
    "bad-parameter-value.yaml": (
        8,
        "overrides.service-port-names.parameters.wellKnownPorts[1]",
        "not a valid wellKnownPorts: '3306' is not of type 'integer'",
    ),
    "bad-regex.yaml": (
        6,
        "overrides.service-port-names.parameters.protocolPattern",
        "regular expression '^(http|grpc' is not a valid RE2 regular expression: missing )",
    ),
    "surrogate-regex.yaml": (
        6,
        "overrides.service-port-names.parameters.protocolPattern",
        "regular expression '^http\\ud800$' is not a valid RE2 regular expression: it holds a lone surrogate",
    ),
    "disables-everything.yaml": (7, "hints.disable", "this configuration disables all 51 enforced hints"),
    "override-of-disabled.yaml": (
        6,
        "overrides.service-port-names",
        "the hint is disabled here: enable it or remove the override",
    ),
    "cluster-scoped-exclude.yaml": (
        5,
        "overrides.namespace-injection-single-label.excludeNamespaces",
        "Namespace has no namespace: this hint cannot exclude namespaces",
    ),
}


def test_every_invalid_sample_has_a_case() -> None:
    assert {p.name for p in INVALID.glob("*.yaml")} == set(INVALID_CASES)


@pytest.mark.parametrize("name", sorted(INVALID_CASES))
def test_a_mistake_names_file_line_and_field(catalog: Catalog, name: str) -> None:
    line, field, message = INVALID_CASES[name]
    with pytest.raises(ConfigError) as caught:
        load_config(INVALID / name).apply(catalog.hints, catalog.notes)
    error = caught.value
    assert (error.line, error.field) == (line, field), str(error)
    assert error.message.startswith(message), error.message
    assert str(error).endswith(f"{name}:{line}: {field}: {error.message}")


def test_a_value_a_parameter_schema_refuses_is_found_through_nested_items(catalog: Catalog, tmp_path: Path) -> None:
    config = _config(
        tmp_path,
        "overrides:\n  sidecar-annotations-allowlist:\n    parameters:\n"
        "      controlledAnnotations: [not, a, string]\n",
    )
    with pytest.raises(ConfigError, match=r":6: overrides\.sidecar-annotations-allowlist\.parameters\."):
        config.apply(catalog.hints, catalog.notes)


# -- the schema documents itself --------------------------------------------------------


def _properties(schema: dict[str, Any], where: str) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for name, sub in (schema.get("properties") or {}).items():
        found.append((f"{where}.{name}", sub))
        found += _properties(sub, f"{where}.{name}")
    return found


def test_every_field_of_the_schema_is_described() -> None:
    schema = config_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    fields = _properties(schema, "") + [
        (f"$defs.{name}.{prop}", sub)
        for name, definition in schema["$defs"].items()
        for prop, sub in (definition.get("properties") or {}).items()
    ]
    assert len(fields) > 10
    undocumented = [name for name, sub in fields if "description" not in sub]
    assert not undocumented


def test_the_example_at_the_repository_root_is_valid(catalog: Catalog) -> None:
    config = load_config(REPO / "hint2policy.example.yaml")
    assert config.apply(catalog.hints, catalog.notes)
    assert config.data["excludeNamespaces"]


# -- what the generated policies say ----------------------------------------------------


@pytest.fixture(scope="module")
def trees(catalog: Catalog) -> tuple[dict[str, str], dict[str, str]]:
    """The generated tree as shipped, and with full.yaml applied."""
    configured = load_config(DATA / "full.yaml").apply(catalog.hints, catalog.notes)
    return build_tree(catalog.hints), build_tree(configured)


def _hint(catalog: Catalog, hint_id: str) -> Hint:
    return _by_id(catalog.hints)[hint_id]


def test_disabled_hints_generate_nothing(catalog: Catalog, trees) -> None:
    shipped, configured = trees
    gone = [p for p in shipped if "readiness-probe-command" in p or "readiness_probe_command" in p]
    assert gone
    assert not [p for p in gone if p in configured]


def test_conftest_rego_carries_action_severity_namespaces_and_parameters(catalog: Catalog, trees) -> None:
    shipped, configured = trees
    peer = conftest_path(_hint(catalog, "peer-authentication-strict"))
    assert re.search(r"^warn contains result if", shipped[peer], re.M)
    assert re.search(r"^deny contains result if", configured[peer], re.M)
    assert '"severity": "critical"' in configured[peer]
    assert '_excluded_namespaces := ["legacy", "sandbox"]' in configured[peer]

    sidecar = _hint(catalog, "sidecar-annotations-allowlist")
    assert re.search(r"^warn contains result if", configured[conftest_path(sidecar)], re.M)
    defaults = re.search(r"^_defaults := (.*)$", configured[library_path(sidecar)], re.M)
    assert defaults
    assert json.loads(defaults.group(1))["allowedAnnotations"] == ["sidecar.istio.io/inject", "proxy.istio.io/config"]


def test_gatekeeper_constraint_carries_action_parameters_and_namespaces(trees) -> None:
    shipped, configured = trees
    old = yaml.safe_load(shipped["gatekeeper/service-port-names/constraint.yaml"])
    new = yaml.safe_load(configured["gatekeeper/service-port-names/constraint.yaml"])
    assert new["spec"]["parameters"] == {"protocolPattern": "^(http|grpc|tcp)(-.*)?$", "wellKnownPorts": [53]}
    assert new["spec"]["match"]["excludedNamespaces"] == [
        *old["spec"]["match"]["excludedNamespaces"],
        "legacy",
        "sandbox",
    ]

    peer = yaml.safe_load(configured["gatekeeper/peer-authentication-strict/constraint.yaml"])
    assert peer["spec"]["enforcementAction"] == "deny"
    assert peer["metadata"]["annotations"]["hint2policy.io/severity"] == "critical"
    sidecar = yaml.safe_load(configured["gatekeeper/sidecar-annotations-allowlist/constraint.yaml"])
    assert sidecar["spec"]["enforcementAction"] == "warn"


def test_kyverno_policies_carry_action_and_namespaces(trees) -> None:
    shipped, configured = trees
    peer = yaml.safe_load(configured["kyverno/peer-authentication-strict/policy.yaml"])
    for rule in peer["spec"]["rules"]:
        assert rule["validate"]["failureAction"] == "Enforce"
        assert rule["exclude"]["any"][0]["resources"]["namespaces"] == ["legacy", "sandbox"]
    sidecar = yaml.safe_load(configured["kyverno/sidecar-annotations-allowlist/policy.yaml"])
    assert {r["validate"]["failureAction"] for r in sidecar["spec"]["rules"]} == {"Audit"}
    labels = yaml.safe_load(configured["kyverno/workload-app-version-labels/policy.yaml"])
    assert labels["spec"]["rules"][0]["exclude"]["any"][0]["resources"]["namespaces"] == [
        "monitoring",
        "legacy",
        "sandbox",
    ]
    # a cross-resource hint is a ValidatingPolicy: its action is validationActions
    unique = yaml.safe_load(configured["kyverno/virtual-service-unique-host/policy.yaml"])
    assert yaml.safe_load(shipped["kyverno/virtual-service-unique-host/policy.yaml"])["spec"]["validationActions"] == [
        "Deny"
    ]
    assert unique["spec"]["validationActions"] == ["Audit"]


def test_parameter_values_are_escaped_for_every_target(catalog: Catalog, tmp_path: Path) -> None:
    hostile = 'a"b\\c{{ x }}\n'
    config = _config(
        tmp_path,
        "overrides:\n  sidecar-annotations-allowlist:\n    parameters:\n"
        f"      allowedAnnotations: [{json.dumps(hostile)}]\n",
    )
    hint = _by_id(config.apply(catalog.hints, catalog.notes))["sidecar-annotations-allowlist"]
    tree = build_tree([hint])
    constraint = yaml.safe_load(tree["gatekeeper/sidecar-annotations-allowlist/constraint.yaml"])
    assert constraint["spec"]["parameters"]["allowedAnnotations"] == [hostile]
    policy = yaml.safe_load(tree["kyverno/sidecar-annotations-allowlist/policy.yaml"])
    expression = policy["spec"]["rules"][0]["validate"]["cel"]["expressions"][0]["expression"]
    assert escape.cel_str(hostile) in expression
    assert "{{" not in expression  # Kyverno would substitute it
    library = tree[library_path(hint)]
    defaults = re.search(r"^_defaults := (.*)$", library, re.M)
    assert defaults
    assert json.loads(defaults.group(1))["allowedAnnotations"] == [hostile]


# -- what the engines report ------------------------------------------------------------

Flagged = set[tuple[str, str, str]]
# The three engines a cluster or CI runs the generated policies in.


def _audit(config: Config, catalog: Catalog, ids: list[str], manifests: str) -> dict[str, Flagged]:
    """(hint, namespace, name) each engine flags, on the hints named, configured."""
    hints = config.apply([h for h in catalog.hints if h.id in ids])
    run = audit(hints, load_manifests([DATA / "manifests" / manifests]).objects, ENGINES)
    assert not run.errors, run.errors
    return {e: {(f.hint, f.namespace, f.name) for f in run.findings(e)} for e in ENGINES}


def _same_in_every_engine(flagged: dict[str, Flagged]) -> Flagged:
    first, *others = flagged.values()
    assert all(other == first for other in others), flagged
    return first


APP_HINTS = ["service-port-names", "sidecar-annotations-allowlist"]
EVERYTHING = {
    ("service-port-names", "team-a", "productpage"),
    ("service-port-names", "sandbox", "productpage"),
    ("sidecar-annotations-allowlist", "team-a", "payments"),
    ("sidecar-annotations-allowlist", "sandbox", "payments"),
}


@pytest.mark.engines
@pytest.mark.usefixtures("engines")
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param("", EVERYTHING, id="as-shipped"),
        pytest.param(
            "hints: {disable: [service-port-names]}\n",
            {f for f in EVERYTHING if f[0] != "service-port-names"},
            id="disable-a-hint",
        ),
        pytest.param("excludeNamespaces: [sandbox]\n", {f for f in EVERYTHING if f[1] != "sandbox"}, id="exclude-ns"),
        pytest.param(
            "overrides:\n  sidecar-annotations-allowlist:\n    excludeNamespaces: [team-a]\n",
            {f for f in EVERYTHING if f[:2] != ("sidecar-annotations-allowlist", "team-a")},
            id="exclude-ns-for-one-hint",
        ),
        pytest.param(
            "overrides:\n"
            "  sidecar-annotations-allowlist:\n"
            "    parameters: {allowedAnnotations: [sidecar.istio.io/inject, proxy.istio.io/config]}\n"
            "  service-port-names:\n"
            "    parameters: {protocolPattern: '^(http|web)(-.*)?$'}\n",
            set(),
            id="parameters",
        ),
    ],
)
def test_configuration_changes_what_every_engine_reports_the_same_way(
    catalog: Catalog, tmp_path: Path, body: str, expected: Flagged
) -> None:
    flagged = _audit(_config(tmp_path, body), catalog, APP_HINTS, "app.yaml")
    assert _same_in_every_engine(flagged) == expected


@pytest.mark.engines
@pytest.mark.usefixtures("engines")
def test_excluding_a_namespace_from_a_cross_resource_hint(catalog: Catalog, tmp_path: Path) -> None:
    ids = ["virtual-service-unique-host"]
    both = {
        ("virtual-service-unique-host", "team-a", "reviews"),
        ("virtual-service-unique-host", "sandbox", "reviews-canary"),
    }
    assert _same_in_every_engine(_audit(_config(tmp_path, ""), catalog, ids, "hosts.yaml")) == both
    flagged = _audit(_config(tmp_path, "excludeNamespaces: [sandbox]\n"), catalog, ids, "hosts.yaml")
    # the object in sandbox is not reviewed; it still exists, so the one in team-a still conflicts with it
    assert _same_in_every_engine(flagged) == {("virtual-service-unique-host", "team-a", "reviews")}


@pytest.mark.engines
@pytest.mark.usefixtures("engines")
def test_a_join_on_a_parameter_reads_the_configured_value(catalog: Catalog, tmp_path: Path) -> None:
    """The mesh-wide policies are found by joining on the rootNamespace parameter: an override moves them."""
    ids = ["namespace-default-deny", "namespace-defines-sidecar"]
    shipped = _audit(_config(tmp_path, ""), catalog, ids, "root-namespace.yaml")
    assert _same_in_every_engine(shipped) == {(hint, "", "shop") for hint in ids}
    moved = "".join(f"  {hint}:\n    parameters: {{rootNamespace: mesh-root}}\n" for hint in ids)
    flagged = _audit(_config(tmp_path, "overrides:\n" + moved), catalog, ids, "root-namespace.yaml")
    assert _same_in_every_engine(flagged) == set()
