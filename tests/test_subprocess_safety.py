"""Engines run as argument lists: odd paths stay paths, and a broken engine is one error, never "clean".

Broken engines are small shell scripts in a fresh tools cache (HINT2POLICY_TOOLS_DIR),
as in test_toolchain.py; the runner's timeout is the engine module's TIMEOUT, lowered here.
"""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

from hint2policy.cli import app
from hint2policy.engines import toolchain
from tests.conftest import REPO

HOSTILE = REPO / "tests" / "data" / "hostile"
FINDING = "good-short-host"  # the ServiceEntry of hostile/good.yaml: a finding in every engine


def _script(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def _odd_tree(tmp_path: Path) -> list[Path]:
    """good.yaml under names an engine could take for options: a leading dash, spaces, a folder `-rf`."""
    root = tmp_path / "-rf" / "with space"
    root.mkdir(parents=True)
    good = (HOSTILE / "good.yaml").read_text()
    files = [root / "-x.yaml", root / "--foo.yaml", root / "a b.yaml"]
    for number, file in enumerate(files):
        file.write_text(good.replace(FINDING, f"{FINDING}-{number}"))
    return files


def _invoke(cli, monkeypatch: pytest.MonkeyPatch, cwd: Path, *args: str):
    monkeypatch.chdir(cwd)
    return cli.invoke(app, list(args), catch_exceptions=False)


@pytest.mark.engines
@pytest.mark.parametrize("engine", ["embedded", "conftest", "kyverno", "gatekeeper"])
def test_paths_with_dashes_and_spaces_are_checked(engines, cli, monkeypatch, tmp_path: Path, engine: str) -> None:
    files = _odd_tree(tmp_path)
    # relative paths starting with a dash, as a user would type them after `--`
    relative = [str(f.relative_to(tmp_path)) for f in files]
    result = _invoke(cli, monkeypatch, tmp_path, "check", "--engine", engine, "--", *relative)
    assert result.exit_code == 1, result.output
    for number in range(len(files)):
        assert f"{FINDING}-{number}" in result.stdout
    assert "error:" not in result.output


@pytest.mark.engines
def test_test_command_reads_hints_under_a_dash_folder(engines, cli, monkeypatch, tmp_path: Path) -> None:
    hints = tmp_path / "-rf" / "my hints"
    shutil.copytree(REPO / "tests" / "data" / "hints" / "any-mixed-args", hints / "any-mixed-args")
    result = _invoke(cli, monkeypatch, tmp_path, "test", "--hints", "-rf/my hints", "--engine", "conftest")
    assert result.exit_code == 0, result.output
    assert "any-mixed-args" in result.stdout


# --- broken engines -------------------------------------------------------------------------------


@pytest.fixture
def tools(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty tools cache and a PATH with no engine; returns the cache."""
    cache = tmp_path / "tools"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for util in ("sleep", "cat", "head"):
        (bin_dir / util).symlink_to(shutil.which(util))
    monkeypatch.setenv("HINT2POLICY_TOOLS_DIR", str(cache))
    monkeypatch.setenv("PATH", str(bin_dir))
    return cache


def _cached(cache: Path, name: str) -> Path:
    spec = toolchain.specs()[name]
    return cache / f"{name}-{spec.version}" / spec.binary


BROKEN = {
    # sleeps past the (lowered) timeout
    "hangs": "sleep 600\n",
    # a segfault's exit status, with garbage on stdout
    "crashes": "head -c 300 /dev/urandom 2>/dev/null; echo '{not json'; exit 139\n",
    # exits 0 with nothing: the wrong "clean"
    "silent": "exit 0\n",
    # prints a report of no failures without having read anything
    "lies": "echo '[]'; exit 0\n",
}


def _one_error_line(result) -> str:
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]  # stderr is mixed in
    assert len(errors) == 1, result.output
    return errors[0]


@pytest.mark.parametrize(
    ("engine", "behaviour"),
    [
        *((e, b) for e in ("conftest", "kyverno", "gatekeeper") for b in ("hangs", "crashes")),
        ("conftest", "silent"),
        ("kyverno", "silent"),
        ("gatekeeper", "silent"),
    ],
)
def test_a_broken_engine_is_one_error_and_exit_2(cli, tools, monkeypatch, engine: str, behaviour: str) -> None:
    binary = {"conftest": "conftest", "kyverno": "kyverno", "gatekeeper": "gator"}[engine]
    _script(_cached(tools, binary), BROKEN[behaviour])
    monkeypatch.setenv("HINT2POLICY_ENGINE_TIMEOUT", "2")
    result = cli.invoke(app, ["check", "--engine", engine, str(HOSTILE / "good.yaml")])
    line = _one_error_line(result)
    assert result.exit_code == 2, result.output
    if behaviour == "hangs":
        assert "did not finish within 2s" in line


def test_an_engine_that_reports_nothing_for_files_it_never_read_is_not_clean(cli, tools) -> None:
    _script(_cached(tools, "conftest"), BROKEN["lies"])
    result = cli.invoke(app, ["check", "--engine", "conftest", str(HOSTILE / "good.yaml")])
    assert result.exit_code == 2, result.output


@pytest.mark.parametrize("engine", ["conftest", "kyverno", "gatekeeper"])
def test_an_engine_of_another_version_on_path_is_refused(cli, tools, tmp_path: Path, engine: str) -> None:
    binary = {"conftest": "conftest", "kyverno": "kyverno", "gatekeeper": "gator"}[engine]
    version = {"conftest": "Conftest: 0.50.0\n", "kyverno": "Version: v1.10.0\n", "gatekeeper": "GitVersion: v3.1.0\n"}
    _script(tmp_path / "bin" / binary, f"cat <<'EOF'\n{version[engine]}EOF\n")
    result = cli.invoke(app, ["check", "--engine", engine, str(HOSTILE / "good.yaml")])
    line = _one_error_line(result)
    assert result.exit_code == 2, result.output
    assert "is not installed" in line and "tools install" in line
