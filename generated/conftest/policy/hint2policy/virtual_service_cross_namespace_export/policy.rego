# METADATA
# title: "VirtualServices for another namespace's Service must be exported only to their own namespace"
# description: "A VirtualService is exported to every namespace unless spec.exportTo says otherwise. When a consumer namespace writes one for a Service it does not own, every sidecar in the mesh then sees two VirtualServices for the same host, the owner's and the consumer's; Istio uses only one of them (which one depends on creation order and on the proxy's namespace, not on the author's intent) and the consumer's retries, timeouts or routing can silently replace the owner's for all clients. Limiting the consumer's rule to its own namespace keeps the override where it belongs. The hint recognises a Kubernetes Service of another namespace by its host: `<name>.<namespace>.svc.<domain>` (any first label, including `*`) whose namespace label is not the VirtualService's own (the host does not contain `.<own namespace>.svc.`). Such a VirtualService must have a non-empty spec.exportTo whose every entry is \".\" or its own namespace's name; absent, empty, \"*\" and other namespaces (including the Service's) are flagged. Not recognised: the short cross-namespace form `reviews.bookinfo` (indistinguishable from an external name by its shape), ServiceEntry hosts of other namespaces, and wildcards such as `*.svc.cluster.local`. A VirtualService bound only to an ingress gateway in another namespace must stay visible to that gateway, so exportTo \".\" would break it; such rules usually route external names, not `.svc.` hosts, and are not affected. Namespaces in trustedNamespaces (by default istio-system, where only the platform team writes) are exempt: the seed's concern applies \"unless configuration access is tightly controlled\", and a platform team may deliberately publish mesh-wide routing there. It denies, with medium severity, because the violation changes the traffic of other teams' clients without their knowledge, and the fix (exportTo [\".\"]) costs the author nothing: its own namespace keeps the rule."
# custom:
#   hint: virtual-service-cross-namespace-export
#   severity: medium
#   source: hints/virtual-service-cross-namespace-export/hint.yaml
package hint2policy.virtual_service_cross_namespace_export

import data.lib.hint2policy.common
import data.lib.hint2policy.virtual_service_cross_namespace_export as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"VirtualService": ["networking.istio.io"]}

# Users override parameters with conftest --data: {"hint2policy": {"parameters": {"<hint>": {...}}}}.
default _overrides := {}

_overrides := data.hint2policy.parameters["virtual-service-cross-namespace-export"]

# METADATA
# title: "VirtualServices for another namespace's Service must be exported only to their own namespace"
# entrypoint: true
deny contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj, _overrides)
	not common.exempt(obj, "virtual-service-cross-namespace-export") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "virtual-service-cross-namespace-export",
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
