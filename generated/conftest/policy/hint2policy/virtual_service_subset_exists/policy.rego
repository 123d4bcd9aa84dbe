# METADATA
# title: "Subsets a VirtualService routes to must exist in a DestinationRule"
# description: "The seed's advice about timing (destination-rule-subset-delay) rests on a stronger rule: a route to a subset only works if a DestinationRule for that host defines the subset. A route to a subset nobody defines, after a typo or a DestinationRule change, fails every request with 503 (no cluster found), permanently rather than for a few seconds. The check looks at every destination that names a subset: spec.http[].route[], spec.http[].mirror, spec.http[].mirrors[], spec.tcp[].route[] and spec.tls[].route[]. It resolves the destination host and each DestinationRule's spec.host to fully qualified names in their own namespaces (reviews in default is reviews.default.svc.cluster.local), and flags the VirtualService when, for some destination, no DestinationRule with that exact host, visible in the VirtualService's namespace (exportTo absent, empty, \"*\", that namespace, or \".\" in that same namespace), lists the subset under spec.subsets. Which of several visible DestinationRules for one host wins is not modelled (Istio merges those of one namespace and prefers the client's namespace over the service's and the root namespace's): any visible one that lists the subset satisfies the check. Destinations without a subset (or with an empty one) are not concerned. Not consulted: subsets defined on wildcard DestinationRules (a subset's labels select one service's pods, so they belong on a rule for that host; a route relying on a wildcard rule's subset is flagged), and the namespaces other than its own that the VirtualService is exported to. The action is deny: the route cannot work, and refusing the VirtualService until its DestinationRule exists enforces the seed's order, the DestinationRule first. A DestinationRule deleted or changed later is caught by the audit, not at admission. The message names the VirtualService, not the destination, because the check walks five destination lists at once."
# custom:
#   hint: virtual-service-subset-exists
#   severity: high
#   source: hints/virtual-service-subset-exists/hint.yaml
package hint2policy.virtual_service_subset_exists

import data.lib.hint2policy.common
import data.lib.hint2policy.virtual_service_subset_exists as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"VirtualService": ["networking.istio.io"]}

# METADATA
# title: "Subsets a VirtualService routes to must exist in a DestinationRule"
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
	not common.exempt(obj, "virtual-service-subset-exists") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "virtual-service-subset-exists",
		"severity": "high",
		"file": doc.path,
		"resource": {
			"apiVersion": common.get(obj, ["apiVersion"]),
			"kind": common.get(obj, ["kind"]),
			"namespace": common.get(obj, ["metadata", "namespace"]),
			"name": common.get(obj, ["metadata", "name"]),
		},
	}
}
