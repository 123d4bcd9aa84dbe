# METADATA
# title: "ServiceEntry hosts must be fully qualified domain names"
# description: "A ServiceEntry host is matched literally against the Host header, the SNI name or the DNS name the application asks for, and with DNS resolution it is the name the sidecar itself resolves. A short name such as `payments` is not expanded the way Kubernetes DNS search paths expand it for the application, so it matches a different name in every namespace, collides with the short names of Kubernetes Services and gives undefined routing. Only names containing a dot are accepted; a wildcard such as `*.example.com` is a fully qualified pattern and passes. A missing hosts list is left to Istio's own validation, which rejects it. No namespace is excluded: a short host in istio-system (the root configuration namespace) is exported to every namespace and does the most damage, and the platform team's own entries have no reason to use short names."
# custom:
#   hint: service-entry-fqdn-hosts
#   severity: medium
#   source: hints/service-entry-fqdn-hosts/hint.yaml
package hint2policy.service_entry_fqdn_hosts

import data.lib.hint2policy.common
import data.lib.hint2policy.service_entry_fqdn_hosts as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"ServiceEntry": ["networking.istio.io"]}

# METADATA
# title: "ServiceEntry hosts must be fully qualified domain names"
# entrypoint: true
deny contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj)
	not common.exempt(obj, "service-entry-fqdn-hosts") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "service-entry-fqdn-hosts",
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
