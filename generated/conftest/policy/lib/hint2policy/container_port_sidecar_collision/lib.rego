# METADATA
# title: "Application containers do not declare ports that the Istio sidecar uses"
# description: "All containers of a pod share one network namespace, and the sidecar claims a block of ports in it: 15000 (Envoy admin), 15001 (outbound capture), 15002 (failure detection), 15004 (debug), 15006 (inbound capture), 15008 (HBONE mTLS tunnel), 15020 (merged Prometheus telemetry), 15021 (health checks), 15053 (DNS proxy) and 15090 (Envoy Prometheus telemetry), the list on Istio's \"Ports used by Istio\" page, which asks applications not to use them. An application listening on one of them either fails to bind or makes the sidecar fail; and even when both start, traffic to 15020, 15021, 15090 and 15008 is excluded from capture and the capture ports receive redirected traffic, so the application would see traffic meant for Envoy or none at all. The hint flags every containerPort of an application container that is in reservedPorts (one message per container and port); Istio's own containers (istioContainers, default istio-proxy) are exempt. It can only see declared ports: an application that listens on such a port without declaring it is not caught, and init containers are not checked (they finish before the sidecar starts). Older Istio releases also listed 15009 (HBONE for secure networks); add it to reservedPorts if your mesh uses it. kube-system and istio-system are excluded: gateways, ztunnel and other Istio components there use these ports by design. It is denied, of medium severity: no application has a reason to claim the sidecar's ports, the collision breaks the pod in ways that are hard to diagnose, and moving the application to another port is a local change."
# custom:
#   hint: container-port-sidecar-collision
#   source: hints/container-port-sidecar-collision/hint.yaml
package lib.hint2policy.container_port_sidecar_collision

import data.lib.hint2policy.common

# Parameter defaults; a Constraint's parameters or conftest data override them.
_defaults := {"istioContainers": ["istio-proxy"], "reservedPorts": [15000, 15001, 15002, 15004, 15006, 15008, 15020, 15021, 15053, 15090]}

# violations is the set of messages for every way obj breaks the hint (overrides: parameter values).
violations(obj, overrides) := {msg |
	params := object.union(_defaults, overrides)
	some subject in common.pod_templates(obj)
	some v_container in common.list(common.get(subject, ["spec", "containers"]))
	some v_port in common.list(common.get(v_container, ["ports"]))
	not _check_1(params, v_container, v_port)
	msg := sprintf("%s %s/%s: container %s declares containerPort %s, a port the Istio sidecar uses; move the application to another port", [common.text(common.get(obj, ["kind"])), common.text(common.get(obj, ["metadata", "namespace"])), common.text(common.get(obj, ["metadata", "name"])), common.text(common.get(v_container, ["name"])), common.text(common.get(v_port, ["containerPort"]))])
}

_check_1(params, v_container, v_port) if {
	_check_2(params, v_container)
} else if {
	_check_3(params, v_port)
}

_check_2(params, v_container) if common.get(v_container, ["name"]) in params.istioContainers

_check_3(params, v_port) if not common.get(v_port, ["containerPort"]) in params.reservedPorts
