# METADATA
# title: "At most one Sidecar without workloadSelector per namespace"
# description: "A Sidecar without spec.workloadSelector is the namespace's default for every proxy that no selector-based Sidecar claims; in the root namespace it is the default for the whole mesh. With two of them, Istio picks one and the other is ignored, and which one is not defined, so egress restrictions can appear or disappear with an unrelated change. The check flags every Sidecar without spec.workloadSelector when another Sidecar without spec.workloadSelector exists in the same namespace, the root namespace included; all of them are flagged, as istioctl does, because none of them is the right one to keep by itself. An older version of the same Sidecar (an update) is not a second default. Sidecars with a workloadSelector are not concerned (see sidecar-selector-overlap), and neither are selector-less Sidecars in different namespaces. A workloadSelector that is present but has no labels counts as a selector, as in IST0111 (Istio's validation refuses a selector without labels). No namespace is excluded: two defaults are ambiguous everywhere. It is denied, of medium severity: the second default is never intended, refusing it at admission keeps the first one in force, and the fix (merge them, or give one a workloadSelector) is a single edit; deleting one of two existing defaults is never blocked."
# custom:
#   hint: sidecar-single-namespace-default
#   source: hints/sidecar-single-namespace-default/hint.yaml
package lib.hint2policy.sidecar_single_namespace_default

import data.lib.hint2policy.common

# violations is the set of messages for every way subject breaks the hint.
violations(subject) := {msg |
	not _check_1(subject)
	msg := sprintf("Sidecar %s/%s has no workloadSelector, and another Sidecar without workloadSelector exists in namespace %s: which one applies is undefined; keep one namespace default and give the others a workloadSelector", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"])), common.text(common.get(subject, ["metadata", "namespace"]))])
}

_check_1(subject) if {
	_check_2(subject)
} else if {
	_check_3(subject)
}

_check_2(subject) if subject.spec.workloadSelector != null

_check_3(subject) if not _check_4(subject)

_check_4(subject) if {
	key := common.namespace(subject)
	some v_other in _related_1_of([key])
	not common.same(v_other, subject)
}

_check_5(v_other) if common.get(v_other, ["spec", "workloadSelector"]) == null

# every Sidecar
_objects_1 := common.objects_of([{"group": "networking.istio.io", "kind": "Sidecar"}])

# Sidecar objects that pass the relation's own conditions, by namespace: a complete rule, so every engine builds it
# once per query, by sorting (key, position in _objects_1) pairs.
_related_1 := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_1)
		v_other := _objects_1[i]
		_check_5(v_other)
		key := common.namespace(v_other)
	]),
	_objects_1,
)

# _related_1_of(keys) holds the objects _related_1 holds under any of keys. conftest and the
# embedded engine check every document in one query and read the index; Gatekeeper reviews one
# object per query, where one scan for the keys costs less than building the index.
_related_1_of(keys) := union({object.get(_related_1, [k], set()) | some k in keys}) if common.combined

_related_1_of(keys) := {v_other |
	some ns in keys
	some v_other in common.objects_in([{"group": "networking.istio.io", "kind": "Sidecar"}], ns)
	_check_5(v_other)
	key := common.namespace(v_other)
	key in keys
} if {
	not common.combined
}
