"""What the commands share: the --hints and --config options, loading the catalog, applying the configuration.

generate, bundle and check read one configuration, so what a cluster
enforces and what CI checks are the same.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from hint2policy.catalog import Catalog, Hint, load_catalog
from hint2policy.config import Config, load_config
from hint2policy.render.exemption import with_reason_policy
from hint2policy.resources import default_hints_dir

HintsOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--hints",
        help="A folder of hints (repeatable). Default: the catalog shipped with hint2policy.",
    ),
]

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="hint2policy.yaml to apply (default: ./hint2policy.yaml when present, else every hint as shipped).",
    ),
]


def load_or_exit(roots: list[Path] | None, *, fixtures: bool = True) -> Catalog:
    """The catalog under roots (default: the shipped one); every bad hint printed, then exit 2 if any.

    Commands that never read fixtures say so (fixtures=False) and do not pay for loading them."""
    catalog = load_catalog(roots or [default_hints_dir()], fixtures=fixtures)
    for error in catalog.errors:
        typer.echo(f"error: {error}", err=True)
    if catalog.errors:
        typer.echo(f"{len(catalog.errors)} hint(s) could not be loaded; fix them and run again", err=True)
        raise typer.Exit(code=2)
    return catalog


def configured(catalog: Catalog, path: Path | None) -> tuple[Config, list[Hint]]:
    """The configuration in force and the hints it selects, with its overrides applied,
    plus the policy that reports exemptions without a reason (render/exemption.py).

    Under a user's configuration the fixtures' verdicts no longer hold (an
    action, a parameter or a namespace may have changed), so the engine test
    files are rendered without them: the output is for installing.
    """
    config = load_config(path)
    hints = with_reason_policy(config.apply(catalog.hints, catalog.notes))
    if config.source is None:
        return config, hints
    typer.echo(f"configuration: {config.source} ({config.digest})", err=True)
    return config, [replace(h, fixtures=()) for h in hints]
