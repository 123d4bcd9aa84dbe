# METADATA
# title: "Application containers do not declare ports that the Istio sidecar uses"
# description: "All containers of a pod share one network namespace, and the sidecar claims a block of ports in it: 15000 (Envoy admin), 15001 (outbound capture), 15002 (failure detection), 15004 (debug), 15006 (inbound capture), 15008 (HBONE mTLS tunnel), 15020 (merged Prometheus telemetry), 15021 (health checks), 15053 (DNS proxy) and 15090 (Envoy Prometheus telemetry), the list on Istio's \"Ports used by Istio\" page, which asks applications not to use them. An application listening on one of them either fails to bind or makes the sidecar fail; and even when both start, traffic to 15020, 15021, 15090 and 15008 is excluded from capture and the capture ports receive redirected traffic, so the application would see traffic meant for Envoy or none at all. The hint flags every containerPort of an application container that is in reservedPorts (one message per container and port); Istio's own containers (istioContainers, default istio-proxy) are exempt. It can only see declared ports: an application that listens on such a port without declaring it is not caught, and init containers are not checked (they finish before the sidecar starts). Older Istio releases also listed 15009 (HBONE for secure networks); add it to reservedPorts if your mesh uses it. kube-system and istio-system are excluded: gateways, ztunnel and other Istio components there use these ports by design. It is denied, of medium severity: no application has a reason to claim the sidecar's ports, the collision breaks the pod in ways that are hard to diagnose, and moving the application to another port is a local change."
# custom:
#   hint: container-port-sidecar-collision
#   severity: medium
#   source: hints/container-port-sidecar-collision/hint.yaml
package hint2policy.container_port_sidecar_collision

import data.lib.hint2policy.common
import data.lib.hint2policy.container_port_sidecar_collision as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"CronJob": ["batch"], "DaemonSet": ["apps"], "Deployment": ["apps"], "Job": ["batch"], "Pod": [""], "ReplicaSet": ["apps"], "StatefulSet": ["apps"]}

_excluded_namespaces := ["kube-system", "istio-system"]

# Users override parameters with conftest --data: {"hint2policy": {"parameters": {"<hint>": {...}}}}.
default _overrides := {}

_overrides := data.hint2policy.parameters["container-port-sidecar-collision"]

# METADATA
# title: "Application containers do not declare ports that the Istio sidecar uses"
# entrypoint: true
deny contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	not common.get(obj, ["metadata", "namespace"]) in _excluded_namespaces
	some msg in hint.violations(obj, _overrides)
	not common.exempt(obj, "container-port-sidecar-collision") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "container-port-sidecar-collision",
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
