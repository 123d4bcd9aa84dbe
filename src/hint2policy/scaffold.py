"""`hint2policy new`: scaffold a hint folder that `hint2policy test` passes at once.

The scaffold is a real, minimal check (every object of the chosen kind carries
an owner label) with one passing and one failing fixture, rendered from
templates/scaffold/. It is meant for a team's own hints folder: the catalog
shipped with hint2policy quotes its seed page verbatim, which a team's own
conventions do not.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from hint2policy.catalog import SPEC_NAME, load_hint
from hint2policy.errors import Hint2PolicyError, SpecError
from hint2policy.kube import CLUSTER_SCOPED, api_version
from hint2policy.render.environment import render
from hint2policy.resources import SCHEMA_DIR

DEFAULT_KIND = "networking.istio.io/VirtualService"
DEFAULT_CATEGORY = "custom"
FIXTURES = ("pass-example.yaml", "fail-example.yaml")
# A group that looks like an API version: the user gave apiVersion/Kind instead of group/Kind.
_VERSION = re.compile(r"^v[0-9]+((alpha|beta)[0-9]+)?$")


class ScaffoldError(Hint2PolicyError):
    """`hint2policy new` cannot scaffold what was asked (bad id, kind, category, or the folder exists)."""


@dataclass(frozen=True)
class Target:
    """What to scaffold: the hint's id, the kind it checks and its category."""

    id: str
    group: str
    kind: str
    category: str


@cache
def _schema() -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / "hint.schema.json").read_text(encoding="utf-8"))


def _pattern(*where: str) -> re.Pattern[str]:
    """A pattern of the hint schema, so that `new` and the validator never disagree."""
    node: Any = _schema()
    for key in where:
        node = node[key]
    return re.compile(node["pattern"])


def check_id(hint_id: str) -> str:
    spec = _schema()["properties"]["id"]
    if not _pattern("properties", "id").fullmatch(hint_id) or len(hint_id) > spec["maxLength"]:
        raise ScaffoldError(
            f"invalid hint id {hint_id!r}: use lower-case words joined by '-' "
            f"(e.g. virtual-service-owner-label), at most {spec['maxLength']} characters"
        )
    return hint_id


def check_category(category: str) -> str:
    if not _pattern("properties", "category").fullmatch(category):
        raise ScaffoldError(f"invalid category {category!r}: a lower-case slug such as 'traffic-management'")
    return category


def parse_kind(text: str) -> tuple[str, str]:
    """'group/Kind' (or 'Kind' for the core group) as (group, kind)."""
    group, _, kind = text.strip().rpartition("/")
    examples = "e.g. networking.istio.io/VirtualService, apps/Deployment, or Service for the core group"
    if group in ("core", "v1"):
        group = ""  # kubectl's names for the core group
    if _VERSION.match(group.rpartition("/")[2]) and group:
        raise ScaffoldError(f"invalid kind {text!r}: give the API group, not its version ({examples})")
    if not _pattern("$defs", "kind", "properties", "group").fullmatch(group):
        raise ScaffoldError(f"invalid kind {text!r}: {group!r} is not an API group ({examples})")
    if not _pattern("$defs", "kind", "properties", "kind").fullmatch(kind):
        raise ScaffoldError(f"invalid kind {text!r}: the kind is CamelCase, such as ServiceEntry ({examples})")
    return group, kind


def target(hint_id: str, kind: str = DEFAULT_KIND, category: str = DEFAULT_CATEGORY) -> Target:
    group, name = parse_kind(kind)
    return Target(check_id(hint_id), group, name, check_category(category))


def render_files(target: Target, hints_dir: Path) -> dict[str, str]:
    """The scaffold's files, by path relative to the hint folder."""
    namespaced = target.kind not in CLUSTER_SCOPED
    where = "{kind} {namespace}/{name}" if namespaced else "{kind} {name}"
    context = {
        "id": target.id,
        "group": target.group,
        "kind": target.kind,
        "category": target.category,
        "api_version": api_version(target.group),
        "namespaced": namespaced,
        "hints": hints_dir.as_posix(),
        "folder": (hints_dir / target.id).as_posix(),
        "message": f"{where} has no owner label (one of the ownerLabels parameter, e.g. team)",
    }
    files = {SPEC_NAME: render("scaffold/hint.yaml.j2", **context)}
    for name in FIXTURES:
        files[f"fixtures/{name}"] = render(f"scaffold/{name}.j2", **context)
    return files


def create(target: Target, hints_dir: Path) -> Path:
    """Write the scaffold under hints_dir/<id> and prove it loads; returns the folder."""
    folder = hints_dir / target.id
    if folder.exists():
        raise ScaffoldError(f"{folder} already exists: choose another id or remove the folder")
    files = render_files(target, hints_dir)
    for relative, text in files.items():
        path = folder / relative
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        except OSError as exc:
            raise ScaffoldError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        load_hint(folder)  # the scaffold must be a valid, compilable hint; never leave a broken one behind
    except SpecError:
        shutil.rmtree(folder)
        raise
    return folder
