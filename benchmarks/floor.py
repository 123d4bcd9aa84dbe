"""Benchmark: `hint2policy generate` for the whole catalog, and `hint2policy test` against its floor.

The floor is what `test` cannot avoid: the bare start-up of every engine
process it runs (`conftest --version`, `gator --help`, `kyverno version`,
a Python that imports regopy for each embedded worker), times the number of
those processes, plus hint2policy's own start-up. The number of engine
processes is counted, not assumed: one extra run of `test` goes through shims
(HINT2POLICY_TOOLS_DIR) that log each invocation before exec'ing the real binary.

    python -m benchmarks.floor --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import tempfile
from collections import Counter
from pathlib import Path

from benchmarks import harness
from benchmarks.harness import DEFAULT_TIMEOUT, Figure

CLI_ENGINES = ("conftest", "gator", "kyverno")
# each engine's cheapest command: it starts, prints and exits
STARTUP_ARGS = {"conftest": ["--version"], "gator": ["--help"], "kyverno": ["version"]}


def write_shims(folder: Path, log: Path) -> None:
    """A tools dir whose engines log their invocation, then exec the real binary."""
    from hint2policy.engines import toolchain

    for name in CLI_ENGINES:
        s = toolchain.spec(name)
        real = toolchain.require(name)
        shim = folder / s.dirname / s.binary
        shim.parent.mkdir(parents=True, exist_ok=True)
        shim.write_text(
            f'#!/bin/sh\necho {shlex.quote(name)} >> {shlex.quote(str(log))}\nexec {shlex.quote(str(real))} "$@"\n'
        )
        shim.chmod(0o755)


def count_invocations(times_out: float) -> tuple[Counter[str], Figure]:
    """How many processes of each CLI engine one `hint2policy test` starts (and that run's figure)."""
    with tempfile.TemporaryDirectory(prefix="hint2policy-floor-") as tmp:
        log = Path(tmp) / "invocations.log"
        log.touch()
        write_shims(Path(tmp) / "tools", log)
        env = {**os.environ, "HINT2POLICY_TOOLS_DIR": str(Path(tmp) / "tools")}
        figure = harness.repeat(_test_argv(), 1, timeout=times_out, cwd=Path(tmp), env=env)
        counted = Counter(log.read_text().split())
    return counted, figure


def embedded_workers() -> int:
    """Worker processes `test` spawns for the embedded engine (embedded.evaluate: one pool, one job per hint)."""
    from hint2policy.catalog import load_catalog

    hints = load_catalog([harness.HINTS]).hints
    return max(1, min(os.cpu_count() or 1, len(hints)))


def _test_argv() -> list[str]:
    return [*harness.hint2policy_argv(), "test", "--output", "json"]


def startups(times: int, timeout: float) -> dict[str, Figure]:
    from hint2policy.engines import toolchain

    figures = {
        name: harness.repeat([str(toolchain.require(name)), *args], times, timeout=timeout)
        for name, args in STARTUP_ARGS.items()
    }
    figures["python + import regopy (an embedded worker)"] = harness.repeat(
        [sys.executable, "-c", "import regopy"], times, timeout=timeout
    )
    figures["hint2policy --help (its own start-up)"] = harness.repeat(
        [*harness.hint2policy_argv(), "--help"], times, timeout=timeout
    )
    return figures


def run(argv: list[str]) -> str:
    args = parser().parse_args(argv)
    info = harness.machine(list(CLI_ENGINES))
    with tempfile.TemporaryDirectory(prefix="hint2policy-generate-") as tmp:
        print("  generate ...", file=sys.stderr, flush=True)
        generate = harness.repeat(
            [*harness.hint2policy_argv(), "generate", "--out", str(Path(tmp) / "generated")],
            args.repeat,
            timeout=args.timeout,
            cwd=Path(tmp),
        )
    print("  test (counting engine processes) ...", file=sys.stderr, flush=True)
    counted, counting_run = count_invocations(args.timeout)
    print("  test ...", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="hint2policy-test-") as tmp:
        test = harness.repeat(_test_argv(), args.repeat, timeout=args.timeout, cwd=Path(tmp))
    print("  start-ups ...", file=sys.stderr, flush=True)
    starts = startups(args.startup_repeat, args.timeout)
    workers = embedded_workers()
    return report(generate, test, counting_run, counted, workers, starts, info, argv)


def floor_seconds(counted: Counter[str], workers: int, starts: dict[str, Figure]) -> float:
    """The sum of the bare start-ups `test` needs, run one after the other."""
    total = sum(counted[name] * (starts[name].seconds or 0.0) for name in CLI_ENGINES)
    total += workers * (starts["python + import regopy (an embedded worker)"].seconds or 0.0)
    return total + (starts["hint2policy --help (its own start-up)"].seconds or 0.0)


def report(
    generate: Figure,
    test: Figure,
    counting_run: Figure,
    counted: Counter[str],
    workers: int,
    starts: dict[str, Figure],
    info: dict[str, str],
    argv: list[str],
) -> str:
    floor = floor_seconds(counted, workers, starts)
    verdict = _verdict(test)
    rows = []
    for name, figure in starts.items():
        processes = counted[name] if name in CLI_ENGINES else workers if "worker" in name else 1
        rows.append([name, figure.cell(), str(processes), harness.seconds_cell((figure.seconds or 0) * processes, 0)])
    lines = [
        "## `hint2policy generate` and `hint2policy test` against the floor",
        "",
        "Command: `python -m benchmarks." + " ".join(["floor", *argv]) + "`",
        "",
        harness.machine_lines(info),
        "",
        harness.table(
            ["command", "median time", "peak memory (largest process / tree)"],
            [
                ["`hint2policy generate` (whole catalog)", generate.cell(), _memory(generate)],
                [f"`hint2policy test` (whole library, 4 engines; {verdict})", test.cell(), _memory(test)],
                ["`hint2policy test` through the counting shims (not in the median)", counting_run.cell(), "-"],
            ],
        ),
        "",
        "Engine processes one `hint2policy test` starts, and their bare start-up:",
        "",
        harness.table(["process", "bare start-up (median)", "processes per `test`", "subtotal"], rows),
        "",
        f"Floor (the start-ups one after the other): {harness.seconds_cell(floor, 0)}; "
        f"`test` / floor: {harness.ratio(test.seconds, floor)}"
        + (f" (`test` did not finish within {test.timeout:g} s)" if test.timed_out else ""),
        "",
        "`test` runs its four engines at once (one thread each), so on more cores than engines the floor would be "
        "the slowest engine's start-ups, not their sum: the sum is the floor of this 2-core machine.",
    ]
    return "\n".join(lines) + "\n"


def _memory(figure: Figure) -> str:
    return f"{harness.mib(figure.max_rss)} / {harness.mib(figure.tree_rss)}"


def _verdict(test: Figure) -> str:
    if not test.runs or test.timed_out:
        return "no verdict"
    run = test.runs[-1]
    try:
        summary = json.loads(run.stdout)
    except json.JSONDecodeError:
        return f"exit {run.returncode}"
    ok = summary.get("ok") if isinstance(summary, dict) else None
    return f"exit {run.returncode}" + ("" if ok is None else f", ok={ok}")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--startup-repeat", type=int, default=5)
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    p.add_argument("--output", type=Path, help="write the markdown here (default: stdout)")
    return p


def main() -> None:
    harness.write_report(parser().parse_args().output, run(sys.argv[1:]))


if __name__ == "__main__":
    main()
