# METADATA
# title: "Only one mesh VirtualService per hostname"
# description: "For sidecars (the mesh gateway) Istio does not reliably merge VirtualServices: with two for one host, typically one is used and the other's routes are ignored, and which one can change with creation order. The check looks at VirtualServices bound to the mesh gateway (spec.gateways absent, empty, or listing \"mesh\"), resolves each host to a fully qualified name in the VirtualService's own namespace (reviews in shop is reviews.shop.svc.cluster.local) and flags, once per shared host, every such VirtualService when another mesh-bound VirtualService names the same host and their exportTo scopes overlap (absent or empty exportTo meaning every namespace, \".\" the own namespace, \"~\" none). Two VirtualServices in different namespaces that are each exported only to their own namespace never meet in a sidecar and are not flagged. Hosts are compared exactly: a wildcard host that covers a concrete one is virtual-service-wildcard-overlap's concern. Deliberately not flagged: VirtualServices bound only to named gateways, because Istio merges those for a gateway and splitting a gateway's routes across several VirtualServices is a documented practice (the order of routes across the resources is undefined, so keep catch-all routes in one place); delegate VirtualServices, which have no hosts. The action is deny because the conflict is never intended (istioctl reports it as an error) and admission is the only moment that stops a second team's VirtualService before the first one's routes silently stop applying."
# custom:
#   hint: virtual-service-unique-host
#   severity: medium
#   source: hints/virtual-service-unique-host/hint.yaml
package hint2policy.virtual_service_unique_host

import data.lib.hint2policy.common
import data.lib.hint2policy.virtual_service_unique_host as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"VirtualService": ["networking.istio.io"]}

# METADATA
# title: "Only one mesh VirtualService per hostname"
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
	not common.exempt(obj, "virtual-service-unique-host") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "virtual-service-unique-host",
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
