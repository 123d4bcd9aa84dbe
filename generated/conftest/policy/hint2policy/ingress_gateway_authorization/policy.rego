# METADATA
# title: "Namespace-wide ALLOW policies must not lock out the ingress gateway in that namespace"
# description: "An AuthorizationPolicy without selector or targetRefs applies to every workload of its namespace, the gateway's pods included; one in the root namespace applies to every workload of the mesh. Once any ALLOW policy applies to the gateway, requests that no ALLOW rule matches get 403 (RBAC: access denied), and an allow-nothing policy (spec: {}, or ALLOW with no rules) denies everything. A policy written for internal callers (from principals in the mesh) never matches external clients, whose requests arrive without a mesh identity. The check reviews each namespace-wide ALLOW policy (action ALLOW or absent; no selector.matchLabels, targetRef or targetRefs), allow-nothing policies included, and looks for ingress gateway workloads: Pods by their labels and apps/v1 Deployments by their pod template labels, whose istio label has one of the values gatewayLabelValues lists (ingressgateway by default), in the policy's namespace or, for a policy in rootNamespace, in every namespace. It flags the policy when one of these gateways has no ALLOW policy of its own: an ALLOW policy with at least one rule, in the gateway's namespace or the root namespace, whose selector.matchLabels all have the same values in the gateway's labels. Deliberately not flagged: DENY, CUSTOM and AUDIT policies, which do not turn on default deny for the workloads they apply to (and a DENY is not lifted by an ALLOW policy for the gateway, so the remedy would not help); a namespace-wide policy with a rule that has no from, to or when, which allows every request; namespaces without a gateway workload. An allow-nothing policy is flagged like any other ALLOW policy: it is the strictest case, and an ALLOW policy for the gateway does lift it. A gateway policy without rules, or a DENY policy for the gateway, does not count as the gateway's own ALLOW policy. The check cannot tell whether the gateway's ALLOW rules admit the external clients, only that the gateway has rules of its own; Gateway API gateways (label gateway.networking.k8s.io/gateway-name) are not recognised. It is a warning because the verdict depends on the order objects are applied in (the gateway's policy may come in the same change, after this one) and an internal-only gateway may be meant to be closed; the severity is high because a mistake takes all external traffic down. The policy is checked when it is admitted or audited, not when a gateway is added to the namespace later."
# custom:
#   hint: ingress-gateway-authorization
#   severity: high
#   source: hints/ingress-gateway-authorization/hint.yaml
package hint2policy.ingress_gateway_authorization

import data.lib.hint2policy.common
import data.lib.hint2policy.ingress_gateway_authorization as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"AuthorizationPolicy": ["security.istio.io"]}

# Users override parameters with conftest --data: {"hint2policy": {"parameters": {"<hint>": {...}}}}.
default _overrides := {}

_overrides := data.hint2policy.parameters["ingress-gateway-authorization"]

# METADATA
# title: "Namespace-wide ALLOW policies must not lock out the ingress gateway in that namespace"
# entrypoint: true
# description: Relates objects to each other, so it reports only under conftest test --combine.
warn contains result if {
	# relating objects needs every manifest at once: conftest test --combine
	common.combined
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj, _overrides)
	not common.exempt(obj, "ingress-gateway-authorization") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "ingress-gateway-authorization",
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
