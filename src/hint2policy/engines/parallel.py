"""Run each engine in its own thread: they are separate processes, so they overlap fully."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from hint2policy.errors import Hint2PolicyError

T = TypeVar("T")


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
