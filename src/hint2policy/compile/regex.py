"""Which RE2 patterns every engine reads the same way.

Kyverno (CEL), OPA, conftest and gator all use Go's RE2; the embedded engine
(rego-cpp) reads a smaller dialect: no inline flags, no named groups, no
Unicode classes, no \\Q...\\E. A pattern outside the common dialect would make
the engines disagree, so the compiler refuses it with the reason. A leading
(?i) is the one flag allowed: the generated Rego applies it by lower-casing
the value (common.regex_match), which is exact when the rest of the pattern
has no upper-case letter.
"""

from __future__ import annotations

import re

_UNPORTABLE = (
    (re.compile(r"\(\?P?<"), "named groups (?P<name>...)"),
    (re.compile(r"\(\?[a-zA-Z-]*[:)]"), "inline flags such as (?s), (?m), (?i:...) (only a leading (?i) is allowed)"),
    (re.compile(r"\\[pP]"), "Unicode classes \\p{...}"),
    (re.compile(r"\\Q"), "quoted literals \\Q...\\E"),
)
_UPPER_UNESCAPED = re.compile(r"(?:^|[^\\])[A-Z]")


def unportable(pattern: str) -> str | None:
    """Why pattern would not read the same in every engine, or None."""
    rest = pattern.removeprefix("(?i)")
    for found, what in _UNPORTABLE:
        if found.search(rest.replace("\\\\", "")):
            return f"uses {what}, which the embedded engine (rego-cpp) does not read"
    if rest is not pattern and _UPPER_UNESCAPED.search(rest.replace("\\\\", "")):
        return "has an upper-case letter after (?i): write the rest of the pattern in lower case"
    return None
