"""The kinds that carry a pod template, and where the template sits in each.

One table serves every target: the Rego helper, the Kyverno rules per kind
and the expansion of Pod fixtures into every workload kind.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from hint2policy.compile.ir import Kind

K = TypeVar("K", bound=Hashable)

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
    return _grouped(lambda kind: kind.template or ())


def workload_groups() -> list[tuple[str, list[Kind]]]:
    """Workload kinds grouped by API group, in table order."""
    return _grouped(lambda kind: kind.group)


def _grouped(key: Callable[[Kind], K]) -> list[tuple[K, list[Kind]]]:
    groups: dict[K, list[Kind]] = {}
    for kind in WORKLOAD_KINDS:
        groups.setdefault(key(kind), []).append(kind)
    return list(groups.items())
