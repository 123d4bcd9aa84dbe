# METADATA
# title: "ServiceEntry hostnames must not overlap through wildcards"
# description: "The seed's example lost its asterisks when the page was rendered; it describes a wildcard host such as *.example.com next to a broader one such as *.com, or a wildcard next to a concrete host it covers. Istio does not merge overlapping entries: a connection to a host covered by both gets the ports, resolution and location of whichever entry the proxy matches, which depends on how the listeners and routes were built, so adding a broad wildcard can silently change how traffic to a specific host leaves the mesh. The check flags, once per host, every ServiceEntry with a host that a wildcard host of another ServiceEntry covers (api.example.com under *.example.com, *.api.example.com under *.example.com), or that is itself a wildcard covering a host of another ServiceEntry, when the two entries' exportTo scopes overlap (absent or empty exportTo is every namespace, \".\" the entry's own namespace, \"~\" none). Short host names are resolved in their entry's namespace first (payments in team-a is payments.team-a.svc.cluster.local). Identical hosts are service-entry-unique-host's concern and are not flagged here, nor are entries exported into disjoint namespaces, which no proxy sees together. Both entries of an overlapping pair are flagged, whichever was applied first. It warns, of medium severity: the outcome is undefined rather than certainly broken, and a specific entry next to a deliberate catch-all wildcard is sometimes intended, so the finding asks for a review rather than blocking the second entry. No istioctl analyzer reports overlapping ServiceEntry hosts."
# custom:
#   hint: service-entry-host-overlap
#   severity: medium
#   source: hints/service-entry-host-overlap/hint.yaml
package hint2policy.service_entry_host_overlap

import data.lib.hint2policy.common
import data.lib.hint2policy.service_entry_host_overlap as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"ServiceEntry": ["networking.istio.io"]}

# METADATA
# title: "ServiceEntry hostnames must not overlap through wildcards"
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
	not common.exempt(obj, "service-entry-host-overlap") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "service-entry-host-overlap",
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
