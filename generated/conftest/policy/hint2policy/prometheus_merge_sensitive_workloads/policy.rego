# METADATA
# title: "Workloads marked as having sensitive metrics opt out of Prometheus metrics merging"
# description: "When Istio merges metrics, the sidecar agent scrapes the application's metrics over localhost and re-serves them on port 15020, which is excluded from traffic capture: anything that reaches the pod IP can read them in plaintext, past the application's own authentication and the mesh's mTLS and AuthorizationPolicy. The per-workload switch the seed refers to is the pod annotation prometheus.istio.io/merge-metrics: \"false\". Which workloads handle sensitive metrics is for their owners to say, so the hint reads a marker label: a pod template whose label sensitiveMetricsLabel (default hint2policy.io/sensitive-metrics) has a value in sensitiveMetricsValues (default \"true\") must carry prometheus.istio.io/merge-metrics: \"false\" (the string; Istio reads only \"false\" as off). Unmarked workloads are not checked. It denies, with medium severity: the owner asserted the metrics are sensitive, so there is no false positive to fear, the fix is one annotation, and a leak of sensitive data should be stopped at admission rather than reported after the fact. A mesh that disables merging for everyone (meshConfig.enablePrometheusMerge: false, hint prometheus-merge-mesh) makes the annotation redundant, but this single-resource check cannot see the mesh configuration, and the redundant annotation is harmless and keeps the workload safe if the mesh default changes. kube-system and istio-system are excluded: their workloads are the platform's own."
# custom:
#   hint: prometheus-merge-sensitive-workloads
#   severity: medium
#   source: hints/prometheus-merge-sensitive-workloads/hint.yaml
package hint2policy.prometheus_merge_sensitive_workloads

import data.lib.hint2policy.common
import data.lib.hint2policy.prometheus_merge_sensitive_workloads as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"CronJob": ["batch"], "DaemonSet": ["apps"], "Deployment": ["apps"], "Job": ["batch"], "Pod": [""], "ReplicaSet": ["apps"], "StatefulSet": ["apps"]}

_excluded_namespaces := ["kube-system", "istio-system"]

# Users override parameters with conftest --data: {"hint2policy": {"parameters": {"<hint>": {...}}}}.
default _overrides := {}

_overrides := data.hint2policy.parameters["prometheus-merge-sensitive-workloads"]

# METADATA
# title: "Workloads marked as having sensitive metrics opt out of Prometheus metrics merging"
# entrypoint: true
deny contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	not common.get(obj, ["metadata", "namespace"]) in _excluded_namespaces
	some msg in hint.violations(obj, _overrides)
	not common.exempt(obj, "prometheus-merge-sensitive-workloads") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "prometheus-merge-sensitive-workloads",
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
