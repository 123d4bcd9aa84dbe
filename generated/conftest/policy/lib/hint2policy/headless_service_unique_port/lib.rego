# METADATA
# title: "Headless Services must not share a port number"
# description: "A headless Service (spec.clusterIP: None) has no virtual IP, so a sidecar cannot tell its traffic from another headless Service's by destination address. Istio long built one 0.0.0.0:<port> outbound listener per port for them, and two headless Services on one port fought over it: one won, the other's TCP traffic went to the wrong backend or was dropped (istio/istio#5992, #10456). Newer Istio releases build a listener per pod IP for TCP ports of Kubernetes headless Services and route HTTP ports by Host header, which removes most collisions, so the risk today is lower than the seed's wording suggests; it remains for older proxies and for address-less ServiceEntries, which Istio treats like headless Services (service-entry-addressless-protocol). The check looks at each port of a Service with spec.clusterIP \"None\" and flags it when another headless Service, in any namespace, declares the same port number (spec.ports[].port, the port clients dial; targetPort does not matter). The comparison is cluster-wide because a sidecar imports every namespace's Services unless a Sidecar resource narrows it; Istio's networking.istio.io/exportTo annotation on Services is not read, so a Service restricted by it is still compared with every other. Ports with protocol UDP or SCTP are skipped on both sides, since Istio builds no listener for them, as are Services with a cluster IP (including ExternalName Services) and an older version of the same Service. Services in ignoredNamespaces (kube-system and istio-system by default; add other namespaces outside the mesh) are neither flagged nor counted against others: their workloads usually have no sidecar and their owners are not the Services' authors. Both Services of a colliding pair are flagged. Because several databases on their well-known port (5432, 6379, 9042) are common, renumbering them is costly, and recent Istio releases avoid most collisions, the policy warns rather than denies, and the severity is low. No istioctl analyzer checks headless Service ports."
# custom:
#   hint: headless-service-unique-port
#   source: hints/headless-service-unique-port/hint.yaml
package lib.hint2policy.headless_service_unique_port

import data.lib.hint2policy.common

# Parameter defaults; a Constraint's parameters or conftest data override them.
_defaults := {"ignoredNamespaces": ["kube-system", "istio-system"]}

# violations is the set of messages for every way subject breaks the hint (overrides: parameter values).
violations(subject, overrides) := {msg |
	params := object.union(_defaults, overrides)
	some v_port in common.list(common.get(subject, ["spec", "ports"]))
	not _check_1(subject, params, v_port)
	msg := sprintf("Service %s/%s: headless Service port %s is also used by another headless Service; give each headless Service its own port number", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"])), common.text(common.get(v_port, ["port"]))])
}

_check_1(subject, params, v_port) if {
	_check_2(subject)
} else if {
	_check_3(subject, params)
} else if {
	_check_4(v_port)
} else if {
	_check_5(subject, params, v_port)
}

_check_2(subject) if not subject.spec.clusterIP == "None"

_check_3(subject, params) if common.get(subject, ["metadata", "namespace"]) in params.ignoredNamespaces

_check_4(v_port) if v_port.protocol in ["UDP", "SCTP"]

_check_5(subject, params, v_port) if not _check_6(subject, params, v_port)

_check_6(subject, params, v_port) if {
	key := common.get(v_port, ["port"])
	some v_other in _related_1_of([key])
	_check_8(params, v_other, v_port)
	not common.same(v_other, subject)
}

_check_7(v_other) if v_other.spec.clusterIP == "None"

_check_8(params, v_other, v_port) if {
	_check_9(params, v_other)
	_check_10(v_other, v_port)
}

_check_9(params, v_other) if not common.get(v_other, ["metadata", "namespace"]) in params.ignoredNamespaces

_check_10(v_other, v_port) if {
	some v_q in common.list(common.get(v_other, ["spec", "ports"]))
	_check_11(v_port, v_q)
}

_check_11(v_port, v_q) if {
	_check_12(v_port, v_q)
	_check_13(v_q)
}

_check_12(v_port, v_q) if common.get(v_q, ["port"]) == common.get(v_port, ["port"])

_check_13(v_q) if not common.get(v_q, ["protocol"]) in ["UDP", "SCTP"]

# every Service
_objects_1 := common.objects_of([{"group": "", "kind": "Service"}])

# Service objects that pass the relation's own conditions, by value: a complete rule, so every engine builds it
# once per query, by sorting (key, position in _objects_1) pairs.
_related_1 := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_1)
		v_other := _objects_1[i]
		_check_7(v_other)
		some item_1 in common.list(common.get(v_other, ["spec", "ports"]))
		some key in common.values(common.get(item_1, ["port"]))
	]),
	_objects_1,
)

# _related_1_of(keys) holds the objects _related_1 holds under any of keys. conftest and the
# embedded engine check every document in one query and read the index; Gatekeeper reviews one
# object per query, where one scan for the keys costs less than building the index.
_related_1_of(keys) := union({object.get(_related_1, [k], set()) | some k in keys}) if common.combined

_related_1_of(keys) := {v_other |
	some v_other in _objects_1
	_check_7(v_other)
	some item_1 in common.list(common.get(v_other, ["spec", "ports"]))
	some key in common.values(common.get(item_1, ["port"]))
	key in keys
} if {
	not common.combined
}
