"""The CEL paths Kyverno reads: every step into a value not known to be a map is guarded, in linear text.

What the guards do on wrong-typed input is decided by the engines (the hostile
corpus in tests/test_hardening_check.py runs Kyverno against the Rego engines);
these tests read the rendered text.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from hint2policy.catalog import load_catalog
from hint2policy.compile.workloads import template_groups
from hint2policy.render import cel
from hint2policy.render.kyverno import list_variables

GUARD = "== map"


def path(steps: int) -> list[str]:
    return [f"k{i}" for i in range(steps)]


def test_every_step_into_an_unknown_value_is_guarded() -> None:
    for steps in range(1, 12):
        text = cel.at("v_item", path(steps))
        assert text.count(GUARD) == steps, text
        assert text.endswith(": null)") or text.endswith(": null)[0]"), text


def test_the_default_stands_for_a_missing_or_mistyped_step() -> None:
    text = cel.at("v_item", path(4), default='""')
    assert text.count('.orValue("")') == 2  # the last two steps, past the conditions
    assert text.endswith(': "")[0]'), text


def test_a_path_grows_by_the_same_text_per_step() -> None:
    lengths = [len(cel.at("v_item", path(steps))) for steps in range(1, 20)]
    growth = {after - before for before, after in pairwise(lengths[3:])}
    # each step past the first ones adds one guarded step of the same length (k10.. add a digit)
    assert len(growth) <= 2 and max(growth) <= min(growth) + 1, lengths
    assert lengths[-1] < 20 * 80, lengths


def test_an_object_and_its_metadata_are_read_directly() -> None:
    assert cel.at_object("object", ("metadata", "name")) == 'object[?"metadata"][?"name"].orValue(null)'
    assert cel.namespace("v_entry") == 'v_entry[?"metadata"][?"namespace"].orValue("")'
    hosts = cel.at_object("object", ("spec", "hosts"))
    assert hosts == '(type(object[?"spec"].orValue(null)) == map ? object[?"spec"][?"hosts"].orValue(null) : null)'
    annotations = cel.at_object("object", ("metadata", "annotations", "note"))
    assert annotations.count(GUARD) == 1, annotations


def test_an_exemption_reads_each_annotations_map_once() -> None:
    text = cel.exempt("some-hint")
    places = 1 + sum(1 for template, _ in template_groups() if template)
    assert text.count('"annotations"') == places, text
    assert text.count(".exists(a, type(a) == map") == places, text


def test_relations_that_list_one_kind_in_one_scope_share_one_list() -> None:
    # virtual-service-subset-exists relates each of five destination kinds to DestinationRules in
    # any namespace: one resource.List, read by all five (each List copies every object it returns)
    hints = {h.id: h for h in load_catalog([Path(__file__).parent.parent / "hints"]).hints}
    subset = hints["virtual-service-subset-exists"].policy
    assert len(subset.relations) == 5
    assert [v["name"] for v in list_variables(subset)] == ["related_1_1"]
    assert set(cel.list_names(subset).values()) == {"related_1_1"}
    # pods listed in the subject's namespace and in every namespace stay two lists
    ingress = hints["ingress-gateway-authorization"].policy
    expressions = [v["expression"] for v in list_variables(ingress)]
    assert len(expressions) == len(set(expressions)) == 5
