# METADATA
# title: "Service ports declare their protocol by name (<protocol>[-suffix]) or appProtocol"
# description: "Istio routes, secures and measures a port according to its protocol, and takes that protocol from the Service: from the port's appProtocol field when it is set, otherwise from the port name's prefix, <protocol> or <protocol>-<suffix> (http, http-web, grpc-api, tcp-db, ...). A port with no recognisable protocol falls back to automatic protocol detection, which sniffs the first bytes of each connection: it adds latency, gives up on server-first protocols (the server speaks first, the sniffer waits and the connection stalls), and may treat HTTP as opaque TCP, losing routing, retries and HTTP metrics. The hint flags, like istioctl's IST0118, every port of a Service whose effective protocol is unknown: appProtocol when present (it takes precedence over the name, so a well-named port with appProtocol: foo is flagged), else the name, must match protocolPattern, case-insensitively a known Istio protocol (http, http2, https, http_proxy, grpc, grpc-web, tcp, tls, udp, mongo, mysql, redis) optionally followed by -suffix, or one of Kubernetes' standard appProtocol values kubernetes.io/h2c, kubernetes.io/ws and kubernetes.io/wss, which Istio maps to HTTP2, HTTP and HTTPS. Ports that Istio classifies without a name are accepted: protocol UDP, and the server-first ports in wellKnownPorts (SMTP 25, DNS 53, MySQL 3306, MongoDB 27017), which Istio always treats as TCP. An unnamed port is flagged (one message per port). As in istioctl, Services labelled istio (any value) or release=istio are skipped as Istio's control plane, and so are Services labelled gateway.istio.io/managed, which Istio's own gateway and waypoint controller writes (their status and HBONE ports carry Istio-internal appProtocol values); a team could add such a label to escape the hint, which review of labels on Services has to catch. The Kubernetes system namespaces kube-system, kube-public, kube-node-lease and local-path-storage are excluded, as istioctl excludes them; istio-system is not, but its Services carry the control plane labels. It is a warning of medium severity: automatic detection keeps most client-first traffic working, so an unnamed port is a latent misbehaviour, not an outage, and the remedy is a rename that may also touch clients that refer to the port by name."
# custom:
#   hint: service-port-names
#   source: hints/service-port-names/hint.yaml
package lib.hint2policy.service_port_names

import data.lib.hint2policy.common

# Parameter defaults; a Constraint's parameters or conftest data override them.
_defaults := {"protocolPattern": "(?i)^((http|http2|https|http_proxy|grpc|grpc-web|tcp|tls|udp|mongo|mysql|redis)(-.*)?|kubernetes\\.io/(h2c|ws|wss))$", "wellKnownPorts": [25, 53, 3306, 27017]}

# violations is the set of messages for every way subject breaks the hint (overrides: parameter values).
violations(subject, overrides) := {msg |
	params := object.union(_defaults, overrides)
	some v_port in common.list(common.get(subject, ["spec", "ports"]))
	not _check_1(subject, params, v_port)
	msg := sprintf("Service %s/%s: port %s declares no protocol Istio recognises, by appProtocol (which takes precedence) or by name; name it <protocol>[-suffix] (http, grpc, tcp, ...) or set a known appProtocol, or Istio falls back to protocol sniffing", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"])), common.text(common.get(v_port, ["port"]))])
}

_check_1(subject, params, v_port) if {
	_check_2(subject)
} else if {
	_check_3(subject)
} else if {
	_check_4(subject)
} else if {
	_check_5(v_port)
} else if {
	_check_6(params, v_port)
} else if {
	_check_7(params, v_port)
} else if {
	_check_10(params, v_port)
}

_check_2(subject) if subject.metadata.labels.istio != null

_check_3(subject) if subject.metadata.labels.release == "istio"

_check_4(subject) if subject.metadata.labels["gateway.istio.io/managed"] != null

_check_5(v_port) if v_port.protocol == "UDP"

_check_6(params, v_port) if common.get(v_port, ["port"]) in params.wellKnownPorts

_check_7(params, v_port) if {
	_check_8(v_port)
	_check_9(params, v_port)
}

_check_8(v_port) if v_port.appProtocol != null

_check_9(params, v_port) if {
	value := v_port.appProtocol
	is_string(value)
	common.regex_match(params.protocolPattern, value)
}

_check_10(params, v_port) if {
	_check_11(v_port)
	_check_12(params, v_port)
}

_check_11(v_port) if common.get(v_port, ["appProtocol"]) == null

_check_12(params, v_port) if {
	value := v_port.name
	is_string(value)
	common.regex_match(params.protocolPattern, value)
}
