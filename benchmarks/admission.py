"""Benchmark: admission cost per object, for each hint's Rego (`opa bench`) and Gatekeeper template (`gator bench`).

The policies are rendered into a temporary folder exactly as `generate` writes
them. The object under review is the hint's first fail fixture (else its first
fixture). A single-resource hint is queried as conftest does
(`data.hint2policy.<pkg>.<deny|warn>`, the object as input); a cross-resource
hint as Gatekeeper does at admission (`data.lib.hint2policy.<pkg>.violations(input)`,
the related objects in `data.inventory`), with an inventory of INVENTORY objects
from benchmarks/meshgen.py plus the fixture's own. `gator bench` reviews the
object with the template and constraint (and, for a cross-resource hint, the
same inventory, which it loads as referential data and also reviews: its
percentiles are over every review). Goal: p99 under 1 ms per object for
single-resource hints, under 5 ms against a 10,000-object inventory.

Each row also gives a floor, the same benchmark without the hint's policy: for
opa, a query that only reads metadata.name of the object under review and, for a
cross-resource hint, of every inventory object of the kinds the hint relates
(through the same references into data.inventory: a review that must look at each
of them cannot cost less, as Gatekeeper keeps no index between reviews); for
gator, a template that only reads metadata.name, under a Constraint with the
hint's match: what gator's review of an object costs before any policy logic.

    python -m benchmarks.admission --inventory 10000
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from benchmarks import harness
from benchmarks.harness import DEFAULT_TIMEOUT
from benchmarks.meshgen import generate

SINGLE_GOAL_MS, CROSS_GOAL_MS = 1.0, 5.0
INVENTORY = 10_000


@dataclass
class Cost:
    hint: str
    cross: bool
    engine: str  # opa or gator
    p50_ms: float | None = None
    p99_ms: float | None = None
    reviews: int = 0
    error: str = ""
    floor_p50_ms: float | None = None  # reading every related object once (opa, cross-resource)
    floor_p99_ms: float | None = None

    @property
    def goal_ms(self) -> float:
        return CROSS_GOAL_MS if self.cross else SINGLE_GOAL_MS

    @property
    def missed(self) -> bool:
        return self.p99_ms is None or self.p99_ms >= self.goal_ms


def subject(hint: Any) -> tuple[dict, tuple[dict, ...]]:
    """The object under review and what its fixture says exists: the first fail case, else the first."""
    from hint2policy.render.fixtures import cases

    found = cases(hint)
    case = next((c for c in found if c.verdict == "fail"), found[0])
    return case.obj, case.inventory


def inventory_data(objects: list[dict]) -> dict:
    """Objects laid out as Gatekeeper replicates them: data.inventory.{namespace,cluster}."""
    namespaced: dict = {}
    cluster: dict = {}
    for obj in objects:
        meta = obj.get("metadata") or {}
        api, kind, name = obj.get("apiVersion", ""), obj.get("kind", ""), meta.get("name", "")
        where = namespaced.setdefault(meta["namespace"], {}) if meta.get("namespace") else cluster
        where.setdefault(api, {}).setdefault(kind, {})[name] = obj
    return {"inventory": {"namespace": namespaced, "cluster": cluster}}


def opa_cost(opa: Path, policy: Path, hint: Any, work: Path, mesh: list[dict], timeout: float) -> Cost:
    cross = hint.policy.cross_resource
    obj, fixture_inventory = subject(hint)
    cost = Cost(hint.id, cross, "opa")
    folder = work / "opa" / hint.id
    folder.mkdir(parents=True)
    (folder / "input.json").write_text(json.dumps(obj, default=str), encoding="utf-8")
    argv = [str(opa), "bench", "--fail=false", "-f", "json", "-d", str(policy), "-i", str(folder / "input.json")]
    if cross:
        data = inventory_data([*mesh, *fixture_inventory])
        (folder / "inventory.json").write_text(json.dumps(data, default=str), encoding="utf-8")
        args = "input, {}" if _takes_overrides(policy, hint) else "input"  # parameters: their defaults
        argv += [
            "-d",
            str(folder / "inventory.json"),
            f"data.lib.hint2policy.{hint.policy.snake_id}.violations({args})",
        ]
    else:
        argv += [f"data.hint2policy.{hint.policy.snake_id}.{hint.policy.action}"]
    _bench(cost, argv, timeout)
    if not cost.error:
        floor = Cost(hint.id, cross, "opa")
        related = read_floor_query(hint.policy.related_kinds, data) if cross else "0"
        _bench(floor, [*argv[:-1], f'count([1 | input.metadata.name == ""]) + {related}'], timeout)
        cost.floor_p50_ms, cost.floor_p99_ms = floor.p50_ms, floor.p99_ms
    return cost


def _bench(cost: Cost, argv: list[str], timeout: float) -> None:
    """cost's percentiles from `opa bench -f json` argv, or why there are none."""

    def read(stdout: str) -> tuple[float, float, int]:
        extra = json.loads(stdout)["Extra"]
        prefix = "histogram_timer_rego_query_eval_ns_"
        return extra[prefix + "median"] / 1e6, extra[prefix + "99%"] / 1e6, int(extra[prefix + "count"])

    _measure(cost, argv, timeout, read)


def _measure(cost: Cost, argv: list[str], timeout: float, read: Callable[[str], tuple[float, float, int]]) -> None:
    """Run a benchmark CLI and set cost's p50, p99 and reviews from read(stdout), or why there are none."""
    run = harness.run_measured(argv, timeout=timeout)
    if run.timed_out:
        cost.error = f">{timeout:g} s"
        return
    try:
        cost.p50_ms, cost.p99_ms, cost.reviews = read(run.stdout)
    except (ValueError, KeyError, IndexError, TypeError):  # json.JSONDecodeError is a ValueError
        cost.error = f"exit {run.returncode}: {(run.stderr or run.stdout).strip()[-200:]}"


def read_floor_query(kinds: Any, data: dict) -> str:
    """A query reading metadata.name of every inventory object of kinds (ir.Kind), one reference per
    apiVersion present, as the generated policies read them: the least a review that looks at each costs."""
    inventory = data["inventory"]
    versions = {v for ns in inventory["namespace"].values() for v in ns} | set(inventory["cluster"])
    reads = []
    for kind in kinds:
        for version in sorted(v for v in versions if v.rpartition("/")[0] == kind.group):
            for where in ("namespace[_]", "cluster"):
                ref = f"data.inventory.{where}[{json.dumps(version)}][{json.dumps(kind.kind)}][_]"
                reads.append(f'count([o | o := {ref}; o.metadata.name == ""])')
    return " + ".join(reads) or "0"


def _takes_overrides(policy: Path, hint: Any) -> bool:
    """Whether the hint library's violations() takes the parameter overrides after the subject."""
    lib = (policy / "lib" / "hint2policy" / hint.policy.snake_id / "lib.rego").read_text(encoding="utf-8")
    return re.search(r"^violations\(\w+, \w+\)", lib, re.MULTILINE) is not None


def gator_cost(
    gator: Path, policies: Path, hint: Any, work: Path, mesh: list[dict], iterations: int, timeout: float
) -> Cost:
    cross = hint.policy.cross_resource
    obj, fixture_inventory = subject(hint)
    cost = Cost(hint.id, cross, "gator")
    folder = work / "gator" / hint.id
    folder.mkdir(parents=True)
    for name in ("template.yaml", "constraint.yaml"):
        (folder / name).write_bytes((policies / "gatekeeper" / hint.id / name).read_bytes())
    objects = [obj, *fixture_inventory, *(mesh if cross else [])]
    (folder / "objects.yaml").write_text(yaml.safe_dump_all(objects, sort_keys=False), encoding="utf-8")
    argv = [str(gator), "bench", "-e", "rego", "-o", "json", "-n", str(1 if cross else iterations), "-f"]
    _gator_bench(cost, [*argv, str(folder)], timeout)
    if not cost.error:
        floor = Cost(hint.id, cross, "gator")
        _gator_bench(floor, [*argv, str(_gator_floor(folder))], timeout)
        cost.floor_p50_ms, cost.floor_p99_ms = floor.p50_ms, floor.p99_ms
    return cost


def _gator_bench(cost: Cost, argv: list[str], timeout: float) -> None:
    """cost's percentiles from `gator bench -o json` argv, or why there are none."""

    def read(stdout: str) -> tuple[float, float, int]:
        result = json.loads(stdout[stdout.index("[") :])[0]
        latencies = result["latencies"]
        return duration_ms(latencies["p50"]), duration_ms(latencies["p99"]), int(result.get("totalReviews", 0))

    _measure(cost, argv, timeout, read)


FLOOR_KIND = "H2pReadFloor"
FLOOR_TEMPLATE = f"""apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: {FLOOR_KIND.lower()}
spec:
  crd:
    spec:
      names:
        kind: {FLOOR_KIND}
  targets:
    - target: admission.k8s.gatekeeper.sh
      code:
        - engine: Rego
          source:
            version: "v1"
            rego: |
              package {FLOOR_KIND.lower()}

              violation contains {{"msg": "unnamed"}} if input.review.object.metadata.name == ""
"""


def _gator_floor(folder: Path) -> Path:
    """A copy of folder (a hint's template, constraint and objects) whose template only reads metadata.name."""
    floor = folder.with_name(folder.name + "-floor")
    floor.mkdir()
    constraint = yaml.safe_load((folder / "constraint.yaml").read_text(encoding="utf-8"))
    constraint["kind"] = FLOOR_KIND
    constraint["spec"].pop("parameters", None)
    (floor / "constraint.yaml").write_text(yaml.safe_dump(constraint, sort_keys=False), encoding="utf-8")
    (floor / "template.yaml").write_text(FLOOR_TEMPLATE, encoding="utf-8")
    (floor / "objects.yaml").write_bytes((folder / "objects.yaml").read_bytes())
    return floor


_UNITS = {"ns": 1e-6, "µs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def duration_ms(text: str) -> float:
    """A Go duration (`1.5ms`, `748.603µs`, `1m2.5s`) in milliseconds."""
    parts = re.findall(r"([0-9.]+)(ns|µs|us|ms|s|m|h)", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"not a Go duration: {text!r}")
    return sum(float(number) * _UNITS[unit] for number, unit in parts)


def run(argv: list[str]) -> str:
    args = parser().parse_args(argv)
    from hint2policy.catalog import load_catalog
    from hint2policy.engines import toolchain
    from hint2policy.generate import build_tree, write_tree

    info = harness.machine(["opa", "gator"])
    hints = load_catalog([harness.HINTS]).hints
    if args.hint:
        hints = [h for h in hints if h.id in args.hint]
    mesh = generate(args.inventory, 0.05, seed=1).objects
    costs: list[Cost] = []
    with tempfile.TemporaryDirectory(prefix="hint2policy-admission-") as tmp:
        root = Path(tmp) / "policies"
        write_tree(build_tree(list(hints)), root)
        opa = toolchain.require("opa")
        gator = None if args.no_gator else toolchain.require("gator")  # --no-gator runs without it
        for hint in hints:
            print(f"  {hint.id} ...", file=sys.stderr, flush=True)
            costs.append(opa_cost(opa, root / "conftest" / "policy", hint, Path(tmp), mesh, args.timeout))
            if gator is not None:
                costs.append(gator_cost(gator, root, hint, Path(tmp), mesh, args.iterations, args.timeout))
    return report(costs, info, argv, args.inventory)


def report(costs: list[Cost], info: dict[str, str], argv: list[str], inventory: int) -> str:
    def cell(value: float | None) -> str:
        return f"{value:.3f}" if value is not None else "-"

    rows = [
        [
            c.hint,
            "cross-resource" if c.cross else "single",
            c.engine,
            cell(c.p50_ms),
            cell(c.p99_ms) + (f" ({c.error})" if c.error else ""),
            f"{c.goal_ms:g}",
            str(c.reviews),
            "missed" if c.missed else "met",
            f"{cell(c.floor_p50_ms)} / {cell(c.floor_p99_ms)}" if c.floor_p99_ms is not None else "-",
        ]
        for c in costs
    ]
    missed = [c for c in costs if c.missed]
    lines = [
        "## Admission cost per object (`opa bench`, `gator bench`)",
        "",
        "Command: `python -m benchmarks." + " ".join(["admission", *argv]) + "`",
        "",
        harness.machine_lines(info),
        "",
        f"Cross-resource hints: {inventory:,} inventory objects from `benchmarks/meshgen.py` (seed 1) in "
        "`data.inventory`; gator bench reviews them too, so its percentiles for those hints are over every review. "
        "Floor: the same benchmark without the hint's policy, reading only metadata.name of the object under "
        "review (opa: and of every inventory object of the kinds a cross-resource hint relates; gator: a "
        "template under a Constraint with the hint's match), the least a review costs in that engine.",
        "",
        harness.table(
            [
                "hint",
                "kind of hint",
                "engine",
                "p50 ms",
                "p99 ms",
                "goal ms",
                "reviews",
                "goal",
                "floor p50 / p99 ms",
            ],
            rows,
        ),
        "",
        f"Missed: {len(missed)} of {len(costs)}"
        + (": " + ", ".join(f"{c.hint} ({c.engine})" for c in missed) if missed else ""),
    ]
    return "\n".join(lines) + "\n"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--inventory", type=int, default=INVENTORY, help="objects in the inventory of cross-resource hints")
    p.add_argument("--iterations", type=int, default=1000, help="gator bench iterations (single-resource hints)")
    p.add_argument("--hint", action="append", help="only this hint (repeatable)")
    p.add_argument("--no-gator", action="store_true")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    p.add_argument("--output", type=Path, help="write the markdown here (default: stdout)")
    return p


def main() -> None:
    harness.write_report(parser().parse_args().output, run(sys.argv[1:]))


if __name__ == "__main__":
    main()
