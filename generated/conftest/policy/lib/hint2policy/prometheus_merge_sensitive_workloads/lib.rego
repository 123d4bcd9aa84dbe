# METADATA
# title: "Workloads marked as having sensitive metrics opt out of Prometheus metrics merging"
# description: "When Istio merges metrics, the sidecar agent scrapes the application's metrics over localhost and re-serves them on port 15020, which is excluded from traffic capture: anything that reaches the pod IP can read them in plaintext, past the application's own authentication and the mesh's mTLS and AuthorizationPolicy. The per-workload switch the seed refers to is the pod annotation prometheus.istio.io/merge-metrics: \"false\". Which workloads handle sensitive metrics is for their owners to say, so the hint reads a marker label: a pod template whose label sensitiveMetricsLabel (default hint2policy.io/sensitive-metrics) has a value in sensitiveMetricsValues (default \"true\") must carry prometheus.istio.io/merge-metrics: \"false\" (the string; Istio reads only \"false\" as off). Unmarked workloads are not checked. It denies, with medium severity: the owner asserted the metrics are sensitive, so there is no false positive to fear, the fix is one annotation, and a leak of sensitive data should be stopped at admission rather than reported after the fact. A mesh that disables merging for everyone (meshConfig.enablePrometheusMerge: false, hint prometheus-merge-mesh) makes the annotation redundant, but this single-resource check cannot see the mesh configuration, and the redundant annotation is harmless and keeps the workload safe if the mesh default changes. kube-system and istio-system are excluded: their workloads are the platform's own."
# custom:
#   hint: prometheus-merge-sensitive-workloads
#   source: hints/prometheus-merge-sensitive-workloads/hint.yaml
package lib.hint2policy.prometheus_merge_sensitive_workloads

import data.lib.hint2policy.common

# Parameter defaults; a Constraint's parameters or conftest data override them.
_defaults := {"sensitiveMetricsLabel": "hint2policy.io/sensitive-metrics", "sensitiveMetricsValues": ["true"]}

# violations is the set of messages for every way obj breaks the hint (overrides: parameter values).
violations(obj, overrides) := {msg |
	params := object.union(_defaults, overrides)
	some subject in common.pod_templates(obj)
	not _check_1(subject, params)
	msg := sprintf("%s %s/%s is marked as having sensitive metrics but does not set prometheus.istio.io/merge-metrics: \"false\": Istio would re-serve its metrics in plaintext on the sidecar's port 15020", [common.text(common.get(obj, ["kind"])), common.text(common.get(obj, ["metadata", "namespace"])), common.text(common.get(obj, ["metadata", "name"]))])
}

_check_1(subject, params) if {
	_check_2(subject, params)
} else if {
	_check_7(subject)
}

_check_2(subject, params) if not _check_3(subject, params)

_check_3(subject, params) if {
	some v_label in common.keys(common.get(subject, ["metadata", "labels"]))
	_check_4(subject, params, v_label)
}

_check_4(subject, params, v_label) if {
	_check_5(params, v_label)
	_check_6(subject, params, v_label)
}

_check_5(params, v_label) if v_label == params.sensitiveMetricsLabel

_check_6(subject, params, v_label) if common.get(subject, ["metadata", "labels", v_label]) in params.sensitiveMetricsValues

_check_7(subject) if subject.metadata.annotations["prometheus.istio.io/merge-metrics"] == "false"
