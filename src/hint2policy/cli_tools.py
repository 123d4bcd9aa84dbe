"""`hint2policy tools ...`: install the pinned engines and show where they are."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, ParamSpec, TypeVar

import typer

from hint2policy.engines import toolchain
from hint2policy.engines.toolchain import Tool
from hint2policy.errors import Hint2PolicyError

tools_app = typer.Typer(
    name="tools",
    help="Install and inspect the pinned engines (conftest, opa, regal, gator, kyverno) and kustomize.",
    no_args_is_help=True,
)

P = ParamSpec("P")
R = TypeVar("R")


def user_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Print a Hint2PolicyError as `error: ...` on stderr and exit 2, without a traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except Hint2PolicyError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(code=2) from None

    return wrapper


@tools_app.command("install")
@user_errors
def install_command(
    names: Annotated[
        list[str] | None,
        typer.Argument(help="Engines to install (default: all).", show_default=False),
    ] = None,
) -> None:
    """Build the missing engines with Go into the tools cache."""
    tools = toolchain.install(names, progress=lambda line: typer.echo(line, err=True))
    _report(tools)


@tools_app.command("status")
@user_errors
def status_command() -> None:
    """Show each engine's pinned and found version and where it is."""
    _report(toolchain.status())


def _report(tools: list[Tool]) -> None:
    typer.echo(format_table(tools))
    typer.echo(f"tools cache: {toolchain.cache_dir()}")
    missing = [t.name for t in tools if not t.ok]
    if missing:
        typer.echo(f"missing: {', '.join(missing)}: run 'hint2policy tools install'")
        raise typer.Exit(code=1)


def format_table(tools: list[Tool]) -> str:
    header = ("ENGINE", "PINNED", "FOUND", "SOURCE", "PATH")
    rows = [header, *(_row(t) for t in tools)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    return "\n".join(
        "  ".join([*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[-1]]).rstrip() for row in rows
    )


def _row(tool: Tool) -> tuple[str, str, str, str, str]:
    found = tool.found_version or "-"
    if tool.ok:
        return (tool.name, tool.version, found, tool.source or "-", str(tool.path))
    if tool.rejected is not None:
        why = "wrong version" if tool.found_version else "version unknown"
        return (tool.name, tool.version, found, f"PATH ({why}, unused)", str(tool.rejected))
    return (tool.name, tool.version, "-", "missing", "-")
