# METADATA
# title: "Only one mesh VirtualService per hostname"
# description: "For sidecars (the mesh gateway) Istio does not reliably merge VirtualServices: with two for one host, typically one is used and the other's routes are ignored, and which one can change with creation order. The check looks at VirtualServices bound to the mesh gateway (spec.gateways absent, empty, or listing \"mesh\"), resolves each host to a fully qualified name in the VirtualService's own namespace (reviews in shop is reviews.shop.svc.cluster.local) and flags, once per shared host, every such VirtualService when another mesh-bound VirtualService names the same host and their exportTo scopes overlap (absent or empty exportTo meaning every namespace, \".\" the own namespace, \"~\" none). Two VirtualServices in different namespaces that are each exported only to their own namespace never meet in a sidecar and are not flagged. Hosts are compared exactly: a wildcard host that covers a concrete one is virtual-service-wildcard-overlap's concern. Deliberately not flagged: VirtualServices bound only to named gateways, because Istio merges those for a gateway and splitting a gateway's routes across several VirtualServices is a documented practice (the order of routes across the resources is undefined, so keep catch-all routes in one place); delegate VirtualServices, which have no hosts. The action is deny because the conflict is never intended (istioctl reports it as an error) and admission is the only moment that stops a second team's VirtualService before the first one's routes silently stop applying."
# custom:
#   hint: virtual-service-unique-host
#   source: hints/virtual-service-unique-host/hint.yaml
package lib.hint2policy.virtual_service_unique_host

import data.lib.hint2policy.common

# violations is the set of messages for every way subject breaks the hint.
violations(subject) := {msg |
	some v_host in common.list(common.get(subject, ["spec", "hosts"]))
	not _check_1(subject, v_host)
	msg := sprintf("VirtualService %s/%s: another VirtualService bound to the mesh gateway and visible in the same namespaces also declares the host %s; sidecars apply only one of them", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"])), common.text(v_host)])
}

_check_1(subject, v_host) if {
	_check_2(subject)
} else if {
	_check_6(subject, v_host)
}

_check_2(subject) if {
	_check_3(subject)
	_check_4(subject)
}

_check_3(subject) if {
	value := subject.spec.gateways
	common.has_size(value)
	count(value) > 0
}

_check_4(subject) if {
	every v_gw in common.list(common.get(subject, ["spec", "gateways"])) {
		_check_5(v_gw)
	}
}

_check_5(v_gw) if not v_gw == "mesh"

_check_6(subject, v_host) if not _check_7(subject, v_host)

_check_7(subject, v_host) if {
	key := common.host(v_host, common.namespace(subject))
	some v_other in _related_1_seen([key], subject)
	not common.same(v_other, subject)
	common.exports_overlap(subject, v_other)
}

_check_8(v_other) if {
	_check_9(v_other)
} else if {
	_check_10(v_other)
} else if {
	_check_11(v_other)
}

_check_9(v_other) if common.get(v_other, ["spec", "gateways"]) == null

_check_10(v_other) if {
	value := v_other.spec.gateways
	common.has_size(value)
	count(value) == 0
}

_check_11(v_other) if {
	some v_ogw in common.list(common.get(v_other, ["spec", "gateways"]))
	_check_12(v_ogw)
}

_check_12(v_ogw) if v_ogw == "mesh"

# every VirtualService
_objects_1 := common.objects_of([{"group": "networking.istio.io", "kind": "VirtualService"}])

# VirtualService objects that pass the relation's own conditions, by value: a complete rule, so every engine builds it
# once per query, by sorting (key, position in _objects_1) pairs.
_related_1 := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_1)
		v_other := _objects_1[i]
		_check_8(v_other)
		some value in common.values(common.get(v_other, ["spec", "hosts"]))
		key := common.host(value, common.namespace(v_other))
	]),
	_objects_1,
)

# _related_1_of(keys) holds the objects _related_1 holds under any of keys. conftest and the
# embedded engine check every document in one query and read the index; Gatekeeper reviews one
# object per query, where one scan for the keys costs less than building the index.
_related_1_of(keys) := union({object.get(_related_1, [k], set()) | some k in keys}) if common.combined

_related_1_of(keys) := {v_other |
	k := {"group": "networking.istio.io", "kind": "VirtualService"}
	some ns, version

	# regal ignore:external-reference
	objects := data.inventory.namespace[ns][version][k.kind]
	common.group_of(version) == k.group
	some v_other in objects
	common.host_candidate(v_other.spec.hosts, keys)
	_check_8(v_other)
	some value in common.values(common.get(v_other, ["spec", "hosts"]))
	key := common.host(value, common.namespace(v_other))
	key in keys
} | {v_other |
	k := {"group": "networking.istio.io", "kind": "VirtualService"}
	some version

	# regal ignore:external-reference
	objects := data.inventory.cluster[version][k.kind]
	common.group_of(version) == k.group
	some v_other in objects
	common.host_candidate(v_other.spec.hosts, keys)
	_check_8(v_other)
	some value in common.values(common.get(v_other, ["spec", "hosts"]))
	key := common.host(value, common.namespace(v_other))
	key in keys
} if {
	# regal ignore:external-reference
	not common.combined
}

# VirtualService objects that pass the relation's own conditions, by value, under each namespace they are exported to.
_related_1_exported := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_1)
		v_other := _objects_1[i]
		_check_8(v_other)
		some value in common.values(common.get(v_other, ["spec", "hosts"]))
		value_key := common.host(value, common.namespace(v_other))
		some n in common.exports(v_other)
		key := [n, value_key]
	]),
	_objects_1,
)

# _related_1_seen(keys, subject) holds the objects of _related_1_of(keys) exported to a namespace
# that subject is exported to, or to every namespace ("*"). A subject exported everywhere meets
# them all; so does a review of one object, which scans.
_related_1_seen(keys, subject) := _related_1_of(keys) if {
	not common.combined
} else := _related_1_of(keys) if {
	"*" in common.exports(subject)
} else := union({object.get(_related_1_exported, [[n, k]], set()) |
	some n in (common.exports(subject) | {"*"})
	some k in keys
})
