# METADATA
# title: "Use ServiceEntries instead of ExternalName Services"
# description: "A Service of type ExternalName is a DNS CNAME that Istio cannot attach traffic policy to: the sidecar sees neither the real destination nor its protocol, so mTLS, retries, timeouts and egress control do not apply. A ServiceEntry registers the external host in the mesh so that all of these do."
# custom:
#   hint: external-name-service
#   severity: medium
#   source: hints/external-name-service/hint.yaml
package hint2policy.external_name_service

import data.lib.hint2policy.common
import data.lib.hint2policy.external_name_service as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"Service": [""]}

_excluded_namespaces := ["kube-system", "istio-system"]

# METADATA
# title: "Use ServiceEntries instead of ExternalName Services"
# entrypoint: true
deny contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	not common.get(obj, ["metadata", "namespace"]) in _excluded_namespaces
	some msg in hint.violations(obj)
	not common.exempt(obj, "external-name-service") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "external-name-service",
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
