# METADATA
# title: "Application containers must not run as UID 1337, the Istio sidecar's user"
# description: "Istio reserves UID 1337 for the sidecar proxy: the traffic-capture rules that Istio installs in the pod (istio-init or Istio CNI) let every packet sent by UID 1337 leave without redirection, because that is how the proxy's own upstream connections get out. An application process running as 1337 is therefore outside the mesh on the way out: its requests skip the sidecar, so no mTLS origination, no egress policy, no routing rules, no telemetry, while the workload still looks meshed. Istio's application requirements say pods must not run applications as UID 1337. The hint flags every application container whose effective UID is 1337: its own securityContext.runAsUser is 1337, or it sets none and the pod's securityContext.runAsUser is 1337 (one message per container). Istio's own containers (istioContainers: istio-proxy, which runs as 1337 by design, and istio-operator) are exempt, and so are pod templates labelled as Istio's control plane (label istio with any value, or release=istio), as in istioctl. Init containers are deliberately not checked: the documented workaround for application init containers under Istio CNI is to run them as UID 1337 so that their traffic bypasses the sidecar that has not started yet (see cni-init-containers); an init container has finished before the application runs, so it cannot leak the application's traffic. No namespace is excluded: the bypass is the same everywhere, and the control plane is recognised by its labels. It is denied, of high severity: it silently defeats the mesh's security controls for the workload's outbound traffic, and the fix (any other UID) costs nothing."
# custom:
#   hint: application-uid-1337
#   severity: high
#   source: hints/application-uid-1337/hint.yaml
package hint2policy.application_uid_1337

import data.lib.hint2policy.application_uid_1337 as hint
import data.lib.hint2policy.common

# the kinds the hint reviews: each name with its API groups
_groups := {"CronJob": ["batch"], "DaemonSet": ["apps"], "Deployment": ["apps"], "Job": ["batch"], "Pod": [""], "ReplicaSet": ["apps"], "StatefulSet": ["apps"]}

# Users override parameters with conftest --data: {"hint2policy": {"parameters": {"<hint>": {...}}}}.
default _overrides := {}

_overrides := data.hint2policy.parameters["application-uid-1337"]

# METADATA
# title: "Application containers must not run as UID 1337, the Istio sidecar's user"
# entrypoint: true
deny contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj, _overrides)
	not common.exempt(obj, "application-uid-1337") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "application-uid-1337",
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
