# METADATA
# title: "Services selecting the same workload must use one protocol per port number"
# description: "The page the seed links to, Istio's application requirements, says under service association that when a pod belongs to several Kubernetes Services, the Services cannot use the same port number for different protocols, for instance HTTP and TCP. The inbound listener for that port is built for one protocol, so one of the Services' traffic is handled with the wrong one: HTTP parsing of opaque TCP bytes, or TCP proxying that loses routing, retries and telemetry. The check looks at an apps/v1 Deployment and the Services of its namespace that select its pods (a non-empty spec.selector whose every key has the same value in spec.template.metadata.labels). It flags the Deployment when two different such Services have a port with the same number (spec.ports[].port) and different protocols, in either of two senses. First, the Kubernetes protocol field differs (TCP, UDP, SCTP; absent means TCP), which is exactly what istioctl's IST0116 compares. Second, both ports are TCP at layer 4 and Istio reads one as an HTTP protocol and the other as a TCP protocol, following Istio's own grouping: the protocol comes from appProtocol when it is set, else from the port name's prefix before \"-\" (case-insensitive); http, http2, http_proxy, grpc and grpc-web are HTTP, tcp, tls, https, mongo, mysql and redis are TCP. Deliberately not flagged: ports whose name and appProtocol declare no known protocol (Istio sniffs the protocol there, so a declared HTTP port next to an undeclared one is not a conflict); differences inside one group (http against grpc, tcp against tls), which Istio proxies the same way at the inbound listener; two ports of one Service (a DNS Service with TCP and UDP 53 is normal); Services in other namespaces, which never select the pods; Services without a selector. A server exposed over TCP and UDP on one port through two Services (a DNS server behind two LoadBalancers) is flagged, as istioctl flags it. kube-system, kube-public and kube-node-lease are skipped: their workloads are not in the mesh. Only Deployments are checked (cross-resource hints relate named kinds); StatefulSets and DaemonSets with the same problem are not reported. A Deployment is checked when it is admitted or audited, not when a conflicting Service is added later in admission, so run the audit (or conftest over the repository) to catch that order."
# custom:
#   hint: workload-port-protocol
#   source: hints/workload-port-protocol/hint.yaml
package lib.hint2policy.workload_port_protocol

import data.lib.hint2policy.common

# violations is the set of messages for every way subject breaks the hint.
violations(subject) := {msg |
	not _check_1(subject)
	msg := sprintf("Deployment %s/%s: two Services that select its pods give one port number different protocols (Kubernetes protocol field, or HTTP against TCP by appProtocol or port name), but its inbound listener serves only one", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"]))])
}

_check_1(subject) if {
	_check_2(subject)
} else if {
	_check_3(subject)
}

_check_2(subject) if subject.metadata.namespace in ["kube-system", "kube-public", "kube-node-lease"]

_check_3(subject) if not _check_4(subject)

_check_4(subject) if {
	key := common.namespace(subject)
	some v_s1 in _related_1_of([key])
	_check_6(subject, v_s1)
	not common.same(v_s1, subject)
}

_check_5(v_s1) if {
	value := v_s1.spec.selector
	common.has_size(value)
	count(value) > 0
}

_check_6(subject, v_s1) if {
	_check_7(subject, v_s1)
	_check_9(subject, v_s1)
}

_check_7(subject, v_s1) if {
	every v_k1 in common.keys(common.get(v_s1, ["spec", "selector"])) {
		_check_8(subject, v_k1, v_s1)
	}
}

_check_8(subject, v_k1, v_s1) if common.get(subject, ["spec", "template", "metadata", "labels", v_k1]) == common.get(v_s1, ["spec", "selector", v_k1])

_check_9(subject, v_s1) if {
	some v_p in common.list(common.get(v_s1, ["spec", "ports"]))
	_check_10(subject, v_p, v_s1)
}

_check_10(subject, v_p, v_s1) if {
	key := common.get(v_p, ["port"])
	some v_s2 in _related_2_of([[common.namespace(subject), key]])
	_check_12(subject, v_p, v_s1, v_s2)
	not common.same(v_s2, subject)
}

_check_11(v_s2) if {
	value := v_s2.spec.selector
	common.has_size(value)
	count(value) > 0
}

_check_12(subject, v_p, v_s1, v_s2) if {
	_check_13(v_s1, v_s2)
	_check_14(subject, v_s2)
	_check_16(v_p, v_s2)
}

_check_13(v_s1, v_s2) if common.get(v_s2, ["metadata", "name"]) != common.get(v_s1, ["metadata", "name"])

_check_14(subject, v_s2) if {
	every v_k2 in common.keys(common.get(v_s2, ["spec", "selector"])) {
		_check_15(subject, v_k2, v_s2)
	}
}

_check_15(subject, v_k2, v_s2) if common.get(subject, ["spec", "template", "metadata", "labels", v_k2]) == common.get(v_s2, ["spec", "selector", v_k2])

_check_16(v_p, v_s2) if {
	some v_q in common.list(common.get(v_s2, ["spec", "ports"]))
	_check_17(v_p, v_q)
}

_check_17(v_p, v_q) if {
	_check_18(v_p, v_q)
	_check_19(v_p, v_q)
}

_check_18(v_p, v_q) if common.get(v_q, ["port"]) == common.get(v_p, ["port"])

_check_19(v_p, v_q) if {
	_check_20(v_p, v_q)
} else if {
	_check_24(v_p, v_q)
}

_check_20(v_p, v_q) if {
	_check_21(v_p)
	_check_22(v_p)
	_check_23(v_p, v_q)
}

_check_21(v_p) if v_p.protocol != null

_check_22(v_p) if not v_p.protocol == "TCP"

_check_23(v_p, v_q) if common.get(v_q, ["protocol"]) != common.get(v_p, ["protocol"])

_check_24(v_p, v_q) if {
	_check_25(v_p)
	_check_26(v_q)
	_check_27(v_p)
	_check_32(v_q)
}

_check_25(v_p) if not v_p.protocol == "UDP"

_check_26(v_q) if not v_q.protocol == "UDP"

_check_27(v_p) if {
	_check_28(v_p)
} else if {
	_check_29(v_p)
}

_check_28(v_p) if {
	value := v_p.appProtocol
	is_string(value)
	common.regex_match(`(?i)^(http|http2|http_proxy|grpc)(-|$)`, value)
}

_check_29(v_p) if {
	_check_30(v_p)
	_check_31(v_p)
}

_check_30(v_p) if common.get(v_p, ["appProtocol"]) == null

_check_31(v_p) if {
	value := v_p.name
	is_string(value)
	common.regex_match(`(?i)^(http|http2|http_proxy|grpc)(-|$)`, value)
}

_check_32(v_q) if {
	_check_33(v_q)
} else if {
	_check_34(v_q)
}

_check_33(v_q) if {
	value := v_q.appProtocol
	is_string(value)
	common.regex_match(`(?i)^(tcp|tls|https|mongo|mysql|redis)(-|$)`, value)
}

_check_34(v_q) if {
	_check_35(v_q)
	_check_36(v_q)
}

_check_35(v_q) if common.get(v_q, ["appProtocol"]) == null

_check_36(v_q) if {
	value := v_q.name
	is_string(value)
	common.regex_match(`(?i)^(tcp|tls|https|mongo|mysql|redis)(-|$)`, value)
}

# every Service
_objects_1 := common.objects_of([{"group": "", "kind": "Service"}])

# Service objects that pass the relation's own conditions, by namespace: a complete rule, so every engine builds it
# once per query, by sorting (key, position in _objects_1) pairs.
_related_1 := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_1)
		v_s1 := _objects_1[i]
		_check_5(v_s1)
		key := common.namespace(v_s1)
	]),
	_objects_1,
)

# _related_1_of(keys) holds the objects _related_1 holds under any of keys. conftest and the
# embedded engine check every document in one query and read the index; Gatekeeper reviews one
# object per query, where one scan for the keys costs less than building the index.
_related_1_of(keys) := union({object.get(_related_1, [k], set()) | some k in keys}) if common.combined

_related_1_of(keys) := {v_s1 |
	some ns in keys
	some v_s1 in common.objects_in([{"group": "", "kind": "Service"}], ns)
	_check_5(v_s1)
	key := common.namespace(v_s1)
	key in keys
} if {
	not common.combined
}

# Service objects that pass the relation's own conditions, by namespace and value: a complete rule, so every engine builds it
# once per query, by sorting (key, position in _objects_1) pairs.
_related_2 := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_1)
		v_s2 := _objects_1[i]
		_check_11(v_s2)
		some item_1 in common.list(common.get(v_s2, ["spec", "ports"]))
		some value_key in common.values(common.get(item_1, ["port"]))
		key := [common.namespace(v_s2), value_key]
	]),
	_objects_1,
)

# _related_2_of(keys) holds the objects _related_2 holds under any of keys. conftest and the
# embedded engine check every document in one query and read the index; Gatekeeper reviews one
# object per query, where one scan for the keys costs less than building the index.
_related_2_of(keys) := union({object.get(_related_2, [k], set()) | some k in keys}) if common.combined

_related_2_of(keys) := {v_s2 |
	some ns in {k[0] | some k in keys}
	some v_s2 in common.objects_in([{"group": "", "kind": "Service"}], ns)
	_check_11(v_s2)
	some item_1 in common.list(common.get(v_s2, ["spec", "ports"]))
	some value_key in common.values(common.get(item_1, ["port"]))
	key := [common.namespace(v_s2), value_key]
	key in keys
} if {
	not common.combined
}
