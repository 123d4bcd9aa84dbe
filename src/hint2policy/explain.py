"""`hint2policy explain <id>`: one hint as a reader meets it, in the terminal.

Its title and classification, the seed's words, why it matters and how to fix
it, its parameters, the kinds it matches and the files `generate` writes for it
(or, for an advisory or planned hint, why there are none).
"""

from __future__ import annotations

import difflib
import json
import textwrap
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from hint2policy.catalog import Entry, Hint, hint_folders, load_hint
from hint2policy.errors import Hint2PolicyError
from hint2policy.findings import DOCS_URL
from hint2policy.generate import common_path, conftest_path, fixtures_dir, hint_files, library_path
from hint2policy.render import gatekeeper, kyverno
from hint2policy.render.rego import render_common
from hint2policy.resources import default_hints_dir

INDENT = "  "
WIDTH = 100


class UnknownHint(Hint2PolicyError):
    """No hint of that id in the folders searched."""


def find_entry(hint_id: str, roots: Sequence[Path]) -> Entry:
    """Load the one hint named hint_id (its folder's name is its id); raise UnknownHint with close matches."""
    folders = {folder.name: folder for folder in hint_folders(roots)}
    if hint_id in folders:
        return load_hint(folders[hint_id])
    where = ", ".join(str(r) for r in roots)
    close = suggestions(hint_id, folders)
    hint = f"did you mean {', '.join(close)}?" if close else "run 'hint2policy list' to see them"
    raise UnknownHint(f"no hint {hint_id!r} in {where}: {hint}")


def suggestions(hint_id: str, known: Iterable[str], limit: int = 3) -> list[str]:
    """Ids that look like hint_id: close spellings first, then ids containing it."""
    ids = sorted(known)
    close = difflib.get_close_matches(hint_id, ids, n=limit, cutoff=0.6)
    containing = [i for i in ids if hint_id and hint_id in i and i not in close]
    return (close + containing)[:limit]


def explain(entry: Entry) -> str:
    """The hint as text, ending in a newline."""
    spec = entry.spec
    sections = [
        _header(entry),
        _source(spec),
        _block("Rationale", spec["rationale"]),
        _block("Remediation", spec["remediation"]),
    ]
    if isinstance(entry, Hint):
        sections += [_parameters(spec), _matches(entry), _block("Message", spec["message"]), _policies(entry)]
    else:
        sections.append(_block(f"Why it has no policy ({entry.status})", spec["reason"]))
    return "\n\n".join(s for s in sections if s) + "\n"


def _header(entry: Entry) -> str:
    spec = entry.spec
    rows = [
        ("status", entry.status),
        ("category", spec["category"]),
        ("severity", spec["severity"]),
        ("action", spec.get("action") or "- (no policy)"),
    ]
    codes = (spec.get("istioctl") or {}).get("codes")
    if codes:
        rows.append(("istioctl", ", ".join(codes)))
    if entry.folder.parent.resolve() == default_hints_dir().resolve():
        rows.append(("page", f"{DOCS_URL}{entry.id}.md"))  # only the shipped catalog has published pages
    width = max(len(name) for name, _ in rows)
    lines = [f"{entry.id}: {spec['title']}", *(f"{INDENT}{name.ljust(width)}  {value}" for name, value in rows)]
    return "\n".join(lines)


def _source(spec: dict[str, Any]) -> str:
    source = spec["source"]
    quotes = [source["quote"]] if isinstance(source["quote"], str) else source["quote"]
    lines = [f'Source: {source["document"]}, section "{_one_line(source["section"])}"']
    for quote in quotes:
        wrapped = textwrap.wrap(_one_line(quote), WIDTH - 4) or [""]
        lines += [f"{INDENT}> {line}" for line in wrapped]
    return "\n".join(lines)


def _block(title: str, text: str) -> str:
    return f"{title}\n{textwrap.indent(reflow(text), INDENT)}"


def reflow(text: str, width: int = WIDTH - len(INDENT)) -> str:
    """Plain paragraphs wrapped to width; code fences, lists and indented lines kept as written."""
    out: list[str] = []
    paragraph: list[str] = []
    fenced = False

    def flush() -> None:
        if paragraph:
            out.extend(textwrap.wrap(" ".join(paragraph), width))
            paragraph.clear()

    for line in text.rstrip().splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        plain = not fenced and line.strip() and not line.lstrip().startswith("```") and not _structured(line)
        if plain:
            paragraph.append(line.strip())
            continue
        flush()
        out.append(line.rstrip())
    flush()
    return "\n".join(out)


def _structured(line: str) -> bool:
    """A markdown line that wrapping would break: a list item, a heading, a table row, an indented line."""
    stripped = line.lstrip()
    return line != stripped or stripped.startswith(("-", "*", "#", "|", ">")) or stripped[:2].rstrip(".").isdigit()


def _parameters(spec: dict[str, Any]) -> str:
    parameters = sorted((spec.get("parameters") or {}).items())
    if not parameters:
        return "Parameters\n" + INDENT + "none"
    lines = ["Parameters"]
    for name, parameter in parameters:
        lines.append(f"{INDENT}{name} ({type_name(parameter['schema'])}), default {_json(parameter['default'])}")
        lines += textwrap.wrap(
            _one_line(parameter["description"]), WIDTH, initial_indent=INDENT * 3, subsequent_indent=INDENT * 3
        )
    return "\n".join(lines)


def type_name(schema: dict[str, Any]) -> str:
    """A parameter's JSON Schema type, read aloud: 'array of string'."""
    kind = schema.get("type", "any")
    if kind == "array" and isinstance(schema.get("items"), dict):
        return f"array of {type_name(schema['items'])}"
    return kind if isinstance(kind, str) else " or ".join(kind)


def _matches(hint: Hint) -> str:
    policy = hint.policy
    kinds = ", ".join(f"{k.group or 'core'}/{k.kind}" for k in policy.kinds)
    lines = ["Matches", f"{INDENT}{kinds}"]
    if policy.workloads:
        lines.append(f"{INDENT}(every kind with a pod template: the check reads the template)")
    if policy.related_kinds:
        related = ", ".join(f"{k.group or 'core'}/{k.kind}" for k in policy.related_kinds)
        lines.append(f"{INDENT}compared with other objects: {related}")
    excluded = ", ".join(policy.excluded_namespaces) or "none"
    lines.append(f"{INDENT}excluded namespaces: {excluded}")
    return "\n".join(lines)


def _policies(hint: Hint) -> str:
    """The files `generate` writes for the hint, relative to generated/, and the shared ones it needs."""
    files = hint_files(hint, render_common())
    own = [
        ("Rego library (conftest and Gatekeeper)", library_path(hint)),
        ("conftest policy", conftest_path(hint)),
        ("Gatekeeper ConstraintTemplate", f"gatekeeper/{hint.id}/template.yaml"),
        ("Gatekeeper Constraint", f"gatekeeper/{hint.id}/constraint.yaml"),
        ("gator suite", f"gatekeeper/{hint.id}/suite.yaml"),
        (_kyverno_label(hint), f"kyverno/{hint.id}/policy.yaml"),
    ]
    tests = sorted(p for p in files if p.startswith(f"kyverno/{hint.id}/") and p.endswith("kyverno-test.yaml"))
    fixtures = [p for p in files if p.startswith(f"{fixtures_dir(hint)}/")]
    shared = [("shared Rego helpers", common_path())]
    shared += [("Gatekeeper sync (data.inventory)", p) for p in sorted(gatekeeper.render_sync([hint.policy]))]
    shared += [("CRD for kyverno test", f"kyverno/{kyverno.crd_file(k)}") for k in kyverno.crd_kinds([hint.policy])]
    rows = list(own)
    if len(tests) == 1:
        rows.append(("Kyverno test", tests[0]))
    else:
        rows.append(("Kyverno tests", f"{len(tests)} scenarios under kyverno/{hint.id}/"))
    rows += [("fixtures as the engines read them", f"{len(fixtures)} files under {fixtures_dir(hint)}/")]
    rows += shared
    width = max(len(label) for label, _ in rows)
    lines = ["Generated (paths under generated/, written by `hint2policy generate`)"]
    lines += [f"{INDENT}{label.ljust(width)}  {path}" for label, path in rows]
    return "\n".join(lines)


def _kyverno_label(hint: Hint) -> str:
    return "Kyverno ValidatingPolicy" if hint.policy.cross_resource else "Kyverno ClusterPolicy"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
