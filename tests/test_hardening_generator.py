"""Spec strings from hostile alphabets: a clear spec error, or policies that every engine loads and that still hold.

The hint is a copy of service-entry-fqdn-hosts with its title, message, a compared
literal (`contains`) and a `matches` regex replaced by drawn text. The cheap property
(load, render, parse every output file, regopy parses the Rego) runs many examples;
the engine property runs `hint2policy test` on the copy, with all four engines.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hint2policy.catalog import load_catalog
from hint2policy.errors import SpecError
from hint2policy.generate import build_tree
from hint2policy.render.escape import yaml_str
from tests.conftest import HINTS, invoke

HINT = "service-entry-fqdn-hosts"
HOSTILE_CHARS = st.sampled_from(
    [
        *"'\"`\\{}$%\n\t\r\x00\x01\x1b\x7f\u2028\u0085 a.",
        *("{{", "}}", "${", "%s", "%v", "\U0001f600", "\ud800", "\U0010ffff"),
    ]
)
TEXT = st.one_of(
    st.lists(HOSTILE_CHARS, max_size=30).map("".join),
    st.text(max_size=40),
    st.text(min_size=300, max_size=600, alphabet=st.characters(min_codepoint=0x10000, max_codepoint=0x1FFFF)),
)
# what the schema accepts in a message (no newline, NUL or lone surrogate): these must reach the engines
VALID_TEXT = st.lists(
    st.sampled_from([*"'\"`\\{}$%\t\x01\x1b\x7f\u2028\u0085 a.", "{{", "}}", "${", "%s", "%v", "\U0001f600"]),
    min_size=1,
    max_size=30,
).map("".join)
LOADED: list[str] = []  # specs that compiled (the property is empty if none do)
SETTINGS = {"deadline": None, "derandomize": True, "suppress_health_check": [HealthCheck.function_scoped_fixture]}


def _hint(root: Path, title: str, message: str, literal: str) -> Path:
    folder = root / HINT
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(HINTS / HINT, folder)
    spec = folder / "hint.yaml"
    text = spec.read_text(encoding="utf-8")
    text = text.replace(
        "title: ServiceEntry hosts must be fully qualified domain names", f"title: {yaml_str(title)}"
    ).replace('contains: "."', f"contains: {yaml_str(literal)}")
    text = text.replace(text[text.index("\nmessage: ") :], f"\nmessage: {yaml_str(message)}\n")
    spec.write_text(text, encoding="utf-8", errors="surrogatepass")
    return folder


def _load(folder: Path):
    catalog = load_catalog([folder.parent])  # never raises: a bad spec is an error object
    for error in catalog.errors:
        assert isinstance(error, SpecError)
        assert str(error).startswith(f"{folder / 'hint.yaml'}:") or "hint.yaml:" in str(error)
        assert error.field and error.line >= 1
    return catalog


@settings(max_examples=120, **SETTINGS)
@given(title=TEXT, message=TEXT, literal=TEXT)
def test_hostile_spec_strings_render_parseable_output(tmp_path_factory, title: str, message: str, literal: str) -> None:
    folder = _hint(tmp_path_factory.mktemp("hints"), title, message + " {name}", literal)
    catalog = _load(folder)
    if catalog.errors:
        return
    LOADED.append(title)
    from regopy import Interpreter

    for path, text in build_tree(catalog.hints).items():
        if path.endswith((".yaml", ".yml")):
            list(yaml.safe_load_all(text))
        elif path.endswith(".json"):
            json.loads(text)
        elif path.endswith(".rego"):
            rego = Interpreter()
            rego.add_module(path, text)  # raises on a syntax error


@pytest.mark.engines
@settings(max_examples=6, **SETTINGS)
@given(title=VALID_TEXT, message=VALID_TEXT)
def test_hostile_strings_still_give_every_fixture_its_verdict(
    engines, cli, tmp_path_factory, title: str, message: str
) -> None:
    folder = _hint(tmp_path_factory.mktemp("hints"), title, message + " {name}", ".")
    assert not _load(folder).errors
    result = invoke(cli, "test", str(folder))
    assert result.exit_code == 0, result.output
