"""Benchmark: `hint2policy check` with the full catalog on generated meshes, per engine, against `istioctl analyze`.

Each mesh (benchmarks/meshgen.py, 5% injected violations, seed 1) is written to
files once per size; then each engine checks it as a user would, as a
subprocess (`hint2policy check <dir> --output json --engine E`), timed with the
peak memory of its process tree, and `istioctl analyze --use-kube=false` reads
the same files. Goals: growth at most 12x per 10x objects, and check faster
than istioctl on every size.

    python -m benchmarks.check --sizes 1000 10000 50000 --engines embedded conftest kyverno gatekeeper --repeat 3
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import harness
from benchmarks.harness import Figure
from benchmarks.meshgen import generate, write

ENGINES = ("embedded", "conftest", "kyverno", "gatekeeper")
VIOLATIONS = 0.05
SEED = 1
GROWTH_GOAL = 12.0


@dataclass
class Mesh:
    size: int
    manifests: Path  # the folder of YAML files, and nothing else
    violations: list[dict[str, str]]
    digest: str  # sha256 over the files' names and bytes


@dataclass
class Outcome:
    """One engine's figure on one mesh, and whether it found exactly the injected violations."""

    figure: Figure
    findings: int | None = None
    missed: int = 0
    unexpected: int = 0
    error: str = ""


@dataclass
class SizeResult:
    mesh: Mesh
    engines: dict[str, Outcome] = field(default_factory=dict)
    istioctl: Figure | None = None
    istioctl_messages: int | None = None


def write_mesh(size: int, work: Path) -> Mesh:
    """The mesh of `size` objects as YAML files in work/mesh-<size>/manifests (violations.json beside it)."""
    mesh = generate(size, VIOLATIONS, seed=SEED)
    folder = work / f"mesh-{size}"
    if folder.exists():
        shutil.rmtree(folder)
    write(mesh, folder / "manifests")
    # violations.json is no manifest: keep it out of the folder the tools read
    (folder / "manifests" / "violations.json").replace(folder / "violations.json")
    manifests = folder / "manifests"
    return Mesh(size, manifests, mesh.violations, digest(manifests))


def digest(folder: Path) -> str:
    """sha256 of every file's name and bytes, in name order: equal digests, identical meshes."""
    sha = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        sha.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()


def check_argv(engine: str, manifests: Path) -> list[str]:
    return [*harness.hint2policy_argv(), "check", str(manifests), "--output", "json", "--engine", engine]


def istioctl_argv(binary: Path, manifests: Path, timeout: float) -> list[str]:
    # analyze stops at its own --timeout (30 s by default): give it the benchmark's instead
    return [
        str(binary),
        "analyze",
        "--use-kube=false",
        "-A",
        "--timeout",
        f"{timeout:g}s",
        "-o",
        "json",
        str(manifests),
    ]


def judge(outcome: Outcome, mesh: Mesh) -> None:
    """Findings of the last run compared with what the generator injected."""
    run = outcome.figure.runs[-1]
    if run.timed_out:
        return
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        outcome.error = f"exit {run.returncode}, no JSON report: {run.stderr.strip()[-300:]}"
        return
    if report.get("engineError"):
        outcome.error = str(report["engineError"])[:300]
    found = {
        (f["hint"], f["resource"]["kind"], f["resource"]["namespace"] or "", f["resource"]["name"])
        for f in report.get("findings", [])
    }
    injected = {(v["hint"], v["kind"], v["namespace"], v["name"]) for v in mesh.violations}
    outcome.findings = len(report.get("findings", []))
    outcome.missed, outcome.unexpected = len(injected - found), len(found - injected)


def measure(mesh: Mesh, engines: list[str], times: int, timeout: float, istioctl: Path | None) -> SizeResult:
    result = SizeResult(mesh)
    cwd = mesh.manifests.parent  # no hint2policy.yaml there: the full catalog, as shipped
    for engine in engines:
        print(f"  {mesh.size:,} objects: check --engine {engine} ...", file=sys.stderr, flush=True)
        outcome = Outcome(harness.repeat(check_argv(engine, mesh.manifests), times, timeout=timeout, cwd=cwd))
        judge(outcome, mesh)
        result.engines[engine] = outcome
    if istioctl is not None:
        print(f"  {mesh.size:,} objects: istioctl analyze ...", file=sys.stderr, flush=True)
        argv = istioctl_argv(istioctl, mesh.manifests, timeout)
        result.istioctl = harness.repeat(argv, times, timeout=timeout, cwd=cwd)
        result.istioctl_messages = _messages(result.istioctl)
    return result


def _messages(figure: Figure) -> int | None:
    try:
        found = json.loads(figure.runs[-1].stdout)
    except (json.JSONDecodeError, IndexError):
        return None
    return len(found) if isinstance(found, list) else None


# --- the report ----------------------------------------------------------------------------------


def report(results: list[SizeResult], engines: list[str], info: dict[str, str], argv: list[str]) -> str:
    sizes = [r.mesh.size for r in results]
    parts = [
        "## `hint2policy check` with the full catalog, per engine, and `istioctl analyze`",
        "",
        "Command: `python -m benchmarks." + " ".join(["check", *argv]) + "`",
        "",
        harness.machine_lines(info),
        "",
        "Meshes: `benchmarks/meshgen.py`, "
        f"{VIOLATIONS:.0%} injected violations, seed {SEED}, 100 objects per file. "
        "Each cell: median wall time (the runs in brackets); a run past the timeout is stopped and shown as `>T s`.",
        "",
        harness.table(
            ["objects", "files", "violations injected", "sha256 of the files"],
            [
                [
                    f"{r.mesh.size:,}",
                    str(len(list(r.mesh.manifests.iterdir()))),
                    str(len(r.mesh.violations)),
                    r.mesh.digest[:16],
                ]
                for r in results
            ],
        ),
        "",
        "### Time",
        "",
        harness.table(["engine", *(f"{s:,} objects" for s in sizes)], _time_rows(results, engines)),
        "",
        "### Growth from each size to the next (goal: at most 12x per 10x objects)",
        "",
        harness.table(["engine", *_steps(sizes)], _growth_rows(results, engines)),
        "",
        "### Peak memory (largest single process / sum over the process tree, sampled)",
        "",
        harness.table(["engine", *(f"{s:,} objects" for s in sizes)], _memory_rows(results, engines)),
        "",
        "### hint2policy check / istioctl analyze (goal: below 1.00x on every size)",
        "",
        harness.table(["engine", *(f"{s:,} objects" for s in sizes)], _ratio_rows(results, engines)),
        "",
        "### Findings (`check`: equal to the injected violations?)",
        "",
        harness.table(["engine", *(f"{s:,} objects" for s in sizes)], _finding_rows(results, engines)),
    ]
    return "\n".join(parts) + "\n"


def growth_goal(factor: float) -> float:
    """The goal for `factor` times the objects: 12x per 10x, as a power law (5.7x for 5x, 12x for 10x)."""
    return factor ** math.log10(GROWTH_GOAL)


def _steps(sizes: list[int]) -> list[str]:
    return [f"{a:,} -> {b:,} ({b / a:g}x objects)" for a, b in itertools.pairwise(sizes)]


def _rows_with_istioctl(engines: list[str]) -> list[str]:
    return [*engines, "istioctl analyze"]


def _figure(result: SizeResult, name: str) -> Figure | None:
    if name == "istioctl analyze":
        return result.istioctl
    outcome = result.engines.get(name)
    return outcome.figure if outcome else None


def _time_rows(results: list[SizeResult], engines: list[str]) -> list[list[str]]:
    rows = []
    for name in _rows_with_istioctl(engines):
        figures = [_figure(r, name) for r in results]
        if any(f is not None for f in figures):
            rows.append([name, *(f.cell() if f else "not run" for f in figures)])
    return rows


def _growth_rows(results: list[SizeResult], engines: list[str]) -> list[list[str]]:
    rows = []
    for name in _rows_with_istioctl(engines):
        figures = [_figure(r, name) for r in results]
        cells = []
        for (small, large), (a, b) in zip(itertools.pairwise(figures), itertools.pairwise(results), strict=True):
            if small is None or large is None:
                cells.append("-")
                continue
            cell = harness.growth(small, large)
            goal = growth_goal(b.mesh.size / a.mesh.size)
            too_slow = bool(small.seconds and large.seconds and large.seconds / small.seconds > goal)
            if too_slow or (small.seconds and large.timed_out):
                cell += " (missed)"
            cells.append(cell)
        if any(f is not None for f in figures):
            rows.append([name, *cells])
    return rows


def _memory_rows(results: list[SizeResult], engines: list[str]) -> list[list[str]]:
    rows = []
    for name in _rows_with_istioctl(engines):
        figures = [_figure(r, name) for r in results]
        if any(f is not None for f in figures):
            rows.append(
                [name, *(f"{harness.mib(f.max_rss)} / {harness.mib(f.tree_rss)}" if f else "-" for f in figures)]
            )
    return rows


def _ratio_rows(results: list[SizeResult], engines: list[str]) -> list[list[str]]:
    rows = []
    for engine in engines:
        cells = []
        for r in results:
            mine, peer = _figure(r, engine), r.istioctl
            if mine is None or peer is None:
                cells.append("-")
                continue
            cell = harness.relative(mine, peer)
            slower = mine.timed_out or (mine.seconds or 0) >= (peer.seconds or float("inf"))
            cells.append(cell + (" (missed)" if cell != "-" and slower else ""))
        rows.append([engine, *cells])
    return rows


def _finding_rows(results: list[SizeResult], engines: list[str]) -> list[list[str]]:
    rows = []
    for engine in engines:
        cells = []
        for r in results:
            outcome = r.engines.get(engine)
            if outcome is None:
                cells.append("-")
            elif outcome.figure.timed_out:
                cells.append("timed out")
            elif outcome.error:
                cells.append(f"error: {outcome.error[:80]}")
            elif outcome.findings is None:
                cells.append("-")
            elif outcome.missed or outcome.unexpected:
                cells.append(f"{outcome.findings} (missed {outcome.missed}, unexpected {outcome.unexpected})")
            else:
                cells.append(f"{outcome.findings} (exact)")
        rows.append([engine, *cells])
    peer = [str(r.istioctl_messages) if r.istioctl_messages is not None else "-" for r in results]
    if any(r.istioctl is not None for r in results):
        rows.append(["istioctl analyze (its own messages)", *peer])
    return rows


def parser() -> argparse.ArgumentParser:
    p = harness.mesh_options(argparse.ArgumentParser(description=__doc__.splitlines()[0]), ENGINES)
    p.add_argument("--no-istioctl", action="store_true", help="skip istioctl analyze")
    return p


def run(argv: list[str]) -> str:
    args = parser().parse_args(argv)
    istioctl = None
    tools = ["conftest", "gator", "kyverno"]
    if not args.no_istioctl:
        from hint2policy.engines import toolchain

        istioctl = toolchain.require("istioctl")
        tools.append("istioctl")
    info = harness.machine(tools)
    results = []
    for size in sorted(args.sizes):
        mesh = write_mesh(size, args.work)
        results.append(measure(mesh, args.engines, args.repeat, args.timeout, istioctl))
    return report(results, args.engines, info, argv)


def main() -> None:
    harness.write_report(parser().parse_args().output, run(sys.argv[1:]))


if __name__ == "__main__":
    main()
