"""The engine toolchain: pinned versions, locating/building binaries, running them.

Nothing here builds a real engine: binaries and `go` are small shell scripts.
"""

from __future__ import annotations

import re
import shutil
import stat
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hint2policy.cli_tools import tools_app
from hint2policy.engines import runner, toolchain
from hint2policy.errors import EngineError, EngineMissing, Hint2PolicyError, ToolchainError

ENGINES_DIR = Path(toolchain.__file__).parent

# What each engine prints for its version command (formats checked against real builds).
VERSION_OUTPUT = {
    "conftest": "Conftest: 0.69.0\nOPA: 1.19.0\n",
    "opa": "Version: 1.19.0\nBuild Commit: \nGo Version: go1.26.8\n",
    "regal": "Version:       v0.42.0\nGo Version:    go1.26.8\n",
    "gator": " ___ banner ___\ngator: authorship tools\n\nGitVersion:    v3.23.0\nGitCommit: x\n",
    "kyverno": "Version: v1.19.0\nTime: ---\nGit commit ID: ---\n",
    "kustomize": "v5.8.2\n",
    # a go build without ldflags prints "client version: unknown"; a stamped one the version
    "istioctl": "client version: 0.0.0-20260826214018-9739e10eb9d7\n",
}


def _script(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def _printing(path: Path, output: str) -> Path:
    return _script(path, f"cat <<'EOF'\n{output}EOF\n")


@pytest.fixture
def fakebin(tmp_path: Path) -> Path:
    """An otherwise empty PATH directory holding the few utilities the fake scripts use."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for util in ("cat", "chmod", "sleep"):
        real = shutil.which(util)
        assert real is not None
        (bin_dir / util).symlink_to(real)
    return bin_dir


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fakebin: Path) -> Path:
    """A fresh tools cache and a PATH without any engine or Go; returns the cache dir."""
    cache = tmp_path / "tools"
    monkeypatch.setenv("HINT2POLICY_TOOLS_DIR", str(cache))
    monkeypatch.setenv("PATH", str(fakebin))
    # Even if the override broke, fake builds must never land in the user's real cache.
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return cache


def _cached(cache: Path, name: str) -> Path:
    s = toolchain.specs()[name]
    return cache / f"{name}-{s.version}" / s.binary


# --- pinned versions -------------------------------------------------------------------------


def test_versions_toml_pins_the_expected_engines() -> None:
    pinned = {name: (s.version, s.binary) for name, s in toolchain.specs().items()}
    assert pinned == {
        "conftest": ("v0.69.0", "conftest"),
        "opa": ("v1.19.0", "opa"),
        "regal": ("v0.42.0", "regal"),
        "gator": ("v3.23.0", "gator"),
        "kyverno": ("v1.19.0", "kyverno"),
        "kustomize": ("v5.8.2", "kustomize"),
        "istioctl": ("v0.0.0-20260826214018-9739e10eb9d7", "istioctl"),
    }


@pytest.mark.parametrize(
    ("name", "version_var"),
    [
        ("kyverno", "github.com/kyverno/kyverno/pkg/version.BuildVersion"),
        ("regal", "github.com/open-policy-agent/regal/pkg/version.Version"),
    ],
)
def test_wrapper_module_and_ldflags_match_the_pinned_version(name: str, version_var: str) -> None:
    s = toolchain.specs()[name]
    assert s.wrapper is not None
    wrapper = ENGINES_DIR / s.wrapper
    go_mod = (wrapper / "go.mod").read_text()
    required = re.search(rf"^\s*{re.escape(s.module)} (\S+)", go_mod, re.M)
    assert required is not None and required.group(1) == s.version
    assert re.search(rf"^tool {re.escape(s.package)}$", go_mod, re.M)
    assert (wrapper / "go.sum").is_file()
    assert s.ldflags == f"-X {version_var}={s.version}"


def test_istioctl_wrapper_module_requires_the_pinned_istio() -> None:
    s = toolchain.specs()["istioctl"]
    assert s.wrapper is not None and s.ldflags is None  # the version is read from the Go build info
    go_mod = (ENGINES_DIR / s.wrapper / "go.mod").read_text()
    required = re.search(rf"^\s*{re.escape(s.module)} (\S+)", go_mod, re.M)
    assert required is not None and required.group(1) == s.version
    assert re.search(rf"^tool {re.escape(s.package)}$", go_mod, re.M)
    assert (ENGINES_DIR / s.wrapper / "go.sum").is_file()
    assert not re.search(s.version_regex, "client version: unknown\n")


def test_istioctl_is_built_only_on_request() -> None:
    assert toolchain.specs()["istioctl"].on_request
    assert "istioctl" not in toolchain.tool_names()  # not in `tools install` nor in make test
    assert [t.name for t in toolchain.status(["istioctl"])] == ["istioctl"]


@pytest.mark.parametrize("name", sorted(VERSION_OUTPUT))
@pytest.mark.parametrize("prefix", ["", "v"])
def test_version_regex_reads_each_engine_with_or_without_v(name: str, prefix: str) -> None:
    s = toolchain.specs()[name]
    output = re.sub(r"v?(\d+\.\d+\.\d+)", prefix + r"\1", VERSION_OUTPUT[name], count=1)
    match = re.search(s.version_regex, output)
    assert match is not None
    assert "v" + match.group("version").removeprefix("v") == s.version


@pytest.mark.parametrize("output", ["Conftest: dev\n", "Version: unknown\n", "Version: ---\n"])
def test_version_regex_ignores_unstamped_builds(output: str) -> None:
    assert not any(re.search(s.version_regex, output) for s in toolchain.specs().values())


# --- cache dir -------------------------------------------------------------------------------


def test_cache_dir_env_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HINT2POLICY_TOOLS_DIR", str(tmp_path / "mine"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert toolchain.cache_dir() == tmp_path / "mine"


def test_cache_dir_falls_back_to_xdg_then_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("HINT2POLICY_TOOLS_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert toolchain.cache_dir() == tmp_path / "xdg" / "hint2policy" / "tools"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert toolchain.cache_dir() == tmp_path / "home" / ".cache" / "hint2policy" / "tools"


# --- locate / require ------------------------------------------------------------------------


def test_require_missing_tool_names_the_command_to_run(env: Path) -> None:
    with pytest.raises(EngineMissing) as info:
        toolchain.require("conftest")
    assert str(info.value) == "conftest v0.69.0 is not installed: run 'hint2policy tools install'"
    assert isinstance(info.value, ToolchainError)
    assert isinstance(info.value, Hint2PolicyError)


def test_require_unknown_engine_is_a_toolchain_error(env: Path) -> None:
    with pytest.raises(ToolchainError, match="unknown engine 'nope'"):
        toolchain.require("nope")


def test_locate_finds_a_binary_in_the_cache(env: Path) -> None:
    binary = _printing(_cached(env, "conftest"), VERSION_OUTPUT["conftest"])
    tool = toolchain.locate("conftest")
    assert (tool.path, tool.source, tool.found_version) == (binary, "cache", "v0.69.0")
    assert toolchain.require("conftest") == binary


def test_cache_wins_over_path(env: Path, fakebin: Path) -> None:
    cached = _printing(_cached(env, "opa"), VERSION_OUTPUT["opa"])
    _printing(fakebin / "opa", VERSION_OUTPUT["opa"])
    assert toolchain.locate("opa").path == cached


def test_path_binary_with_the_pinned_version_is_used(env: Path, fakebin: Path) -> None:
    binary = _printing(fakebin / "kyverno", VERSION_OUTPUT["kyverno"])
    tool = toolchain.locate("kyverno")
    assert (tool.path, tool.source, tool.found_version) == (binary, "PATH", "v1.19.0")
    assert toolchain.require("kyverno") == binary


def test_path_binary_with_another_version_is_reported_but_not_used(env: Path, fakebin: Path) -> None:
    binary = _printing(fakebin / "conftest", "Conftest: 0.50.0\n")
    tool = toolchain.locate("conftest")
    assert tool.path is None and tool.source is None
    assert (tool.found_version, tool.rejected) == ("v0.50.0", binary)
    with pytest.raises(EngineMissing):
        toolchain.require("conftest")


# --- Go build info ---------------------------------------------------------------------------


def _buildinfo_blob(modinfo: str) -> bytes:
    def varint_string(b: bytes) -> bytes:
        n, out = len(b), bytearray()
        while n >= 0x80:
            out.append((n & 0x7F) | 0x80)
            n >>= 7
        out.append(n)
        return bytes(out) + b

    sentinel = b"0123456789abcdef"
    header = b"\xff Go buildinf:" + bytes([8, 2]) + bytes(16)
    body = varint_string(b"go1.26.8") + varint_string(sentinel + modinfo.encode() + sentinel)
    return header + body


def test_go_module_version_reads_embedded_build_info(tmp_path: Path) -> None:
    modinfo = (
        "path\tgithub.com/open-policy-agent/conftest\n"
        "mod\tgithub.com/open-policy-agent/conftest\tv0.69.0\th1:x=\n"
        "dep\tgithub.com/open-policy-agent/opa\tv1.19.0\th1:y=\n"
        + "".join(f"dep\texample.com/m{i}\tv1.0.{i}\th1:z=\n" for i in range(20))
    )
    binary = tmp_path / "conftest"
    # A misaligned blob is not build info (Go's reader skips it too): the decoy must lose.
    decoy = b"\x7fELF" + _buildinfo_blob(modinfo.replace("v0.69.0", "v0.0.1"))
    padding = bytes(-len(decoy) % 16)
    binary.write_bytes(decoy + padding + _buildinfo_blob(modinfo))
    assert toolchain.go_module_version(binary, "github.com/open-policy-agent/conftest") == "v0.69.0"
    assert toolchain.go_module_version(binary, "github.com/open-policy-agent/opa") == "v1.19.0"
    assert toolchain.go_module_version(binary, "github.com/absent/module") is None


def test_go_module_version_of_a_non_go_file_is_none(tmp_path: Path) -> None:
    script = _printing(tmp_path / "x", "hello\n")
    assert toolchain.go_module_version(script, "github.com/open-policy-agent/conftest") is None


@pytest.mark.skipif(shutil.which("go") is None, reason="needs a Go binary to read")
def test_read_go_modinfo_of_the_real_go_command() -> None:
    go = Path(shutil.which("go") or "")
    modinfo = toolchain.read_go_modinfo(go.resolve())
    assert modinfo is not None and modinfo.startswith("path\tcmd/go\n")


# --- install ---------------------------------------------------------------------------------

FAKE_GO = r"""
printf '%s\n' "$PWD" "$@" > "$FAKE_GO_LOG"
echo "go: downloading example.com/a v1.0.0"
echo "go: downloading example.com/b v1.0.0"
echo "go: some warning"
sleep "${FAKE_GO_SLEEP:-0}"
if [ -n "$FAKE_GO_FAIL" ]; then
    echo "compile: boom"
    exit 3
fi
case "$1" in
    install) name="${2%@*}"; out="$GOBIN/${name##*/}" ;;
    build) [ -f go.mod ] && [ -f go.sum ] || { echo "no go.mod here"; exit 1; }; out="$3" ;;
esac
printf '#!/bin/sh\necho "%s"\n' "$FAKE_VERSION_LINE" > "$out"
chmod +x "$out"
"""


@pytest.fixture
def fake_go(env: Path, fakebin: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A `go` on PATH that fakes a build; returns the file where it logs its cwd and args."""
    _script(fakebin / "go", FAKE_GO)
    log = tmp_path / "go.log"
    monkeypatch.setenv("FAKE_GO_LOG", str(log))
    monkeypatch.setenv("FAKE_VERSION_LINE", "Conftest: 0.69.0")
    return log


def test_install_without_go_is_a_clear_one_line_error(env: Path) -> None:
    with pytest.raises(ToolchainError) as info:
        toolchain.install(["conftest"])
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("Go is not installed")
    assert "hint2policy tools install" in message


def test_install_builds_into_the_cache_with_progress(env: Path, fake_go: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_GO_SLEEP", "0.6")
    lines: list[str] = []
    tools = toolchain.install(["conftest"], progress=lines.append, heartbeat=0.2)
    binary = _cached(env, "conftest")
    assert [(t.name, t.path, t.source, t.found_version) for t in tools] == [("conftest", binary, "cache", "v0.69.0")]
    argv = fake_go.read_text().splitlines()[1:]
    assert argv == ["install", "github.com/open-policy-agent/conftest@v0.69.0"]
    assert lines[0].startswith("building conftest v0.69.0")
    assert any(line.startswith("still building conftest (") for line in lines)
    assert any("2 modules downloaded" in line for line in lines)
    assert not any("go: downloading" in line for line in lines)
    assert any("go: some warning" in line for line in lines)
    # No scratch dir is left behind next to the tool dirs.
    assert sorted(p.name for p in env.iterdir()) == ["conftest-v0.69.0"]


def test_install_skips_what_is_present(env: Path, fake_go: Path) -> None:
    _printing(_cached(env, "conftest"), VERSION_OUTPUT["conftest"])
    lines: list[str] = []
    toolchain.install(["conftest"], progress=lines.append)
    assert not fake_go.exists()


@pytest.mark.parametrize("name", ["kyverno", "regal"])
def test_install_builds_a_copy_of_the_wrapper_module(
    name: str, env: Path, fake_go: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = toolchain.specs()[name]
    assert s.wrapper is not None
    monkeypatch.setenv("FAKE_VERSION_LINE", f"Version: {s.version}")
    [tool] = toolchain.install([name])
    assert (tool.path, tool.found_version) == (_cached(env, name), s.version)
    cwd, *argv = fake_go.read_text().splitlines()
    assert not Path(cwd).exists()  # a temporary copy, removed after the build
    assert Path(cwd) != ENGINES_DIR / s.wrapper
    assert argv[0] == "build" and argv[-1] == s.package
    assert argv[argv.index("-ldflags") + 1] == s.ldflags
    assert sorted(p.name for p in env.iterdir()) == [f"{name}-{s.version}"]


def test_failed_build_names_tool_command_and_output(env: Path, fake_go: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_GO_FAIL", "1")
    with pytest.raises(ToolchainError) as info:
        toolchain.install(["gator"])
    message = str(info.value)
    assert "gator" in message.splitlines()[0]
    assert "install github.com/open-policy-agent/gatekeeper/v3/cmd/gator@v3.23.0" in message
    assert message.splitlines()[-1] == "compile: boom"
    assert not _cached(env, "gator").exists()
    assert list(env.iterdir()) == []


# --- runner ----------------------------------------------------------------------------------


def test_run_captures_output_status_and_input() -> None:
    done = runner.run(["/bin/sh", "-c", 'read x; echo "out:$x"; echo err >&2; exit 4'], timeout=10, input="hi\n")
    assert (done.returncode, done.stdout, done.stderr) == (4, "out:hi\n", "err\n")
    assert done.argv[0] == "/bin/sh" and done.duration >= 0


def test_run_does_not_use_a_shell() -> None:
    done = runner.run(["/bin/echo", "$HOME; echo injected"], timeout=10)
    assert done.stdout == "$HOME; echo injected\n"


def test_run_timeout_raises_engine_error_with_partial_stderr() -> None:
    started = time.monotonic()
    with pytest.raises(EngineError) as info:
        runner.run(["/bin/sh", "-c", "echo partial >&2; sleep 5"], timeout=0.5)
    assert time.monotonic() - started < 3
    assert "sh" in str(info.value) and "0.5s" in str(info.value)
    assert "\n" not in str(info.value)
    assert "partial" in info.value.stderr


def test_run_timeout_of_plain_sleep() -> None:
    sleep = shutil.which("sleep")
    assert sleep is not None
    with pytest.raises(EngineError, match=re.escape("sleep did not finish within 0.5s")):
        runner.run([sleep, "5"], timeout=0.5)


def test_run_nonexistent_binary_raises_engine_error(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="cannot run nope"):
        runner.run([str(tmp_path / "nope")], timeout=5)
    with pytest.raises(EngineError, match="not found on PATH"):
        runner.run(["hint2policy-no-such-binary"], timeout=5)


def test_run_non_executable_file_raises_engine_error(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.write_text("not a program")
    with pytest.raises(EngineError, match="cannot run plain"):
        runner.run([plain], timeout=5)


# --- CLI -------------------------------------------------------------------------------------


def test_tools_status_exits_1_and_says_what_to_run_when_missing(env: Path) -> None:
    _printing(_cached(env, "opa"), VERSION_OUTPUT["opa"])
    result = CliRunner().invoke(tools_app, ["status"])
    assert result.exit_code == 1
    out = result.stdout.splitlines()
    assert re.match(r"opa\s+v1\.19\.0\s+v1\.19\.0\s+cache\s+/", out[2])
    assert re.match(r"conftest\s+v0\.69\.0\s+-\s+missing", out[1])
    assert out[-1] == "missing: conftest, regal, gator, kyverno, kustomize: run 'hint2policy tools install'"


def test_tools_status_exits_0_when_all_present(env: Path) -> None:
    for name, output in VERSION_OUTPUT.items():
        _printing(_cached(env, name), output)
    result = CliRunner().invoke(tools_app, ["status"])
    assert result.exit_code == 0, result.output
    assert "missing" not in result.stdout


def test_tools_install_error_is_one_line_exit_2(env: Path) -> None:
    result = CliRunner().invoke(tools_app, ["install", "conftest"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: Go is not installed")
    assert "Traceback" not in result.output
