# METADATA
# title: "Prefer command-based readiness probes to HTTP, TCP and gRPC probes"
# description: "The kubelet is not part of the mesh: it sends probes in plaintext. Under STRICT mutual TLS such a probe only gets through because something lets non-mTLS traffic into the pod. By default Istio's injector rewrites httpGet probes (and, in recent releases, tcpSocket and gRPC probes) to go to the sidecar agent's status port, 15020, which is excluded from interception and forwards the probe to the application over localhost (annotation sidecar.istio.io/rewriteAppHTTPProbers, on unless switched off). The hint still warns because that plaintext path still exists and depends on settings outside the workload: a pod can switch the rewrite off with the annotation, a mesh can disable it globally, and probes that are not rewritten then need a PERMISSIVE port or a port excluded from the sidecar, which opens the application to any plaintext client. An exec probe runs inside the container and needs no network path at all. It is a warning of low severity because network probes are often the only practical choice (images without a shell or a client binary), and the seed says to use them sparingly, not never. kube-system and istio-system are excluded: their pods are platform components, mostly outside the mesh."
# custom:
#   hint: readiness-probe-command
#   severity: low
#   source: hints/readiness-probe-command/hint.yaml
package hint2policy.readiness_probe_command

import data.lib.hint2policy.common
import data.lib.hint2policy.readiness_probe_command as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"CronJob": ["batch"], "DaemonSet": ["apps"], "Deployment": ["apps"], "Job": ["batch"], "Pod": [""], "ReplicaSet": ["apps"], "StatefulSet": ["apps"]}

_excluded_namespaces := ["kube-system", "istio-system"]

# METADATA
# title: "Prefer command-based readiness probes to HTTP, TCP and gRPC probes"
# entrypoint: true
warn contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	not common.get(obj, ["metadata", "namespace"]) in _excluded_namespaces
	some msg in hint.violations(obj)
	not common.exempt(obj, "readiness-probe-command") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "readiness-probe-command",
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
