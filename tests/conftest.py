"""Shared fixtures: the repository, the catalog, and helpers to write throwaway hints."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hint2policy.cli import app
from hint2policy.engines import toolchain

REPO = Path(__file__).resolve().parent.parent
HINTS = REPO / "hints"
ENGINE_NAMES = ("conftest", "opa", "gator", "kyverno", "regal", "kustomize")


def missing_engines() -> list[str]:
    return [name for name in ENGINE_NAMES if not toolchain.locate(name).ok]


@pytest.fixture(scope="session")
def engines() -> None:
    """Skip (saying what to run) when the real engines are not installed."""
    missing = missing_engines()
    if missing:
        pytest.skip(f"engines not installed ({', '.join(missing)}): run 'make engines' or 'hint2policy tools install'")


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, *args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def hint_copy(tmp_path: Path):
    """Copy a catalog hint into a temporary hints folder and return its folder."""

    def copy(hint_id: str) -> Path:
        target = tmp_path / "hints" / hint_id
        shutil.copytree(HINTS / hint_id, target)
        return target

    return copy
