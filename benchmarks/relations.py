"""Benchmark: the cross-resource hints on generated meshes of growing size, in each engine.

Each engine audits the whole mesh with every cross-resource hint of the catalog
(conftest test --combine, gator test, kyverno test with clusterResources), the
way `hint2policy check` will. The figure of merit is the growth: the time for
10x the resources over the time for the smaller mesh (goal: at most 12x).

    python -m benchmarks.relations --sizes 1000 10000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

from benchmarks.meshgen import generate
from hint2policy.audit import ENGINES, audit
from hint2policy.catalog import load_catalog
from hint2policy.engines.toolchain import spec
from hint2policy.load.manifests import manifest

HINTS = Path(__file__).resolve().parent.parent / "hints"


def measure(size: int, repeat: int, engines: list[str]) -> dict[str, dict]:
    """Median seconds and findings per engine for one mesh size."""
    hints = [h for h in load_catalog([HINTS]).hints if h.policy.cross_resource]
    mesh = generate(size, 0.05, seed=1)
    manifests = [manifest(o, HINTS, i) for i, o in enumerate(mesh.objects, 1)]
    results = {}
    for engine in engines:
        times, findings = [], 0
        for _ in range(repeat):
            start = time.perf_counter()
            run = audit(hints, manifests, [engine])
            times.append(time.perf_counter() - start)
            if run.errors:  # a timeout is a figure too: report it and go on
                results[engine] = {"seconds": None, "runs": times, "findings": None, "error": run.errors[engine]}
                break
            findings = len(run.findings(engine))
        else:
            results[engine] = {"seconds": statistics.median(times), "runs": times, "findings": findings}
    return results


def _cell(figure: dict) -> str:
    if figure["seconds"] is None:
        return f"did not finish ({figure['error'][:60]})"
    return f"{figure['seconds']:.1f} s ({figure['findings']} findings)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engine", action="append", choices=ENGINES)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    engines = args.engine or list(ENGINES)
    figures = {size: measure(size, args.repeat, engines) for size in args.sizes}
    versions = {e: spec(e).version for e in engines}
    print(f"machine: {platform.machine()}, {platform.python_version()}, engines {versions}")
    print("| engine | " + " | ".join(f"{s:,} objects" for s in args.sizes) + " | growth |")
    print("|---|" + "---|" * (len(args.sizes) + 1))
    for engine in engines:
        cells = [
            f"{figures[s][engine]['seconds']:.1f} s ({figures[s][engine]['findings']} findings)" for s in args.sizes
        ]
        first, last = (figures[s][engine]["seconds"] for s in (args.sizes[0], args.sizes[-1]))
        growth = f"{last / first:.1f}x" if first and last else "-"
        print(f"| {engine} | " + " | ".join(cells) + f" | {growth} |")
    if args.json:
        args.json.write_text(json.dumps({"versions": versions, "figures": figures}, indent=1) + "\n")


if __name__ == "__main__":
    main()
