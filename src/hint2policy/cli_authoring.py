"""`hint2policy new` and `hint2policy explain`: write a hint of your own, read any hint.

The functions are plain Typer commands; cli.py registers them:
`app.command()(new)` and `app.command()(explain)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hint2policy import explain as explaining
from hint2policy import scaffold
from hint2policy.cli_tools import user_errors
from hint2policy.resources import default_hints_dir

NEW_HINTS_DIR = Path("hints")


@user_errors
def new(
    hint_id: Annotated[str, typer.Argument(metavar="ID", help="The hint's id: lower-case words joined by '-'.")],
    hints: Annotated[
        Path,
        typer.Option(
            "--hints", metavar="DIR", help="Your hints folder, from the working directory; the hint goes to DIR/ID."
        ),
    ] = NEW_HINTS_DIR,
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="The kind to check, as group/Kind (apps/Deployment; Service for the core group).",
        ),
    ] = scaffold.DEFAULT_KIND,
    category: Annotated[str, typer.Option("--category", help="A lower-case slug.")] = scaffold.DEFAULT_CATEGORY,
) -> None:
    """Scaffold a hint folder (spec, a pass and a fail fixture) that `hint2policy test` passes at once."""
    target = scaffold.target(hint_id, kind, category)
    if _same(hints, default_hints_dir()):
        # Checked before writing: the shipped catalog quotes its seed page verbatim (tests/test_provenance.py)
        typer.echo(
            f"note: {hints} is hint2policy's own catalog; its hints quote the Istio seed page verbatim. "
            "For your team's hints pass --hints DIR.",
            err=True,
        )
    folder = scaffold.create(target, hints)
    for relative in scaffold.render_files(target, hints):
        typer.echo(f"created {folder / relative}")
    typer.echo(f"next: edit {folder / 'hint.yaml'}, then run: hint2policy test {folder}")


@user_errors
def explain(
    hint_id: Annotated[str, typer.Argument(metavar="ID", help="The hint's id (see `hint2policy list`).")],
    hints: Annotated[
        list[Path] | None,
        typer.Option(
            "--hints",
            metavar="DIR",
            help="A folder of hints (repeatable). Default: the catalog shipped with hint2policy.",
        ),
    ] = None,
) -> None:
    """Show one hint: its quote, rationale, remediation, parameters, kinds and the policies it generates."""
    entry = explaining.find_entry(hint_id, hints or [default_hints_dir()])
    typer.echo(explaining.explain(entry), nl=False)


def _same(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()
