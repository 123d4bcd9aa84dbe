# METADATA
# title: "DestinationRules must not disable TLS to their destinations"
# description: "Istio's security best practices build on mutual TLS: Istio encrypts traffic with mutual TLS whenever possible (auto mTLS), and recommends strict mode so that it is always used. A DestinationRule whose tls.mode is DISABLE switches that off on the client side: every sidecar or gateway that sends to the rule's host (all of the mesh for a rule in the root namespace or with a wildcard host) sends plaintext, without a peer identity, and a server in PERMISSIVE mode accepts it. DISABLE is almost never needed: auto mTLS already sends plaintext to endpoints that have no sidecar, and traffic to hosts outside the mesh is not upgraded to mutual TLS in the first place. The hint flags DISABLE wherever a DestinationRule sets a TLS mode: spec.trafficPolicy.tls, every entry of spec.trafficPolicy.portLevelSettings, and the trafficPolicy of every subset with its own portLevelSettings (a subset's policy overrides the rule's, so a DISABLE there is the same downgrade for the traffic routed to it). This is a superset of Kyverno's enforce-tls-hosts-host-subnets, which only checks spec.trafficPolicy.tls.mode. One violation is reported per resource. SIMPLE, MUTUAL and ISTIO_MUTUAL pass here; whether SIMPLE and MUTUAL verify the server is destination-rule-tls-verify's concern. Severity is medium and the action warn: DISABLE is only half of a downgrade, because a server in STRICT mode refuses the plaintext connection (it fails closed; peer-authentication-strict covers that half), and there is a documented exception, a port that the server's sidecar does not intercept (traffic.sidecar.istio.io/excludeInboundPorts), where the client must not send mutual TLS and a port-level DISABLE is the fix. Such exceptions are reviewed, not blocked. No namespace is excluded: a DISABLE in istio-system applies to every namespace."
# custom:
#   hint: destination-rule-tls-not-disabled
#   severity: medium
#   source: hints/destination-rule-tls-not-disabled/hint.yaml
package hint2policy.destination_rule_tls_not_disabled

import data.lib.hint2policy.common
import data.lib.hint2policy.destination_rule_tls_not_disabled as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"DestinationRule": ["networking.istio.io"]}

# METADATA
# title: "DestinationRules must not disable TLS to their destinations"
# entrypoint: true
warn contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj)
	not common.exempt(obj, "destination-rule-tls-not-disabled") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "destination-rule-tls-not-disabled",
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
