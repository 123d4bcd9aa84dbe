"""Benchmark: the Istio validations of Kyverno's policy library vs `hint2policy check` with the hints that cover them.

The peer: a user who runs `kyverno apply` with the validate policies of
Kyverno's library (github.com/kyverno/policies, folder istio/) on their
manifests. Each hint names the library policies it covers (`kyvernoPolicies`
in its spec; docs/catalog.md lists them), so both sides check the same
concerns: the library's policies through `kyverno apply`, and
`hint2policy check` with only the covering hints (a generated configuration
that enables them), on the meshes of benchmarks/check.py.

The library is no module of the Go proxy and no package of PyPI or npm, and
its files stay out of this repository: point --library (or
HINT2POLICY_KYVERNO_POLICIES) at a checkout of it. Without one the report
says so and measures nothing.

    python -m benchmarks.kyverno_library --library ~/src/kyverno-policies --sizes 1000 10000 50000
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import harness
from benchmarks.check import Mesh, check_argv, write_mesh
from benchmarks.harness import Figure

ENV = "HINT2POLICY_KYVERNO_POLICIES"
ENGINES = ("conftest", "kyverno", "embedded")
# `kyverno apply` ends with a summary line: "pass: 3, fail: 1, warn: 0, error: 0, skip: 12"
_SUMMARY = re.compile(r"pass: (\d+), fail: (\d+), warn: (\d+), error: (\d+), skip: (\d+)")


# A rule with an apiCall context reads the cluster: `kyverno apply` without one panics on it
# (require-authorizationpolicy lists AuthorizationPolicies through its fake client), so such a
# policy, and the hint that covers it, are left out of the comparison and named in the report.
_NEEDS_CLUSTER = re.compile(r"^\s*apiCall:", re.MULTILINE)


@dataclass
class Result:
    mesh: Mesh
    library: Figure
    library_summary: str
    checks: dict[str, Figure] = field(default_factory=dict)


def covering() -> dict[str, str]:
    """Library policy name -> the hint that covers it, as the catalog's specs say."""
    from hint2policy.catalog import load_catalog

    catalog = load_catalog([harness.HINTS], fixtures=False)
    return {name: hint.id for hint in catalog.hints for name in hint.spec.get("kyvernoPolicies", [])}


def policy_files(library: Path, names: list[str]) -> list[Path]:
    """Each policy's file in the checkout (istio/<name>/<name>.yaml); SystemExit naming those missing."""
    files = [library / "istio" / name / f"{name}.yaml" for name in names]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise SystemExit(f"not a checkout of github.com/kyverno/policies, these are missing: {', '.join(missing)}")
    return files


def offline(files: list[Path]) -> tuple[list[Path], list[Path]]:
    """The policies `kyverno apply` can run without a cluster, and those it cannot."""
    needs = [f for f in files if _NEEDS_CLUSTER.search(f.read_text(encoding="utf-8"))]
    return [f for f in files if f not in needs], needs


def config_text(hint_ids: list[str]) -> str:
    """A hint2policy.yaml that enables only these hints, as shipped otherwise."""
    enabled = "".join(f"    - {hint_id}\n" for hint_id in sorted(set(hint_ids)))
    return f"apiVersion: hint2policy.io/v1alpha1\nkind: Config\nhints:\n  enable:\n{enabled}"


def library_argv(kyverno: Path, files: list[Path], manifests: Path) -> list[str]:
    return [str(kyverno), "apply", *map(str, files), "--resource", str(manifests)]


def summary(figure: Figure) -> str:
    """The last run's pass/fail/error counts, or why there are none."""
    run = figure.runs[-1]
    if run.timed_out:
        return "stopped at the timeout"
    found = _SUMMARY.search(run.stdout)
    if not found:
        lines = [line.strip() for line in run.stderr.splitlines() if line.strip()]
        why = next((line for line in lines if line.startswith(("panic:", "Error:"))), lines[-1] if lines else "")
        return f"exit {run.returncode}, no summary: {why[:160]}"
    return "pass {}, fail {}, warn {}, error {}, skip {}".format(*found.groups())


def measure(mesh: Mesh, files: list[Path], hint_ids: list[str], args: argparse.Namespace, kyverno: Path) -> Result:
    config = mesh.manifests.parent / "kyverno-library.hint2policy.yaml"
    config.write_text(config_text(hint_ids), encoding="utf-8")
    print(f"  {mesh.size:,} objects: kyverno apply (library) ...", file=sys.stderr, flush=True)
    library = harness.repeat(library_argv(kyverno, files, mesh.manifests), args.repeat, timeout=args.timeout)
    result = Result(mesh, library, summary(library))
    for engine in args.engines:
        print(f"  {mesh.size:,} objects: check --engine {engine} (covering hints) ...", file=sys.stderr, flush=True)
        argv = [*check_argv(engine, mesh.manifests), "--config", str(config)]
        result.checks[engine] = harness.repeat(argv, args.repeat, timeout=args.timeout)
    return result


def report(
    results: list[Result], mapping: dict[str, str], args: argparse.Namespace, info: dict[str, str], argv: list[str]
) -> str:
    sizes = [f"{r.mesh.size:,} objects" for r in results]
    rows = [["kyverno apply, library policies", *(r.library.cell() for r in results)]]
    rows += [[f"check --engine {e}, covering hints", *(r.checks[e].cell() for r in results)] for e in args.engines]
    ratios = [
        [f"check --engine {e} / kyverno apply", *(harness.relative(r.checks[e], r.library) for r in results)]
        for e in args.engines
    ]
    return "\n".join(
        [
            _heading(),
            "",
            "Command: `python -m benchmarks.kyverno_library " + " ".join(_shown(argv)) + "`",
            "",
            harness.machine_lines(info),
            "",
            harness.table(["Kyverno library policy", "covered by"], sorted(mapping.items())),
            "",
            harness.table(["", *sizes], rows),
            "",
            harness.table(["ratio (below 1.00x: hint2policy is faster)", *sizes], ratios),
            "",
            harness.table(["", *sizes], [["kyverno apply's own results", *(r.library_summary for r in results)]]),
            "",
        ]
    )


def _shown(argv: list[str]) -> list[str]:
    """argv as run, the checkout's path (a user's folder) shown as DIR."""
    shown = ["DIR" if i and argv[i - 1] == "--library" else a for i, a in enumerate(argv)]
    return ["--library=DIR" if a.startswith("--library=") else a for a in shown]


def _heading() -> str:
    return "## Kyverno's policy library (`kyverno apply`) vs `hint2policy check` with the covering hints"


def absent() -> str:
    return "\n".join(
        [
            _heading(),
            "",
            f"Not measured: no checkout of github.com/kyverno/policies (give --library DIR or set {ENV}).",
            "",
        ]
    )


def parser() -> argparse.ArgumentParser:
    p = harness.mesh_options(argparse.ArgumentParser(description=__doc__.splitlines()[0]), ENGINES)
    p.add_argument("--library", type=Path, default=os.environ.get(ENV), help=f"a checkout of kyverno/policies ({ENV})")
    return p


def run(argv: list[str]) -> str:
    args = parser().parse_args(argv)
    if args.library is None:
        return absent()
    from hint2policy.engines import toolchain

    mapping = covering()
    files, left_out = offline(policy_files(Path(args.library), sorted(mapping)))
    mapping = {f.stem: mapping[f.stem] for f in files}
    kyverno = toolchain.require("kyverno")
    info = harness.machine(["conftest", "kyverno"])
    hint_ids = sorted(set(mapping.values()))
    results = [measure(write_mesh(size, args.work), files, hint_ids, args, kyverno) for size in sorted(args.sizes)]
    text = report(results, mapping, args, info, argv)
    if left_out:
        names = ", ".join(f.stem for f in left_out)
        text += f"\nLeft out (an apiCall context needs a cluster, and `kyverno apply` without one panics): {names}.\n"
    return text


def main() -> None:
    harness.write_report(parser().parse_args().output, run(sys.argv[1:]))


if __name__ == "__main__":
    main()
