"""`hint2policy bundle`: write dist/, the policies packaged for the Gatekeeper, Kyverno or OPA users run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hint2policy import __version__
from hint2policy.bundle import archive_path, build_bundle, hint_ids, write_bundle
from hint2policy.cli_options import ConfigOption, HintsOption, configured, load_or_exit
from hint2policy.cli_tools import user_errors
from hint2policy.generate import build_tree


@user_errors
def bundle(
    hints: HintsOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the bundles.")] = Path("dist"),
    config: ConfigOption = None,
) -> None:
    """Package the policies for existing installs: an OPA bundle, Gatekeeper and Kyverno kustomizations."""
    settings, selected = configured(load_or_exit(hints), config)
    tree = build_tree(selected)
    files = build_bundle(tree, settings.data)
    changed = write_bundle(files, out)
    typer.echo(f"{out}: {len(hint_ids(tree))} hints, {len(files)} files written ({len(changed)} changed)")
    for path in (archive_path(__version__), "gatekeeper/kustomization.yaml", "kyverno/kustomization.yaml"):
        typer.echo(f"  {out / path}")
