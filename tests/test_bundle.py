"""`hint2policy bundle`: dist/ builds with kustomize, and every object loads and judges in its engine."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from hint2policy import __version__
from hint2policy.bundle import (
    BundleError,
    audit_patch,
    build_bundle,
    bundle_roots,
    config_digest,
    policy_files,
    write_bundle,
)
from hint2policy.catalog import load_catalog
from hint2policy.cli import app
from hint2policy.engines import toolchain
from hint2policy.engines.runner import Completed, run
from hint2policy.generate import build_tree
from tests.conftest import HINTS, REPO

ARCHIVE = f"opa/hint2policy-{__version__}.tar.gz"
EMPTY_DIGEST = "sha256:" + hashlib.sha256(b"{}").hexdigest()
# A single-resource hint (denied) and a cross-resource one, with fixtures on both sides.
HINT = "application-uid-1337"
FAIL = "fixtures/application-uid-1337/fail-container-uid.deployment.yaml"
PASS = "fixtures/application-uid-1337/pass-other-uid.deployment.yaml"
CROSS = "virtual-service-unique-host"
CROSS_FAIL = "fixtures/virtual-service-unique-host/fail-same-host-other-namespace"
MESSAGE = "runs as UID 1337, which Istio reserves for the sidecar proxy"
GATEKEEPER_TEMPLATE = "ConstraintTemplate"
TIMEOUT = 300.0


def need(*names: str) -> None:
    missing = [n for n in names if not toolchain.locate(n).ok]
    if missing:
        pytest.skip(f"engines not installed ({', '.join(missing)}): run 'hint2policy tools install'")


def engine(name: str, *args: str | Path, cwd: Path | None = None) -> Completed:
    return run([toolchain.require(name), *map(str, args)], timeout=TIMEOUT, cwd=cwd)


def docs(text: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(text) if d]


@pytest.fixture(scope="module")
def tree() -> dict[str, str]:
    return build_tree(load_catalog([HINTS]).hints)


@pytest.fixture(scope="module")
def files(tree: dict[str, str]) -> dict[str, bytes]:
    need("opa")
    return build_bundle(tree)


@pytest.fixture(scope="module")
def dist(files: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    write_bundle(files, out)
    return out


@pytest.fixture(scope="module")
def fixtures(tree: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated fixtures, written as generate writes them."""
    out = tmp_path_factory.mktemp("generated")
    for path, text in tree.items():
        if path.startswith("fixtures/"):
            (out / path).parent.mkdir(parents=True, exist_ok=True)
            (out / path).write_text(text, encoding="utf-8")
    return out


def kustomize(folder: Path) -> list[dict[str, Any]]:
    done = engine("kustomize", "build", folder)
    assert done.returncode == 0, done.stderr
    return docs(done.stdout)


def built(folder: Path, tmp_path: Path, name: str) -> Path:
    done = engine("kustomize", "build", folder)
    assert done.returncode == 0, done.stderr
    out = tmp_path / f"{name}.yaml"
    out.write_text(done.stdout, encoding="utf-8")
    return out


# --- pure parts ------------------------------------------------------------------------------


def test_config_digest_is_canonical() -> None:
    assert config_digest(None) == config_digest({}) == EMPTY_DIGEST
    assert config_digest({"a": 1, "b": [1, 2]}) == config_digest({"b": [1, 2], "a": 1})
    assert config_digest({"a": 1}) != config_digest({"a": 2})
    expected = hashlib.sha256(json.dumps({"hints": {"x": {"enabled": False}}}, separators=(",", ":")).encode())
    assert config_digest({"hints": {"x": {"enabled": False}}}) == "sha256:" + expected.hexdigest()
    with pytest.raises(BundleError, match="not plain JSON"):
        config_digest({"when": object()})


def test_roots_leave_the_parameters_free() -> None:
    paths = ["hint2policy/a_b/policy.rego", "lib/hint2policy/a_b/lib.rego", "lib/hint2policy/common/common.rego"]
    assert bundle_roots(paths) == ["hint2policy/a_b", "lib/hint2policy"]


def test_audit_patch_of_each_kyverno_kind() -> None:
    cluster = (
        "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: p}\n"
        "spec:\n  rules: [{validate: {}}, {validate: {}}]\n"
    )
    patch = audit_patch(cluster, "p.yaml")
    assert patch["target"] == {"group": "kyverno.io", "kind": "ClusterPolicy", "name": "p"}
    assert [op["path"] for op in patch["ops"]] == [
        "/spec/rules/0/validate/failureAction",
        "/spec/rules/1/validate/failureAction",
    ]
    validating = "apiVersion: policies.kyverno.io/v1\nkind: ValidatingPolicy\nmetadata: {name: v}\nspec: {}\n"
    assert audit_patch(validating, "v.yaml")["ops"] == [
        {"op": "add", "path": "/spec/validationActions", "value": ["Audit"]}
    ]
    with pytest.raises(BundleError, match=r"m\.yaml: .*'MutatingPolicy'"):
        audit_patch("apiVersion: policies.kyverno.io/v1\nkind: MutatingPolicy\nmetadata: {name: m}\n", "m.yaml")


# --- the bundle as files ---------------------------------------------------------------------


@pytest.mark.engines
def test_bundle_is_byte_stable(tree: dict[str, str], files: dict[str, bytes], tmp_path: Path) -> None:
    again = build_bundle(build_tree(load_catalog([HINTS]).hints))
    assert again == files  # the opa build archive included
    write_bundle(files, tmp_path / "a")
    assert write_bundle(again, tmp_path / "a") == []  # nothing to rewrite
    write_bundle(again, tmp_path / "b")
    for path in files:
        assert (tmp_path / "a" / path).read_bytes() == (tmp_path / "b" / path).read_bytes(), path


@pytest.mark.engines
def test_config_digest_stamps_everything(tree: dict[str, str], files: dict[str, bytes]) -> None:
    config = {"hints": {HINT: {"severity": "low"}}}
    digest = config_digest(config)
    other = build_bundle(tree, config)
    for path in ("gatekeeper/templates/kustomization.yaml", "kyverno/policies/kustomization.yaml"):
        assert f'hint2policy.io/config-digest: "{digest}"'.encode() in other[path], path
        assert other[path] != files[path]
    assert json.loads(other["bundle.json"])["configDigest"] == digest
    assert _archive_manifest(other[ARCHIVE])["revision"] == f"{__version__}+{digest}"


@pytest.mark.engines
def test_bundle_holds_the_generated_text(tree: dict[str, str], dist: Path) -> None:
    ids = sorted(p.split("/")[1] for p in tree if p.endswith("/template.yaml"))
    assert ids and HINT in ids and CROSS in ids
    for hint in ids:
        assert (dist / f"gatekeeper/templates/{hint}.yaml").read_text() == tree[f"gatekeeper/{hint}/template.yaml"]
        assert (dist / f"gatekeeper/constraints/{hint}.yaml").read_text() == tree[f"gatekeeper/{hint}/constraint.yaml"]
        assert (dist / f"kyverno/policies/{hint}.yaml").read_text() == tree[f"kyverno/{hint}/policy.yaml"]
    assert (dist / "gatekeeper/templates/sync/syncset.yaml").read_text() == tree["gatekeeper/sync/syncset.yaml"]
    for path, text in policy_files(tree).items():
        assert (dist / "opa/policy" / path).read_text() == text
    for folder in ("opa", "gatekeeper", "kyverno"):
        readme = (dist / folder / "README.md").read_text()
        assert __version__ in readme and EMPTY_DIGEST in readme


@pytest.mark.engines
def test_index_and_checksums_cover_every_file(files: dict[str, bytes], dist: Path) -> None:
    index = json.loads((dist / "bundle.json").read_text())
    assert index["hint2policy"] == __version__ and index["configDigest"] == EMPTY_DIGEST
    listed = {f["path"]: f["sha256"] for f in index["files"]}
    assert set(listed) == set(files) - {"bundle.json", "SHA256SUMS"}
    sums = dict(reversed(line.split("  ", 1)) for line in (dist / "SHA256SUMS").read_text().splitlines())
    assert set(sums) == set(files) - {"SHA256SUMS"}
    for path, digest in sums.items():
        assert hashlib.sha256((dist / path).read_bytes()).hexdigest() == digest, path
        assert listed.get(path, digest) == digest


def test_a_hint_named_kustomization_is_refused() -> None:
    tree = {"gatekeeper/kustomization/template.yaml": "", "conftest/policy/hint2policy/k/policy.rego": ""}
    with pytest.raises(BundleError, match="'kustomization' cannot be bundled"):
        build_bundle(tree)


def test_write_prunes_only_its_own_folders(tmp_path: Path) -> None:
    (tmp_path / "opa" / "old").mkdir(parents=True)
    (tmp_path / "opa" / "old" / "hint2policy-0.0.1.tar.gz").write_bytes(b"old")
    (tmp_path / "hint2policy-0.1.0-py3-none-any.whl").write_bytes(b"wheel")
    changed = write_bundle({"opa/new.txt": b"new", "SHA256SUMS": b""}, tmp_path)
    assert changed == ["SHA256SUMS", "opa/new.txt", "opa/old/hint2policy-0.0.1.tar.gz"]
    assert not (tmp_path / "opa" / "old").exists()
    assert (tmp_path / "hint2policy-0.1.0-py3-none-any.whl").read_bytes() == b"wheel"


# --- OPA and conftest ------------------------------------------------------------------------


def _archive_manifest(data: bytes) -> dict[str, Any]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        member = tar.extractfile("/.manifest")
        assert member is not None
        return json.loads(member.read())


@pytest.mark.engines
def test_opa_archive_has_manifest_and_every_policy(tree: dict[str, str], dist: Path) -> None:
    with tarfile.open(dist / ARCHIVE) as tar:
        names = {m.name.lstrip("/") for m in tar.getmembers()}
        assert all(m.mtime == 0 for m in tar.getmembers())
    assert set(policy_files(tree)) <= names
    manifest = _archive_manifest((dist / ARCHIVE).read_bytes())
    assert manifest["revision"] == f"{__version__}+{EMPTY_DIGEST}"
    assert manifest["metadata"] == {"hint2policy": {"version": __version__, "configDigest": EMPTY_DIGEST}}
    assert "lib/hint2policy" in manifest["roots"] and "hint2policy/application_uid_1337" in manifest["roots"]
    assert "hint2policy" not in manifest["roots"]


@pytest.mark.engines
def test_opa_eval_on_the_archive_finds_the_violation(dist: Path, fixtures: Path, tmp_path: Path) -> None:
    need("opa")
    query = "data.hint2policy.application_uid_1337.deny[_].msg"
    fail = engine("opa", "eval", "-b", dist / ARCHIVE, "-i", fixtures / FAIL, "-f", "json", query)
    assert fail.returncode == 0, fail.stderr
    found = [r["expressions"][0]["value"] for r in json.loads(fail.stdout).get("result", [])]
    assert any(MESSAGE in m for m in found), found
    passing = engine("opa", "eval", "-b", dist / ARCHIVE, "-i", fixtures / PASS, "-f", "json", query)
    assert json.loads(passing.stdout).get("result", []) == []
    # Parameters stay outside the bundle's roots: data passed beside it overrides them.
    params = tmp_path / "params.json"
    allowed = ["istio-proxy", "cache-warmer", "app"]
    params.write_text(json.dumps({"hint2policy": {"parameters": {HINT: {"istioContainers": allowed}}}}))
    overridden = engine("opa", "eval", "-b", dist / ARCHIVE, "-d", params, "-i", fixtures / FAIL, "-f", "json", query)
    assert json.loads(overridden.stdout).get("result", []) == [], overridden.stdout


def _conftest_failures(policy: Path, manifest: Path) -> list[str]:
    done = engine("conftest", "test", "--no-color", "-o", "json", "--all-namespaces", "-p", policy, manifest)
    return [f["msg"] for r in json.loads(done.stdout) for f in r.get("failures") or []]


@pytest.mark.engines
def test_conftest_reads_the_archive_through_pull_and_the_folder(dist: Path, fixtures: Path, tmp_path: Path) -> None:
    need("conftest")
    # conftest pull joins --policy to the working directory even when it is absolute: give it a relative one.
    pulled = tmp_path / "pulled"
    done = engine("conftest", "pull", "--policy", "pulled", (dist / ARCHIVE).resolve(), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for policy in (pulled, dist / "opa" / "policy"):
        assert any(MESSAGE in m for m in _conftest_failures(policy, fixtures / FAIL)), policy
        assert not any(MESSAGE in m for m in _conftest_failures(policy, fixtures / PASS)), policy


# --- Gatekeeper ------------------------------------------------------------------------------


def _annotations(obj: dict[str, Any]) -> dict[str, str]:
    return obj["metadata"].get("annotations") or {}


def assert_stamped(objects: list[dict[str, Any]]) -> None:
    for obj in objects:
        where = f"{obj['kind']}/{obj['metadata']['name']}"
        assert _annotations(obj).get("hint2policy.io/version") == __version__, where
        assert _annotations(obj).get("hint2policy.io/config-digest") == EMPTY_DIGEST, where
        assert obj["metadata"]["labels"]["app.kubernetes.io/part-of"] == "hint2policy", where


def assert_templates_first(objects: list[dict[str, Any]], hints: int) -> None:
    kinds = [o["kind"] for o in objects]
    templates = [i for i, k in enumerate(kinds) if k == GATEKEEPER_TEMPLATE]
    constraints = [i for i, o in enumerate(objects) if o["apiVersion"].startswith("constraints.gatekeeper.sh/")]
    assert len(templates) == len(constraints) == hints
    assert max(templates) < kinds.index("SyncSet") < min(constraints), kinds


@pytest.mark.engines
def test_gatekeeper_kustomization_orders_and_stamps(tree: dict[str, str], dist: Path) -> None:
    need("kustomize")
    hints = len([p for p in tree if p.endswith("/template.yaml")])
    objects = kustomize(dist / "gatekeeper")
    assert_templates_first(objects, hints)
    assert_stamped(objects)
    constraints = kustomize(dist / "gatekeeper" / "constraints")
    assert {c["spec"]["enforcementAction"] for c in constraints} >= {"deny"}
    audit = kustomize(dist / "gatekeeper" / "audit")
    assert [c["metadata"]["name"] for c in audit] == [c["metadata"]["name"] for c in constraints]
    assert {c["spec"]["enforcementAction"] for c in audit} == {"dryrun"}
    assert_stamped(audit)


@pytest.mark.engines
def test_kustomize_default_order_would_put_constraints_first(tree: dict[str, str], dist: Path, tmp_path: Path) -> None:
    """Why the kustomizations say `sortOptions: fifo`: the order check fails without it."""
    need("kustomize")
    hints = len([p for p in tree if p.endswith("/template.yaml")])
    copy = tmp_path / "gatekeeper"
    shutil.copytree(dist / "gatekeeper", copy)
    for path in copy.glob("**/kustomization.yaml"):
        text = path.read_text()
        assert "sortOptions:\n  order: fifo\n" in text
        path.write_text(text.replace("sortOptions:\n  order: fifo\n", ""))
    with pytest.raises(AssertionError):
        assert_templates_first(kustomize(copy), hints)


@pytest.mark.engines
def test_gatekeeper_objects_judge_in_gator(dist: Path, fixtures: Path, tmp_path: Path) -> None:
    need("kustomize", "gator")
    everything = built(dist / "gatekeeper", tmp_path, "gatekeeper")
    fail = engine("gator", "test", "-o", "json", "-f", everything, "-f", fixtures / FAIL)
    assert fail.returncode == 1, fail.stderr
    denied = [r for r in json.loads(fail.stdout) if r["constraint"]["metadata"]["name"] == HINT]
    assert denied and MESSAGE in denied[0]["msg"] and denied[0]["enforcementAction"] == "deny"
    passing = engine("gator", "test", "-o", "json", "-f", everything, "-f", fixtures / PASS)
    assert HINT not in passing.stdout, passing.stdout
    # cross-resource: the SyncSet in the bundle makes gator replicate the other objects
    scenario = engine(
        "gator",
        "test",
        "-o",
        "json",
        "-f",
        everything,
        "-f",
        fixtures / f"{CROSS_FAIL}.yaml",
        "-f",
        fixtures / f"{CROSS_FAIL}.inventory.yaml",
    )
    assert CROSS in {r["constraint"]["metadata"]["name"] for r in json.loads(scenario.stdout)}, scenario.stderr


@pytest.mark.engines
def test_gatekeeper_audit_overlay_reports_without_denying(dist: Path, fixtures: Path, tmp_path: Path) -> None:
    need("kustomize", "gator")
    templates = built(dist / "gatekeeper" / "templates", tmp_path, "templates")
    audit = built(dist / "gatekeeper" / "audit", tmp_path, "audit")
    done = engine("gator", "test", "-o", "json", "-f", templates, "-f", audit, "-f", fixtures / FAIL)
    assert done.returncode == 0, done.stdout
    mine = [r for r in json.loads(done.stdout) if r["constraint"]["metadata"]["name"] == HINT]
    assert mine and mine[0]["enforcementAction"] == "dryrun"


# --- Kyverno ---------------------------------------------------------------------------------


def _failure_actions(policy: dict[str, Any]) -> set[str]:
    if policy["kind"] == "ValidatingPolicy":
        return set(policy["spec"]["validationActions"])
    return {rule["validate"]["failureAction"] for rule in policy["spec"]["rules"]}


@pytest.mark.engines
def test_kyverno_kustomizations_stamp_and_audit(tree: dict[str, str], dist: Path) -> None:
    need("kustomize")
    hints = len([p for p in tree if p.endswith("/template.yaml")])
    policies = kustomize(dist / "kyverno")
    assert len(policies) == hints
    assert {p["kind"] for p in policies} == {"ClusterPolicy", "ValidatingPolicy"}
    assert_stamped(policies)
    assert set().union(*map(_failure_actions, policies)) > {"Audit"}
    audit = kustomize(dist / "kyverno" / "audit")
    assert [p["metadata"]["name"] for p in audit] == [p["metadata"]["name"] for p in policies]
    for policy in audit:
        assert _failure_actions(policy) == {"Audit"}, policy["metadata"]["name"]
    assert_stamped(audit)


def _kyverno_results(policies: Path, resource: Path) -> dict[str, set[str]]:
    """Each policy's results on one resource, from `kyverno apply`'s policy report."""
    argv = ["apply", policies, "--resource", resource, "--policy-report", "--output-format", "json"]
    done = engine("kyverno", *argv, "--remove-color", "--audit-warn")
    start = done.stdout.find("{")
    assert start >= 0, done.stdout + done.stderr
    results: dict[str, set[str]] = {}
    for result in json.loads(done.stdout[start:])["results"]:
        results.setdefault(result["policy"], set()).add(result["result"])
    return results


def assert_loaded(results: dict[str, set[str]], objects: list[dict[str, Any]]) -> None:
    """Every policy ran; offline, only ValidatingPolicies (resource.List needs a cluster) may error."""
    validating = {o["metadata"]["name"] for o in objects if o["kind"] == "ValidatingPolicy"}
    errors = {policy for policy, said in results.items() if "error" in said}
    assert errors <= validating, errors - validating


@pytest.mark.engines
def test_kyverno_objects_judge_in_kyverno(dist: Path, fixtures: Path, tmp_path: Path) -> None:
    need("kustomize", "kyverno")
    policies = built(dist / "kyverno", tmp_path, "kyverno")
    failing = _kyverno_results(policies, fixtures / FAIL)
    assert_loaded(failing, docs(policies.read_text()))
    assert failing[HINT] == {"fail"}
    assert _kyverno_results(policies, fixtures / PASS)[HINT] == {"pass"}
    audit = built(dist / "kyverno" / "audit", tmp_path, "audit")
    audited = _kyverno_results(audit, fixtures / FAIL)
    assert_loaded(audited, docs(audit.read_text()))
    assert audited[HINT] == {"warn"}  # --audit-warn: reported, not enforced


@pytest.mark.engines
def test_kyverno_cross_resource_policy_judges_in_a_test(tree: dict[str, str], dist: Path, tmp_path: Path) -> None:
    """The bundle's ValidatingPolicy, as kustomize builds it, in place of the generated one in its scenario Test."""
    need("kustomize", "kyverno")
    wanted = (f"kyverno/{CROSS}/", "kyverno/crds/", f"fixtures/{CROSS}/")
    for path, text in tree.items():
        if path.startswith(wanted):
            (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / path).write_text(text, encoding="utf-8")
    policy = next(p for p in kustomize(dist / "kyverno") if p["metadata"]["name"] == CROSS)
    assert_stamped([policy])
    (tmp_path / f"kyverno/{CROSS}/policy.yaml").write_text(yaml.safe_dump(policy), encoding="utf-8")
    scenario = tmp_path / "kyverno" / CROSS / CROSS_FAIL.rsplit("/", 1)[1]
    assert "result: fail" in (scenario / "kyverno-test.yaml").read_text()
    done = engine("kyverno", "test", scenario, "--remove-color")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 tests passed and 0 tests failed" in done.stdout, done.stdout


# --- the command -----------------------------------------------------------------------------


@pytest.mark.engines
def test_bundle_command_writes_dist(tmp_path: Path) -> None:
    need("opa")
    hints = REPO / "tests" / "data" / "hints"
    result = CliRunner().invoke(app, ["bundle", "--hints", str(hints), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"{tmp_path}: 4 hints" in result.output  # the 3 test hints and exemption-reason-required
    assert (tmp_path / ARCHIVE).is_file() and (tmp_path / "gatekeeper/kustomization.yaml").is_file()


def test_bundle_command_missing_hints_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["bundle", "--hints", str(tmp_path / "nope"), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "no such hint folder" in result.output
    assert not (tmp_path / "opa").exists()


def test_unwritable_out_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "dist"
    blocker.write_text("a file, not a folder")
    with pytest.raises(BundleError, match=r"cannot write the bundle to .*dist"):
        write_bundle({"opa/x.txt": b"x"}, blocker)
