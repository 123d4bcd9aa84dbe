"""The kinds that carry a pod template, and where the template sits in each.

One table serves every target: the Rego helper, the Kyverno rules per kind
and the expansion of Pod fixtures into every workload kind.
"""

from __future__ import annotations

from hint2policy.compile.ir import Kind

POD = Kind("", "Pod", ())
WORKLOAD_KINDS: tuple[Kind, ...] = (
    POD,
    Kind("apps", "Deployment", ("spec", "template")),
    Kind("apps", "StatefulSet", ("spec", "template")),
    Kind("apps", "DaemonSet", ("spec", "template")),
    Kind("apps", "ReplicaSet", ("spec", "template")),
    Kind("batch", "Job", ("spec", "template")),
    Kind("batch", "CronJob", ("spec", "jobTemplate", "spec", "template")),
)
API_VERSIONS = {"": "v1", "apps": "apps/v1", "batch": "batch/v1"}


def template_groups() -> list[tuple[tuple[str, ...], list[Kind]]]:
    """Workload kinds grouped by the path of their pod template, in table order."""
    groups: dict[tuple[str, ...], list[Kind]] = {}
    for kind in WORKLOAD_KINDS:
        groups.setdefault(kind.template or (), []).append(kind)
    return list(groups.items())


def workload_groups() -> list[tuple[str, list[Kind]]]:
    """Workload kinds grouped by API group, in table order."""
    groups: dict[str, list[Kind]] = {}
    for kind in WORKLOAD_KINDS:
        groups.setdefault(kind.group, []).append(kind)
    return list(groups.items())
