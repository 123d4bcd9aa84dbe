"""Escape spec strings for every language they land in.

Each function returns a complete literal (quotes included), so a quote,
backslash, `{{`, `${}` or newline in a spec string stays text and never
becomes syntax.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Callable
from typing import Any

_SIMPLE = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def needs_escape(ch: str) -> bool:
    # Controls, separators other than space, surrogates, private use and unassigned.
    return ch != " " and unicodedata.category(ch)[0] in "CZ"


def _quote(text: str, long_escape: str) -> str:
    out = []
    for ch in text:
        if ch in _SIMPLE:
            out.append(_SIMPLE[ch])
        elif needs_escape(ch):
            code = ord(ch)
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else long_escape.format(code))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def yaml_str(text: str) -> str:
    """A YAML double-quoted scalar."""
    return _quote(str(text), "\\U{:08x}")


def cel_str(text: str) -> str:
    """A CEL double-quoted string literal, safe from Kyverno's variable substitution.

    Kyverno substitutes {{ ... }} and $( ... ) in every string of a rule, CEL
    included, so a brace and the dollar sign of "$(" are written as the CEL
    escapes \\u007b and \\u0024 and never reach Kyverno as "{{" or "$(".
    """
    return _quote(str(text), "\\U{:08x}").replace("{", "\\u007b").replace("$(", "\\u0024(")


def kyverno_text(text: str) -> str:
    """Plain text in a Kyverno rule (a static message): {{ and $( escaped as Kyverno reads them."""
    return str(text).replace("{{", "\\{{").replace("$(", "\\$(")


def rego_str(text: str) -> str:
    """A Rego (JSON-syntax) string literal; astral controls use a surrogate pair."""
    out = []
    for ch in str(text):
        if ch in _SIMPLE:
            out.append(_SIMPLE[ch])
        elif needs_escape(ch):
            out.append(json.dumps(ch)[1:-1])  # JSON \uXXXX, surrogate pairs above the BMP
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _check_number(value: float) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("numbers must be finite")


def rego_format(text: str) -> str:
    """Literal text for a sprintf format string: % doubled."""
    return text.replace("%", "%%")


def one_line(text: str) -> str:
    """Collapse whitespace (descriptions in annotations and comments)."""
    return " ".join(str(text).split())


def _literal(value: Any, string: Callable[[str], str], number: Callable[[int | float], str]) -> str:
    """A JSON-like value as a literal; the languages differ only in strings and numbers."""
    if isinstance(value, str):
        return string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        _check_number(value)
        return number(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_literal(v, string, number) for v in value) + "]"
    if isinstance(value, dict):
        items = (f"{string(k)}: {_literal(v, string, number)}" for k, v in sorted(value.items()))
        return "{" + ", ".join(items) + "}"
    raise TypeError(f"no literal for {type(value).__name__}")


def _cel_number(value: int | float) -> str:
    text = repr(value)
    return text if isinstance(value, int) or any(c in text for c in ".e") else text + ".0"


def rego_value(value: Any) -> str:
    """A Rego literal for a JSON-like value (objects with sorted keys)."""
    return _literal(value, rego_str, json.dumps)


def cel_value(value: Any) -> str:
    """A CEL literal for a JSON-like value."""
    return _literal(value, cel_str, _cel_number)


def yaml_flow(value: Any) -> str:
    """A YAML flow value (JSON-like), keys sorted."""
    return _literal(value, yaml_str, json.dumps)
