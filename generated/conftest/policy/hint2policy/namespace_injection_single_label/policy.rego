# METADATA
# title: "A namespace uses one Istio data-plane label, never several that compete"
# description: "istio-injection=enabled, istio.io/rev=<revision> and istio.io/dataplane-mode=ambient each enrol a namespace in the mesh, in different ways: the default revision's sidecar, a named revision's sidecar, or ambient mode. When a namespace carries more than one of them, Istio silently picks one: the istio-injection label wins over istio.io/rev in the injection webhooks' selectors, so a canary upgrade that relabels the namespace with istio.io/rev never takes effect, and a pod that gets a sidecar is skipped by ambient mode. What the workloads actually run is then not what the labels seem to say. The hint flags, like istioctl's IST0123, a namespace where istio-injection=enabled is combined with istio.io/rev or with istio.io/dataplane-mode, or where istio.io/rev is combined with istio.io/dataplane-mode without any istio-injection label. istio-injection=disabled (or any other value than enabled) next to another label is not a conflict: it is an explicit opt-out, and istioctl does not count the other labels then either. istio.io/dataplane-mode=none is not counted as an enrolment: it is the explicit ambient opt-out and combines consistently with sidecar injection. No namespace is excluded: competing labels are a mistake in any namespace, istio-system included. It is denied, of medium severity: the combination is never intended, the documented migration between injection labels (kubectl label namespace <ns> istio-injection- istio.io/rev=<revision>) changes both labels in one update and passes, and fixing a refused label is one command."
# custom:
#   hint: namespace-injection-single-label
#   severity: medium
#   source: hints/namespace-injection-single-label/hint.yaml
package hint2policy.namespace_injection_single_label

import data.lib.hint2policy.common
import data.lib.hint2policy.namespace_injection_single_label as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"Namespace": [""]}

# METADATA
# title: "A namespace uses one Istio data-plane label, never several that compete"
# entrypoint: true
deny contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj)
	not common.exempt(obj, "namespace-injection-single-label") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "namespace-injection-single-label",
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
