# METADATA
# title: "A specific VirtualService does not inherit a wildcard VirtualService's settings"
# description: "The seed's example lost its asterisks in rendering (a VirtualService for a host such as *.example.com next to one for *.com). When a concrete or narrower host has its own VirtualService, requests to it get only that resource's routes, retries, timeouts and fault injection; nothing set on the broader wildcard VirtualService applies. Teams that put mesh-wide defaults on a wildcard VirtualService lose them silently for every host that gets its own. The check resolves short hosts in each VirtualService's namespace and flags a VirtualService, once per host, when that host is covered by a wildcard host of another VirtualService (\"*.example.com\" covers api.example.com and *.api.example.com; \"*\" covers everything) that is bound to a common gateway and whose exportTo scope overlaps its own. A common gateway is the mesh (spec.gateways absent, empty or listing \"mesh\") on both sides, or a named gateway both list in the same form: the same namespace/name, or the same short name with both VirtualServices in one namespace. A gateway named public by a VirtualService in edge and edge/public by another is the same gateway, but that pair is not recognised (a known gap: comparing the two spellings needs \"namespace/name\" built from an iteration variable, which the generated Rego does not yet render cleanly, and looking the Gateway object up cannot be tested with Kyverno's CLI, whose test cluster files Gateways under the resource name \"gatewaies\"). Writing gateways as namespace/name avoids the gap. Only the more specific VirtualService is flagged: it is the one that loses the settings and where they are repeated, and flagging the wildcard resource too would report each pair twice and leave a warning on the shared resource that its owner cannot clear. Identical hosts are virtual-service-unique-host's concern and are not reported here; VirtualServices on different gateways, or whose exportTo scopes never meet, do not interact and are not flagged. It warns, not denies: overriding a wildcard's settings can be intended."
# custom:
#   hint: virtual-service-wildcard-overlap
#   severity: low
#   source: hints/virtual-service-wildcard-overlap/hint.yaml
package hint2policy.virtual_service_wildcard_overlap

import data.lib.hint2policy.common
import data.lib.hint2policy.virtual_service_wildcard_overlap as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"VirtualService": ["networking.istio.io"]}

# METADATA
# title: "A specific VirtualService does not inherit a wildcard VirtualService's settings"
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
	not common.exempt(obj, "virtual-service-wildcard-overlap") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "virtual-service-wildcard-overlap",
		"severity": "low",
		"file": doc.path,
		"resource": {
			"apiVersion": common.get(obj, ["apiVersion"]),
			"kind": common.get(obj, ["kind"]),
			"namespace": common.get(obj, ["metadata", "namespace"]),
			"name": common.get(obj, ["metadata", "name"]),
		},
	}
}
