# METADATA
# title: "Pod templates carry application name and version labels"
# description: "Istio reads a workload's application name and version from its pod labels, in order of precedence service.istio.io/canonical-name, app.kubernetes.io/name, app for the name and service.istio.io/canonical-revision, app.kubernetes.io/version, version for the version. They become the canonical service and revision in every metric, trace and access log, in Kiali's graph, and they are what DestinationRule subsets usually select. Without them the name falls back to the workload's name and the version to \"latest\", so two versions of a service become indistinguishable in telemetry and a canary cannot be told apart from the stable release. The hint flags a pod template that has no label from appLabels or none from versionLabels (label keys; any value). Istio's sidecar injector writes the two canonical labels, with those fallback values, on every Pod it injects, so in a cluster the finding appears on the Deployment, StatefulSet, Job or other controller, where the labels belong, and on Pods that are not injected. The Kubernetes system namespaces and istio-system are excluded: their workloads are the platform's, not applications whose telemetry teams read. It is a low-severity warning: the mesh works without the labels; only its observability and version-based routing suffer."
# custom:
#   hint: workload-app-version-labels
#   severity: low
#   source: hints/workload-app-version-labels/hint.yaml
package hint2policy.workload_app_version_labels

import data.lib.hint2policy.common
import data.lib.hint2policy.workload_app_version_labels as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"CronJob": ["batch"], "DaemonSet": ["apps"], "Deployment": ["apps"], "Job": ["batch"], "Pod": [""], "ReplicaSet": ["apps"], "StatefulSet": ["apps"]}

_excluded_namespaces := ["kube-system", "kube-public", "kube-node-lease", "local-path-storage", "istio-system"]

# Users override parameters with conftest --data: {"hint2policy": {"parameters": {"<hint>": {...}}}}.
default _overrides := {}

_overrides := data.hint2policy.parameters["workload-app-version-labels"]

# METADATA
# title: "Pod templates carry application name and version labels"
# entrypoint: true
warn contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	not common.get(obj, ["metadata", "namespace"]) in _excluded_namespaces
	some msg in hint.violations(obj, _overrides)
	not common.exempt(obj, "workload-app-version-labels") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "workload-app-version-labels",
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
