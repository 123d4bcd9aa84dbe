# METADATA
# title: "Only one ServiceEntry per hostname"
# description: "Istio builds one service per hostname and namespace scope. When two ServiceEntries visible in the same namespace name the same host, their ports, endpoints, resolution and location have to be merged or one of them wins, and which one depends on creation order and the proxy's view; the result is routing that changes when an unrelated entry is created or deleted. The check flags every ServiceEntry that shares a host (compared exactly, after resolving short names in the entry's namespace) with another ServiceEntry whose exportTo scope overlaps its own (absent exportTo meaning every namespace, \".\" its own namespace). Entries in different namespaces that are each exported only to their own namespace do not meet and are not flagged. Overlap through wildcards is service-entry-host-overlap's concern."
# custom:
#   hint: service-entry-unique-host
#   severity: medium
#   source: hints/service-entry-unique-host/hint.yaml
package hint2policy.service_entry_unique_host

import data.lib.hint2policy.common
import data.lib.hint2policy.service_entry_unique_host as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"ServiceEntry": ["networking.istio.io"]}

# METADATA
# title: "Only one ServiceEntry per hostname"
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
	not common.exempt(obj, "service-entry-unique-host") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "service-entry-unique-host",
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
