"""The pre-commit hooks and the GitHub Action call commands and options the CLI really has.

Both files are read as their tools read them (YAML); the Action's check step is
run with bash, as the runner runs it, against a stand-in and the real CLI.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from hint2policy.cli import app
from tests.conftest import REPO

HOOKS = REPO / ".pre-commit-hooks.yaml"
ACTION = REPO / "action.yml"
MANIFESTS = REPO / "tests" / "data" / "manifests"


@cache
def _cli() -> Any:
    """The CLI as its click-style command group (typer vendors click)."""
    return typer.main.get_command(app)


def _options(command: str) -> set[str]:
    registered = _cli().commands
    assert command in registered, f"'hint2policy {command}' is not a command (known: {', '.join(sorted(registered))})"
    return {opt for param in registered[command].params for opt in param.opts if opt.startswith("-")}


def _hooks() -> dict[str, dict[str, Any]]:
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    return {hook["id"]: hook for hook in hooks}


def _action() -> dict[str, Any]:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def _step(step_id: str) -> dict[str, Any]:
    return next(s for s in _action()["runs"]["steps"] if s.get("id") == step_id)


# -- pre-commit --------------------------------------------------------------------------


def test_hooks_have_the_manifest_fields() -> None:
    hooks = _hooks()
    assert set(hooks) == {"hint2policy-check", "hint2policy-test"}
    for hook in hooks.values():
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python"  # pre-commit pip-installs this repository


def test_hook_entries_are_cli_commands_with_real_options() -> None:
    scripts = _scripts()
    for hook in _hooks().values():
        program, command, *options = shlex.split(hook["entry"])
        assert program in scripts, f"{hook['id']}: {program} is not a console script of the package"
        assert set(options) <= _options(command), f"{hook['id']}: {options} not all options of {command}"


def test_check_hook_gets_every_manifest_in_one_run() -> None:
    hook = _hooks()["hint2policy-check"]
    files = re.compile(hook["files"])
    assert all(files.search(name) for name in ("a.yaml", "dir/b.yml", "c.json"))
    assert not any(files.search(name) for name in ("d.py", "yaml.txt", "e.yaml.bak"))
    assert hook.get("pass_filenames", True) is True
    assert hook["require_serial"] is True  # cross-resource hints need every file in one run


def test_test_hook_takes_the_hints_folder_from_args() -> None:
    hook = _hooks()["hint2policy-test"]
    assert hook["pass_filenames"] is False
    assert hook["entry"].endswith("--hints")  # args: [my-hints] completes the option


def _scripts() -> set[str]:
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return set(project["scripts"])


# -- GitHub Action -----------------------------------------------------------------------


def test_action_is_composite_and_every_input_is_used() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    steps_text = yaml.safe_dump(action["runs"]["steps"])
    used = set(re.findall(r"inputs\.([A-Za-z0-9_-]+)", steps_text))
    declared = set(action["inputs"])
    assert declared == {
        "paths",
        "engine",
        "config",
        "fail-on",
        "sarif-file",
        "upload-sarif",
        "python-version",
        "version",
    }
    assert used == declared, f"unused: {declared - used}, undeclared: {used - declared}"
    for step in action["runs"]["steps"]:
        if "run" in step:
            assert step.get("shell") == "bash", f"composite run steps need a shell: {step['name']}"
            assert "${{" not in step["run"], f"inputs reach scripts through env only: {step['name']}"


def test_action_defaults_match_the_cli() -> None:
    inputs = _action()["inputs"]
    assert inputs["engine"]["default"] == "embedded"
    assert inputs["fail-on"]["default"] == "deny"
    assert inputs["upload-sarif"]["default"] == "true"
    assert "--output" in _options("check")


def test_action_check_step_uses_real_check_options() -> None:
    script = _step("check")["run"]
    options = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", script))
    assert options, "the check step passes options"
    assert options <= _options("check"), f"not options of check: {options - _options('check')}"


def test_action_uploads_even_when_check_fails_then_exits_with_its_code() -> None:
    steps = _action()["runs"]["steps"]
    names = [s.get("uses", s.get("id", "")) for s in steps]
    upload = next(
        i for i, s in enumerate(steps) if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@")
    )
    check = names.index("check")
    assert check < upload < len(steps) - 1
    assert steps[upload]["uses"].endswith("@v3")
    assert "upload-sarif" in steps[upload]["if"]
    assert "success()" not in steps[upload]["if"]
    assert steps[upload]["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    assert "steps.check.outputs.exit-code" in yaml.safe_dump(steps[-1])


def _run_check_step(tmp_path: Path, path: str, **inputs: str) -> tuple[subprocess.CompletedProcess, dict[str, str]]:
    """The check step's script under bash -eo pipefail, as the runner runs a composite step."""
    output = tmp_path / "github-output"
    output.touch()
    env = {
        **os.environ,
        "PATH": path,
        "GITHUB_OUTPUT": str(output),
        "PATHS": inputs.get("paths", "."),
        "ENGINE": inputs.get("engine", "embedded"),
        "CONFIG": inputs.get("config", ""),
        "FAIL_ON": inputs.get("fail_on", "deny"),
        "SARIF_FILE": inputs.get("sarif_file", str(tmp_path / "report.sarif")),
    }
    script = tmp_path / "check.sh"
    script.write_text(_step("check")["run"], encoding="utf-8")
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    outputs = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines())
    return done, outputs


def test_check_step_records_a_failing_exit_code_and_keeps_the_report(tmp_path: Path) -> None:
    stand_in = tmp_path / "bin" / "hint2policy"
    stand_in.parent.mkdir()
    stand_in.write_text('#!/bin/sh\nprintf "%s\\n" "$@" > args.txt\necho \'{"version": "2.1.0"}\'\nexit 1\n')
    stand_in.chmod(0o755)
    done, outputs = _run_check_step(
        tmp_path,
        f"{stand_in.parent}{os.pathsep}{os.environ['PATH']}",
        paths="k8s/\nistio  extra.yaml",
        config="hint2policy.yaml",
        fail_on="warn",
    )
    assert done.returncode == 0, done.stderr  # the step records the code; the last step fails the job
    assert outputs == {"exit-code": "1", "written": "true"}
    args = (tmp_path / "args.txt").read_text().split()
    assert args == [
        "check",
        "--output",
        "sarif",
        "--engine",
        "embedded",
        "--fail-on",
        "warn",
        "--config",
        "hint2policy.yaml",
        "k8s/",
        "istio",
        "extra.yaml",
    ]
    assert json.loads((tmp_path / "report.sarif").read_text())["version"] == "2.1.0"


def test_check_step_runs_the_real_cli_and_writes_sarif(tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "hint2policy").is_file(), "hint2policy is installed next to the test's Python"
    done, outputs = _run_check_step(
        tmp_path, f"{bin_dir}{os.pathsep}{os.environ['PATH']}", paths=str(MANIFESTS / "bookinfo"), fail_on="never"
    )
    assert done.returncode == 0, done.stderr
    assert outputs["exit-code"] == "0", (tmp_path / "report.sarif").read_text()[:2000]
    sarif = json.loads((tmp_path / "report.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    assert "hint2policy" in sarif["runs"][0]["tool"]["driver"]["name"]


@pytest.mark.parametrize("name", ["paths", "engine", "config", "fail-on", "sarif-file", "python-version", "version"])
def test_action_inputs_are_described(name: str) -> None:
    spec = _action()["inputs"][name]
    assert spec["description"].strip()
    assert spec["required"] is False
