# METADATA
# title: "DestinationRules for another namespace's Service must be exported only to their own namespace"
# description: "A consumer namespace may legitimately tune how its own clients call another team's Service (connection pool, outlier detection, TLS) with a DestinationRule in its own namespace. The seed asks that such a rule's visibility be restricted, so the hint requires the same as virtual-service-cross-namespace-export: when spec.host is a Kubernetes Service of another namespace (`<name>.<namespace>.svc.<domain>`, any first label including `*`, and the host does not contain `.<own namespace>.svc.`), spec.exportTo must be non-empty and every entry \".\" or the rule's own namespace; absent, empty, \"*\" and other namespaces are flagged. To be precise about the effect: Istio picks a client's DestinationRule from the client's own namespace, then from the Service's namespace, then from the root namespace, so current releases do not apply a rule from a third namespace to other namespaces' clients even when it is exported. Exporting it is therefore not an immediate outage, which is why this is a low-severity warning; it is still worth fixing because exportTo is the documented contract for a rule's scope while the lookup order is an implementation detail (feature flags such as DestinationRule inheritance already alter it), and because istioctl, Kiali and readers take an exported rule as meant for everyone. Not recognised: the short form `reviews.bookinfo`, ServiceEntry hosts of other namespaces and wildcards such as `*.svc.cluster.local`. Namespaces in trustedNamespaces (by default istio-system, the usual root namespace, whose rules are the mesh-wide defaults and are meant to be exported) are exempt; add your mesh's rootNamespace if it differs (the seed mentions istio-config)."
# custom:
#   hint: destination-rule-cross-namespace-export
#   severity: low
#   source: hints/destination-rule-cross-namespace-export/hint.yaml
package hint2policy.destination_rule_cross_namespace_export

import data.lib.hint2policy.common
import data.lib.hint2policy.destination_rule_cross_namespace_export as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"DestinationRule": ["networking.istio.io"]}

# Users override parameters with conftest --data: {"hint2policy": {"parameters": {"<hint>": {...}}}}.
default _overrides := {}

_overrides := data.hint2policy.parameters["destination-rule-cross-namespace-export"]

# METADATA
# title: "DestinationRules for another namespace's Service must be exported only to their own namespace"
# entrypoint: true
warn contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj, _overrides)
	not common.exempt(obj, "destination-rule-cross-namespace-export") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "destination-rule-cross-namespace-export",
		"severity": "low",
		"file": doc.path,
		"resource": {
			"apiVersion": common.get(obj, ["apiVersion"]),
			"kind": common.get(obj, ["kind"]),
			"namespace": common.get(obj, ["metadata", "namespace"]),
			"name": common.get(obj, ["metadata", "name"]),
		},
	}
}
