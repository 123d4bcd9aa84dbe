"""Which RE2 patterns every engine reads the same way.

Kyverno (CEL), OPA, conftest and gator all use Go's RE2; the embedded engine
(rego-cpp) reads a smaller dialect: no inline flags, no named groups, no
Unicode classes, no \\Q...\\E, no \\A or \\z, no hexadecimal or octal escapes,
no negated class names such as [[:^alpha:]], and no '{' read as a literal
character (RE2 reads `a{`, `{}` or `${x}` so; rego-cpp never matches them, and
`\\x41` crashes it). The compiler itself checks with RE2's C++ library, which
also reads \\C, where Go's regexp refuses it. A pattern outside the common
dialect would make the engines disagree, so the compiler refuses it with the
reason. A leading (?i) is the one flag allowed: the generated Rego applies it
by lower-casing the value (common.regex_match), which is exact when the rest
of the pattern has no upper-case letter.
"""

from __future__ import annotations

import re

import re2

_REGO_CPP = "the embedded engine (rego-cpp)"
_UNPORTABLE = (
    (re.compile(r"\(\?P?<"), "named groups (?P<name>...)", _REGO_CPP),
    # (?: is a plain group; a letter or '-' after (? makes it a flag
    (
        re.compile(r"\(\?[a-zA-Z-]+[:)]"),
        "inline flags such as (?s), (?m), (?i:...) (only a leading (?i) is allowed)",
        _REGO_CPP,
    ),
    (re.compile(r"\\[pP]"), "Unicode classes \\p{...}", _REGO_CPP),
    (re.compile(r"\\Q"), "quoted literals \\Q...\\E", _REGO_CPP),
    (re.compile(r"\\[Az]"), "the anchors \\A or \\z (write ^ and $)", _REGO_CPP),
    (re.compile(r"\\x|\\[0-7]"), "hexadecimal or octal escapes such as \\x41 or \\101", _REGO_CPP),
    (re.compile(r"\[:\^"), "negated class names such as [[:^alpha:]] (write [^[:alpha:]])", _REGO_CPP),
    (re.compile(r"(?<!\\)\{(?![0-9]+(,[0-9]*)?\})"), "a '{' that starts no {n}, {n,} or {n,m} (write \\{)", _REGO_CPP),
    (re.compile(r"\\C"), "\\C (any byte)", "Go's regexp (conftest, Gatekeeper, Kyverno)"),
)
_UPPER_UNESCAPED = re.compile(r"(?:^|[^\\])[A-Z]")


def unportable(pattern: str) -> str | None:
    """Why pattern would not read the same in every engine, or None."""
    rest = pattern.removeprefix("(?i)")
    for found, what, reader in _UNPORTABLE:
        if found.search(rest.replace("\\\\", "")):
            return f"uses {what}, which {reader} does not read"
    if rest is not pattern and _UPPER_UNESCAPED.search(rest.replace("\\\\", "")):
        return "has an upper-case letter after (?i): write the rest of the pattern in lower case"
    return None


def problem(pattern: str) -> str | None:
    """Why pattern cannot be a hint's regular expression (invalid RE2, or unportable), or None."""
    try:
        re2.compile(pattern)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        return f"is not a valid RE2 regular expression: {reason}"
    except UnicodeEncodeError:  # RE2 reads UTF-8: a lone surrogate has no spelling in it
        return "is not a valid RE2 regular expression: it holds a lone surrogate, which is not text"
    return unportable(pattern)
