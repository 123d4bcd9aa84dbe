# METADATA
# title: "Pods must not opt out of sidecar injection"
# description: "Enabling injection for a namespace is a platform decision, and one line in a pod template can undo it: sidecar.istio.io/inject set to \"false\" as a label or an annotation makes Istio's injector skip the pod. The pod then runs outside the mesh in a namespace everyone believes is meshed: no mTLS, no authorization by identity, no telemetry, and, in a mesh that is still PERMISSIVE, plaintext access to services that were meant to be protected. The hint flags a pod template whose sidecar.istio.io/inject label or annotation holds a value that disables injection. Istio's injector injects for y, yes, true and on (any case) and applies the namespace default for an empty value; every other value (\"false\", \"no\", \"off\", \"False\", ...) disables injection, so the hint flags every value except those, and checks the label (the newer API, which takes precedence) as well as the annotation; an opt-out annotation next to a label that re-enables injection is flagged too, as a contradiction to clean up. This covers Kyverno's prevent-disabling-injection-pods, which checks only the annotation and only the exact value \"false\", everywhere except in the excluded namespaces. kube-system and istio-system are excluded: Istio never injects into kube-system, and Istio's own control plane and gateway pods in istio-system carry sidecar.istio.io/inject \"false\" by design. It is a warning, of medium severity, not a denial: some workloads legitimately run without a sidecar (Jobs on clusters without native sidecars, which would never complete; pods that talk only to the Kubernetes API; hostNetwork pods, which Istio never injects anyway), and the sidecar-annotations-allowlist hint deliberately allows the opt-out annotation as routine. Each opt-out is reported for review, as Kyverno's policy does in Audit mode; a mesh that runs STRICT mutual TLS everywhere and has no such workloads can switch the Gatekeeper constraint or the Kyverno rule to deny."
# custom:
#   hint: pod-sidecar-injection-disabled
#   severity: medium
#   source: hints/pod-sidecar-injection-disabled/hint.yaml
package hint2policy.pod_sidecar_injection_disabled

import data.lib.hint2policy.common
import data.lib.hint2policy.pod_sidecar_injection_disabled as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"CronJob": ["batch"], "DaemonSet": ["apps"], "Deployment": ["apps"], "Job": ["batch"], "Pod": [""], "ReplicaSet": ["apps"], "StatefulSet": ["apps"]}

_excluded_namespaces := ["kube-system", "istio-system"]

# Users override parameters with conftest --data: {"hint2policy": {"parameters": {"<hint>": {...}}}}.
default _overrides := {}

_overrides := data.hint2policy.parameters["pod-sidecar-injection-disabled"]

# METADATA
# title: "Pods must not opt out of sidecar injection"
# entrypoint: true
warn contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	not common.get(obj, ["metadata", "namespace"]) in _excluded_namespaces
	some msg in hint.violations(obj, _overrides)
	not common.exempt(obj, "pod-sidecar-injection-disabled") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "pod-sidecar-injection-disabled",
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
