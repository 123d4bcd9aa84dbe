"""Exemptions: a resource opts out of named hints by annotation, and must say why.

    metadata:
      annotations:
        hint2policy.io/exempt: "application-uid-1337, service-entry-fqdn-hosts"
        hint2policy.io/exempt-reason: "legacy image runs as 1337; ticket OPS-123"

An exemption is read on the object's own metadata and, for a workload, on its
pod template's metadata (which Kubernetes copies to every Pod it creates), each
as a pair: the ids and the reason in the same metadata. The ids are split on
commas and trimmed, and compared whole, so exempting `service-entry-fqdn-hosts`
never exempts `service-entry-fqdn`. A reason is blank when it is empty or only
spaces; without a reason the exemption does not apply, and the policy built here
reports it.

Each target renders the same rule natively: common.exempt(obj, id) in the Rego
library (templates/rego/common.rego.j2), a CEL condition (render/cel.py) for
Kyverno's celPreconditions and matchConditions. The Python predicate below only
writes what `kyverno test` must expect (an exempt object is skipped there); the
engines are what decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hint2policy.catalog import Hint
from hint2policy.compile import ir
from hint2policy.compile.workloads import WORKLOAD_KINDS
from hint2policy.kube import group_kind
from hint2policy.load.fixtures import Fixture, load_fixtures

EXEMPT_ANNOTATION = "hint2policy.io/exempt"
REASON_ANNOTATION = "hint2policy.io/exempt-reason"
# A reason is blank when it is empty or only spaces: one character class that RE2, CEL and
# Python read alike (\s differs between them at the edges: \v, Unicode spaces).
NON_BLANK = "[^ ]"
# What Rego's trim_space and CEL's trim() remove around each id: Go's unicode.IsSpace.
WHITE_SPACE = "\t\n\v\f\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"

REASON_POLICY_ID = "exemption-reason-required"
FIXTURES_DIR = Path(__file__).resolve().parent / "exemption_fixtures"


# -- what an object says ------------------------------------------------------------------


def exemption_metadata(obj: dict[str, Any]) -> list[Any]:
    """The metadata an exemption is read from: the object's own, and its pod template's."""
    found = [obj.get("metadata")]
    template = _pod_template_path(obj)
    if template:
        found.append(_get(obj, (*template, "metadata")))
    return found


def exempted_ids(metadata: Any) -> set[str]:
    """The hint ids one metadata's exempt annotation names, when its reason is not blank."""
    annotations = _get(metadata, ("annotations",))
    ids, reason = _get(annotations, (EXEMPT_ANNOTATION,)), _get(annotations, (REASON_ANNOTATION,))
    if not isinstance(ids, str) or not has_reason(reason):
        return set()
    return {part.strip(WHITE_SPACE) for part in ids.split(",")} - {""}


def has_reason(reason: Any) -> bool:
    return isinstance(reason, str) and reason.strip(" ") != ""


def exempt(obj: dict[str, Any], hint_id: str) -> bool:
    """Whether obj is exempt from hint_id (see the module docstring)."""
    return any(hint_id in exempted_ids(meta) for meta in exemption_metadata(obj))


def _pod_template_path(obj: dict[str, Any]) -> tuple[str, ...] | None:
    kind = group_kind(obj)
    return next((k.template for k in WORKLOAD_KINDS if (k.group, k.kind) == kind and k.template), None)


def _get(value: Any, path: tuple[str, ...]) -> Any:
    for step in path:
        if not isinstance(value, dict):
            return None
        value = value.get(step)
    return value


# -- the policy that reports an exemption without a reason --------------------------------


def _metadata_ok(prefix: tuple[str, ...]) -> ir.Node:
    """This metadata names no exemption, or gives a reason for it."""
    annotations = (*prefix, "metadata", "annotations")
    return ir.AnyOf(
        (
            ir.Predicate("absent", ir.Ref(None, (*annotations, EXEMPT_ANNOTATION))),
            ir.Predicate("matches", ir.Ref(None, (*annotations, REASON_ANNOTATION)), ir.Lit(NON_BLANK)),
        )
    )


def _reason_check(kinds: Sequence[ir.Kind]) -> ir.Node:
    """The object's own metadata, then each pod template path of the workload kinds among kinds."""
    reviewed = {(k.group, k.kind) for k in kinds}
    checks = [_metadata_ok(())]
    by_path: dict[tuple[str, ...], list[str]] = {}
    for kind in WORKLOAD_KINDS:
        if kind.template and (kind.group, kind.kind) in reviewed:
            by_path.setdefault(kind.template, []).append(kind.kind)
    for path, names in by_path.items():
        # the kind names of the workload table are unique across groups
        kind = ir.Ref(None, ("kind",))
        other_kind = (
            ir.Predicate("notEquals", kind, ir.Lit(names[0]))
            if len(names) == 1
            else ir.Predicate("noneOf", kind, ir.Lit(names))
        )
        checks.append(ir.AnyOf((other_kind, _metadata_ok(path))))
    return checks[0] if len(checks) == 1 else ir.AllOf(tuple(checks))


_MESSAGE: tuple[ir.MessagePart, ...] = (
    ir.Builtin("kind"),
    " ",
    ir.Builtin("name"),
    f": {EXEMPT_ANNOTATION} is set (on the object or its pod template) without a {REASON_ANNOTATION} "
    "next to it, so the exemption does not apply: say why the hints do not apply here",
)


def reason_policy(kinds: Sequence[ir.Kind]) -> ir.Policy:
    """The policy that flags an exemption without a reason, on every kind in kinds."""
    plain = tuple(sorted({ir.Kind(k.group, k.kind) for k in kinds}, key=lambda k: (k.group, k.kind)))
    check = _reason_check(plain)
    return ir.Policy(
        hint_id=REASON_POLICY_ID,
        title="An exemption from a hint states its reason",
        category="exemptions",
        severity="medium",
        action="deny",
        description=(
            f"A resource is exempted from named hints by the annotation {EXEMPT_ANNOTATION} (hint ids, "
            f"comma-separated) together with {REASON_ANNOTATION}, a reason that is not blank. An exemption "
            "without a reason does not exempt, and this policy reports it, so that every exception in a "
            "cluster is explained where it is made."
        ),
        remediation=(
            f"Add {REASON_ANNOTATION} next to {EXEMPT_ANNOTATION} (in the same metadata: the object's own, or "
            "its pod template's), saying why the named hints do not apply, or remove the exemption."
        ),
        source_file="src/hint2policy/render/exemption.py",
        kinds=plain,
        workloads=False,
        excluded_namespaces=(),
        parameters=(),
        check=check,
        chain=(),
        body=check,
        message=_MESSAGE,
    )


def reason_fixtures(kinds: Sequence[ir.Kind]) -> tuple[Fixture, ...]:
    """The policy's own fixtures, those whose objects are all of kinds."""
    reviewed = {(k.group, k.kind) for k in kinds}
    return tuple(f for f in load_fixtures(FIXTURES_DIR) if all(group_kind(o) in reviewed for o in f.objects))


def reason_hint(hints: Sequence[Hint]) -> Hint:
    """The reason-required policy for the kinds hints review, as a hint `generate` and `test` take."""
    kinds = [k for h in hints for k in h.policy.kinds]
    return Hint(FIXTURES_DIR.parent, reason_policy(kinds), reason_fixtures(kinds))


def with_reason_policy(hints: Sequence[Hint]) -> list[Hint]:
    """hints and, when there are any, the reason-required policy for their kinds (added once)."""
    found = list(hints)
    if not found or any(h.id == REASON_POLICY_ID for h in found):
        return found
    return [*found, reason_hint(found)]
