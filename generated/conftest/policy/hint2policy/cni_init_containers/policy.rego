# METADATA
# title: "Application init containers use a documented workaround for traffic capture before the sidecar starts"
# description: "With Istio CNI the pod's traffic redirection is in place before any of its containers start, but a classic sidecar starts only with the application containers, after every init container has finished. An application init container that opens a connection (to fetch configuration or secrets, run a database migration, wait for a dependency) has its traffic redirected to a proxy that is not running yet, and fails or hangs. Istio's CNI documentation lists the workarounds, and the hint asks each init container to use one: the init container runs as UID 1337 (its own securityContext.runAsUser, or the pod's when it sets none), whose traffic Istio's capture rules let through; or the pod annotation traffic.sidecar.istio.io/excludeOutboundIPRanges or traffic.sidecar.istio.io/excludeOutboundPorts (non-empty) takes the destinations out of redirection; or the pod runs Istio as a native sidecar, which Kubernetes starts before the init containers that follow it: an init container named istio-proxy with restartPolicy Always (what the injector writes) or the annotation sidecar.istio.io/nativeSidecar \"true\" (what a pod template can request). The hint reports one warning per init container without a workaround. Init containers in exemptInitContainers are not checked: by default Istio's own (istio-init, istio-validation, istio-proxy). Pods that are not injected need no workaround: the hint accepts hostNetwork pods and pods whose sidecar.istio.io/inject label (or, without the label, annotation) disables injection. The manifest does not show whether the cluster runs Istio CNI, whether the namespace is injected, whether a listed IP range or port covers what the init container contacts, or where the injector places a native istio-proxy among the init containers; nor does it show whether an init container needs the network at all. So init containers that need no network (fixing volume permissions, copying files) are flagged too. To live with that: leave the warning, which blocks nothing; or, once reviewed, add the init container's name to exemptInitContainers; running it as UID 1337 also silences the warning and is harmless for a container that makes no connections, if it needs no other user. This hint pulls in two directions with its neighbours. sidecar-annotations-allowlist denies the traffic.sidecar.istio.io/* and sidecar.istio.io/nativeSidecar annotations unless the platform team allowlists them, with reason: the exclusion annotations apply to the application containers as well, so their traffic to those ranges and ports bypasses the sidecar too. With the defaults of both hints, the workarounds left to an application team are therefore UID 1337 on the init container, or native sidecars enabled by the platform. application-uid-1337 deliberately checks only application containers, never init containers, so that this workaround stays open; a pod-level runAsUser of 1337, which also reaches the application containers, is still flagged there. kube-system and istio-system are excluded: platform components. It is a low-severity warning: many init containers need no network, and the failure, when it happens, shows at once as a pod stuck in Init."
# custom:
#   hint: cni-init-containers
#   severity: low
#   source: hints/cni-init-containers/hint.yaml
package hint2policy.cni_init_containers

import data.lib.hint2policy.cni_init_containers as hint
import data.lib.hint2policy.common

# the kinds the hint reviews: each name with its API groups
_groups := {"CronJob": ["batch"], "DaemonSet": ["apps"], "Deployment": ["apps"], "Job": ["batch"], "Pod": [""], "ReplicaSet": ["apps"], "StatefulSet": ["apps"]}

_excluded_namespaces := ["kube-system", "istio-system"]

# Users override parameters with conftest --data: {"hint2policy": {"parameters": {"<hint>": {...}}}}.
default _overrides := {}

_overrides := data.hint2policy.parameters["cni-init-containers"]

# METADATA
# title: "Application init containers use a documented workaround for traffic capture before the sidecar starts"
# entrypoint: true
warn contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	not common.get(obj, ["metadata", "namespace"]) in _excluded_namespaces
	some msg in hint.violations(obj, _overrides)
	not common.exempt(obj, "cni-init-containers") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "cni-init-containers",
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
