# METADATA
# title: "Pods must not opt out of sidecar injection"
# description: "Enabling injection for a namespace is a platform decision, and one line in a pod template can undo it: sidecar.istio.io/inject set to \"false\" as a label or an annotation makes Istio's injector skip the pod. The pod then runs outside the mesh in a namespace everyone believes is meshed: no mTLS, no authorization by identity, no telemetry, and, in a mesh that is still PERMISSIVE, plaintext access to services that were meant to be protected. The hint flags a pod template whose sidecar.istio.io/inject label or annotation holds a value that disables injection. Istio's injector injects for y, yes, true and on (any case) and applies the namespace default for an empty value; every other value (\"false\", \"no\", \"off\", \"False\", ...) disables injection, so the hint flags every value except those, and checks the label (the newer API, which takes precedence) as well as the annotation; an opt-out annotation next to a label that re-enables injection is flagged too, as a contradiction to clean up. This covers Kyverno's prevent-disabling-injection-pods, which checks only the annotation and only the exact value \"false\", everywhere except in the excluded namespaces. kube-system and istio-system are excluded: Istio never injects into kube-system, and Istio's own control plane and gateway pods in istio-system carry sidecar.istio.io/inject \"false\" by design. It is a warning, of medium severity, not a denial: some workloads legitimately run without a sidecar (Jobs on clusters without native sidecars, which would never complete; pods that talk only to the Kubernetes API; hostNetwork pods, which Istio never injects anyway), and the sidecar-annotations-allowlist hint deliberately allows the opt-out annotation as routine. Each opt-out is reported for review, as Kyverno's policy does in Audit mode; a mesh that runs STRICT mutual TLS everywhere and has no such workloads can switch the Gatekeeper constraint or the Kyverno rule to deny."
# custom:
#   hint: pod-sidecar-injection-disabled
#   source: hints/pod-sidecar-injection-disabled/hint.yaml
package lib.hint2policy.pod_sidecar_injection_disabled

import data.lib.hint2policy.common

# Parameter defaults; a Constraint's parameters or conftest data override them.
_defaults := {"injectValues": "(?i)^(y|yes|true|on)?$"}

# violations is the set of messages for every way obj breaks the hint (overrides: parameter values).
violations(obj, overrides) := {msg |
	params := object.union(_defaults, overrides)
	some subject in common.pod_templates(obj)
	not _check_1(subject, params)
	msg := sprintf("%s %s/%s disables Istio sidecar injection with the sidecar.istio.io/inject label or annotation: the pod runs outside the mesh (no mTLS, no identity-based authorization, no telemetry)", [common.text(common.get(obj, ["kind"])), common.text(common.get(obj, ["metadata", "namespace"])), common.text(common.get(obj, ["metadata", "name"]))])
}

_check_1(subject, params) if {
	_check_2(subject, params)
	_check_5(subject, params)
}

_check_2(subject, params) if {
	_check_3(subject)
} else if {
	_check_4(subject, params)
}

_check_3(subject) if common.get(subject, ["metadata", "labels", "sidecar.istio.io/inject"]) == null

_check_4(subject, params) if {
	value := subject.metadata.labels["sidecar.istio.io/inject"]
	is_string(value)
	common.regex_match(params.injectValues, value)
}

_check_5(subject, params) if {
	_check_6(subject)
} else if {
	_check_7(subject, params)
}

_check_6(subject) if common.get(subject, ["metadata", "annotations", "sidecar.istio.io/inject"]) == null

_check_7(subject, params) if {
	value := subject.metadata.annotations["sidecar.istio.io/inject"]
	is_string(value)
	common.regex_match(params.injectValues, value)
}
