# METADATA
# title: "No host defined by ServiceEntries or VirtualServices in several namespaces that import into one"
# description: "A Sidecar egress host of the form */<host> (and the default, with no Sidecar, of importing everything) pulls a host from every namespace that exports it. If two namespaces each define the host, in ServiceEntries or in VirtualServices exported to all namespaces, the proxy keeps one of them, chosen by creation time; recreating one of them during a redeploy or a cluster restore silently switches which definition wins. The check flags a ServiceEntry, once per host, when a ServiceEntry in another namespace declares the same host and the two entries' exportTo scopes overlap (absent or [] meaning every namespace, \".\" the entry's own namespace, \"~\" none). It flags a VirtualService bound to the mesh gateway (spec.gateways absent, empty or listing mesh), once per host, when a VirtualService in another namespace, also bound to the mesh gateway, declares the same host with an overlapping exportTo. Hosts are compared exactly after resolving short names in their own namespace (reviews in bookinfo is reviews.bookinfo.svc.cluster.local), so the same short name in two namespaces is two hosts. Deliberately not flagged: duplicates within one namespace (service-entry-unique-host and virtual-service-unique-host report those), a ServiceEntry against a VirtualService for the same host (they do not compete), VirtualServices bound only to ingress or egress gateways, hosts that only overlap through a wildcard (service-entry-host-overlap and virtual-service-wildcard-overlap), and definitions whose exportTo scopes do not meet. The message does not name the definition that wins: no engine compares creation timestamps, and manifests checked from a repository with conftest have none, so it says only what the seed says, that creation order decides. exportTo defaults changed in meshConfig (defaultServiceExportTo, defaultVirtualServiceExportTo) are not known to the check; it assumes the Istio default, every namespace. It is a warning: a second definition may be deliberate during a migration, and the choice changes only when one of them is recreated."
# custom:
#   hint: service-entry-conflicting-imports
#   severity: medium
#   source: hints/service-entry-conflicting-imports/hint.yaml
package hint2policy.service_entry_conflicting_imports

import data.lib.hint2policy.common
import data.lib.hint2policy.service_entry_conflicting_imports as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"ServiceEntry": ["networking.istio.io"], "VirtualService": ["networking.istio.io"]}

# METADATA
# title: "No host defined by ServiceEntries or VirtualServices in several namespaces that import into one"
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
	not common.exempt(obj, "service-entry-conflicting-imports") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "service-entry-conflicting-imports",
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
