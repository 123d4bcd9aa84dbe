# METADATA
# title: "Every namespace has a default-deny AuthorizationPolicy"
# description: "The seed defers to Istio's security best practices, which recommend the default-deny pattern: deny every request unless an ALLOW policy says otherwise. As the seed's \"Forbidden response\" section puts it, Istio does not enforce access control on workloads without authorization policies, so every workload that can reach a service may call it. An allow-nothing AuthorizationPolicy (no selector, empty spec) turns on default deny for its namespace; the ALLOW policies next to it then list the callers each service accepts. The check flags a Namespace in the mesh (istio-injection=enabled, istio.io/rev without an istio-injection label, or istio.io/dataplane-mode=ambient, since ztunnel and waypoints enforce authorization policies too) that has no allow-nothing AuthorizationPolicy, either in the namespace itself or in the root namespace (parameter rootNamespace, default istio-system), where it applies to the whole mesh. An allow-nothing policy has no selector, no targetRef or targetRefs, no rules (absent or an empty list) and action ALLOW or no action: `spec: {}`. Policies with a selector, with rules, or with action DENY, AUDIT or CUSTOM do not make the namespace default-deny and do not count. Namespaces outside the mesh (no label, istio-injection=disabled) are not checked, because no proxy there enforces a policy; set alsoCheckNamespaces to check them too. Kyverno's require-authorizationpolicy checks something weaker and wider: every Namespace, kube-system included, must hold at least one AuthorizationPolicy of any content, and a mesh-wide policy in the root namespace does not count. This hint requires the policy to be the allow-nothing one (a namespace whose only policy allows some traffic is flagged here and passes Kyverno's), but by default checks only mesh namespaces and accepts a root-namespace policy. With alsoCheckNamespaces \"^\" (every namespace) and rootNamespace \"\" (no mesh-wide policy counts) it flags every Namespace Kyverno's policy flags. Namespace is cluster-scoped, so nothing is excluded by namespace. It is a warning of medium severity, best run in audit or background mode as Kyverno's is: a namespace usually exists before its policies, so denying the Namespace would block its creation, and switching a namespace to default deny has to be rolled out with the ALLOW policies it needs."
# custom:
#   hint: namespace-default-deny
#   severity: medium
#   source: hints/namespace-default-deny/hint.yaml
package hint2policy.namespace_default_deny

import data.lib.hint2policy.common
import data.lib.hint2policy.namespace_default_deny as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"Namespace": [""]}

# Users override parameters with conftest --data: {"hint2policy": {"parameters": {"<hint>": {...}}}}.
default _overrides := {}

_overrides := data.hint2policy.parameters["namespace-default-deny"]

# METADATA
# title: "Every namespace has a default-deny AuthorizationPolicy"
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
	not common.exempt(obj, "namespace-default-deny") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "namespace-default-deny",
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
