# METADATA
# title: "Every application namespace states its Istio data-plane decision with a label"
# description: "Whether the pods of a namespace join the mesh is decided by namespace labels: istio-injection=enabled (or istio.io/rev=<revision>) makes Istio's injection webhook add a sidecar, istio.io/dataplane-mode=ambient enrols the namespace in ambient mode, and istio-injection=disabled or istio.io/dataplane-mode=none keeps it out. A namespace with none of these labels is outside the mesh by omission: its workloads run without a sidecar, send plaintext, are invisible to Istio telemetry and, under STRICT mutual TLS, cannot reach mesh services at all, and nobody decided that. The hint asks every namespace to state the decision explicitly, one way or the other, so that an unlabelled namespace is a finding rather than a silent default. A Namespace complies when it has istio-injection with a value in injectionValues (default enabled, disabled), or istio.io/rev with a value matching revisionPattern (default: any value, as istioctl reads it), or istio.io/dataplane-mode with a value in dataplaneModes (default ambient, none). Other istio-injection values (true, yes, enable, an empty string) are flagged: Istio's default webhook selects only istio-injection=enabled, so such a value changes nothing and is almost always a typo for a decision the author meant to make. Namespace is cluster-scoped, so the system namespaces are excluded by name inside the check (systemNamespaces): kube-system, kube-public, kube-node-lease and local-path-storage, which Istio's injector never injects (inject.IgnoredNamespaces, used by istioctl's util.IsSystemNamespace), and istio-system, the control plane's own namespace, which the IST0102 analyzer skips. It is a warning of medium severity: a namespace without the label is a real gap in mesh coverage, but blocking namespace creation would break tools that create namespaces first and label them afterwards. The parameters also reproduce the two namespace policies of Kyverno's Istio library, which this hint covers: enforce-sidecar-injection-namespace (every namespace must have istio-injection=enabled) is injectionValues [enabled], revisionPattern \"[^\\s\\S]\" (a pattern no value matches), dataplaneModes [] and systemNamespaces []; enforce-ambient-mode-namespace (every namespace must have istio.io/dataplane-mode=ambient) is injectionValues [], revisionPattern \"[^\\s\\S]\", dataplaneModes [ambient] and systemNamespaces []. With the defaults every namespace either policy flags and that is not a system namespace is flagged by this hint too, unless it carries another explicit decision. Conftest and Gatekeeper take these values as parameters; the Kyverno policy has the defaults inlined, so edit its expression to use other values."
# custom:
#   hint: namespace-injection-decision
#   source: hints/namespace-injection-decision/hint.yaml
package lib.hint2policy.namespace_injection_decision

import data.lib.hint2policy.common

# Parameter defaults; a Constraint's parameters or conftest data override them.
_defaults := {"dataplaneModes": ["ambient", "none"], "injectionValues": ["enabled", "disabled"], "revisionPattern": "^.*$", "systemNamespaces": ["kube-system", "kube-public", "kube-node-lease", "local-path-storage", "istio-system"]}

# violations is the set of messages for every way subject breaks the hint (overrides: parameter values).
violations(subject, overrides) := {msg |
	params := object.union(_defaults, overrides)
	not _check_1(subject, params)
	msg := sprintf("Namespace %s states no Istio data-plane decision: label it istio-injection=enabled or =disabled, istio.io/rev=<revision>, or istio.io/dataplane-mode=ambient or =none", [common.text(common.get(subject, ["metadata", "name"]))])
}

_check_1(subject, params) if {
	_check_2(subject, params)
} else if {
	_check_3(subject, params)
} else if {
	_check_4(subject, params)
} else if {
	_check_5(subject, params)
}

_check_2(subject, params) if common.get(subject, ["metadata", "name"]) in params.systemNamespaces

_check_3(subject, params) if common.get(subject, ["metadata", "labels", "istio-injection"]) in params.injectionValues

_check_4(subject, params) if {
	value := subject.metadata.labels["istio.io/rev"]
	is_string(value)
	common.regex_match(params.revisionPattern, value)
}

_check_5(subject, params) if common.get(subject, ["metadata", "labels", "istio.io/dataplane-mode"]) in params.dataplaneModes
