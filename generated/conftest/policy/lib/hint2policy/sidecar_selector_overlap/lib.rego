# METADATA
# title: "Sidecars with workloadSelectors must select disjoint sets of pods"
# description: "A proxy uses exactly one Sidecar resource. When two Sidecars of a namespace both select a pod, Istio's choice between them is arbitrary, so the pod's egress scope and ports can differ from one push to the next. The check flags a Sidecar with workloadSelector labels when a workload of its namespace is selected by it and by another Sidecar of the same namespace, as istioctl's IST0110 does for pods. A workload is a Pod (selected on metadata.labels) or a Deployment (selected on the labels of its pod template, spec.template.metadata.labels, not on the Deployment's own labels), so a conflict shows before the pods run; a selector selects a workload when every one of its labels is on the workload with the same value. Sidecars without workloadSelector, or with one that has no labels, are ignored on both sides, as istioctl ignores them: a selector-less Sidecar is the namespace default, which selector-based Sidecars take precedence over (two defaults are sidecar-single-namespace-default's concern), and Istio's validation refuses a selector without labels. Deliberately not flagged: two selectors that could overlap (app: reviews and app: reviews, version: v2) while no workload carries both labels, Sidecars and workloads in different namespaces, and an older version of the same Sidecar. StatefulSets, DaemonSets, Jobs and CronJobs are seen through their Pods only. No namespace is excluded. Because the conflict is a fact about workloads that change without the Sidecar changing, it is a warning of medium severity, best run in audit or background mode: denying a Sidecar edit because of a pod someone else deployed would block the wrong person, and the finding reappears on the next background scan after a conflicting workload is deployed."
# custom:
#   hint: sidecar-selector-overlap
#   source: hints/sidecar-selector-overlap/hint.yaml
package lib.hint2policy.sidecar_selector_overlap

import data.lib.hint2policy.common

# violations is the set of messages for every way subject breaks the hint.
violations(subject) := {msg |
	not _check_1(subject)
	msg := sprintf("Sidecar %s/%s: a workload in namespace %s that its workloadSelector selects is also selected by another Sidecar; which Sidecar applies to its pods is arbitrary, so make the selectors select disjoint workloads", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"])), common.text(common.get(subject, ["metadata", "namespace"]))])
}

_check_1(subject) if {
	_check_2(subject)
} else if {
	_check_4(subject)
}

_check_2(subject) if not _check_3(subject)

_check_3(subject) if {
	value := subject.spec.workloadSelector.labels
	common.has_size(value)
	count(value) > 0
}

_check_4(subject) if not _check_5(subject)

_check_5(subject) if {
	key := common.namespace(subject)
	some v_workload in _related_1_of([key])
	_check_6(subject, v_workload)
	not common.same(v_workload, subject)
}

_check_6(subject, v_workload) if {
	_check_7(subject, v_workload)
	_check_13(subject, v_workload)
}

_check_7(subject, v_workload) if {
	every v_key in common.keys(common.get(subject, ["spec", "workloadSelector", "labels"])) {
		_check_8(subject, v_key, v_workload)
	}
}

_check_8(subject, v_key, v_workload) if {
	_check_9(subject, v_key, v_workload)
} else if {
	_check_12(subject, v_key, v_workload)
}

_check_9(subject, v_key, v_workload) if {
	_check_10(v_workload)
	_check_11(subject, v_key, v_workload)
}

_check_10(v_workload) if v_workload.kind == "Pod"

_check_11(subject, v_key, v_workload) if common.get(v_workload, ["metadata", "labels", v_key]) == common.get(subject, ["spec", "workloadSelector", "labels", v_key])

_check_12(subject, v_key, v_workload) if common.get(v_workload, ["spec", "template", "metadata", "labels", v_key]) == common.get(subject, ["spec", "workloadSelector", "labels", v_key])

_check_13(subject, v_workload) if {
	key := common.namespace(subject)
	some v_other in _related_2_of([key])
	_check_15(v_other, v_workload)
	not common.same(v_other, subject)
}

_check_14(v_other) if {
	value := v_other.spec.workloadSelector.labels
	common.has_size(value)
	count(value) > 0
}

_check_15(v_other, v_workload) if {
	every v_otherkey in common.keys(common.get(v_other, ["spec", "workloadSelector", "labels"])) {
		_check_16(v_other, v_otherkey, v_workload)
	}
}

_check_16(v_other, v_otherkey, v_workload) if {
	_check_17(v_other, v_otherkey, v_workload)
} else if {
	_check_20(v_other, v_otherkey, v_workload)
}

_check_17(v_other, v_otherkey, v_workload) if {
	_check_18(v_workload)
	_check_19(v_other, v_otherkey, v_workload)
}

_check_18(v_workload) if v_workload.kind == "Pod"

_check_19(v_other, v_otherkey, v_workload) if common.get(v_workload, ["metadata", "labels", v_otherkey]) == common.get(v_other, ["spec", "workloadSelector", "labels", v_otherkey])

_check_20(v_other, v_otherkey, v_workload) if common.get(v_workload, ["spec", "template", "metadata", "labels", v_otherkey]) == common.get(v_other, ["spec", "workloadSelector", "labels", v_otherkey])

# every Pod, Deployment
_objects_1 := common.objects_of([{"group": "", "kind": "Pod"}, {"group": "apps", "kind": "Deployment"}])

# Pod, Deployment objects, by namespace: a complete rule, so every engine builds it
# once per query, by sorting (key, position in _objects_1) pairs.
_related_1 := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_1)
		v_workload := _objects_1[i]
		key := common.namespace(v_workload)
	]),
	_objects_1,
)

# _related_1_of(keys) holds the objects _related_1 holds under any of keys. conftest and the
# embedded engine check every document in one query and read the index; Gatekeeper reviews one
# object per query, where one scan for the keys costs less than building the index.
_related_1_of(keys) := union({object.get(_related_1, [k], set()) | some k in keys}) if common.combined

_related_1_of(keys) := {v_workload |
	some ns in keys
	some v_workload in common.objects_in([{"group": "", "kind": "Pod"}, {"group": "apps", "kind": "Deployment"}], ns)
	key := common.namespace(v_workload)
	key in keys
} if {
	not common.combined
}

# every Sidecar
_objects_2 := common.objects_of([{"group": "networking.istio.io", "kind": "Sidecar"}])

# Sidecar objects that pass the relation's own conditions, by namespace: a complete rule, so every engine builds it
# once per query, by sorting (key, position in _objects_2) pairs.
_related_2 := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_2)
		v_other := _objects_2[i]
		_check_14(v_other)
		key := common.namespace(v_other)
	]),
	_objects_2,
)

# _related_2_of(keys) holds the objects _related_2 holds under any of keys. conftest and the
# embedded engine check every document in one query and read the index; Gatekeeper reviews one
# object per query, where one scan for the keys costs less than building the index.
_related_2_of(keys) := union({object.get(_related_2, [k], set()) | some k in keys}) if common.combined

_related_2_of(keys) := {v_other |
	some ns in keys
	some v_other in common.objects_in([{"group": "networking.istio.io", "kind": "Sidecar"}], ns)
	_check_14(v_other)
	key := common.namespace(v_other)
	key in keys
} if {
	not common.combined
}
