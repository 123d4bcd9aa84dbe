"""The engines, in one table: every other list of engine names or targets is derived from it.

An engine has a runner name (what `hint2policy test` and audit call it), the
name `hint2policy check --engine` takes (users know Gatekeeper; its CLI is
gator), the generated/ folder it reads, a name for the docs and the pinned CLI
it runs (none for the embedded engine: rego-cpp, in-process, on conftest's Rego).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Engine:
    runner: str  # audit's and `hint2policy test`'s name
    option: str  # what `hint2policy check --engine` accepts
    target: str  # the folder of generated/ whose policies it loads
    display: str  # its name in the docs
    cli: str | None  # the pinned tool it runs (engines/versions.toml); None: in-process
    check_rank: int  # its place among check's --engine choices (the default first)


# In the order `hint2policy test` runs and reports them.
ENGINES: tuple[Engine, ...] = (
    Engine("conftest", "conftest", "conftest", "conftest", "conftest", 1),
    Engine("gator", "gatekeeper", "gatekeeper", "Gatekeeper", "gator", 3),
    Engine("kyverno", "kyverno", "kyverno", "Kyverno", "kyverno", 2),
    Engine("embedded", "embedded", "conftest", "embedded", None, 0),
)

RUNNERS: tuple[str, ...] = tuple(e.runner for e in ENGINES)
# the generated/ folders, one per target (the embedded engine reads conftest's)
TARGETS: tuple[str, ...] = tuple(dict.fromkeys(e.target for e in ENGINES))
# the engines as `hint2policy check --engine` names them, the default first
CHECK: tuple[Engine, ...] = tuple(sorted(ENGINES, key=lambda e: e.check_rank))
DEFAULT_CHECK = CHECK[0].option


def by_runner(runner: str) -> Engine:
    return next(e for e in ENGINES if e.runner == runner)


def by_option(option: str) -> Engine:
    return next(e for e in CHECK if e.option == option)


def target_display(target: str) -> str:
    """A generated/ target's name in the docs: that of the engine with a CLI that loads it."""
    return next(e.display for e in ENGINES if e.target == target and e.cli)


def file_targets(runners: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The targets the runners' CLIs read from files (the embedded engine renders its own Rego)."""
    return tuple(dict.fromkeys(e.target for e in ENGINES if e.runner in runners and e.cli))
