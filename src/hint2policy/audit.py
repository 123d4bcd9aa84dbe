"""Run the generated policies of a catalog on a set of manifests, in each real engine.

The policies an engine loads are rendered into a temporary folder exactly as
`generate` writes them (without fixtures and test files; with the package
conftest queries for all of them at once). conftest reads every object from one
`kind: List` file, which the generated Rego flattens as it does for users; for
gator and Kyverno every object is written to its own file, in one folder per set
of hints that match it: gator reads them all at once, Kyverno a folder at a time
with the policies that match it.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hint2policy.catalog import Hint
from hint2policy.compile import ir
from hint2policy.engines import conftest, embedded, gator, kyverno
from hint2policy.engines.parallel import WORKERS, balanced, gathered, run_engines
from hint2policy.engines.table import RUNNERS, file_targets
from hint2policy.engines.verdicts import EngineFindings, Finding
from hint2policy.generate import build_policies, write_tree
from hint2policy.kube import group_kind
from hint2policy.load.manifests import Manifest
from hint2policy.render.fixtures import yaml_text
from hint2policy.render.kyverno import render_audit_test

ENGINES = RUNNERS


@dataclass
class AuditRun:
    engines: tuple[str, ...]
    reports: dict[str, EngineFindings]

    @property
    def errors(self) -> dict[str, str]:
        return {name: r.error for name, r in self.reports.items() if r.error}

    def findings(self, engine: str) -> list[Finding]:
        return self.reports[engine].findings


def audit(hints: Sequence[Hint], manifests: Sequence[Manifest], engines: Sequence[str] = ENGINES) -> AuditRun:
    """Every selected engine's findings for the hints' policies on the manifests."""
    with tempfile.TemporaryDirectory(prefix="hint2policy-audit-") as tmp:
        root, inputs, listed = Path(tmp) / "policies", Path(tmp) / "inputs", Path(tmp) / "objects.json"
        batches: dict[tuple[str, ...], Path] = {}
        targets = file_targets(tuple(engines))
        if targets:  # the CLI engines read files; the embedded engine renders its own Rego
            write_tree(build_policies(list(hints), targets, check="conftest" in engines), root)
        if "conftest" in engines:
            _write_list(manifests, listed)
        if {"gator", "kyverno"} & set(engines):
            single = [h for h in hints if not h.policy.cross_resource]
            batches = _write_inputs(single, manifests, inputs, as_yaml="kyverno" in engines)
        # the processes conftest and gator share the hints between (a count of every manifest's kind)
        groups = hint_groups(hints, manifests) if {"conftest", "gator"} & set(engines) else []
        jobs = {
            "conftest": lambda: conftest.findings(root, listed, [[h.policy.snake_id for h in g] for g in groups]),
            "gator": lambda: gator.findings(root, [[h.id for h in g] for g in groups], inputs),
            "kyverno": lambda: _kyverno(root, hints, manifests, batches),
            "embedded": lambda: embedded.findings(hints, [m.obj for m in manifests]),
        }
        reports = run_engines({e: jobs[e] for e in engines}, lambda name, error: EngineFindings(name, error=error))
    return AuditRun(tuple(engines), reports)


# Engine processes side by side at most: each parses the whole input and builds its own indexes
# (0.26 s and a copy of the input each for conftest at 10,000 objects), so past a few the copies cost more
# than they save. Two measured on a 2-core machine (BENCHMARKS.md, "Where it stands"); more were not.
MAX_PROCESSES = 4


def hint_groups(hints: Sequence[Hint], manifests: Sequence[Manifest], processes: int = 0) -> list[list[Hint]]:
    """The hints split into one group per engine process (conftest, gator), a process per core by default.

    One query or review at a time uses one core (and Go's collector a little of another). A hint's cost is
    about the objects it reads.
    """
    objects = Counter(group_kind(m.obj) for m in manifests)
    by_id = {h.id: h for h in hints}
    cost = {h.id: 1 + sum(objects[key] for key in h.policy.read) for h in hints}
    count = processes or min(WORKERS, MAX_PROCESSES)
    return [[by_id[hint_id] for hint_id in group] for group in balanced(cost, count)]


def _kyverno(
    root: Path, hints: Sequence[Hint], manifests: Sequence[Manifest], batches: dict[tuple[str, ...], Path]
) -> EngineFindings:
    """Single-resource policies through `kyverno apply`, cross-resource ones through `kyverno test`:
    one Test per set of policies that review a kind, split where names would clash."""
    report = kyverno.findings(root, [(f, list(b)) for b, f in batches.items() if b])
    related = [h.policy for h in hints if h.policy.cross_resource]
    if report.error or not related:
        return report
    reviewed = {key for p in related for key in p.reviewed}
    subjects, others = [], []
    for index, manifest in enumerate(manifests, 1):
        obj = manifest.obj
        if group_kind(obj) in reviewed:
            subjects.append((f"{index:06d}.yaml", obj))
        else:
            others.append(obj)
    if not subjects:
        return report
    kinds = {p.hint_id: {k.kind for k in p.kinds} for p in related}
    tests = [
        (policies, group) for policies, members in _by_policies(related, subjects) for group in _unique_names(members)
    ]
    test_dirs = []
    for number, (policies, group) in enumerate(tests, 1):
        # the others' subjects exist too: in the cluster, not under review in this Test
        reviewed_here = {id(obj) for _, obj in group}
        rest = others + [obj for _, obj in subjects if id(obj) not in reviewed_here]
        test_dirs.append(test_dir := root / f"kyverno-audit-{number}")
        for name, text in render_audit_test(policies, group, rest).items():
            (test_dir / name).parent.mkdir(parents=True, exist_ok=True)
            (test_dir / name).write_text(text, encoding="utf-8")
    more = gathered(EngineFindings("kyverno"), lambda test_dir: kyverno.test_findings(root, test_dir, kinds), test_dirs)
    report.findings += more.findings
    report.error = more.error
    return report


def _by_policies(
    policies: list[ir.Policy], subjects: list[tuple[str, dict]]
) -> list[tuple[list[ir.Policy], list[tuple[str, dict]]]]:
    """Subjects grouped by the policies that review their kind, each group with its policies.

    The Kyverno CLI compiles every ValidatingPolicy of a Test again for each resource it
    reviews, so a Test holds only the policies its resources need (a VirtualService meets
    3 of the 15 cross-resource policies, not all of them).
    """
    groups: dict[tuple[str, ...], tuple[list[ir.Policy], list[tuple[str, dict]]]] = {}
    for subject in subjects:
        kind = group_kind(subject[1])
        mine = [p for p in policies if kind in p.reviewed]
        groups.setdefault(tuple(p.hint_id for p in mine), (mine, []))[1].append(subject)
    return list(groups.values())


def _unique_names(subjects: list[tuple[str, dict]]) -> list[list[tuple[str, dict]]]:
    """Subjects split so that `kyverno test` cannot mistake one for another within a Test.

    `kyverno test` finds a result's resource by namespace/name, whatever its kind, and a
    namespace-less resource by name alone in any namespace. So two reviewed objects may share a
    Test unless they have one namespace and name, or one of them has no namespace and their names
    are equal. Objects named alike in different namespaces (app0 in every namespace of a mesh)
    share one Test: each `kyverno test` reloads every object of the cluster.
    """
    # per group: the namespace/name of each member, the names of all, the members
    groups: list[tuple[set[str], set[str], list[tuple[str, dict]]]] = []
    for subject in subjects:
        meta = subject[1]["metadata"]
        name, namespace = meta["name"], meta.get("namespace") or ""
        scoped = f"{namespace}/{name}"
        group = next((g for g in groups if not _clash(scoped, name, g[0], g[1])), None)
        if group is None:
            group = (set(), set(), [])
            groups.append(group)
        group[0].add(scoped)
        group[1].add(name)
        group[2].append(subject)
    return [members for *_, members in groups]


def _clash(scoped: str, name: str, scoped_names: set[str], names: set[str]) -> bool:
    if scoped.startswith("/"):  # no namespace: kyverno test reads the name in every namespace
        return name in names
    return scoped in scoped_names or f"/{name}" in scoped_names


def _write_list(manifests: Sequence[Manifest], path: Path) -> None:
    """Every object in one `kind: List` file: creating a file per object cost more than conftest's
    whole evaluation of them at 1,000 objects (0.7 ms a file here)."""
    items = [manifest.obj for manifest in manifests]
    path.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}, ensure_ascii=False), "utf-8")


def _write_inputs(
    hints: Sequence[Hint], manifests: Sequence[Manifest], root: Path, as_yaml: bool
) -> dict[tuple[str, ...], Path]:
    """One file per object, in one folder per set of hints that match it; returns the folders.

    JSON, which Python writes many times faster, unless Kyverno reads them: `kyverno apply`
    skips .json files in a folder.
    """
    folders: dict[tuple[str, ...], Path] = {}
    width = len(str(len(manifests)))
    for index, manifest in enumerate(manifests, 1):
        kind = group_kind(manifest.obj)
        batch = tuple(h.id for h in hints if kind in h.policy.reviewed)
        if batch not in folders:
            folders[batch] = root / f"{len(folders) + 1:03d}"
            folders[batch].mkdir(parents=True)
        name, text = (
            (f"{index:0{width}d}.yaml", yaml_text(manifest.obj))
            if as_yaml
            else (f"{index:0{width}d}.json", json.dumps(manifest.obj, ensure_ascii=False))
        )
        (folders[batch] / name).write_text(text, encoding="utf-8")
    return folders
