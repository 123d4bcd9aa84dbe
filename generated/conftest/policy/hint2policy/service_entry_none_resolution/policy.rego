# METADATA
# title: "ServiceEntries with NONE resolution must have CIDR addresses"
# description: "With resolution NONE the sidecar forwards a connection to whatever destination IP the application dialled. Without addresses the entry's listener matches every IP on its ports, so one ServiceEntry opens those ports to the whole internet and defeats egress control. Listing CIDR blocks in spec.addresses limits the entry to those ranges. The hint therefore requires, when resolution is NONE, at least one address and every address to be a CIDR block (address/prefix length; a single host is written /32 or /128), and rejects the /0 blocks 0.0.0.0/0 and ::/0, which match every IP again. NONE is the value of an absent resolution field in Istio's API (enum value 0), so a ServiceEntry without resolution is held to the same rule. No namespace is excluded: an entry in istio-system, the root configuration namespace, is exported to every namespace and is the most dangerous place for an open one."
# custom:
#   hint: service-entry-none-resolution
#   severity: high
#   source: hints/service-entry-none-resolution/hint.yaml
package hint2policy.service_entry_none_resolution

import data.lib.hint2policy.common
import data.lib.hint2policy.service_entry_none_resolution as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"ServiceEntry": ["networking.istio.io"]}

# METADATA
# title: "ServiceEntries with NONE resolution must have CIDR addresses"
# entrypoint: true
deny contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj)
	not common.exempt(obj, "service-entry-none-resolution") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "service-entry-none-resolution",
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
