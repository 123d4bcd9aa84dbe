# METADATA
# title: "At most one Sidecar without workloadSelector per namespace"
# description: "A Sidecar without spec.workloadSelector is the namespace's default for every proxy that no selector-based Sidecar claims; in the root namespace it is the default for the whole mesh. With two of them, Istio picks one and the other is ignored, and which one is not defined, so egress restrictions can appear or disappear with an unrelated change. The check flags every Sidecar without spec.workloadSelector when another Sidecar without spec.workloadSelector exists in the same namespace, the root namespace included; all of them are flagged, as istioctl does, because none of them is the right one to keep by itself. An older version of the same Sidecar (an update) is not a second default. Sidecars with a workloadSelector are not concerned (see sidecar-selector-overlap), and neither are selector-less Sidecars in different namespaces. A workloadSelector that is present but has no labels counts as a selector, as in IST0111 (Istio's validation refuses a selector without labels). No namespace is excluded: two defaults are ambiguous everywhere. It is denied, of medium severity: the second default is never intended, refusing it at admission keeps the first one in force, and the fix (merge them, or give one a workloadSelector) is a single edit; deleting one of two existing defaults is never blocked."
# custom:
#   hint: sidecar-single-namespace-default
#   severity: medium
#   source: hints/sidecar-single-namespace-default/hint.yaml
package hint2policy.sidecar_single_namespace_default

import data.lib.hint2policy.common
import data.lib.hint2policy.sidecar_single_namespace_default as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"Sidecar": ["networking.istio.io"]}

# METADATA
# title: "At most one Sidecar without workloadSelector per namespace"
# entrypoint: true
# description: Relates objects to each other, so it reports only under conftest test --combine.
deny contains result if {
	# relating objects needs every manifest at once: conftest test --combine
	common.combined
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj)
	not common.exempt(obj, "sidecar-single-namespace-default") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "sidecar-single-namespace-default",
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
