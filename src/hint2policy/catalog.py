"""The catalog: every hint folder loaded, validated and compiled, errors collected.

A bad hint never hides the others: each error is kept and reported, and the
good hints are still compiled.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hint2policy.compile import ir
from hint2policy.compile.compiler import compile_spec
from hint2policy.errors import SpecError
from hint2policy.kube import group_kind
from hint2policy.load.fixtures import Fixture, load_fixtures
from hint2policy.load.yamlpos import Located, YamlError, load_located, read_text
from hint2policy.validate import validate_spec

SPEC_NAME = "hint.yaml"


@dataclass(frozen=True)
class Hint:
    """One enforced hint: its folder, its compiled policy and its fixtures."""

    folder: Path
    policy: ir.Policy
    fixtures: tuple[Fixture, ...]

    @property
    def id(self) -> str:
        return self.policy.hint_id

    @property
    def spec(self) -> dict[str, Any]:
        return self.policy.spec

    @property
    def status(self) -> str:
        return "enforced"


@dataclass(frozen=True)
class Note:
    """An advisory or planned hint: documented, with the reason it has no policy (yet)."""

    folder: Path
    spec: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.spec["id"])

    @property
    def status(self) -> str:
        return str(self.spec["status"])


Entry = Hint | Note


@dataclass
class Catalog:
    hints: list[Hint]  # enforced: compiled and tested
    errors: list[SpecError]
    notes: list[Note] = field(default_factory=list)  # advisory and planned

    def entries(self) -> list[Entry]:
        """Every hint, enforced or not, ordered by id."""
        return sorted([*self.hints, *self.notes], key=lambda e: e.id)


def hint_folders(roots: Iterable[Path]) -> list[Path]:
    """Hint folders under each root; a root may itself be one hint folder."""
    folders: list[Path] = []
    for root in roots:
        if (root / SPEC_NAME).is_file():
            folders.append(root)
        elif root.is_dir():
            folders.extend(sorted(p.parent for p in root.glob(f"*/{SPEC_NAME}")))
        else:
            raise SpecError(root, 1, "<path>", "no such hint folder")
    return folders


def load_catalog(roots: Iterable[Path], *, fixtures: bool = True) -> Catalog:
    """Load every hint under roots, keeping the good ones and every error.

    Without fixtures (`check` reads none) each hint's fixtures are neither read nor checked.
    """
    catalog = Catalog([], [])
    seen: dict[str, Path] = {}
    for folder in hint_folders(roots):
        try:
            hint = load_hint(folder, fixtures=fixtures)
        except SpecError as exc:
            catalog.errors.append(exc)
            continue
        if hint.id in seen:
            where = f"{seen[hint.id] / SPEC_NAME}"
            catalog.errors.append(SpecError(folder / SPEC_NAME, 1, "id", f"duplicate id {hint.id!r} (also in {where})"))
            continue
        seen[hint.id] = folder
        if isinstance(hint, Note):
            catalog.notes.append(hint)
        else:
            catalog.hints.append(hint)
    return catalog


def load_hint(folder: Path, *, fixtures: bool = True) -> Entry:
    """Load, validate and compile one hint folder (its fixtures too, unless told not to); raises SpecError."""
    file = folder / SPEC_NAME
    try:
        located = load_located(read_text(file))
    except YamlError as exc:
        raise SpecError(file, exc.line, "<yaml>", exc.message) from None
    validate_spec(file, located)
    spec_id = located.value["id"]
    if spec_id != folder.name:
        raise SpecError(
            file,
            located.line_of(("id",)),
            "id",
            f"id {spec_id!r} must match its folder name {folder.name!r}",
        )
    _check_status_fields(file, located)
    if located.value.get("status", "enforced") != "enforced":
        return Note(folder, located.value)
    policy = compile_spec(file, located)
    if not fixtures:
        return Hint(folder, policy, ())
    found = tuple(load_fixtures(folder / "fixtures"))
    _check_fixtures(policy, found)
    return Hint(folder, policy, found)


_POLICY_FIELDS = ("action", "match", "parameters", "check", "message")


def _check_status_fields(file: Path, located: Located) -> None:
    """A policy's fields belong to enforced hints only; the reason, to the others."""
    spec = located.value
    status = spec.get("status", "enforced")
    misplaced = [f for f in _POLICY_FIELDS if f in spec] if status != "enforced" else ["reason"] * ("reason" in spec)
    if not misplaced:
        return
    name = misplaced[0]
    why = (
        f"{'an' if status == 'advisory' else 'a'} {status} hint has no policy: remove {name} or make the hint enforced"
        if status != "enforced"
        else "reason explains why an advisory or planned hint has no policy; an enforced hint has none"
    )
    raise SpecError(file, located.line_of((name,)), name, why)


def _check_fixtures(policy: ir.Policy, fixtures: tuple[Fixture, ...]) -> None:
    if policy.cross_resource:
        _check_scenarios(policy, fixtures)
        return
    kinds = policy.reviewed
    seen: dict[str, Path] = {}
    for fixture in fixtures:
        for index, obj in enumerate(fixture.objects):
            where = f"document {index + 1}"
            group, _ = group_kind(obj)
            if (group, obj["kind"]) not in kinds:
                raise SpecError(
                    fixture.path,
                    1,
                    where,
                    f"{obj['kind']} ({group or 'core'}) is not a kind this hint matches",
                )
            name = obj["metadata"]["name"]
            if name in seen:
                # `kyverno test` matches expected results by name even across kinds
                raise SpecError(
                    fixture.path,
                    1,
                    where,
                    f"{obj['kind']}/{name}: the name {name!r} already appears in {seen[name].name}: "
                    "engines report by name, so fixture names must be unique within a hint",
                )
            seen[name] = fixture.path


def _check_scenarios(policy: ir.Policy, fixtures: tuple[Fixture, ...]) -> None:
    """A cross-resource fixture is a scenario: the object under review first, then what exists."""
    kinds = policy.reviewed
    known = policy.read | {("", "Namespace")}
    for fixture in fixtures:
        for index, obj in enumerate(fixture.objects):
            group, _ = group_kind(obj)
            allowed = kinds if index == 0 else known
            if group_kind(obj) not in allowed:
                what = "the object under review (the first)" if index == 0 else "an object this hint relates to"
                raise SpecError(
                    fixture.path,
                    1,
                    f"document {index + 1}",
                    f"{obj['kind']} ({group or 'core'}) is not {what}",
                )
