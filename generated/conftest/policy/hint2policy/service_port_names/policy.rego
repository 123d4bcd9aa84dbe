# METADATA
# title: "Service ports declare their protocol by name (<protocol>[-suffix]) or appProtocol"
# description: "Istio routes, secures and measures a port according to its protocol, and takes that protocol from the Service: from the port's appProtocol field when it is set, otherwise from the port name's prefix, <protocol> or <protocol>-<suffix> (http, http-web, grpc-api, tcp-db, ...). A port with no recognisable protocol falls back to automatic protocol detection, which sniffs the first bytes of each connection: it adds latency, gives up on server-first protocols (the server speaks first, the sniffer waits and the connection stalls), and may treat HTTP as opaque TCP, losing routing, retries and HTTP metrics. The hint flags, like istioctl's IST0118, every port of a Service whose effective protocol is unknown: appProtocol when present (it takes precedence over the name, so a well-named port with appProtocol: foo is flagged), else the name, must match protocolPattern, case-insensitively a known Istio protocol (http, http2, https, http_proxy, grpc, grpc-web, tcp, tls, udp, mongo, mysql, redis) optionally followed by -suffix, or one of Kubernetes' standard appProtocol values kubernetes.io/h2c, kubernetes.io/ws and kubernetes.io/wss, which Istio maps to HTTP2, HTTP and HTTPS. Ports that Istio classifies without a name are accepted: protocol UDP, and the server-first ports in wellKnownPorts (SMTP 25, DNS 53, MySQL 3306, MongoDB 27017), which Istio always treats as TCP. An unnamed port is flagged (one message per port). As in istioctl, Services labelled istio (any value) or release=istio are skipped as Istio's control plane, and so are Services labelled gateway.istio.io/managed, which Istio's own gateway and waypoint controller writes (their status and HBONE ports carry Istio-internal appProtocol values); a team could add such a label to escape the hint, which review of labels on Services has to catch. The Kubernetes system namespaces kube-system, kube-public, kube-node-lease and local-path-storage are excluded, as istioctl excludes them; istio-system is not, but its Services carry the control plane labels. It is a warning of medium severity: automatic detection keeps most client-first traffic working, so an unnamed port is a latent misbehaviour, not an outage, and the remedy is a rename that may also touch clients that refer to the port by name."
# custom:
#   hint: service-port-names
#   severity: medium
#   source: hints/service-port-names/hint.yaml
package hint2policy.service_port_names

import data.lib.hint2policy.common
import data.lib.hint2policy.service_port_names as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"Service": [""]}

_excluded_namespaces := ["kube-system", "kube-public", "kube-node-lease", "local-path-storage"]

# Users override parameters with conftest --data: {"hint2policy": {"parameters": {"<hint>": {...}}}}.
default _overrides := {}

_overrides := data.hint2policy.parameters["service-port-names"]

# METADATA
# title: "Service ports declare their protocol by name (<protocol>[-suffix]) or appProtocol"
# entrypoint: true
warn contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	not common.get(obj, ["metadata", "namespace"]) in _excluded_namespaces
	some msg in hint.violations(obj, _overrides)
	not common.exempt(obj, "service-port-names") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "service-port-names",
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
