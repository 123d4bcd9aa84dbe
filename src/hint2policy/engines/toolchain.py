"""Locate and build the pinned engine CLIs (see versions.toml).

Each tool lives in `<cache>/<name>-<version>/<binary>`. A binary on PATH is used only
when it reports the pinned version.
"""

from __future__ import annotations

import mmap
import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
import time
import tomllib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from hint2policy.engines import runner
from hint2policy.errors import EngineError, EngineMissing, ToolchainError

__all__ = [
    "EngineMissing",
    "Tool",
    "ToolSpec",
    "ToolchainError",
    "cache_dir",
    "go_module_version",
    "install",
    "locate",
    "require",
    "specs",
    "status",
    "tool_names",
]

Progress = Callable[[str], None]
Source = Literal["cache", "PATH"]

_PACKAGE = "hint2policy.engines"
INSTALL_HINT = "run 'hint2policy tools install'"
VERSION_PROBE_TIMEOUT = 15.0
HEARTBEAT_SECONDS = 30.0
ERROR_TAIL_LINES = 20


@dataclass(frozen=True)
class ToolSpec:
    """One pinned engine, as recorded in versions.toml."""

    name: str
    module: str
    package: str
    version: str
    binary: str
    version_args: tuple[str, ...]
    version_regex: str
    wrapper: str | None = None
    ldflags: str | None = None
    on_request: bool = False  # built only when named (istioctl: the benchmarks' peer, a 12-minute build)

    @property
    def dirname(self) -> str:
        return f"{self.name}-{self.version}"


@dataclass(frozen=True)
class Tool:
    """Where a pinned engine was found, if anywhere."""

    name: str
    version: str
    path: Path | None
    found_version: str | None
    source: Source | None
    # A binary on PATH that was not used because it reports another version.
    rejected: Path | None = None

    @property
    def ok(self) -> bool:
        return self.path is not None


# --- pinned versions -------------------------------------------------------------------------


@cache
def specs() -> dict[str, ToolSpec]:
    """The pinned engines, keyed by name, in versions.toml order."""
    text = resources.files(_PACKAGE).joinpath("versions.toml").read_text(encoding="utf-8")
    table = tomllib.loads(text)["tools"]
    return {name: _spec(name, entry) for name, entry in table.items()}


def _spec(name: str, entry: dict[str, Any]) -> ToolSpec:
    return ToolSpec(
        name=name,
        module=str(entry["module"]),
        package=str(entry["package"]),
        version=str(entry["version"]),
        binary=str(entry["binary"]),
        version_args=tuple(str(a) for a in entry["version_args"]),
        version_regex=str(entry["version_regex"]),
        wrapper=str(entry["wrapper"]) if "wrapper" in entry else None,
        ldflags=str(entry["ldflags"]) if "ldflags" in entry else None,
        on_request=bool(entry.get("on_request", False)),
    )


def tool_names() -> list[str]:
    """The tools installed and reported by default: all but those built only on request."""
    return [name for name, s in specs().items() if not s.on_request]


def spec(name: str) -> ToolSpec:
    try:
        return specs()[name]
    except KeyError:
        known = ", ".join(specs())
        raise ToolchainError(f"unknown engine '{name}': choose from {known}") from None


# --- locating --------------------------------------------------------------------------------


def cache_dir() -> Path:
    """$HINT2POLICY_TOOLS_DIR, else $XDG_CACHE_HOME/hint2policy/tools, else ~/.cache/..."""
    override = os.environ.get("HINT2POLICY_TOOLS_DIR")
    if override:
        return Path(override).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    # The XDG spec says relative values are invalid and must be ignored.
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "hint2policy" / "tools"


def cache_path(s: ToolSpec) -> Path:
    return cache_dir() / s.dirname / s.binary


def locate(name: str) -> Tool:
    """Find `name`: the tools cache first, else a PATH binary reporting the pinned version."""
    s = spec(name)
    cached = cache_path(s)
    if _is_executable(cached):
        return Tool(s.name, s.version, cached, probe_version(s, cached), "cache")
    on_path = shutil.which(s.binary)
    if on_path is None:
        return Tool(s.name, s.version, None, None, None)
    found = Path(on_path)
    version = probe_version(s, found)
    if version is not None and _same_version(version, s.version):
        return Tool(s.name, s.version, found, version, "PATH")
    return Tool(s.name, s.version, None, version, None, rejected=found)


def require(name: str) -> Path:
    """The binary of `name`, or EngineMissing telling the user what to run."""
    s = spec(name)
    cached = cache_path(s)
    # The cache dir is versioned, so its binary is trusted without running it.
    if _is_executable(cached):
        return cached
    tool = locate(name)
    if tool.path is None:
        raise EngineMissing(f"{s.name} {s.version} is not installed: {INSTALL_HINT}")
    return tool.path


def status(names: Iterable[str] | None = None) -> list[Tool]:
    return [locate(n) for n in _select(names)]


def probe_version(s: ToolSpec, binary: Path) -> str | None:
    """The version `binary` reports, as "vX.Y.Z"; None if it cannot tell."""
    reported = _reported_version(s, binary)
    if reported is not None:
        return reported
    # Plain `go install` builds print "dev"/"unknown"; the Go build info still knows.
    return go_module_version(binary, s.module)


def _reported_version(s: ToolSpec, binary: Path) -> str | None:
    try:
        done = runner.run([binary, *s.version_args], timeout=VERSION_PROBE_TIMEOUT)
    except EngineError:
        return None
    match = re.search(s.version_regex, done.stdout + "\n" + done.stderr)
    return _normalize(match.group("version")) if match else None


def _normalize(version: str) -> str:
    return "v" + version.removeprefix("v")


def _same_version(a: str, b: str) -> bool:
    return _normalize(a) == _normalize(b)


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _select(names: Iterable[str] | None) -> list[str]:
    if not names:
        return tool_names()
    selected = list(dict.fromkeys(names))
    for n in selected:
        spec(n)
    return selected


# --- Go build info ---------------------------------------------------------------------------

_BUILDINFO_MAGIC = b"\xff Go buildinf:"
_BUILDINFO_HEADER = 32
_BUILDINFO_ALIGN = 16
_INLINE_STRINGS_FLAG = 0x2


def go_module_version(binary: Path, module: str) -> str | None:
    """The version of `module` recorded in a Go binary's build info (no `go` needed)."""
    modinfo = read_go_modinfo(binary)
    if modinfo is None:
        return None
    for line in modinfo.splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and fields[0] in ("mod", "dep") and fields[1] == module:
            version = fields[2]
            return None if version == "(devel)" else version
    return None


def read_go_modinfo(binary: Path) -> str | None:
    """The module info text embedded by Go >= 1.18 (the `go version -m` lines)."""
    try:
        with open(binary, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return _find_modinfo(data)
    except (OSError, ValueError):
        return None


def _find_modinfo(data: mmap.mmap) -> str | None:
    start = data.find(_BUILDINFO_MAGIC)
    while start >= 0:
        if start % _BUILDINFO_ALIGN == 0:
            modinfo = _decode_blob(data, start)
            if modinfo is not None:
                return modinfo
        start = data.find(_BUILDINFO_MAGIC, start + 1)
    return None


def _decode_blob(data: mmap.mmap, start: int) -> str | None:
    header = data[start : start + _BUILDINFO_HEADER]
    if len(header) < _BUILDINFO_HEADER or not header[15] & _INLINE_STRINGS_FLAG:
        return None  # pre-1.18 layouts point into the data segment; not supported
    _, pos = _read_varint_string(data, start + _BUILDINFO_HEADER)
    mod, _ = _read_varint_string(data, pos)
    # Module info is framed by two 16-byte sentinels.
    if len(mod) >= 33 and mod[-17:-16] == b"\n":
        mod = mod[16:-16]
    text = mod.decode("utf-8", errors="replace")
    return text if text.startswith("path\t") else None


def _read_varint_string(data: mmap.mmap, pos: int) -> tuple[bytes, int]:
    length, shift = 0, 0
    while pos < len(data) and shift < 64:
        byte = data[pos]
        pos += 1
        length |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    return data[pos : pos + length], pos + length


# --- building --------------------------------------------------------------------------------


def install(
    names: Iterable[str] | None = None,
    progress: Progress | None = None,
    *,
    heartbeat: float = HEARTBEAT_SECONDS,
) -> list[Tool]:
    """Build the engines that are missing into the tools cache; returns their status."""
    say = progress or (lambda _line: None)
    selected = _select(names)
    missing = [n for n in selected if not locate(n).ok]
    if not missing:
        say(f"nothing to build: {', '.join(selected)} already installed")
        return status(selected)
    go = _find_go()
    for n in missing:
        _build(specs()[n], go, say, heartbeat)
    return status(selected)


def _find_go() -> str:
    go = shutil.which("go")
    if go is None:
        raise ToolchainError(
            f"Go is not installed: install Go 1.26+ (e.g. apt-get install golang, or go.dev/dl) and {INSTALL_HINT}"
        )
    return go


def _build(s: ToolSpec, go: str, say: Progress, heartbeat: float) -> None:
    target = cache_path(s)
    target.parent.parent.mkdir(parents=True, exist_ok=True)
    say(f"building {s.name} {s.version} (this can take several minutes) ...")
    started = time.monotonic()
    # Build into a scratch dir beside the target, then rename: an interrupted build
    # never leaves a half-written binary where locate() would pick it up.
    with tempfile.TemporaryDirectory(prefix=f".{s.dirname}.", dir=target.parent.parent) as tmp:
        scratch = Path(tmp)
        argv, cwd, env = _build_command(s, go, scratch)
        _run_go(s.name, argv, cwd, env, say, heartbeat)
        built = scratch / "bin" / s.binary
        if not _is_executable(built):
            raise ToolchainError(f"building {s.name} produced no {s.binary} binary: {_cmd(argv)}")
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(built, target)
    say(f"built {s.name} {s.version} in {time.monotonic() - started:.0f}s: {target}")


def _build_command(s: ToolSpec, go: str, scratch: Path) -> tuple[list[str], Path, dict[str, str]]:
    out_dir = scratch / "bin"
    out_dir.mkdir()
    env = dict(os.environ)
    if s.wrapper is None:
        env["GOBIN"] = str(out_dir)
        return [go, "install", f"{s.package}@{s.version}"], scratch, env
    module_dir = scratch / "module"
    _copy_wrapper(s.wrapper, module_dir)
    env["GOWORK"] = "off"
    argv = [go, "build", "-o", str(out_dir / s.binary)]
    if s.ldflags:
        argv += ["-ldflags", s.ldflags]
    return [*argv, s.package], module_dir, env


def _copy_wrapper(wrapper: str, dest: Path) -> None:
    # The installed package may be read-only (or zipped), so build from a copy.
    source = resources.files(_PACKAGE)
    for part in wrapper.split("/"):
        source = source.joinpath(part)
    dest.mkdir()
    for name in ("go.mod", "go.sum"):
        try:
            (dest / name).write_bytes(source.joinpath(name).read_bytes())
        except OSError as exc:
            raise ToolchainError(f"wrapper module file {wrapper}/{name} is missing: {exc}") from exc


def _run_go(name: str, argv: list[str], cwd: Path, env: dict[str, str], say: Progress, heartbeat: float) -> None:
    tail: deque[str] = deque(maxlen=ERROR_TAIL_LINES)
    downloads = 0
    started = time.monotonic()
    try:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            encoding="utf-8",
            errors="replace",
        )
    except OSError as exc:
        raise ToolchainError(f"cannot run go to build {name}: {exc.strerror or exc}") from exc
    try:
        for line in _lines_with_heartbeat(proc, heartbeat):
            if line is None:
                elapsed = time.monotonic() - started
                say(f"still building {name} ({elapsed:.0f}s, {downloads} modules downloaded)")
                continue
            tail.append(line)
            if line.startswith("go: downloading "):
                downloads += 1
            else:
                say(f"  {line}")
        returncode = proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if returncode != 0:
        output = "\n".join(tail) or "(no output)"
        raise ToolchainError(f"building {name} failed (exit {returncode}): {_cmd(argv)} in {cwd}\n{output}")


def _lines_with_heartbeat(proc: subprocess.Popen[str], heartbeat: float) -> Iterator[str | None]:
    """Yield output lines as they come, and None whenever `heartbeat` seconds pass silently."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    next_beat = time.monotonic() + heartbeat
    while True:
        try:
            line = lines.get(timeout=max(0.0, next_beat - time.monotonic()))
        except queue.Empty:
            next_beat = time.monotonic() + heartbeat
            yield None
            continue
        if line is None:
            return
        yield line
        if time.monotonic() >= next_beat:
            next_beat = time.monotonic() + heartbeat
            yield None


def _cmd(argv: list[str]) -> str:
    return " ".join(argv)
