# METADATA
# title: "DestinationRules that originate TLS must verify the server's certificate"
# description: "Istio's security best practices ask for care when a DestinationRule originates TLS (tls.mode SIMPLE or MUTUAL, typically to upgrade an application's plaintext HTTP to HTTPS on its way out of the mesh): the tls settings should name the caCertificates that verify the server, and without them the server's certificate is not verified. The same page warns that a CA alone is not enough, the subject alternative names must be validated too. A sidecar that does not verify the server hands the application's requests, often with credentials, to whoever answers on the network path. The hint checks every place a DestinationRule sets TLS: spec.trafficPolicy.tls, each entry of spec.trafficPolicy.portLevelSettings, and each subset's trafficPolicy with its own portLevelSettings. Wherever the mode is SIMPLE or MUTUAL it flags insecureSkipVerify: true, which turns off verification of the CA signature and of the names even when a CA is given, and, for the modes in caRequiredModes (default SIMPLE and MUTUAL), tls settings with neither caCertificates nor credentialName (whose Secret carries the CA certificate). For the modes in sanRequiredModes (default none) it also requires subjectAltNames. Other modes (DISABLE, ISTIO_MUTUAL, absent) are not this hint's concern: ISTIO_MUTUAL uses the mesh's own certificates, and DISABLE is destination-rule-tls-not-disabled's concern. One violation is reported per resource. Since Istio 1.21 istiod has by default (VERIFY_CERTIFICATE_AT_CLIENT) verified a SIMPLE or MUTUAL upstream against the proxy's system root certificates when caCertificates is empty, and Istio 1.24 removed the switch. The hint still requires an explicit CA by default, as istioctl does: older meshes, and newer ones installed with the 1.20 compatibility profile, do not verify at all, an explicit bundle states which CA the destination is expected to use instead of any public CA, and Istio's own example names the bundle file (/etc/ssl/certs/ca-certificates.crt for public servers). Meshes on 1.24 or later that accept the system roots set caRequiredModes to []; insecureSkipVerify is flagged regardless. subjectAltNames are not required by default because Istio validates names on its own in the common cases, the ServiceEntry's subjectAltNames and, for HTTP without an explicit sni, the Host header (auto SNI with SAN validation); a mesh that originates TLS for raw TCP or sets sni explicitly should set sanRequiredModes to [SIMPLE, MUTUAL]. Severity is high and the action deny: the failure is silent interception of traffic leaving the mesh, istioctl reports the missing CA as an error, and the fix is one line in the rule. No namespace is excluded: a rule in istio-system applies to every namespace."
# custom:
#   hint: destination-rule-tls-verify
#   severity: high
#   source: hints/destination-rule-tls-verify/hint.yaml
package hint2policy.destination_rule_tls_verify

import data.lib.hint2policy.common
import data.lib.hint2policy.destination_rule_tls_verify as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"DestinationRule": ["networking.istio.io"]}

# Users override parameters with conftest --data: {"hint2policy": {"parameters": {"<hint>": {...}}}}.
default _overrides := {}

_overrides := data.hint2policy.parameters["destination-rule-tls-verify"]

# METADATA
# title: "DestinationRules that originate TLS must verify the server's certificate"
# entrypoint: true
deny contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj, _overrides)
	not common.exempt(obj, "destination-rule-tls-verify") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "destination-rule-tls-verify",
		"severity": "high",
		"file": doc.path,
		"resource": {
			"apiVersion": common.get(obj, ["apiVersion"]),
			"kind": common.get(obj, ["kind"]),
			"namespace": common.get(obj, ["metadata", "namespace"]),
			"name": common.get(obj, ["metadata", "name"]),
		},
	}
}
