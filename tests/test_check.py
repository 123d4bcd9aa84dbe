"""`hint2policy check`: what it reads, what it counts, how it exits (embedded engine: no binaries needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import invoke

SHORT_HOST_SE = """\
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: payments
  namespace: shop
spec:
  hosts: [payments]
  location: MESH_EXTERNAL
  resolution: DNS
  ports: [{number: 443, name: tls, protocol: TLS}]
"""
SHORT_HOST_VS = """\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ratings
  namespace: bookinfo
spec:
  hosts: [ratings]
  http: [{route: [{destination: {host: ratings.bookinfo.svc.cluster.local}}]}]
"""
CLEAN_SE = SHORT_HOST_SE.replace("[payments]", "[api.payments.example.com]").replace("name: payments", "name: api")


def _json(result) -> dict:
    return json.loads(result.stdout)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """Good files around a broken one: YAML with a non-object document, JSON, a List, invalid YAML."""
    (tmp_path / "apps").mkdir()
    (tmp_path / "apps" / "se.yaml").write_text(SHORT_HOST_SE + "---\njust: a config file\n---\n", encoding="utf-8")
    as_json = {"apiVersion": "networking.istio.io/v1", "kind": "ServiceEntry", "metadata": {"name": "j"}}
    as_json["spec"] = {"hosts": ["short"], "location": "MESH_EXTERNAL", "resolution": "DNS"}
    (tmp_path / "apps" / "se.json").write_text(json.dumps(as_json), encoding="utf-8")
    items = "\n".join("  - " + line if i == 0 else "    " + line for i, line in enumerate(SHORT_HOST_VS.splitlines()))
    (tmp_path / "list.yml").write_text(f"apiVersion: v1\nkind: List\nitems:\n{items}\n", encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}}\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a manifest", encoding="utf-8")
    return tmp_path


def test_every_file_is_read_and_counted_and_a_broken_one_does_not_hide_the_others(cli, tree: Path) -> None:
    result = invoke(cli, "check", str(tree), "--output", "json")
    doc = _json(result)
    assert result.exit_code == 2, result.output  # an input error: the findings cannot be the whole truth
    assert doc["summary"]["files"] == 4  # .yaml, .yml and .json under the folder; notes.txt is not a manifest
    assert doc["summary"]["documents"] == 4  # se.yaml holds 2 (the empty third is nothing), se.json 1, list.yml 1
    assert doc["summary"]["objects"] == 3  # the ServiceEntries and the List's VirtualService
    [error] = doc["errors"]
    assert error["file"].endswith("broken.yaml") and error["line"] == 3 and "not valid YAML" in error["message"]
    [skipped] = doc["skipped"]
    assert skipped["file"].endswith("se.yaml") and "document 2" in skipped["message"]
    found = {(f["hint"], f["resource"]["name"], Path(f["file"]).name, f["document"]) for f in doc["findings"]}
    assert ("service-entry-fqdn-hosts", "payments", "se.yaml", 1) in found
    assert ("service-entry-fqdn-hosts", "j", "se.json", 1) in found
    assert ("virtual-service-fqdn-hosts", "ratings", "list.yml", 1) in found


def test_stdin_is_read_with_a_dash(cli) -> None:
    result = cli.invoke(_app(), ["check", "-", "--output", "json"], input=SHORT_HOST_SE)
    doc = _json(result)
    assert result.exit_code == 1, result.output
    [finding] = [f for f in doc["findings"] if f["hint"] == "service-entry-fqdn-hosts"]
    assert finding["file"] == "-" and finding["line"] == 1 and finding["engine"] == "embedded"


@pytest.mark.parametrize(
    ("text", "fail_on", "code"),
    [
        (CLEAN_SE, "deny", 0),
        (SHORT_HOST_SE, "deny", 1),  # a deny finding
        (SHORT_HOST_SE, "never", 0),
        (SHORT_HOST_VS, "deny", 0),  # a warn finding does not fail by default
        (SHORT_HOST_VS, "warn", 1),
    ],
)
def test_exit_code_follows_fail_on(cli, tmp_path: Path, text: str, fail_on: str, code: int) -> None:
    (tmp_path / "m.yaml").write_text(text, encoding="utf-8")
    result = invoke(cli, "check", str(tmp_path / "m.yaml"), "--fail-on", fail_on)
    assert result.exit_code == code, result.output


def test_a_missing_path_is_an_input_error_not_a_clean_run(cli, tmp_path: Path) -> None:
    result = invoke(cli, "check", str(tmp_path / "nope.yaml"), "--output", "json")
    assert result.exit_code == 2
    [error] = _json(result)["errors"]
    assert error["file"].endswith("nope.yaml") and "cannot read" in error["message"]


def test_unknown_engine_is_a_usage_error(cli, tmp_path: Path) -> None:
    result = cli.invoke(_app(), ["check", str(tmp_path), "--engine", "opa"])
    assert result.exit_code == 2 and "opa" in result.output


def test_check_reads_no_fixtures_so_a_broken_one_stops_test_and_not_check(cli, hint_copy, tmp_path: Path) -> None:
    folder = hint_copy("service-entry-fqdn-hosts")
    (folder / "fixtures" / "fail-short-host.yaml").write_text("kind: [unclosed\n", encoding="utf-8")
    (tmp_path / "m.yaml").write_text(SHORT_HOST_SE, encoding="utf-8")
    checked = invoke(cli, "check", str(tmp_path / "m.yaml"), "--hints", str(folder.parent), "--output", "json")
    assert checked.exit_code == 1, checked.output
    assert [f["hint"] for f in _json(checked)["findings"]] == ["service-entry-fqdn-hosts"]
    tested = invoke(cli, "test", "--hints", str(folder.parent), "--engine", "embedded")
    assert tested.exit_code == 2 and "fail-short-host.yaml" in tested.output, tested.output


def _app():
    from hint2policy.cli import app

    return app
