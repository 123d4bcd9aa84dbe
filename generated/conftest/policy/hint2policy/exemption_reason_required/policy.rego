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

# the kinds the hint reviews: each name with its API groups
_groups := {"AuthorizationPolicy": ["security.istio.io"], "CertificateSigningRequest": ["certificates.k8s.io"], "CronJob": ["batch"], "DaemonSet": ["apps"], "Deployment": ["apps"], "DestinationRule": ["networking.istio.io"], "Gateway": ["networking.istio.io"], "IstioControlPlane": ["install.istio.io"], "IstioOperator": ["install.istio.io"], "Job": ["batch"], "Namespace": [""], "PeerAuthentication": ["security.istio.io"], "Pod": [""], "ReplicaSet": ["apps"], "Service": [""], "ServiceEntry": ["networking.istio.io"], "Sidecar": ["networking.istio.io"], "StatefulSet": ["apps"], "Telemetry": ["telemetry.istio.io"], "VirtualService": ["networking.istio.io"]}

# METADATA
# title: "An exemption from a hint states its reason"
# entrypoint: true
deny contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
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
