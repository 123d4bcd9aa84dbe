"""`hint2policy check PATH...`: lint manifests with the catalog, in one engine, for people and for CI."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from hint2policy.check import ENGINES, run_check
from hint2policy.cli_options import ConfigOption, HintsOption, configured, load_or_exit
from hint2policy.cli_tools import user_errors
from hint2policy.engines.table import CHECK, DEFAULT_CHECK


class CheckOutput(StrEnum):
    table = "table"
    json = "json"
    junit = "junit"
    sarif = "sarif"
    github = "github"


class FailOnLevel(StrEnum):
    deny = "deny"
    warn = "warn"
    never = "never"


CheckEngine = StrEnum("CheckEngine", {name: name for name in ENGINES})  # check.ENGINES, from engines/table.py
DEFAULT_ENGINE = CheckEngine(DEFAULT_CHECK)
ENGINE_HELP = ", ".join(e.option + ("" if e.cli else " (in-process, no binaries)") for e in CHECK) + "."


@user_errors
def check(
    paths: Annotated[
        list[Path], typer.Argument(help="Manifest files or folders (recursive); '-' reads stdin.", show_default=False)
    ],
    hints: HintsOption = None,
    engine: Annotated[
        CheckEngine,
        typer.Option("--engine", "-e", help=ENGINE_HELP),
    ] = DEFAULT_ENGINE,
    output: Annotated[CheckOutput, typer.Option("--output", "-o", help="table, json, junit, sarif or github.")] = (
        CheckOutput.table
    ),
    report: Annotated[
        Path | None, typer.Option("--report", help="Also write the report (format of --output) here.")
    ] = None,
    config: ConfigOption = None,
    fail_on: Annotated[
        FailOnLevel, typer.Option("--fail-on", help="Exit 1 on findings at or above: deny, warn, or never.")
    ] = FailOnLevel.deny,
) -> None:
    """Check Kubernetes manifests against every hint: exit 0 clean, 1 findings at --fail-on, 2 input errors."""
    from hint2policy.report import findings as formats

    _, selected = configured(load_or_exit(hints, fixtures=False), config)
    run = run_check(selected, paths, str(engine), fail_on.value, progress=_progress())
    render = {
        CheckOutput.table: formats.table,
        CheckOutput.json: formats.to_json,
        CheckOutput.junit: formats.to_junit,
        CheckOutput.sarif: formats.to_sarif,
        CheckOutput.github: formats.to_github,
    }[output]
    text = render(run)
    typer.echo(text, nl=False)
    if report is not None:
        report.write_text(text, encoding="utf-8")
    if output is not CheckOutput.table:
        typer.echo(formats.summary(run), err=True)
    if run.engine_error and output is not CheckOutput.table:  # the table says it already
        typer.echo(f"error: {run.engine_error}", err=True)
    raise typer.Exit(code=run.exit_code)


def _progress():
    """Progress lines on a terminal; nothing in CI or when stderr is a file."""
    if os.environ.get("CI") or not sys.stderr.isatty():
        return None
    return lambda line: typer.echo(line, err=True)
