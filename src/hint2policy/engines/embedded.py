"""The embedded engine: the generated conftest Rego, evaluated by rego-cpp (regopy), a Python library.

It needs no Go and no engine binary, so `pip install hint2policy` is enough to
run `hint2policy check`. It reads exactly the Rego that conftest reads, with
the input conftest builds under `--combine` (a list of {path, contents}), and
`hint2policy test` holds it to the same verdicts as the three CLI engines.

Two rego-cpp limits shape this module:
- two packages that define rules of the same name make it report a false
  "cycle" (our hint libraries all have `_check_1`...), so each hint's package
  gets an interpreter of its own, with the common library;
- a crash in native code would take the process with it, so evaluation runs
  in worker processes (which also spreads the hints over the cores), and a
  dead worker is an engine error, never a clean result.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from hint2policy.catalog import Hint
from hint2policy.engines import regopy_worker
from hint2policy.engines.parallel import WORKERS
from hint2policy.engines.regopy_worker import Job, Module, Results
from hint2policy.engines.runner import memory_cap, timeout_cap
from hint2policy.engines.verdicts import CaseKey, EngineFindings, EngineReport, Finding
from hint2policy.errors import EngineError
from hint2policy.generate import common_path, conftest_path, library_path
from hint2policy.kube import group_kind
from hint2policy.render.escape import rego_str
from hint2policy.render.fixtures import Case
from hint2policy.render.rego import render_common, render_conftest, render_library

TIMEOUT = 600.0
SUBJECT, INVENTORY = "subject.yaml", "inventory.yaml"  # the paths of a scenario's documents


def modules(hints: Sequence[Hint], tree: dict[str, str] | None = None) -> dict[str, tuple[Module, ...]]:
    """The Rego modules of each hint, by hint id: common library, hint library, conftest entry.

    Taken from tree (generate.build_tree's output) when the caller has rendered it already.
    """
    if tree is not None:
        return {h.id: tuple((p, tree[p]) for p in (common_path(), library_path(h), conftest_path(h))) for h in hints}
    common = (common_path(), render_common())
    return {
        h.id: (common, (library_path(h), render_library(h.policy)), (conftest_path(h), render_conftest(h.policy)))
        for h in hints
    }


def package(hint: Hint) -> str:
    return f"hint2policy.{hint.policy.snake_id}"


def documents(objects: Sequence[tuple[str, dict[str, Any]]]) -> str:
    """The input conftest gives a --combine query (every document with the path it came from), as
    JSON text whose strings are spelled like the generated Rego's (see regopy_worker's docstring).
    Values pass through JSON first, as conftest's do: a YAML timestamp becomes its text."""
    return rego_json([{"path": path, "contents": json.loads(json.dumps(obj, default=str))} for path, obj in objects])


_PLAIN = re.compile(r"[ !#-\[\]-~]*")  # printable ASCII without a quote or a backslash: as it is


def rego_json(value: Any) -> str:
    """JSON text of value with every string escaped by rego_str, as the Rego literals are."""
    if isinstance(value, str):
        return f'"{value}"' if _PLAIN.fullmatch(value) else rego_str(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{rego_json(str(k))}:{rego_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(rego_json(v) for v in value) + "]"
    return json.dumps(value)


def evaluate(jobs: Sequence[Job], workers: int | None = None) -> dict[str, Results]:
    """Each job's results by hint id, evaluated in worker processes; raises EngineError when one fails.

    The whole evaluation gets TIMEOUT seconds (less under HINT2POLICY_ENGINE_TIMEOUT), like a CLI
    engine, and its workers together at most memory_cap() bytes.
    """
    if not jobs:
        return {}
    workers = max(1, min(workers or WORKERS, len(jobs)))
    chunks = [list(jobs[i::workers]) for i in range(workers)]
    context = multiprocessing.get_context("spawn")  # never fork: the caller may run threads
    timeout, cap = min(TIMEOUT, timeout_cap()), memory_cap()
    deadline = time.monotonic() + timeout
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        pending = {pool.submit(regopy_worker.run_chunk, chunk) for chunk in chunks}
        found: dict[str, Results] = {}
        while pending:
            done, pending = wait(pending, timeout=min(POLL, max(0.0, deadline - time.monotonic())))
            for future in done:
                found.update(future.result())
            if pending and time.monotonic() >= deadline:
                raise TimeoutError
            if pending and _resident(pool) > cap:
                _kill_workers(pool)
                raise EngineError(
                    f"embedded: the Rego evaluator used more than {cap // 2**20:,} MiB and was stopped "
                    f"(HINT2POLICY_ENGINE_MEMORY sets the cap); --engine conftest checks an input this large "
                    "in a fraction of the memory"
                )
        return found
    except BrokenProcessPool as exc:
        raise EngineError("embedded: the Rego evaluator (regopy) crashed; run another --engine to check") from exc
    except TimeoutError as exc:
        _kill_workers(pool)
        raise EngineError(f"embedded: evaluation did not finish within {timeout:g}s and was stopped") from exc
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


POLL = 0.5  # seconds between looks at the workers' memory


def _resident(pool: ProcessPoolExecutor) -> int:
    """The resident memory of the pool's workers together, in bytes (0 where /proc cannot tell)."""
    total = 0
    for process in _workers(pool):
        try:
            pages = int(Path(f"/proc/{process.pid}/statm").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            continue
        total += pages * os.sysconf("SC_PAGE_SIZE")
    return total


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """Stop workers that are still evaluating: shutdown() alone waits for a running job, however long.

    The executor has no public way to do it before Python 3.14 (terminate_workers)."""
    for process in _workers(pool):
        process.kill()


def _workers(pool: ProcessPoolExecutor) -> list[Any]:
    """The pool's live worker processes (a private attribute: no public way before Python 3.14)."""
    return list((getattr(pool, "_processes", None) or {}).values())


def judge(cases: dict[CaseKey, tuple[Hint, Case]], tree: dict[str, str] | None = None) -> EngineReport:
    """Verdicts for fixture cases: one query per single-resource hint, one per cross-resource scenario."""
    report = EngineReport("embedded")
    by_hint: dict[str, list[tuple[CaseKey, Case]]] = {}
    hints: dict[str, Hint] = {}
    for key, (hint, case) in cases.items():
        by_hint.setdefault(hint.id, []).append((key, case))
        hints[hint.id] = hint
    code = modules(list(hints.values()), tree)
    jobs = [_judge_job(hints[h], code[h], members) for h, members in by_hint.items()]
    try:
        found = evaluate(jobs)
    except EngineError as exc:
        report.error = str(exc)
        return report
    for hint_id, members in by_hint.items():
        scenarios = hints[hint_id].policy.cross_resource
        for index, (key, case) in enumerate(members):
            # a scenario is a query of its own, about its subject; the other cases share one, by case name
            results, path = (found[hint_id][index], SUBJECT) if scenarios else (found[hint_id][0], case.name)
            mine = [r for r in results if r.get("file") == path]
            report.verdicts[key] = "fail" if mine else "pass"
            if mine:
                report.details[key] = str(mine[0].get("msg", ""))
    return report


def _judge_job(hint: Hint, code: tuple[Module, ...], members: list[tuple[CaseKey, Case]]) -> Job:
    if hint.policy.cross_resource:
        inputs = tuple(
            documents([(SUBJECT, case.obj), *((INVENTORY, o) for o in case.inventory)]) for _, case in members
        )
    else:
        inputs = (documents([(case.name, case.obj) for _, case in members]),)
    return Job(hint.id, package(hint), code, inputs)


# rego-cpp reads a JSON array in time that grows faster than its length (5k items 0.4 s, 20k 5.3 s):
# a single-resource hint reads its documents in chunks of this many, which it may (each is judged alone).
CHUNK = 500


def _inputs_of(hint: Hint, objects: Sequence[dict[str, Any]]) -> tuple[str, ...]:
    """The documents a hint can read: of the kinds it reviews or relates to.

    rego-cpp's cost grows with its input, so each hint gets only these (as
    audit hands Kyverno a folder per set of kinds), a cross-resource hint all
    at once, the others in chunks; its Rego still selects by kind itself,
    exactly as in conftest.
    """
    mine = [(str(i), obj) for i, obj in enumerate(objects) if group_kind(obj) in hint.policy.read]
    size = len(mine) if hint.policy.cross_resource else CHUNK
    return tuple(documents(mine[i : i + size]) for i in range(0, len(mine), max(size, 1))) or (documents([]),)


def findings(hints: Sequence[Hint], objects: Sequence[dict[str, Any]]) -> EngineFindings:
    """Every hint's findings on the objects, evaluated together as conftest --combine would."""
    report = EngineFindings("embedded")
    code = modules(hints)
    try:
        found = evaluate([Job(h.id, package(h), code[h.id], _inputs_of(h, objects)) for h in hints])
    except EngineError as exc:
        report.error = str(exc)
        return report
    for hint in hints:
        for result in (r for chunk in found[hint.id] for r in chunk):
            report.findings.append(Finding.of(hint.id, result.get("resource"), result.get("msg")))
    return report
