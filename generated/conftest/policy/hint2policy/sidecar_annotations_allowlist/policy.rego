# METADATA
# title: "Pod annotations that change the Istio sidecar must be allowlisted"
# description: "Istio reads a family of pod annotations that override, for one workload, what the platform team configured for the whole mesh: which traffic the sidecar captures (traffic.sidecar.istio.io/excludeOutboundIPRanges, excludeInboundPorts, ...), the proxy's image, resources, log level and bootstrap (sidecar.istio.io/*), its whole ProxyConfig (proxy.istio.io/config), the injection template (inject.istio.io/templates), the status port and readiness checks (status.sidecar.istio.io/port, readiness.status.sidecar.istio.io/*). Several of them take traffic out of the sidecar entirely, past mTLS, authorization and egress policy. The hint flags every annotation key matching controlledAnnotations (by default those six prefixes, as listed in Istio's annotation reference) unless it is in allowedAnnotations, so each exception is an explicit, reviewed entry. The default allowlist holds only sidecar.istio.io/inject: opting a workload out of injection is routine (jobs, host-network tools), does not weaken the mesh's own settings for other workloads, and a pod without a sidecar is still refused by STRICT mTLS servers. Annotations outside the Istio prefixes (prometheus.io/*, prometheus.istio.io/merge-metrics, istio.io/rev, kubectl.kubernetes.io/*) are not this hint's concern. Because admission checks Pods after mutation, an injected Pod carries annotations that Istio's injector wrote itself: sidecar.istio.io/status always and, with Istio CNI, the interception settings (sidecar.istio.io/interceptionMode and traffic.sidecar.istio.io/*) that the CNI plugin reads. Those keys (injectorAnnotations) are accepted when sidecar.istio.io/status is present; a workload that fakes that annotation can set them too, so keep injectorAnnotations to what your injector actually writes. kube-system and istio-system are excluded: their workloads are the platform's own."
# custom:
#   hint: sidecar-annotations-allowlist
#   severity: high
#   source: hints/sidecar-annotations-allowlist/hint.yaml
package hint2policy.sidecar_annotations_allowlist

import data.lib.hint2policy.common
import data.lib.hint2policy.sidecar_annotations_allowlist as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"CronJob": ["batch"], "DaemonSet": ["apps"], "Deployment": ["apps"], "Job": ["batch"], "Pod": [""], "ReplicaSet": ["apps"], "StatefulSet": ["apps"]}

_excluded_namespaces := ["kube-system", "istio-system"]

# Users override parameters with conftest --data: {"hint2policy": {"parameters": {"<hint>": {...}}}}.
default _overrides := {}

_overrides := data.hint2policy.parameters["sidecar-annotations-allowlist"]

# METADATA
# title: "Pod annotations that change the Istio sidecar must be allowlisted"
# entrypoint: true
deny contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	not common.get(obj, ["metadata", "namespace"]) in _excluded_namespaces
	some msg in hint.violations(obj, _overrides)
	not common.exempt(obj, "sidecar-annotations-allowlist") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "sidecar-annotations-allowlist",
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
