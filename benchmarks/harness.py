"""What the benchmarks share: timing a command with its peak memory, the machine, and the report's cells.

A command runs in a session of its own with its output in files. Its wall time
is measured from start to exit; its memory twice:
- `max_rss`: the largest resident set of any single process of the tree that
  was waited for (the kernel's ru_maxrss of the child, which covers the
  descendants it reaped: the engine binaries hint2policy runs);
- `tree_rss`: the largest sum of the resident sets of every live process of
  the tree, sampled from /proc every SAMPLE_SECONDS (shared pages count once
  per process, and a peak shorter than the interval can be missed).
A run that outlives its timeout is stopped (the whole tree, engines included)
and reported as a figure, `>900 s`, never dropped.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HINTS = ROOT / "hints"
DEFAULT_TIMEOUT = 900.0
SAMPLE_SECONDS = 0.2
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass
class Run:
    """One measured command."""

    argv: list[str]
    seconds: float
    returncode: int | None  # None: stopped at the timeout
    max_rss: int  # bytes, largest single process
    tree_rss: int  # bytes, largest sampled sum over the tree
    stdout: str = ""
    stderr: str = ""

    @property
    def timed_out(self) -> bool:
        return self.returncode is None


@dataclass
class Figure:
    """The median of repeated runs of one command; a timeout in any run makes the figure a timeout."""

    runs: list[Run] = field(default_factory=list)
    timeout: float = DEFAULT_TIMEOUT

    @property
    def timed_out(self) -> bool:
        return any(r.timed_out for r in self.runs)

    @property
    def seconds(self) -> float | None:
        if not self.runs or self.timed_out:
            return None
        return statistics.median(r.seconds for r in self.runs)

    @property
    def max_rss(self) -> int:
        return max((r.max_rss for r in self.runs), default=0)

    @property
    def tree_rss(self) -> int:
        return max((r.tree_rss for r in self.runs), default=0)

    def cell(self) -> str:
        return seconds_cell(self.seconds, self.timeout, [r.seconds for r in self.runs], self.timed_out)


def run_measured(
    argv: Sequence[str | os.PathLike[str]],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    keep_output: bool = True,
) -> Run:
    """Run argv to its end (or its timeout); wall time, exit code and peak memory of its process tree."""
    args = [os.fspath(a) for a in argv]
    out_dir = Path(os.environ.get("TMPDIR", "/tmp"))
    with (
        _scratch(out_dir, "stdout") as out,
        _scratch(out_dir, "stderr") as err,
    ):
        started = time.monotonic()
        proc = subprocess.Popen(
            args,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        watch = _Watch(proc.pid, started, timeout)
        watch.start()
        # a blocking wait: the exit is seen at once, whatever the sampling interval
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.monotonic() - started
        watch.stop.set()
        watch.join()
        # reaped here, not by Popen: tell it, so that it never waits for the pid again
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace") if keep_output else ""
        stderr = err.read().decode("utf-8", "replace")
    returncode = None if watch.killed else proc.returncode
    max_rss = usage.ru_maxrss * 1024  # Linux reports KiB
    return Run(args, seconds, returncode, max_rss, max(watch.tree_rss, max_rss), stdout, stderr[-4000:])


class _Watch(threading.Thread):
    """Samples the tree's memory every SAMPLE_SECONDS, and stops the tree at the timeout."""

    def __init__(self, pid: int, started: float, timeout: float) -> None:
        super().__init__(daemon=True)
        self.pid, self.started, self.timeout = pid, started, timeout
        self.stop = threading.Event()
        self.tree_rss = 0
        self.killed = False

    def run(self) -> None:
        while not self.stop.is_set():
            left = self.timeout - (time.monotonic() - self.started)
            if left <= 0:
                self.killed = True
                _kill_tree(self.pid)
                return
            self.tree_rss = max(self.tree_rss, _tree_rss(self.pid))
            self.stop.wait(min(SAMPLE_SECONDS, left))


def repeat(argv: Sequence[str | os.PathLike[str]], times: int, **kwargs) -> Figure:
    """`times` runs (stopping after a timeout: the next would time out too); their median."""
    figure = Figure(timeout=kwargs.get("timeout", DEFAULT_TIMEOUT))
    for _ in range(times):
        figure.runs.append(run_measured(argv, **kwargs))
        if figure.runs[-1].timed_out:
            break
    return figure


def _scratch(folder: Path, what: str):
    import tempfile

    return tempfile.TemporaryFile(prefix=f"bench-{what}-", dir=folder)


# --- the process tree ----------------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    """Every live process's children, from /proc/<pid>/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # the command name (field 2) may hold spaces and parentheses: split after its last ')'
        fields = stat[stat.rfind(b")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def descendants(pid: int) -> list[int]:
    """pid and every live process below it (engines run in sessions of their own: ppid, not pgid)."""
    children, found, todo = _children(), [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _tree_rss(pid: int) -> int:
    total = 0
    for member in descendants(pid):
        try:
            with open(f"/proc/{member}/statm", "rb") as f:
                total += int(f.read().split()[1]) * _PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total


def _kill_tree(pid: int) -> None:
    """SIGKILL pid and its descendants (they may have left its process group)."""
    for member in reversed(descendants(pid)):
        try:
            os.kill(member, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            continue


# --- cells of the report -------------------------------------------------------------------------


def seconds_cell(median: float | None, timeout: float, runs: Sequence[float] = (), timed_out: bool = False) -> str:
    """`12.3 s` (with the runs when there are several), or `>900 s` for a timeout."""
    if timed_out or median is None:
        return f">{timeout:g} s"
    text = _seconds(median)
    if len(runs) > 1:
        text += " (" + ", ".join(_seconds(r, unit=False) for r in runs) + ")"
    return text


def _seconds(value: float, unit: bool = True) -> str:
    digits = 3 if value < 0.1 else 2 if value < 10 else 1
    return f"{value:.{digits}f}" + (" s" if unit else "")


def mib(size: int) -> str:
    return f"{size / 2**20:,.0f} MiB" if size else "-"


def ratio(numerator: float | None, denominator: float | None, lower_bound: bool = False) -> str:
    """numerator / denominator as `2.5x`; `>2.5x` when the numerator is a lower bound (a timeout)."""
    if not numerator or not denominator:
        return "-"
    return (">" if lower_bound else "") + f"{numerator / denominator:.2f}x"


def relative(mine: Figure, peer: Figure) -> str:
    """mine's time over peer's; a lower bound where mine timed out."""
    if peer.seconds is None:
        return "-"
    if mine.seconds is None:
        return ratio(mine.timeout, peer.seconds, lower_bound=True) if mine.timed_out else "-"
    return ratio(mine.seconds, peer.seconds)


def growth(small: Figure, large: Figure) -> str:
    """Time for the larger size over time for the smaller one; a timeout gives a lower bound."""
    return relative(large, small)


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# --- the machine ---------------------------------------------------------------------------------


def machine(tools: Sequence[str] = ()) -> dict[str, str]:
    """What a figure depends on: CPU, memory, load at the start, Python, hint2policy's commit, engines."""
    info = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": f"{_cpu_model()}, {os.cpu_count()} cores",
        "memory": _memory(),
        "load average at start (1, 5, 15 min)": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
        "system": f"{platform.system()} {platform.release()} {platform.machine()}",
        "python": platform.python_version(),
        "hint2policy": _commit(),
    }
    if tools:
        from hint2policy.engines import toolchain

        for name in tools:
            tool = toolchain.locate(name)
            info[name] = tool.found_version or f"{tool.version} (not installed)"
    return info


def machine_lines(info: Mapping[str, str]) -> str:
    return "\n".join(f"- {key}: {value}" for key, value in info.items())


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return platform.processor() or "unknown CPU"
    found = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return found.group(1).strip() if found else "unknown CPU"


def _memory() -> str:
    try:
        text = Path("/proc/meminfo").read_text(encoding="utf-8")
    except OSError:
        return "unknown"
    found = re.search(r"^MemTotal:\s*(\d+) kB", text, re.MULTILINE)
    return f"{int(found.group(1)) / 2**20:.0f} GiB" if found else "unknown"


def _commit() -> str:
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" with local changes" if dirty else "")


def hint2policy_argv() -> list[str]:
    """hint2policy as the user runs it: the console script beside this Python, else `python -m`."""
    script = Path(sys.executable).with_name("hint2policy")
    return [str(script)] if script.exists() else [sys.executable, "-m", "hint2policy"]


def write_report(output: Path | None, text: str) -> None:
    """A benchmark's markdown to the --output file, or to stdout."""
    if output is None:
        print(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")


def mesh_options(p: argparse.ArgumentParser, engines: Sequence[str]) -> argparse.ArgumentParser:
    """The options of a benchmark on generated meshes: sizes, engines, repeats, timeout, where to write."""
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    p.add_argument("--engines", nargs="+", choices=engines, default=list(engines))
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per run (default 900)")
    p.add_argument("--work", type=Path, default=Path("/tmp/hint2policy-bench"), help="where the meshes are written")
    p.add_argument("--output", type=Path, help="write the markdown here (default: stdout)")
    return p
