"""The hint2policy command line: generate, test, tools."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from hint2policy import __version__
from hint2policy.catalog import hint_folders
from hint2policy.cli_authoring import explain, new
from hint2policy.cli_bundle import bundle
from hint2policy.cli_check import check
from hint2policy.cli_options import ConfigOption, HintsOption, configured, load_or_exit
from hint2policy.cli_tools import tools_app, user_errors
from hint2policy.engines.table import RUNNERS, TARGETS
from hint2policy.generate import build_tree, check_tree, write_tree
from hint2policy.render.exemption import with_reason_policy
from hint2policy.resources import default_hints_dir
from hint2policy.testing import run_tests

app = typer.Typer(
    name="hint2policy",
    help="Compile operational Istio hints into conftest, Gatekeeper and Kyverno policies, proven by the real engines.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(tools_app, name="tools")


class Output(StrEnum):
    table = "table"
    json = "json"
    junit = "junit"


@app.command()
@user_errors
def generate(
    hints: HintsOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the generated tree.")] = Path("generated"),
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 naming every stale file.")] = False,
    config: ConfigOption = None,
) -> None:
    """Compile every hint into generated/: Rego for conftest, Gatekeeper and Kyverno policies, tests."""
    catalog = load_or_exit(hints)
    _, selected = configured(catalog, config)
    _write_or_check(build_tree(selected), out, check, "generate", f"{len(selected)} hints")


@app.command()
@user_errors
def docs(
    hints: HintsOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the docs.")] = Path("docs"),
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 naming every stale file.")] = False,
) -> None:
    """Write docs/catalog.md and one page per hint (enforced, planned and advisory)."""
    from hint2policy.render.docs import build_docs

    catalog = load_or_exit(hints)
    _write_or_check(build_docs(catalog), out, check, "docs", f"{len(catalog.entries())} hints")


def _write_or_check(tree: dict[str, str], out: Path, check: bool, command: str, what: str) -> None:
    drift = check_tree(tree, out) if check else write_tree(tree, out)
    if check and not drift.clean:
        for line in drift.lines():
            typer.echo(f"{out}/{line.split(': ', 1)[1]}: {line.split(':', 1)[0]}", err=True)
        typer.echo(f"{out} is stale: run 'hint2policy {command}'", err=True)
        raise typer.Exit(code=1)
    verb = "is up to date" if check else f"written ({len(drift.lines())} files changed)"
    typer.echo(f"{out}: {what}, {len(tree)} files {verb}")


@app.command("test")
@user_errors
def test_command(
    paths: Annotated[list[Path] | None, typer.Argument(help="Hint folders to test (default: every hint).")] = None,
    hints: HintsOption = None,
    engine: Annotated[
        list[str] | None,
        typer.Option("--engine", "-e", help=f"Engines to run (default: {', '.join(RUNNERS)})."),
    ] = None,
    output: Annotated[Output, typer.Option("--output", help="table, json or junit.")] = Output.table,
    report: Annotated[Path | None, typer.Option("--report", help="Also write the json/junit report here.")] = None,
) -> None:
    """Run conftest, gator, kyverno and the embedded engine on every fixture; fail on any wrong verdict."""
    from hint2policy.report import testrun

    engines = tuple(engine or RUNNERS)
    unknown = sorted(set(engines) - set(RUNNERS))
    if unknown:
        raise typer.BadParameter(f"unknown engine {unknown[0]!r} (known: {', '.join(RUNNERS)})", param_hint="--engine")
    roots = list(paths) if paths else (hints or [default_hints_dir()])
    hint_folders(roots)  # a missing folder is a usage error before any engine starts
    catalog = load_or_exit(roots)
    # the whole library includes the built-in policy on exemptions; a hint folder is tested alone
    run = run_tests(catalog.hints if paths else with_reason_policy(catalog.hints), engines)
    render = {
        Output.table: testrun.table,
        Output.json: testrun.to_json,
        Output.junit: testrun.to_junit,
    }[output]
    typer.echo(render(run), nl=False)
    if report is not None:
        writer = testrun.to_junit if report.suffix == ".xml" else testrun.to_json
        report.write_text(writer(run), encoding="utf-8")
    if output is not Output.table:
        typer.echo(testrun.summary(run), err=True)
    raise typer.Exit(code=0 if run.ok else 1)


class ListOutput(StrEnum):
    table = "table"
    json = "json"


@app.command("list")
@user_errors
def list_command(
    hints: HintsOption = None,
    category: Annotated[list[str] | None, typer.Option("--category", "-c", help="Only these categories.")] = None,
    severity: Annotated[list[str] | None, typer.Option("--severity", "-s", help="Only these severities.")] = None,
    engine: Annotated[
        list[str] | None, typer.Option("--engine", "-e", help="Only hints enforced in these engines.")
    ] = None,
    status: Annotated[
        list[str] | None, typer.Option("--status", help="Only enforced, planned or advisory hints.")
    ] = None,
    output: Annotated[ListOutput, typer.Option("--output", "-o", help="table or json.")] = ListOutput.table,
) -> None:
    """Print the catalog: every hint, enforced, planned or advisory, with filters."""
    from hint2policy.report import catalog as report

    _known("--engine", engine, TARGETS)
    _known("--severity", severity, ("low", "medium", "high", "critical"))
    _known("--status", status, ("enforced", "planned", "advisory"))
    catalog = load_or_exit(hints)
    entries = [
        e
        for e in catalog.entries()
        if (not category or e.spec["category"] in category)
        and (not severity or e.spec["severity"] in severity)
        and (not status or e.status in status)
        and (not engine or set(engine) <= set(report.engines_of(e)))
    ]
    typer.echo(report.table(entries) if output is ListOutput.table else report.to_json(entries), nl=False)


def _known(option: str, values: list[str] | None, known: tuple[str, ...]) -> None:
    unknown = sorted(set(values or ()) - set(known))
    if unknown:
        raise typer.BadParameter(f"unknown value {unknown[0]!r} (known: {', '.join(known)})", param_hint=option)


@app.command()
def version() -> None:
    """Print the hint2policy version."""
    typer.echo(__version__)


app.command("check")(check)
app.command()(bundle)
app.command()(new)
app.command()(explain)


def main() -> None:
    app()
