"""YAML loading that remembers where every value came from.

Errors must name the file, the line and the field, so spec files are composed
into nodes first and every value's line is kept under its field path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

FieldPath = tuple[str | int, ...]
# libyaml's parser where PyYAML was built with it: the same YAML, several times faster. A spec whose
# libyaml reading fails is read again by the pure-Python parser, whose verdict stands: it reads a lone
# surrogate escape as text (so the schema can name the field) where libyaml stops at the whole document.
FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Located:
    """A loaded YAML document and the line (1-based) of every field path in it."""

    value: Any
    lines: dict[FieldPath, int] = field(default_factory=dict)

    def line_of(self, path: FieldPath) -> int:
        """The line of the deepest known ancestor of path (the document start at worst)."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1


class YamlError(Exception):
    """A YAML syntax or structure problem at a line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def load_located(text: str) -> Located:
    """Load one YAML document, recording lines and refusing duplicate keys."""
    if FastLoader is not yaml.SafeLoader:
        try:
            return _load_located(FastLoader, text)
        except YamlError:
            pass  # the pure-Python parser's reading and its message are the ones reported
    return _load_located(yaml.SafeLoader, text)


def _load_located(loader_class: type, text: str) -> Located:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Located(None, {(): 1})
        located = Located(None)
        located.value = _build(loader, node, (), located.lines)
        return located
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlError((mark.line + 1) if mark else 1, _yaml_problem(exc)) from None
    except yaml.YAMLError as exc:
        raise YamlError(1, str(exc)) from None
    finally:
        loader.dispose()


def _yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    parts = [p for p in (exc.context, exc.problem) if p]
    return "invalid YAML: " + ", ".join(parts) if parts else "invalid YAML"


def _build(loader: Any, node: yaml.Node, path: FieldPath, lines: dict) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool):
                raise YamlError(key_node.start_mark.line + 1, "mapping keys must be scalars")
            if key in result:
                raise YamlError(key_node.start_mark.line + 1, f"duplicate key {key!r}")
            result[key] = _build(loader, value_node, (*path, key), lines)
            lines[(*path, key)] = key_node.start_mark.line + 1  # errors point at the key
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, (*path, i), lines) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def read_text(path: Path) -> str:
    """Read a file as UTF-8 text."""
    return path.read_text(encoding="utf-8")
