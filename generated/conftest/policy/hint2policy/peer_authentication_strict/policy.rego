# METADATA
# title: "PeerAuthentications must not weaken mutual TLS to PERMISSIVE or DISABLE"
# description: "Istio's security best practices note that proxies run in permissive mode by default, accepting both mutual TLS and plaintext, and that while this is required for incremental adoption or for clients without a sidecar it weakens the security stance: Istio recommends migrating to strict mode when possible. A plaintext request carries no peer identity, so AuthorizationPolicies that match on principals or namespaces cannot recognise it and anything on the network can reach the workload. The hint flags a PeerAuthentication whose spec.mtls.mode is anything but STRICT or UNSET (PERMISSIVE, DISABLE), or any entry of spec.portLevelMtls (a map keyed by port number) whose mode is anything but STRICT or UNSET. An absent mode, at either level, is UNSET: it inherits from the parent (port from workload, workload from namespace, namespace from the root namespace's mesh-wide policy) and is accepted, so a policy that only lists STRICT ports passes. This is a superset of Kyverno's enforce-strict-mtls, which checks spec.mtls.mode only: a workload policy that is STRICT overall but PERMISSIVE on one port is the same hole on that port. One violation is reported per resource; its message names both places to look, because a check that covers both levels cannot name the offending port. Severity is high because plaintext reaches the workload past identity-based authorization. The action is warn, not deny, for three reasons. PERMISSIVE is the step Istio's own mTLS migration procedure takes before STRICT, and ports that must accept clients outside the mesh (a scraper or a legacy client without a sidecar) are legitimate, reviewed exceptions. Rejecting an explicit PERMISSIVE policy does not make a mesh stricter either: with no PeerAuthentication at all the workload inherits the mesh default, which is itself PERMISSIVE unless the root namespace says STRICT, and whether it does is a question about another resource that an admission check on this one cannot answer. So the hint makes every weakening visible in audit reports and CI, and the platform team turns it into deny (Gatekeeper enforcementAction, Kyverno Enforce) once the mesh-wide STRICT policy is in place. No namespace is excluded: a PERMISSIVE policy in istio-system, the root namespace, sets the default for the whole mesh and is the most important one to see."
# custom:
#   hint: peer-authentication-strict
#   severity: high
#   source: hints/peer-authentication-strict/hint.yaml
package hint2policy.peer_authentication_strict

import data.lib.hint2policy.common
import data.lib.hint2policy.peer_authentication_strict as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"PeerAuthentication": ["security.istio.io"]}

# METADATA
# title: "PeerAuthentications must not weaken mutual TLS to PERMISSIVE or DISABLE"
# entrypoint: true
warn contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj)
	not common.exempt(obj, "peer-authentication-strict") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "peer-authentication-strict",
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
