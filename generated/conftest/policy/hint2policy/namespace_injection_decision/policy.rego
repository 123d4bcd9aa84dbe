# METADATA
# title: "Every application namespace states its Istio data-plane decision with a label"
# description: "Whether the pods of a namespace join the mesh is decided by namespace labels: istio-injection=enabled (or istio.io/rev=<revision>) makes Istio's injection webhook add a sidecar, istio.io/dataplane-mode=ambient enrols the namespace in ambient mode, and istio-injection=disabled or istio.io/dataplane-mode=none keeps it out. A namespace with none of these labels is outside the mesh by omission: its workloads run without a sidecar, send plaintext, are invisible to Istio telemetry and, under STRICT mutual TLS, cannot reach mesh services at all, and nobody decided that. The hint asks every namespace to state the decision explicitly, one way or the other, so that an unlabelled namespace is a finding rather than a silent default. A Namespace complies when it has istio-injection with a value in injectionValues (default enabled, disabled), or istio.io/rev with a value matching revisionPattern (default: any value, as istioctl reads it), or istio.io/dataplane-mode with a value in dataplaneModes (default ambient, none). Other istio-injection values (true, yes, enable, an empty string) are flagged: Istio's default webhook selects only istio-injection=enabled, so such a value changes nothing and is almost always a typo for a decision the author meant to make. Namespace is cluster-scoped, so the system namespaces are excluded by name inside the check (systemNamespaces): kube-system, kube-public, kube-node-lease and local-path-storage, which Istio's injector never injects (inject.IgnoredNamespaces, used by istioctl's util.IsSystemNamespace), and istio-system, the control plane's own namespace, which the IST0102 analyzer skips. It is a warning of medium severity: a namespace without the label is a real gap in mesh coverage, but blocking namespace creation would break tools that create namespaces first and label them afterwards. The parameters also reproduce the two namespace policies of Kyverno's Istio library, which this hint covers: enforce-sidecar-injection-namespace (every namespace must have istio-injection=enabled) is injectionValues [enabled], revisionPattern \"[^\\s\\S]\" (a pattern no value matches), dataplaneModes [] and systemNamespaces []; enforce-ambient-mode-namespace (every namespace must have istio.io/dataplane-mode=ambient) is injectionValues [], revisionPattern \"[^\\s\\S]\", dataplaneModes [ambient] and systemNamespaces []. With the defaults every namespace either policy flags and that is not a system namespace is flagged by this hint too, unless it carries another explicit decision. Conftest and Gatekeeper take these values as parameters; the Kyverno policy has the defaults inlined, so edit its expression to use other values."
# custom:
#   hint: namespace-injection-decision
#   severity: medium
#   source: hints/namespace-injection-decision/hint.yaml
package hint2policy.namespace_injection_decision

import data.lib.hint2policy.common
import data.lib.hint2policy.namespace_injection_decision as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"Namespace": [""]}

# Users override parameters with conftest --data: {"hint2policy": {"parameters": {"<hint>": {...}}}}.
default _overrides := {}

_overrides := data.hint2policy.parameters["namespace-injection-decision"]

# METADATA
# title: "Every application namespace states its Istio data-plane decision with a label"
# entrypoint: true
warn contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj, _overrides)
	not common.exempt(obj, "namespace-injection-decision") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "namespace-injection-decision",
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
