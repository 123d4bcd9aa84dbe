"""Run an engine binary: argument list only, no shell, always with a timeout."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from hint2policy.errors import EngineError

__all__ = ["Completed", "EngineError", "go_env", "memory_cap", "run", "timeout_cap"]


@dataclass(frozen=True)
class Completed:
    """A finished engine process."""

    argv: list[str]
    returncode: int
    stdout: str
    stderr: str
    duration: float


def run(
    argv: Sequence[str | os.PathLike[str]],
    *,
    timeout: float,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    input: str | None = None,
) -> Completed:
    """Run `argv` and capture its output; a non-zero exit status is not an error here.

    Every engine is a Go program: without an env of its own it runs with go_env().

    Raises EngineError when the binary cannot be executed or does not finish within
    `timeout` seconds (the error keeps whatever stderr was written until then).
    """
    args = [os.fspath(a) for a in argv]
    timeout = min(timeout, timeout_cap())
    if not args:
        raise EngineError("cannot run an empty command")
    tool = Path(args[0]).name
    started = time.monotonic()
    try:
        # A session of its own lets a timeout kill the whole process group, so that
        # grandchildren holding the pipes open cannot make us wait past the timeout.
        proc = subprocess.Popen(
            args,
            cwd=cwd,
            env=dict(env) if env is not None else go_env(),
            stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            encoding="utf-8",
            errors="replace",
            start_new_session=True,
        )
    except FileNotFoundError as exc:
        raise EngineError(f"cannot run {tool}: {_missing_reason(args[0], cwd, exc)}") from exc
    except OSError as exc:
        raise EngineError(f"cannot run {tool}: {exc.strerror or exc}") from exc

    try:
        stdout, stderr = proc.communicate(input=input, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        _, stderr = proc.communicate()
        raise EngineError(_timeout_message(tool, timeout, stderr), stderr=stderr) from None
    except BaseException:
        _kill_group(proc)
        proc.wait()
        raise
    return Completed(
        argv=args,
        returncode=proc.returncode,
        stdout=stdout,
        stderr=stderr,
        duration=time.monotonic() - started,
    )


# Go's collector at its default (GOGC=100) took about 40% of conftest's CPU on the 10,000-object mesh, and
# a quarter of the Kyverno CLI's and gator's: OPA and CEL allocate fast. Collecting at 5x the live heap,
# within a memory limit, buys most of that back (BENCHMARKS.md, "Where it stands").
GOGC = "400"


def go_env(processes: int = 1) -> dict[str, str]:
    """The environment of one of `processes` engine processes running side by side: GOGC, and the
    engines' memory budget (memory_cap) shared out as a soft Go memory limit. A user's own GOGC or
    GOMEMLIMIT stands."""
    env = dict(os.environ)
    env.setdefault("GOGC", GOGC)
    cap = memory_cap()
    if cap < 1 << 62:  # 1 << 62: the machine's memory is unknown
        env.setdefault("GOMEMLIMIT", f"{max(1, cap // processes // 2**20)}MiB")
    return env


def _missing_reason(program: str, cwd: str | os.PathLike[str] | None, exc: OSError) -> str:
    if cwd is not None and not Path(cwd).is_dir():
        return f"working directory {os.fspath(cwd)} does not exist"
    if os.sep in program:
        return f"{program} does not exist"
    return "not found on PATH"


def timeout_cap() -> float:
    """HINT2POLICY_ENGINE_TIMEOUT (seconds) caps every engine run: for CI budgets and for tests."""
    value = os.environ.get("HINT2POLICY_ENGINE_TIMEOUT", "")
    try:
        return float(value) if value and float(value) > 0 else float("inf")
    except ValueError:
        raise EngineError(f"HINT2POLICY_ENGINE_TIMEOUT must be a number of seconds, not {value!r}") from None


def memory_cap() -> int:
    """Bytes an engine's processes may hold together: HINT2POLICY_ENGINE_MEMORY (MiB), else half the machine's
    memory. The embedded engine stops its workers past it (rego-cpp's sets of objects grow fast: a worker passed
    18 GiB on 50,000 objects); the Go engines' processes share it out as their memory limit (go_env)."""
    value = os.environ.get("HINT2POLICY_ENGINE_MEMORY", "")
    if value:
        try:
            return int(float(value) * 2**20)
        except ValueError:
            raise EngineError(f"HINT2POLICY_ENGINE_MEMORY must be a number of MiB, not {value!r}") from None
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2
    except (ValueError, OSError, AttributeError):  # no sysconf for it: no cap
        return 1 << 62


def _timeout_message(tool: str, timeout: float, stderr: str) -> str:
    message = f"{tool} did not finish within {timeout:g}s and was stopped"
    last = _last_line(stderr)
    return f"{message} (last stderr line: {last})" if last else message


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _kill_group(proc: subprocess.Popen[str]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
