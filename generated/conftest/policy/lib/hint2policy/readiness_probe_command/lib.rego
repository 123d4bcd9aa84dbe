# METADATA
# title: "Prefer command-based readiness probes to HTTP, TCP and gRPC probes"
# description: "The kubelet is not part of the mesh: it sends probes in plaintext. Under STRICT mutual TLS such a probe only gets through because something lets non-mTLS traffic into the pod. By default Istio's injector rewrites httpGet probes (and, in recent releases, tcpSocket and gRPC probes) to go to the sidecar agent's status port, 15020, which is excluded from interception and forwards the probe to the application over localhost (annotation sidecar.istio.io/rewriteAppHTTPProbers, on unless switched off). The hint still warns because that plaintext path still exists and depends on settings outside the workload: a pod can switch the rewrite off with the annotation, a mesh can disable it globally, and probes that are not rewritten then need a PERMISSIVE port or a port excluded from the sidecar, which opens the application to any plaintext client. An exec probe runs inside the container and needs no network path at all. It is a warning of low severity because network probes are often the only practical choice (images without a shell or a client binary), and the seed says to use them sparingly, not never. kube-system and istio-system are excluded: their pods are platform components, mostly outside the mesh."
# custom:
#   hint: readiness-probe-command
#   source: hints/readiness-probe-command/hint.yaml
package lib.hint2policy.readiness_probe_command

import data.lib.hint2policy.common

# violations is the set of messages for every way obj breaks the hint.
violations(obj) := {msg |
	some subject in common.pod_templates(obj)
	some v_container in common.list(common.get(subject, ["spec", "containers"]))
	not _check_1(v_container)
	msg := sprintf("%s %s/%s: container %s has a network (HTTP, TCP or gRPC) readiness probe; the kubelet's probe is plaintext, so prefer an exec probe", [common.text(common.get(obj, ["kind"])), common.text(common.get(obj, ["metadata", "namespace"])), common.text(common.get(obj, ["metadata", "name"])), common.text(common.get(v_container, ["name"]))])
}

_check_1(v_container) if {
	_check_2(v_container)
	_check_3(v_container)
	_check_4(v_container)
}

_check_2(v_container) if common.get(v_container, ["readinessProbe", "httpGet"]) == null

_check_3(v_container) if common.get(v_container, ["readinessProbe", "tcpSocket"]) == null

_check_4(v_container) if common.get(v_container, ["readinessProbe", "grpc"]) == null
