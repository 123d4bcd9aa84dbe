# METADATA
# title: "Pod templates carry application name and version labels"
# description: "Istio reads a workload's application name and version from its pod labels, in order of precedence service.istio.io/canonical-name, app.kubernetes.io/name, app for the name and service.istio.io/canonical-revision, app.kubernetes.io/version, version for the version. They become the canonical service and revision in every metric, trace and access log, in Kiali's graph, and they are what DestinationRule subsets usually select. Without them the name falls back to the workload's name and the version to \"latest\", so two versions of a service become indistinguishable in telemetry and a canary cannot be told apart from the stable release. The hint flags a pod template that has no label from appLabels or none from versionLabels (label keys; any value). Istio's sidecar injector writes the two canonical labels, with those fallback values, on every Pod it injects, so in a cluster the finding appears on the Deployment, StatefulSet, Job or other controller, where the labels belong, and on Pods that are not injected. The Kubernetes system namespaces and istio-system are excluded: their workloads are the platform's, not applications whose telemetry teams read. It is a low-severity warning: the mesh works without the labels; only its observability and version-based routing suffer."
# custom:
#   hint: workload-app-version-labels
#   source: hints/workload-app-version-labels/hint.yaml
package lib.hint2policy.workload_app_version_labels

import data.lib.hint2policy.common

# Parameter defaults; a Constraint's parameters or conftest data override them.
_defaults := {"appLabels": ["service.istio.io/canonical-name", "app.kubernetes.io/name", "app"], "versionLabels": ["service.istio.io/canonical-revision", "app.kubernetes.io/version", "version"]}

# violations is the set of messages for every way obj breaks the hint (overrides: parameter values).
violations(obj, overrides) := {msg |
	params := object.union(_defaults, overrides)
	some subject in common.pod_templates(obj)
	not _check_1(subject, params)
	msg := sprintf("%s %s/%s: the pod template lacks an application label (app or app.kubernetes.io/name) or a version label (version or app.kubernetes.io/version); Istio telemetry falls back to the workload name and version 'latest'", [common.text(common.get(obj, ["kind"])), common.text(common.get(obj, ["metadata", "namespace"])), common.text(common.get(obj, ["metadata", "name"]))])
}

_check_1(subject, params) if {
	_check_2(subject, params)
	_check_4(subject, params)
}

_check_2(subject, params) if {
	some v_label in common.keys(common.get(subject, ["metadata", "labels"]))
	_check_3(params, v_label)
}

_check_3(params, v_label) if v_label in params.appLabels

_check_4(subject, params) if {
	some v_label in common.keys(common.get(subject, ["metadata", "labels"]))
	_check_5(params, v_label)
}

_check_5(params, v_label) if v_label in params.versionLabels
