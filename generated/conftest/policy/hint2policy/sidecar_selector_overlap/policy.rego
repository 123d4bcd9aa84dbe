# METADATA
# title: "Sidecars with workloadSelectors must select disjoint sets of pods"
# description: "A proxy uses exactly one Sidecar resource. When two Sidecars of a namespace both select a pod, Istio's choice between them is arbitrary, so the pod's egress scope and ports can differ from one push to the next. The check flags a Sidecar with workloadSelector labels when a workload of its namespace is selected by it and by another Sidecar of the same namespace, as istioctl's IST0110 does for pods. A workload is a Pod (selected on metadata.labels) or a Deployment (selected on the labels of its pod template, spec.template.metadata.labels, not on the Deployment's own labels), so a conflict shows before the pods run; a selector selects a workload when every one of its labels is on the workload with the same value. Sidecars without workloadSelector, or with one that has no labels, are ignored on both sides, as istioctl ignores them: a selector-less Sidecar is the namespace default, which selector-based Sidecars take precedence over (two defaults are sidecar-single-namespace-default's concern), and Istio's validation refuses a selector without labels. Deliberately not flagged: two selectors that could overlap (app: reviews and app: reviews, version: v2) while no workload carries both labels, Sidecars and workloads in different namespaces, and an older version of the same Sidecar. StatefulSets, DaemonSets, Jobs and CronJobs are seen through their Pods only. No namespace is excluded. Because the conflict is a fact about workloads that change without the Sidecar changing, it is a warning of medium severity, best run in audit or background mode: denying a Sidecar edit because of a pod someone else deployed would block the wrong person, and the finding reappears on the next background scan after a conflicting workload is deployed."
# custom:
#   hint: sidecar-selector-overlap
#   severity: medium
#   source: hints/sidecar-selector-overlap/hint.yaml
package hint2policy.sidecar_selector_overlap

import data.lib.hint2policy.common
import data.lib.hint2policy.sidecar_selector_overlap as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"Sidecar": ["networking.istio.io"]}

# METADATA
# title: "Sidecars with workloadSelectors must select disjoint sets of pods"
# entrypoint: true
# description: Relates objects to each other, so it reports only under conftest test --combine.
warn contains result if {
	# relating objects needs every manifest at once: conftest test --combine
	common.combined
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj)
	not common.exempt(obj, "sidecar-selector-overlap") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "sidecar-selector-overlap",
		"severity": "medium",
		"file": doc.path,
		"resource": {
			"apiVersion": common.get(obj, ["apiVersion"]),
			"kind": common.get(obj, ["kind"]),
			"namespace": common.get(obj, ["metadata", "namespace"]),
			"name": common.get(obj, ["metadata", "name"]),
		},
	}
}
