# METADATA
# title: "Services selecting the same workload must use one protocol per port number"
# description: "The page the seed links to, Istio's application requirements, says under service association that when a pod belongs to several Kubernetes Services, the Services cannot use the same port number for different protocols, for instance HTTP and TCP. The inbound listener for that port is built for one protocol, so one of the Services' traffic is handled with the wrong one: HTTP parsing of opaque TCP bytes, or TCP proxying that loses routing, retries and telemetry. The check looks at an apps/v1 Deployment and the Services of its namespace that select its pods (a non-empty spec.selector whose every key has the same value in spec.template.metadata.labels). It flags the Deployment when two different such Services have a port with the same number (spec.ports[].port) and different protocols, in either of two senses. First, the Kubernetes protocol field differs (TCP, UDP, SCTP; absent means TCP), which is exactly what istioctl's IST0116 compares. Second, both ports are TCP at layer 4 and Istio reads one as an HTTP protocol and the other as a TCP protocol, following Istio's own grouping: the protocol comes from appProtocol when it is set, else from the port name's prefix before \"-\" (case-insensitive); http, http2, http_proxy, grpc and grpc-web are HTTP, tcp, tls, https, mongo, mysql and redis are TCP. Deliberately not flagged: ports whose name and appProtocol declare no known protocol (Istio sniffs the protocol there, so a declared HTTP port next to an undeclared one is not a conflict); differences inside one group (http against grpc, tcp against tls), which Istio proxies the same way at the inbound listener; two ports of one Service (a DNS Service with TCP and UDP 53 is normal); Services in other namespaces, which never select the pods; Services without a selector. A server exposed over TCP and UDP on one port through two Services (a DNS server behind two LoadBalancers) is flagged, as istioctl flags it. kube-system, kube-public and kube-node-lease are skipped: their workloads are not in the mesh. Only Deployments are checked (cross-resource hints relate named kinds); StatefulSets and DaemonSets with the same problem are not reported. A Deployment is checked when it is admitted or audited, not when a conflicting Service is added later in admission, so run the audit (or conftest over the repository) to catch that order."
# custom:
#   hint: workload-port-protocol
#   severity: medium
#   source: hints/workload-port-protocol/hint.yaml
package hint2policy.workload_port_protocol

import data.lib.hint2policy.common
import data.lib.hint2policy.workload_port_protocol as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"Deployment": ["apps"]}

# METADATA
# title: "Services selecting the same workload must use one protocol per port number"
# entrypoint: true
# description: Relates objects to each other, so it reports only under conftest test --combine.
warn contains result if {
	# relating objects needs every manifest at once: conftest test --combine
	common.combined
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj)
	not common.exempt(obj, "workload-port-protocol") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "workload-port-protocol",
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
