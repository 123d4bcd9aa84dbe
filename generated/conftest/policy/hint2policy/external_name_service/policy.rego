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

_kinds := {{"group": "", "kind": "Service"}}

_excluded_namespaces := ["kube-system", "istio-system"]

# METADATA
# title: "Use ServiceEntries instead of ExternalName Services"
# entrypoint: true
deny contains result if {
	common.matches(input, _kinds, _excluded_namespaces)
	some msg in hint.violations(input)
	result := {
		"msg": msg,
		"hint": "external-name-service",
		"severity": "medium",
		"resource": {
			"apiVersion": common.get(input, ["apiVersion"]),
			"kind": common.get(input, ["kind"]),
			"namespace": common.get(input, ["metadata", "namespace"]),
			"name": common.get(input, ["metadata", "name"]),
		},
	}
}
