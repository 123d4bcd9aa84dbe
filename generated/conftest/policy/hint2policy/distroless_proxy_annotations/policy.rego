# METADATA
# title: "Pods that override their proxy image must keep it distroless"
# description: "A mesh installed with distroless proxies (see distroless-proxy-image) can be undone one pod at a time: Istio's injector takes the image type from the pod annotation sidecar.istio.io/proxyImageType before anything the installation set, and sidecar.istio.io/proxyImage replaces the whole proxy image reference. The hint flags a pod template whose sidecar.istio.io/proxyImageType is anything but distroless (debug or default put a shell and a package set back into that sidecar), or whose sidecar.istio.io/proxyImage does not name a distroless image (the reference must contain \"distroless\", as Istio's own distroless tags do: proxyv2:1.24.2-distroless). Pods without either annotation inherit the mesh-wide choice and are not this hint's concern. It warns, with medium severity, for the same reason as the installation hint: a debug sidecar is a legitimate short-lived troubleshooting tool, and it changes the attack surface of one pod, not what the mesh enforces. A custom image built distroless under a name without the word is flagged; rename the tag or accept the warning. kube-system and istio-system are excluded: their workloads are the platform's own and are managed with the installation."
# custom:
#   hint: distroless-proxy-annotations
#   severity: medium
#   source: hints/distroless-proxy-annotations/hint.yaml
package hint2policy.distroless_proxy_annotations

import data.lib.hint2policy.common
import data.lib.hint2policy.distroless_proxy_annotations as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"CronJob": ["batch"], "DaemonSet": ["apps"], "Deployment": ["apps"], "Job": ["batch"], "Pod": [""], "ReplicaSet": ["apps"], "StatefulSet": ["apps"]}

_excluded_namespaces := ["kube-system", "istio-system"]

# METADATA
# title: "Pods that override their proxy image must keep it distroless"
# entrypoint: true
warn contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	not common.get(obj, ["metadata", "namespace"]) in _excluded_namespaces
	some msg in hint.violations(obj)
	not common.exempt(obj, "distroless-proxy-annotations") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "distroless-proxy-annotations",
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
