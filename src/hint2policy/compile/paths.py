"""Parse field paths (spec.hosts, metadata.annotations["a.b/c"], $item.name) and messages."""

from __future__ import annotations

import re

from hint2policy.compile.ir import Builtin, Every, MessagePart, Ref, Segment, VarKey

_VAR = r"\$([a-z][a-z0-9_]*)"
_NAME = r"([A-Za-z0-9_\-/]+)"
_QUOTED = r'\["((?:[^"\\]|\\.)*)"\]'
_VAR_KEY = r"\[\$([a-z][a-z0-9_]*)\]"
_EVERY = r"(\[\*\])"
_SEGMENT = re.compile(rf"\.?{_NAME}|{_QUOTED}|{_VAR_KEY}|{_EVERY}")
_START_VAR = re.compile(_VAR)


class PathSyntaxError(ValueError):
    pass


def parse_path(raw: str | list[str]) -> Ref:
    """A Ref from a dotted path string or a list of segments ($var only first)."""
    if isinstance(raw, list):
        var = raw[0][1:] if raw[0].startswith("$") else None
        return Ref(var, tuple(raw[1:] if var else raw))
    var, segments = _parse_string(raw)
    return Ref(var, tuple(segments))


def _parse_string(raw: str) -> tuple[str | None, list[Segment]]:
    var = None
    pos = 0
    found = _START_VAR.match(raw)
    if found:
        var, pos = found.group(1), found.end()
    segments: list[Segment] = []
    while pos < len(raw):
        if (segments or var) and not raw.startswith((".", "["), pos):
            raise PathSyntaxError(f"unexpected {raw[pos]!r} at offset {pos} in path {raw!r}")
        match = _SEGMENT.match(raw, pos)
        if not match or match.end() == pos:
            raise PathSyntaxError(f"cannot read path {raw!r} from offset {pos}")
        name, quoted, key_var, every = match.groups()
        if every is not None:
            segments.append(Every())
        elif key_var is not None:
            segments.append(VarKey(key_var))
        else:
            segments.append(name if name is not None else _unquote(quoted))
        pos = match.end()
    if not var and not segments:
        raise PathSyntaxError(f"empty path {raw!r}")
    return var, segments


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


_PLACEHOLDER = re.compile(r"\{(\$?[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_\-/]+|" + _QUOTED + r")*)\}")
BUILTINS = ("kind", "name", "namespace")
# A placeholder path starts at a root of the object, so that `${HOME}` or `{x}` stay text.
PATH_ROOTS = ("metadata", "spec", "status", "data")


def parse_message(text: str) -> tuple[MessagePart, ...]:
    """Split a message into literal text and references; only {path} forms are placeholders."""
    parts: list[MessagePart] = []
    pos = 0
    for match in _PLACEHOLDER.finditer(text):
        inner = match.group(1)
        if not _is_placeholder(inner):
            continue
        if match.start() > pos:
            parts.append(text[pos : match.start()])
        parts.append(Builtin(inner) if inner in BUILTINS else parse_path(inner))  # type: ignore[arg-type]
        pos = match.end()
    if pos < len(text):
        parts.append(text[pos:])
    return tuple(parts)


def _is_placeholder(inner: str) -> bool:
    return inner in BUILTINS or inner.startswith("$") or inner.split(".")[0].split("[")[0] in PATH_ROOTS
