"""Validate a hint spec against the shipped JSON Schema, naming file, line and field."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from hint2policy.errors import SpecError
from hint2policy.load.yamlpos import FieldPath, Located
from hint2policy.resources import SCHEMA_DIR


@cache
def shipped_schema(name: str) -> dict[str, Any]:
    """One of the shipped JSON Schemas (draft 2020-12), by file name."""
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


@cache
def schema_validator(name: str) -> jsonschema.Draft202012Validator:
    schema = shipped_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def hint_schema() -> dict[str, Any]:
    """The hint spec schema."""
    return shipped_schema("hint.schema.json")


def _validator() -> jsonschema.Draft202012Validator:
    return schema_validator("hint.schema.json")


def format_field(path: FieldPath) -> str:
    """check.each.in, match.kinds[0].group, ... ('<spec>' for the whole document)."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "<spec>"


def validate_spec(file: Path, located: Located) -> None:
    """Raise SpecError for the most relevant schema violation of the spec, if any."""
    errors = list(_validator().iter_errors(located.value))
    if not errors:
        return
    error = deepest(best_match(errors))
    path = error_path(error)
    raise SpecError(file, located.line_of(path), format_field(path), message(error))


def deepest(error: ValidationError) -> ValidationError:
    """The most specific error under error (config.py reads schema errors the same way)."""
    # oneOf/anyOf report "not valid under any": the branch closest to the value says why.
    while error.context:
        error = best_match(error.context)
    return error


_UNEXPECTED = re.compile(r"\('([^']+)' (?:was|were) unexpected\)")


def error_path(error: ValidationError) -> FieldPath:
    """The field error is about: an unexpected property names itself, not its parent."""
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties":
        found = _UNEXPECTED.search(error.message)
        if found:
            return (*path, found.group(1))
    return path


def message(error: ValidationError) -> str:
    """The one-line reason for error, in the words of a spec or config author."""
    if error.validator == "additionalProperties":
        found = _UNEXPECTED.search(error.message)
        if found:
            return f"unknown field {found.group(1)!r}"
    if error.validator == "required":
        return error.message.replace("is a required property", "is required")
    if error.validator == "pattern":
        return f"{error.instance!r} does not match {error.validator_value!r}"
    if error.validator == "not" and set(error.validator_value) == {"pattern"}:
        return f"{error.instance!r} must not contain {error.validator_value['pattern'].replace(chr(92), '')!r}"
    return error.message
