"""Run each engine in its own thread (they are separate processes, so they overlap fully), and share
one engine's work out between processes side by side."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

from hint2policy.errors import Hint2PolicyError

T = TypeVar("T")
Item = TypeVar("Item")


class _Report(Protocol):
    def add(self, part: Any) -> None: ...


Report = TypeVar("Report", bound=_Report)

# An engine's evaluation keeps to one core: its work shared out, a process per core side by side
WORKERS = os.cpu_count() or 2


def run_engines(jobs: Mapping[str, Callable[[], T]], failed: Callable[[str, str], T]) -> dict[str, T]:
    """Each job's result by engine name; a job that raises a hint2policy error gives failed(name, error)."""

    def guarded(name: str, job: Callable[[], T]) -> T:
        try:
            return job()
        except Hint2PolicyError as exc:
            return failed(name, str(exc))

    with ThreadPoolExecutor(max_workers=max(1, len(jobs))) as pool:
        futures = {name: pool.submit(guarded, name, job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


def balanced(costs: Mapping[str, int], count: int) -> list[list[str]]:
    """The keys of costs in at most count groups of about equal cost, each sorted: the costliest first,
    each to the group that costs least so far (engine processes side by side finish together)."""
    groups: list[list[str]] = [[] for _ in range(max(1, min(count, len(costs))))]
    loads = [0] * len(groups)
    for key in sorted(costs, key=lambda k: (-costs[k], k)):
        lightest = loads.index(min(loads))
        groups[lightest].append(key)
        loads[lightest] += costs[key]
    return [sorted(group) for group in groups if group]


def side_by_side(job: Callable[[Item], T], items: Iterable[Item]) -> list[T]:
    """job on every item, WORKERS at a time (each job runs an engine process), results in the items' order."""
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(job, items))


def gathered(report: Report, job: Callable[[Item], Report], items: Iterable[Item]) -> Report:
    """report with what job said on each item added (an engine process per item, side by side), in order."""
    for part in side_by_side(job, items):
        report.add(part)
    return report
