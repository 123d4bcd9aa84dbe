"""Every spec string is escaped for the language it lands in: it stays text, never syntax."""

from __future__ import annotations

import json

import yaml
from hypothesis import given
from hypothesis import strategies as st

from hint2policy.render import escape

HOSTILE = st.text(
    alphabet=st.sampled_from(list("\"'\\{}$%`\n\r\t\x00\x7f\u2028\ufeff a\u00e9\U0001f600")),
    max_size=40,
)
ANY_TEXT = st.text(max_size=60)


@given(st.one_of(HOSTILE, ANY_TEXT))
def test_yaml_str_round_trips(text: str) -> None:
    assert yaml.safe_load(f"key: {escape.yaml_str(text)}\n") == {"key": text}


@given(st.one_of(HOSTILE, ANY_TEXT))
def test_rego_str_is_a_json_string_of_the_same_text(text: str) -> None:
    # Rego string literals have JSON syntax.
    assert json.loads(escape.rego_str(text)) == text


@given(st.one_of(HOSTILE, ANY_TEXT))
def test_literals_are_single_line(text: str) -> None:
    for quoted in (escape.yaml_str(text), escape.rego_str(text), escape.cel_str(text)):
        assert "\n" not in quoted and "\r" not in quoted
        assert quoted.startswith('"') and quoted.endswith('"')


def test_known_escapes() -> None:
    assert escape.rego_str('a"b\\c\n{{x}}') == '"a\\"b\\\\c\\n{{x}}"'
    assert escape.cel_str("\U0001f600\x00") == '"\U0001f600\\u0000"'
    assert escape.cel_value([1, 2.5, True, "x"]) == '[1, 2.5, true, "x"]'
    assert escape.rego_format("100%") == "100%%"
