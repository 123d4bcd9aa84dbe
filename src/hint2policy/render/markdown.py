"""Escaping for Markdown, where spec strings land in the generated docs.

Spec text is prose, not Markdown, except the remediation (documented as
Markdown so that it can carry YAML snippets). Prose is escaped so that
`<namespace>` stays visible and a `|` cannot break a table.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_\[\]|<>#])")


def text(value: object) -> str:
    """Prose on one or more lines: Markdown and HTML syntax shown as written."""
    escaped = _SPECIAL.sub(r"\\\1", str(value))
    return escaped.replace("<", "&lt;").replace(">", "&gt;").replace("\\&lt;", "&lt;").replace("\\&gt;", "&gt;")


def cell(value: object) -> str:
    """A table cell: prose on one line."""
    return text(" ".join(str(value).split()))


def code(value: object) -> str:
    """Inline code: a backtick fence longer than any run of backticks inside."""
    body = str(value)
    fence = "`" * (max((len(run) for run in re.findall(r"`+", body)), default=0) + 1)
    pad = " " if body.startswith("`") or body.endswith("`") or not body.strip() else ""
    return f"{fence}{pad}{body}{pad}{fence}"


def fence(body: str, language: str = "") -> str:
    """A fenced code block around body, with a fence no line of body can close."""
    longest = max((len(run) for run in re.findall(r"^\s*(`{3,})", body, flags=re.MULTILINE)), default=2)
    marker = "`" * max(3, longest + 1)
    return f"{marker}{language}\n{body.rstrip(chr(10))}\n{marker}"


def cell_code(value: object) -> str:
    """Inline code inside a table cell, where GitHub's tables still split on an unescaped |."""
    return code(" ".join(str(value).split())).replace("|", "\\|")
