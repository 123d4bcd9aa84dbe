# METADATA
# title: "A specific DestinationRule must repeat the mesh-wide DestinationRule's required settings"
# description: "The seed's hosts lost their asterisks in rendering (*.local, *.ns1.svc.cluster.local). A platform team often sets client-side defaults for the whole mesh in one wildcard DestinationRule in the root namespace: TLS mode, outlier detection, connection pool limits. As soon as a team writes a DestinationRule for a narrower host, only that rule applies to its traffic, and every default it does not repeat is gone. Since Istio's automatic mutual TLS, a missing tls block no longer means plaintext between sidecars, but dropping the global rule's explicit tls mode (SIMPLE to an external host, ISTIO_MUTUAL to workloads that auto mTLS cannot detect), its outlier detection or its connection limits still changes behaviour. The check resolves short hosts in each rule's namespace and finds, for each DestinationRule, the wildcard DestinationRules whose host covers its host (\"*.local\" covers reviews.ns1.svc.cluster.local and the narrower wildcard *.ns1.svc.cluster.local; \"*\" covers every host), that have no workloadSelector and whose exportTo scope overlaps its own, in any namespace (the root namespace's apply mesh-wide, a namespace's own wildcard rule applies to its services). It flags the DestinationRule when such a wildcard rule sets trafficPolicy.tls.mode, trafficPolicy.outlierDetection or trafficPolicy.connectionPool and the DestinationRule leaves the same field unset in its own trafficPolicy. Deliberately not flagged: a field the specific rule sets to a different value (an explicit choice; destination-rule-tls-not-disabled catches a disabled TLS mode), rules with the same host (no wildcard covers its own host), and the broadest wildcard rules themselves. Settings given only in portLevelSettings or in a subset's trafficPolicy do not count as repeated: they leave the rest of the traffic without them, so such a rule is still flagged. The list of fields is fixed: the check language reads fixed paths and cannot take the fields from a parameter, so loadBalancer and the other trafficPolicy fields are not compared. It warns rather than denies: the global rule's settings change over time, and a deny would then block every update of every team rule."
# custom:
#   hint: destination-rule-wildcard-settings
#   severity: medium
#   source: hints/destination-rule-wildcard-settings/hint.yaml
package hint2policy.destination_rule_wildcard_settings

import data.lib.hint2policy.common
import data.lib.hint2policy.destination_rule_wildcard_settings as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"DestinationRule": ["networking.istio.io"]}

# METADATA
# title: "A specific DestinationRule must repeat the mesh-wide DestinationRule's required settings"
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
	not common.exempt(obj, "destination-rule-wildcard-settings") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "destination-rule-wildcard-settings",
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
