"""The real engines decide: every generated policy is loaded and judged by conftest, gator and kyverno."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hint2policy.engines import runner, toolchain
from hint2policy.engines.runner import run
from tests.conftest import HINTS, REPO, invoke

pytestmark = pytest.mark.engines
GENERATED = REPO / "generated"
TEST_HINTS = Path(__file__).parent / "data" / "hints"


def _tool(name: str) -> str:
    return str(toolchain.require(name))


def test_catalog_passes_in_every_engine_and_they_agree(engines, cli) -> None:
    result = invoke(cli, "test", "--hints", str(HINTS), "--output", "json")
    doc = json.loads(result.stdout)
    assert result.exit_code == 0, result.output
    assert doc["ok"] and not doc["engineErrors"]
    assert set(doc["engines"]) == {"conftest", "gator", "kyverno", "embedded"}
    ids = {c["hint"] for c in doc["cases"]}
    assert len(ids) >= 5, ids
    for case in doc["cases"]:
        assert set(case["engines"].values()) == {case["expected"]}, case


def test_flipped_verdict_fails_naming_fixture_and_engines(engines, cli, hint_copy) -> None:
    folder = hint_copy("external-name-service")
    fixtures = folder / "fixtures"
    (fixtures / "pass-clusterip.yaml").rename(fixtures / "fail-clusterip.yaml")
    result = invoke(cli, "test", str(folder))
    assert result.exit_code == 1
    [line] = [x for x in result.output.splitlines() if x.startswith("FAIL ")]
    assert "external-name-service/fail-clusterip.service" in line and "fail-clusterip.yaml" in line
    for engine in ("conftest", "gator", "kyverno", "embedded"):
        assert f"{engine} says pass" in line


def test_nested_iteration_and_parameters_agree(engines, cli) -> None:
    result = invoke(cli, "test", str(TEST_HINTS / "nested-endpoint-ports"), "--output", "json")
    doc = json.loads(result.stdout)
    assert result.exit_code == 0, result.output
    flagged = {c["case"]: c for c in doc["cases"] if c["expected"] == "fail"}
    # one message per bad (endpoint, port) binding, naming both variables
    assert 'endpoint 10.0.0.2: port name "postgres"' in flagged["fail-one-bad-port.serviceentry"]["details"]["conftest"]
    assert "10.0.0.1" not in flagged["fail-one-bad-port.serviceentry"]["details"]["kyverno"]


HOSTILE = "q\"uote back\\slash {{ .Values.x }} ${HOME} 100% `tick` 'single' \u00e9\U0001f600"


def test_hostile_strings_stay_text_in_every_engine(engines, cli, hint_copy) -> None:
    folder = hint_copy("external-name-service")
    spec = folder / "hint.yaml"
    text = spec.read_text()
    text = text.replace(
        "title: Use ServiceEntries instead of ExternalName Services",
        f"title: {json.dumps(HOSTILE, ensure_ascii=False)}",
    )
    text = text.replace('message: "Service', f"message: {json.dumps(HOSTILE, ensure_ascii=False)[:-1]} Service")
    text = text.replace(
        "notEquals: ExternalName",
        f"notEquals: {json.dumps('ExternalName' + HOSTILE, ensure_ascii=False)}",
    )
    spec.write_text(text)
    for fixture in (folder / "fixtures").glob("fail-*.yaml"):
        fixture.write_text(
            fixture.read_text().replace(
                "type: ExternalName",
                f"type: {json.dumps('ExternalName' + HOSTILE, ensure_ascii=False)}",
            )
        )
    result = invoke(cli, "test", str(folder), "--output", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    messages = [c["details"]["conftest"] for c in doc["cases"] if c["expected"] == "fail"]
    assert messages and all(m.startswith(HOSTILE + " Service") for m in messages), messages
    for case in doc["cases"]:
        if case["expected"] == "fail":
            assert case["details"]["kyverno"].startswith(HOSTILE + " Service"), case["details"]


def test_test_hints_pass_in_every_engine(engines, cli) -> None:
    result = invoke(cli, "test", "--hints", str(TEST_HINTS))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("source", ["catalog", "test-hints"])
def test_generated_rego_passes_opa_check_strict_fmt_and_regal(engines, cli, source, tmp_path: Path) -> None:
    root = GENERATED
    if source == "test-hints":
        root = tmp_path / "generated"
        assert invoke(cli, "generate", "--hints", str(TEST_HINTS), "--out", str(root)).exit_code == 0
    policy = root / "conftest" / "policy"
    check = run([_tool("opa"), "check", "--strict", str(policy)], timeout=120)
    assert check.returncode == 0, check.stderr
    fmt = run([_tool("opa"), "fmt", "--list", str(policy)], timeout=120)
    assert fmt.returncode == 0 and fmt.stdout.strip() == "", fmt.stdout
    lint = run(
        [_tool("regal"), "lint", "--format", "json", str(policy)],
        timeout=300,
        cwd=GENERATED / "conftest",
    )
    report = json.loads(lint.stdout)
    assert report.get("violations", []) == [], report.get("violations")
    assert report["summary"]["files_scanned"] >= 3


def test_committed_native_suites_pass_on_their_own(engines, tmp_path: Path) -> None:
    """Users run `gator verify` and `kyverno test` on generated/ directly; both must pass."""
    copy = tmp_path / "generated"
    shutil.copytree(GENERATED, copy)
    gator = run([_tool("gator"), "verify", "./gatekeeper/..."], timeout=600, cwd=copy)
    assert gator.returncode == 0, gator.stdout + gator.stderr
    kyverno = run([_tool("kyverno"), "test", "kyverno", "--remove-color"], timeout=600, cwd=copy)
    assert kyverno.returncode == 0, kyverno.stdout[-3000:] + kyverno.stderr
    assert "0 tests failed" in kyverno.stdout


def test_engines_run_with_gogc_and_share_the_memory_budget_unless_the_user_set_them(monkeypatch) -> None:
    monkeypatch.setenv("HINT2POLICY_ENGINE_MEMORY", "1000")  # MiB for all of an engine's processes
    monkeypatch.delenv("GOGC", raising=False)
    monkeypatch.delenv("GOMEMLIMIT", raising=False)
    said = run(["/bin/sh", "-c", 'printf "%s %s" "$GOGC" "$GOMEMLIMIT"'], timeout=10).stdout
    assert said == f"{runner.GOGC} 1000MiB"
    assert (runner.go_env(4)["GOGC"], runner.go_env(4)["GOMEMLIMIT"]) == (runner.GOGC, "250MiB")
    monkeypatch.setenv("GOGC", "50")
    monkeypatch.setenv("GOMEMLIMIT", "1GiB")
    assert run(["/bin/sh", "-c", 'printf "%s %s" "$GOGC" "$GOMEMLIMIT"'], timeout=10).stdout == "50 1GiB"
    assert (runner.go_env(4)["GOGC"], runner.go_env(4)["GOMEMLIMIT"]) == ("50", "1GiB")
