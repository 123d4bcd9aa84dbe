"""`hint2policy new` scaffolds a hint the engines pass at once; `hint2policy explain` shows one hint.

The commands are exercised through a Typer app of their own until cli.py registers them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from hint2policy import cli_authoring, scaffold
from hint2policy.catalog import Hint, Note, load_hint
from hint2policy.explain import explain, find_entry, reflow, suggestions, type_name
from hint2policy.load.fixtures import load_fixtures
from hint2policy.testing import ENGINES
from tests.conftest import HINTS, REPO

app = typer.Typer(pretty_exceptions_enable=False)
app.command()(cli_authoring.new)
app.command()(cli_authoring.explain)


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def _new(tmp_path: Path, hint_id: str, *options: str) -> Path:
    result = run("new", hint_id, "--hints", str(tmp_path / "hints"), *options)
    assert result.exit_code == 0, result.output
    return tmp_path / "hints" / hint_id


# -- new -----------------------------------------------------------------------------------


def test_new_writes_a_valid_hint_with_a_pass_and_a_fail_fixture(tmp_path: Path) -> None:
    folder = _new(tmp_path, "virtual-service-owner")
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        "fixtures/fail-example.yaml",
        "fixtures/pass-example.yaml",
        "hint.yaml",
    ]
    hint = load_hint(folder)
    assert isinstance(hint, Hint)
    assert hint.id == "virtual-service-owner"
    assert [(k.group, k.kind) for k in hint.policy.kinds] == [("networking.istio.io", "VirtualService")]
    assert hint.spec["category"] == "custom"
    assert sorted(f.verdict for f in hint.fixtures) == ["fail", "pass"]
    text = (folder / "hint.yaml").read_text(encoding="utf-8")
    assert "TODO" not in text
    assert f"hint2policy test {tmp_path / 'hints' / 'virtual-service-owner'}" in text


@pytest.mark.parametrize(
    ("kind", "group", "name", "namespaced"),
    [
        ("apps/Deployment", "apps", "Deployment", True),
        ("Service", "", "Service", True),
        ("core/ConfigMap", "", "ConfigMap", True),
        ("Namespace", "", "Namespace", False),
        ("security.istio.io/AuthorizationPolicy", "security.istio.io", "AuthorizationPolicy", True),
        ("example.com/Widget", "example.com", "Widget", True),
    ],
)
def test_new_scaffolds_any_kind(tmp_path: Path, kind: str, group: str, name: str, namespaced: bool) -> None:
    folder = _new(tmp_path, "owner-label", "--kind", kind, "--category", "team-rules")
    hint = load_hint(folder)
    assert isinstance(hint, Hint)
    assert [(k.group, k.kind) for k in hint.policy.kinds] == [(group, name)]
    assert hint.spec["category"] == "team-rules"
    for fixture in load_fixtures(folder / "fixtures"):
        (obj,) = fixture.objects
        assert obj["kind"] == name
        assert ("namespace" in obj["metadata"]) is namespaced
    assert bool(hint.policy.excluded_namespaces) is namespaced  # a cluster-scoped kind cannot exclude namespaces


def test_new_fixtures_differ_only_in_the_owner_label(tmp_path: Path) -> None:
    folder = _new(tmp_path, "owned")
    passing = yaml.safe_load((folder / "fixtures/pass-example.yaml").read_text())
    failing = yaml.safe_load((folder / "fixtures/fail-example.yaml").read_text())
    assert passing["metadata"]["labels"] == {"app": "example", "team": "payments"}
    assert failing["metadata"]["labels"] == {"app": "example"}


def test_new_is_byte_stable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = []
    for run_dir in ("a", "b"):
        (tmp_path / run_dir).mkdir()
        monkeypatch.chdir(tmp_path / run_dir)
        assert run("new", "stable-hint").exit_code == 0  # the default folder: ./hints
        folder = tmp_path / run_dir / "hints" / "stable-hint"
        texts.append({p.name: p.read_bytes() for p in sorted(folder.rglob("*.yaml"))})
    assert texts[0] == texts[1]
    assert len(texts[0]) == 3


@pytest.mark.parametrize(
    ("hint_id", "why"),
    [
        ("Bad-Id", "invalid hint id 'Bad-Id'"),
        ("under_score", "invalid hint id"),
        ("-leading", "invalid hint id"),
        ("double--dash", "invalid hint id"),
        ("x" * 51, "at most 50 characters"),
    ],
)
def test_new_refuses_an_invalid_id(tmp_path: Path, hint_id: str, why: str) -> None:
    result = run("new", "--hints", str(tmp_path / "hints"), "--", hint_id)
    assert result.exit_code == 2
    assert why in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "hints").exists()


@pytest.mark.parametrize(
    ("option", "value", "why"),
    [
        ("--kind", "apps/v1/Deployment", "give the API group, not its version"),
        ("--kind", "networking.istio.io/v1beta1/Gateway", "give the API group, not its version"),
        ("--kind", "apps/deployment", "the kind is CamelCase"),
        ("--kind", "Not_A.Group/Kind", "is not an API group"),
        ("--category", "Team Rules", "invalid category"),
    ],
)
def test_new_refuses_an_invalid_kind_or_category(tmp_path: Path, option: str, value: str, why: str) -> None:
    result = run("new", "my-hint", "--hints", str(tmp_path / "hints"), option, value)
    assert result.exit_code == 2
    assert why in result.output
    assert not (tmp_path / "hints" / "my-hint").exists()


def test_new_refuses_an_existing_folder_and_leaves_it_alone(tmp_path: Path) -> None:
    folder = tmp_path / "hints" / "taken"
    folder.mkdir(parents=True)
    (folder / "notes.txt").write_text("mine")
    result = run("new", "taken", "--hints", str(tmp_path / "hints"))
    assert result.exit_code == 2
    assert "already exists" in result.output
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_new_into_a_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "hints").write_text("not a folder")
    result = run("new", "team-hint", "--hints", str(tmp_path / "hints"))
    assert result.exit_code == 2
    assert "cannot write" in result.output
    assert "Traceback" not in result.output


def test_new_in_the_shipped_catalog_says_it_is_the_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    monkeypatch.setattr(cli_authoring, "default_hints_dir", lambda: catalog)
    result = run("new", "team-hint", "--hints", str(catalog))
    assert result.exit_code == 0
    assert "hint2policy's own catalog" in result.output
    assert "hint2policy's own catalog" not in run("new", "team-hint", "--hints", str(tmp_path / "mine")).output


def test_scaffold_never_leaves_a_broken_hint_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = {"hint.yaml": "id: someone-else\n"}
    monkeypatch.setattr(scaffold, "render_files", lambda target, hints_dir: broken)
    with pytest.raises(scaffold.SpecError):
        scaffold.create(scaffold.target("left-behind"), tmp_path)
    assert not (tmp_path / "left-behind").exists()


@pytest.mark.engines
@pytest.mark.parametrize("kind", ["networking.istio.io/VirtualService", "apps/Deployment", "Namespace"])
def test_scaffold_passes_hint2policy_test_in_every_engine(engines: None, tmp_path: Path, kind: str) -> None:
    folder = _new(tmp_path, "team-owner", "--kind", kind)
    done = _hint2policy("test", str(folder))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 disagreements" in done.stdout
    assert "2 fixture cases" in done.stdout
    header = done.stdout.splitlines()[0].split()
    assert header == ["hint", *ENGINES], "every engine of `hint2policy test` judged the scaffold"


@pytest.mark.engines
def test_scaffold_fixtures_are_judged_not_assumed(engines: None, tmp_path: Path) -> None:
    """Make the passing fixture lose its owner: every engine must now flag it, and the test fails."""
    folder = _new(tmp_path, "team-owner")
    passing = folder / "fixtures" / "pass-example.yaml"
    passing.write_text(passing.read_text().replace("    team: payments\n", ""))
    done = _hint2policy("test", str(folder))
    assert done.returncode == 1, done.stdout + done.stderr


def _hint2policy(*args: str) -> subprocess.CompletedProcess[str]:
    """The real CLI, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "hint2policy", *args], capture_output=True, text=True, check=False, timeout=900
    )


# -- explain -------------------------------------------------------------------------------


def test_explain_shows_an_enforced_hint_and_the_files_it_generates() -> None:
    result = run("explain", "workload-app-version-labels")
    assert result.exit_code == 0, result.output
    out = result.output
    spec = yaml.safe_load((HINTS / "workload-app-version-labels" / "hint.yaml").read_text())
    assert out.startswith(f"workload-app-version-labels: {spec['title']}\n")
    for field in (
        "enforced",
        spec["category"],
        "severity  low",
        "action    warn",
        "docs/hints/workload-app-version-labels.md",
    ):
        assert field in out
    assert "> Istio makes some assumptions about Application Service association" in out
    assert 'appLabels (array of string), default ["service.istio.io/canonical-name"' in out
    assert "core/Pod, apps/Deployment, apps/StatefulSet" in out
    assert "excluded namespaces: kube-system" in out
    assert "Kyverno ClusterPolicy" in out and "Gatekeeper ConstraintTemplate" in out
    assert len(_generated_paths(out)) == 8  # library, conftest, template, constraint, suite, policy, test, common
    assert "label the pod template" in out.lower()
    for path in _generated_paths(out):
        assert (REPO / "generated" / path).is_file(), f"explain names {path}, which generate does not write"


def test_explain_names_the_shared_files_a_cross_resource_hint_needs() -> None:
    out = run("explain", "service-entry-unique-host").output
    assert "Kyverno ValidatingPolicy" in out
    assert "compared with other objects: networking.istio.io/ServiceEntry" in out
    assert "gatekeeper/sync/syncset.yaml" in out
    assert "kyverno/crds/serviceentries.networking.istio.io.yaml" in out
    paths = _generated_paths(out)
    assert len(paths) >= 8
    for path in paths:
        assert (REPO / "generated" / path).is_file(), path


def _generated_paths(out: str) -> list[str]:
    section = out.split("Generated (paths under generated/", 1)[1]
    return [line.split()[-1] for line in section.splitlines()[1:] if line.split()[-1].endswith((".rego", ".yaml"))]


def test_explain_gives_the_reason_of_an_advisory_hint() -> None:
    result = run("explain", "advanced-customization")
    assert result.exit_code == 0
    assert "status    advisory" in result.output
    assert "Why it has no policy (advisory)" in result.output
    assert "Generated" not in result.output
    assert "Parameters" not in result.output


def test_explain_every_catalog_hint() -> None:
    for folder in sorted(p.parent for p in HINTS.glob("*/hint.yaml")):
        entry = find_entry(folder.name, [HINTS])
        text = explain(entry)
        assert text.startswith(f"{entry.id}: ") and text.endswith("\n")
        assert ("Why it has no policy" in text) is isinstance(entry, Note)


@pytest.mark.parametrize(
    ("typo", "expected"),
    [
        ("virtual-service-fqdn-host", "virtual-service-fqdn-hosts"),
        ("fqdn", "service-entry-fqdn-hosts"),
        ("sidecar-import", "sidecar-import-all"),
    ],
)
def test_explain_an_unknown_id_names_close_matches(typo: str, expected: str) -> None:
    result = run("explain", typo)
    assert result.exit_code == 2
    assert f"no hint {typo!r}" in result.output
    assert "did you mean" in result.output and expected in result.output
    assert "Traceback" not in result.output


def test_explain_an_unknown_id_without_a_close_match() -> None:
    result = run("explain", "zzzz")
    assert result.exit_code == 2
    assert "hint2policy list" in result.output


def test_explain_a_users_own_hint(tmp_path: Path) -> None:
    folder = _new(tmp_path, "team-owner", "--kind", "apps/Deployment")
    result = run("explain", "team-owner", "--hints", str(folder.parent))
    assert result.exit_code == 0, result.output
    assert "Source: Our platform conventions" in result.output
    assert 'ownerLabels (array of string), default ["team", "owner"]' in result.output
    assert "apps/Deployment" in result.output
    assert "page " not in result.output  # only the shipped catalog has published pages
    assert "gatekeeper/team-owner/template.yaml" in result.output


def test_explain_reports_a_broken_spec_with_its_line(tmp_path: Path) -> None:
    folder = _new(tmp_path, "team-owner")
    spec = folder / "hint.yaml"
    spec.write_text(spec.read_text().replace("severity: low", "severity: urgent"))
    result = run("explain", "team-owner", "--hints", str(folder.parent))
    assert result.exit_code == 2
    assert "hint.yaml:" in result.output and "severity" in result.output


def test_suggestions_prefer_close_spellings_then_substrings() -> None:
    ids = ["service-entry-fqdn-hosts", "virtual-service-fqdn-hosts", "gateway-tls-sni"]
    assert suggestions("gateway-tls-sn", ids) == ["gateway-tls-sni"]
    assert suggestions("fqdn", ids) == ["service-entry-fqdn-hosts", "virtual-service-fqdn-hosts"]
    assert suggestions("unrelated", ids) == []


def test_type_names_read_aloud() -> None:
    assert type_name({"type": "array", "items": {"type": "string"}}) == "array of string"
    assert type_name({"type": ["string", "number"]}) == "string or number"
    assert type_name({}) == "any"


def test_reflow_wraps_prose_and_keeps_code_and_lists() -> None:
    text = "word " * 40 + "\n\n```yaml\nkey:    value   # keep spacing\n```\n- a list item\n  continued\n"
    lines = reflow(text, width=40).splitlines()
    assert all(len(line) <= 40 for line in lines[:5])
    assert "key:    value   # keep spacing" in lines
    assert "- a list item" in lines and "  continued" in lines
