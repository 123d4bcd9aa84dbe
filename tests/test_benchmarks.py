"""The benchmark harness itself: deterministic inputs, honest figures, the report's format.

No test here times anything: figures are built by hand where a report is checked.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

from benchmarks import admission, check, harness, kyverno_library
from benchmarks.harness import Figure, Run


def _run(seconds: float, timed_out: bool = False) -> Run:
    return Run(["x"], seconds, None if timed_out else 0, 100 * 2**20, 150 * 2**20)


def _figure(*seconds: float, timed_out: bool = False) -> Figure:
    figure = Figure([_run(s) for s in seconds], timeout=900)
    if timed_out:
        figure.runs.append(_run(900.0, timed_out=True))
    return figure


# --- the generated sets --------------------------------------------------------------------------


def test_written_mesh_is_byte_identical_for_a_size(tmp_path: Path) -> None:
    first, again = check.write_mesh(300, tmp_path / "a"), check.write_mesh(300, tmp_path / "b")
    assert first.digest == again.digest
    names = sorted(p.name for p in first.manifests.iterdir())
    assert (
        names
        == sorted(p.name for p in again.manifests.iterdir())
        == ["mesh-00000.yaml", "mesh-00001.yaml", "mesh-00002.yaml"]
    )
    for name in names:
        assert (first.manifests / name).read_bytes() == (again.manifests / name).read_bytes()
    # the tools read only manifests: the record of the injected violations lies beside them
    assert json.loads((first.manifests.parent / "violations.json").read_text()) == first.violations
    assert check.write_mesh(301, tmp_path / "c").digest != first.digest


def test_digest_changes_with_one_byte(tmp_path: Path) -> None:
    mesh = check.write_mesh(100, tmp_path)
    path = next(mesh.manifests.iterdir())
    path.write_bytes(path.read_bytes().replace(b"team-00001", b"team-00002", 1))
    assert check.digest(mesh.manifests) != mesh.digest


def test_judge_compares_findings_with_the_injected_violations(tmp_path: Path) -> None:
    mesh = check.write_mesh(300, tmp_path)
    findings = [
        {"hint": v["hint"], "resource": {"kind": v["kind"], "namespace": v["namespace"] or None, "name": v["name"]}}
        for v in mesh.violations
    ]
    outcome = check.Outcome(Figure([_run(1.0)]))
    outcome.figure.runs[-1].stdout = json.dumps({"findings": findings, "engineError": None})
    check.judge(outcome, mesh)
    assert (outcome.findings, outcome.missed, outcome.unexpected, outcome.error) == (len(mesh.violations), 0, 0, "")
    extra = {"hint": "made-up", "resource": {"kind": "Service", "namespace": "x", "name": "y"}}
    outcome.figure.runs[-1].stdout = json.dumps({"findings": [*findings[1:], extra], "engineError": "boom"})
    check.judge(outcome, mesh)
    assert (outcome.missed, outcome.unexpected, outcome.error) == (1, 1, "boom")


# --- measuring -----------------------------------------------------------------------------------


def test_a_run_reports_its_exit_code_output_and_memory() -> None:
    code = "import sys; b = bytearray(64 * 2**20); print('out'); sys.exit(3)"
    run = harness.run_measured([sys.executable, "-c", code], timeout=60)
    assert (run.returncode, run.stdout.strip(), run.timed_out) == (3, "out", False)
    assert run.max_rss >= 64 * 2**20 and run.tree_rss >= run.max_rss


def test_a_timeout_is_a_figure_and_stops_the_whole_tree(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    # an engine runs in a session of its own (runner.run): killing the process group would miss it
    spawn = "import subprocess, sys; p = subprocess.Popen(['sleep', '60'], start_new_session=True); "
    spawn += "open(sys.argv[1], 'w').write(str(p.pid)); p.wait()"
    script = f'{sys.executable} -c "{spawn}" {pids}; sleep 60'
    figure = harness.repeat(["sh", "-c", script], 3, timeout=8.0)
    assert len(figure.runs) == 1 and figure.timed_out and figure.seconds is None  # no second try
    assert figure.cell() == ">8 s"
    grandchild = int(pids.read_text())
    for _ in range(50):  # reparented to init, which reaps it once killed
        if not _alive(grandchild):
            break
        time.sleep(0.1)
    assert not _alive(grandchild)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc")
def test_descendants_follow_parent_links() -> None:
    assert harness.descendants(os.getpid())[0] == os.getpid()


# --- the report ----------------------------------------------------------------------------------


def test_cells_medians_timeouts_ratios_and_growth() -> None:
    assert _figure(3.0, 1.0, 2.0).cell() == "2.00 s (3.00, 1.00, 2.00)"
    assert _figure(0.05).cell() == "0.050 s"
    assert _figure(5.0, timed_out=True).cell() == ">900 s"
    assert harness.growth(_figure(2.0), _figure(20.0)) == "10.00x"
    assert harness.growth(_figure(100.0), _figure(timed_out=True)) == ">9.00x"
    assert harness.ratio(3.0, 2.0) == "1.50x" and harness.ratio(None, 2.0) == "-"
    assert check.growth_goal(10) == pytest.approx(12.0) and check.growth_goal(5) < 6


def _result(size: int, seconds: float | None, peer: float, tmp: Path) -> check.SizeResult:
    mesh = check.Mesh(size, tmp, [], "0" * 64)
    figure = _figure(seconds) if seconds is not None else _figure(timed_out=True)
    outcome = check.Outcome(figure, findings=None if seconds is None else 5)
    return check.SizeResult(mesh, {"conftest": outcome}, _figure(peer), 3)


def test_check_report_has_every_table_and_marks_missed_goals(tmp_path: Path) -> None:
    results = [
        _result(1000, 2.0, 4.0, tmp_path),
        _result(10000, 30.0, 8.0, tmp_path),
        _result(50000, None, 9.0, tmp_path),
    ]
    text = check.report(results, ["conftest"], {"cpu": "test"}, ["--sizes", "1000", "10000", "50000"])
    lines = text.splitlines()
    for heading in ("### Time", "### Growth", "### Peak memory", "### hint2policy check / istioctl", "### Findings"):
        assert any(line.startswith(heading) for line in lines), heading
    assert "| conftest | 2.00 s | 30.0 s | >900 s |" in lines
    assert "| conftest | 15.00x (missed) | >30.00x (missed) |" in lines  # 12x per 10x; a timeout misses
    assert "| conftest | 0.50x | 3.75x (missed) | >100.00x (missed) |" in lines
    assert "| conftest | 100 MiB / 150 MiB | 100 MiB / 150 MiB | 100 MiB / 150 MiB |" in lines
    assert "| conftest | 5 (exact) | 5 (exact) | timed out |" in lines
    assert "- cpu: test" in lines
    # every table row has as many cells as its header
    for block in text.split("\n\n"):
        rows = [line for line in block.splitlines() if line.startswith("|")]
        assert len({row.count("|") for row in rows}) <= 1, block


def test_check_report_without_istioctl_has_no_ratio(tmp_path: Path) -> None:
    # --no-istioctl: every ratio cell is "-", and the report is still written
    results = [_result(1000, 2.0, 4.0, tmp_path)]
    results[0].istioctl = None
    text = check.report(results, ["conftest"], {"cpu": "test"}, ["--no-istioctl"])
    ratios = text.split("### hint2policy check / istioctl")[1].split("###")[0]
    assert "| conftest | - |" in ratios.splitlines()


def test_admission_helpers() -> None:
    assert admission.duration_ms("748.603µs") == pytest.approx(0.748603)
    assert admission.duration_ms("1m2.5s") == pytest.approx(62500.0)
    with pytest.raises(ValueError):
        admission.duration_ms("fast")
    data = admission.inventory_data(
        [
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}},
            {"apiVersion": "networking.istio.io/v1", "kind": "Sidecar", "metadata": {"name": "s", "namespace": "a"}},
        ]
    )
    assert set(data["inventory"]["cluster"]["v1"]["Namespace"]) == {"a"}
    assert set(data["inventory"]["namespace"]["a"]["networking.istio.io/v1"]["Sidecar"]) == {"s"}
    cost = admission.Cost("h", cross=True, engine="opa", p99_ms=4.0)
    assert not cost.missed and admission.Cost("h", cross=False, engine="opa", p99_ms=4.0).missed
    text = admission.report([cost, admission.Cost("k", False, "gator", error=">900 s")], {"cpu": "t"}, [], 10)
    assert "Missed: 1 of 2: k (gator)" in text


@pytest.mark.engines
@pytest.mark.usefixtures("engines")
def test_admission_read_floor_reads_every_object_of_the_related_kinds(tmp_path: Path) -> None:
    """The floor query reaches each object of the kinds, namespaced or not, in every apiVersion, and no other."""
    import subprocess

    from hint2policy.compile.ir import Kind
    from hint2policy.engines import toolchain

    def obj(api: str, kind: str, name: str, namespace: str | None = None) -> dict:
        return {
            "apiVersion": api,
            "kind": kind,
            "metadata": {"name": name, **({"namespace": namespace} if namespace else {})},
        }

    data = admission.inventory_data(
        [
            obj("networking.istio.io/v1", "Sidecar", "", "a"),
            obj("networking.istio.io/v1beta1", "Sidecar", "", "b"),
            obj("networking.istio.io/v1", "Sidecar", "named", "a"),
            obj("v1", "Namespace", ""),
            obj("networking.istio.io/v1", "Gateway", "", "a"),  # a kind the hint does not relate
            obj("example.com/v1", "Sidecar", "", "a"),  # another group's Sidecar
        ]
    )
    (tmp_path / "data.json").write_text(json.dumps(data), encoding="utf-8")
    kinds = (Kind("networking.istio.io", "Sidecar"), Kind("", "Namespace"))
    query = admission.read_floor_query(kinds, data)
    argv = [str(toolchain.require("opa")), "eval", "-d", str(tmp_path / "data.json"), "-f", "raw", query]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "3"  # the unnamed Sidecars in both versions and the unnamed Namespace


@pytest.mark.engines
@pytest.mark.usefixtures("engines")
def test_admission_gator_floor_reviews_what_the_hint_matches(tmp_path: Path) -> None:
    """The floor's template loads in gator under the hint's match: an unnamed VirtualService is flagged,
    an unnamed Gateway (not matched by the hint) is not."""
    import subprocess

    from hint2policy.engines import toolchain

    hint = tmp_path / "virtual-service-regex-uri"
    hint.mkdir()
    constraint = harness.ROOT / "generated" / "gatekeeper" / hint.name / "constraint.yaml"
    (hint / "constraint.yaml").write_bytes(constraint.read_bytes())
    objects = [
        {"apiVersion": "networking.istio.io/v1", "kind": kind, "metadata": {"name": "", "namespace": "a"}}
        for kind in ("VirtualService", "Gateway")
    ]
    (hint / "objects.yaml").write_text("---\n".join(json.dumps(o) + "\n" for o in objects), encoding="utf-8")
    floor = admission._gator_floor(hint)
    argv = [str(toolchain.require("gator")), "test", "-o", "json", "-f", str(floor)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    flagged = [(r["constraint"]["kind"], r["violatingObject"]["kind"]) for r in json.loads(done.stdout)]
    assert flagged == [(admission.FLOOR_KIND, "VirtualService")]


# --- the peer of Kyverno's policy library -------------------------------------------------------


def test_kyverno_library_peer_maps_every_library_validation_to_its_hint() -> None:
    from tests.test_catalog import KYVERNO_ISTIO_VALIDATIONS

    mapping = kyverno_library.covering()
    assert sorted(mapping) == sorted(KYVERNO_ISTIO_VALIDATIONS)
    assert mapping["restrict-virtual-service-wildcard"] == "virtual-service-wildcard-hosts"


def test_kyverno_library_peer_config_enables_exactly_the_covering_hints(tmp_path: Path) -> None:
    from hint2policy.catalog import load_catalog
    from hint2policy.config import load_config

    wanted = sorted(set(kyverno_library.covering().values()))
    path = tmp_path / "hint2policy.yaml"
    path.write_text(kyverno_library.config_text(wanted), encoding="utf-8")
    catalog = load_catalog([harness.HINTS], fixtures=False)
    selected = load_config(path).apply(catalog.hints, catalog.notes)
    assert sorted(h.id for h in selected) == wanted


def test_kyverno_library_peer_says_what_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(kyverno_library.ENV, raising=False)
    assert "Not measured" in kyverno_library.run([])  # no --library: nothing to compare with
    (tmp_path / "istio" / "enforce-strict-mtls").mkdir(parents=True)
    (tmp_path / "istio" / "enforce-strict-mtls" / "enforce-strict-mtls.yaml").write_text("{}", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"restrict-virtual-service-wildcard\.yaml") as raised:
        kyverno_library.policy_files(tmp_path, ["enforce-strict-mtls", "restrict-virtual-service-wildcard"])
    assert "enforce-strict-mtls.yaml" not in str(raised.value)


def test_kyverno_library_peer_reads_kyvernos_summary() -> None:
    figure = Figure([Run(["kyverno"], 1.0, 0, 1, 1, "...\npass: 3, fail: 1, warn: 0, error: 2, skip: 40 \n")])
    assert kyverno_library.summary(figure) == "pass 3, fail 1, warn 0, error 2, skip 40"
    assert kyverno_library.summary(Figure([Run(["kyverno"], 1.0, 1, 1, 1, "", "boom")])).startswith("exit 1")


def test_kyverno_library_peer_leaves_out_policies_that_need_a_cluster(tmp_path: Path) -> None:
    plain, remote = tmp_path / "plain.yaml", tmp_path / "remote.yaml"
    plain.write_text("spec:\n  rules:\n  - validate: {pattern: {}}\n", encoding="utf-8")
    remote.write_text("rules:\n- context:\n  - name: all\n    apiCall:\n      urlPath: /x\n", encoding="utf-8")
    assert kyverno_library.offline([plain, remote]) == ([plain], [remote])
    crashed = Run(["kyverno"], 1.0, 2, 1, 1, "", "Applying 9 rules\npanic: coding error: register\ngoroutine 1\n")
    assert kyverno_library.summary(Figure([crashed])) == "exit 2, no summary: panic: coding error: register"


def test_kyverno_library_peer_shows_its_command_without_the_users_folder() -> None:
    argv = ["--library", "/home/me/policies", "--sizes", "1000", "--timeout", "60"]
    assert kyverno_library._shown(argv) == ["--library", "DIR", "--sizes", "1000", "--timeout", "60"]
    assert kyverno_library._shown(["--library=/home/me/policies"]) == ["--library=DIR"]
    library, check = Figure([_run(2.0)]), Figure([_run(900.0, timed_out=True)], timeout=900)
    assert harness.relative(check, library) == ">450.00x"  # a timed-out check: a lower bound
    assert harness.relative(Figure([_run(1.0)]), library) == "0.50x"
