# METADATA
# title: "An exemption from a hint states its reason"
# description: "A resource is exempted from named hints by the annotation hint2policy.io/exempt (hint ids, comma-separated) together with hint2policy.io/exempt-reason, a reason that is not blank. An exemption without a reason does not exempt, and this policy reports it, so that every exception in a cluster is explained where it is made."
# custom:
#   hint: exemption-reason-required
#   severity: medium
#   source: src/hint2policy/render/exemption.py
package hint2policy.exemption_reason_required

import data.lib.hint2policy.common
import data.lib.hint2policy.exemption_reason_required as hint

_kinds := {{"group": "", "kind": "Namespace"}, {"group": "", "kind": "Pod"}, {"group": "", "kind": "Service"}, {"group": "apps", "kind": "DaemonSet"}, {"group": "apps", "kind": "Deployment"}, {"group": "apps", "kind": "ReplicaSet"}, {"group": "apps", "kind": "StatefulSet"}, {"group": "batch", "kind": "CronJob"}, {"group": "batch", "kind": "Job"}, {"group": "certificates.k8s.io", "kind": "CertificateSigningRequest"}, {"group": "install.istio.io", "kind": "IstioControlPlane"}, {"group": "install.istio.io", "kind": "IstioOperator"}, {"group": "networking.istio.io", "kind": "DestinationRule"}, {"group": "networking.istio.io", "kind": "Gateway"}, {"group": "networking.istio.io", "kind": "ServiceEntry"}, {"group": "networking.istio.io", "kind": "Sidecar"}, {"group": "networking.istio.io", "kind": "VirtualService"}, {"group": "security.istio.io", "kind": "AuthorizationPolicy"}, {"group": "security.istio.io", "kind": "PeerAuthentication"}, {"group": "telemetry.istio.io", "kind": "Telemetry"}}

_kind_names := {"AuthorizationPolicy", "CertificateSigningRequest", "CronJob", "DaemonSet", "Deployment", "DestinationRule", "Gateway", "IstioControlPlane", "IstioOperator", "Job", "Namespace", "PeerAuthentication", "Pod", "ReplicaSet", "Service", "ServiceEntry", "Sidecar", "StatefulSet", "Telemetry", "VirtualService"}

_excluded_namespaces := []

# METADATA
# title: "An exemption from a hint states its reason"
# entrypoint: true
deny contains result if {
	some name in _kind_names
	some doc in object.get(common.documents_by_kind, [name], [])
	obj := doc.contents
	common.matches(obj, _kinds, _excluded_namespaces)
	some msg in hint.violations(obj)
	not common.exempt(obj, "exemption-reason-required") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "exemption-reason-required",
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
