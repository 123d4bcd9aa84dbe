# METADATA
# title: "A specific VirtualService does not inherit a wildcard VirtualService's settings"
# description: "The seed's example lost its asterisks in rendering (a VirtualService for a host such as *.example.com next to one for *.com). When a concrete or narrower host has its own VirtualService, requests to it get only that resource's routes, retries, timeouts and fault injection; nothing set on the broader wildcard VirtualService applies. Teams that put mesh-wide defaults on a wildcard VirtualService lose them silently for every host that gets its own. The check resolves short hosts in each VirtualService's namespace and flags a VirtualService, once per host, when that host is covered by a wildcard host of another VirtualService (\"*.example.com\" covers api.example.com and *.api.example.com; \"*\" covers everything) that is bound to a common gateway and whose exportTo scope overlaps its own. A common gateway is the mesh (spec.gateways absent, empty or listing \"mesh\") on both sides, or a named gateway both list in the same form: the same namespace/name, or the same short name with both VirtualServices in one namespace. A gateway named public by a VirtualService in edge and edge/public by another is the same gateway, but that pair is not recognised (a known gap: comparing the two spellings needs \"namespace/name\" built from an iteration variable, which the generated Rego does not yet render cleanly, and looking the Gateway object up cannot be tested with Kyverno's CLI, whose test cluster files Gateways under the resource name \"gatewaies\"). Writing gateways as namespace/name avoids the gap. Only the more specific VirtualService is flagged: it is the one that loses the settings and where they are repeated, and flagging the wildcard resource too would report each pair twice and leave a warning on the shared resource that its owner cannot clear. Identical hosts are virtual-service-unique-host's concern and are not reported here; VirtualServices on different gateways, or whose exportTo scopes never meet, do not interact and are not flagged. It warns, not denies: overriding a wildcard's settings can be intended."
# custom:
#   hint: virtual-service-wildcard-overlap
#   source: hints/virtual-service-wildcard-overlap/hint.yaml
package lib.hint2policy.virtual_service_wildcard_overlap

import data.lib.hint2policy.common

# violations is the set of messages for every way subject breaks the hint.
violations(subject) := {msg |
	some v_host in common.list(common.get(subject, ["spec", "hosts"]))
	not _check_1(subject, v_host)
	msg := sprintf("VirtualService %s/%s: its host %s is covered by a wildcard host of another VirtualService on a common gateway; requests for %s get only this resource's routes, retries, timeouts and faults, none of the wildcard one's", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"])), common.text(v_host), common.text(v_host)])
}

_check_1(subject, v_host) if not _check_2(subject, v_host)

_check_2(subject, v_host) if {
	key := common.host(v_host, common.namespace(subject))
	some v_wide in _related_1_seen(common.covering(key), subject)
	_check_3(subject, v_wide)
	not common.same(v_wide, subject)
	common.exports_overlap(subject, v_wide)
}

_check_3(subject, v_wide) if {
	_check_4(subject, v_wide)
} else if {
	_check_15(subject, v_wide)
}

_check_4(subject, v_wide) if {
	_check_5(subject)
	_check_10(v_wide)
}

_check_5(subject) if {
	_check_6(subject)
} else if {
	_check_7(subject)
} else if {
	_check_8(subject)
}

_check_6(subject) if common.get(subject, ["spec", "gateways"]) == null

_check_7(subject) if {
	value := subject.spec.gateways
	common.has_size(value)
	count(value) == 0
}

_check_8(subject) if {
	some v_gw in common.list(common.get(subject, ["spec", "gateways"]))
	_check_9(v_gw)
}

_check_9(v_gw) if v_gw == "mesh"

_check_10(v_wide) if {
	_check_11(v_wide)
} else if {
	_check_12(v_wide)
} else if {
	_check_13(v_wide)
}

_check_11(v_wide) if common.get(v_wide, ["spec", "gateways"]) == null

_check_12(v_wide) if {
	value := v_wide.spec.gateways
	common.has_size(value)
	count(value) == 0
}

_check_13(v_wide) if {
	some v_wgw in common.list(common.get(v_wide, ["spec", "gateways"]))
	_check_14(v_wgw)
}

_check_14(v_wgw) if v_wgw == "mesh"

_check_15(subject, v_wide) if {
	some v_gw in common.list(common.get(subject, ["spec", "gateways"]))
	_check_16(subject, v_gw, v_wide)
}

_check_16(subject, v_gw, v_wide) if {
	_check_17(v_gw)
	_check_18(subject, v_gw, v_wide)
}

_check_17(v_gw) if not v_gw == "mesh"

_check_18(subject, v_gw, v_wide) if {
	some v_wgw in common.list(common.get(v_wide, ["spec", "gateways"]))
	_check_19(subject, v_gw, v_wgw, v_wide)
}

_check_19(subject, v_gw, v_wgw, v_wide) if {
	_check_20(v_gw, v_wgw)
} else if {
	_check_23(subject, v_gw, v_wgw, v_wide)
}

_check_20(v_gw, v_wgw) if {
	_check_21(v_gw)
	_check_22(v_gw, v_wgw)
}

_check_21(v_gw) if {
	is_string(v_gw)
	contains(v_gw, "/")
}

_check_22(v_gw, v_wgw) if v_wgw == v_gw

_check_23(subject, v_gw, v_wgw, v_wide) if {
	_check_24(v_gw)
	_check_26(v_gw, v_wgw)
	_check_27(subject, v_wide)
}

_check_24(v_gw) if not _check_25(v_gw)

_check_25(v_gw) if {
	is_string(v_gw)
	contains(v_gw, "/")
}

_check_26(v_gw, v_wgw) if v_wgw == v_gw

_check_27(subject, v_wide) if common.get(v_wide, ["metadata", "namespace"]) == common.get(subject, ["metadata", "namespace"])

# every VirtualService
_objects_1 := common.objects_of([{"group": "networking.istio.io", "kind": "VirtualService"}])

# VirtualService objects, by value: a complete rule, so every engine builds it
# once per query, by sorting (key, position in _objects_1) pairs.
_related_1 := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_1)
		v_wide := _objects_1[i]
		some value in common.values(common.get(v_wide, ["spec", "hosts"]))
		key := common.host(value, common.namespace(v_wide))
	]),
	_objects_1,
)

# _related_1_of(keys) holds the objects _related_1 holds under any of keys. conftest and the
# embedded engine check every document in one query and read the index; Gatekeeper reviews one
# object per query, where one scan for the keys costs less than building the index.
_related_1_of(keys) := union({object.get(_related_1, [k], set()) | some k in keys}) if common.combined

_related_1_of(keys) := {v_wide |
	k := {"group": "networking.istio.io", "kind": "VirtualService"}
	some ns, version

	# regal ignore:external-reference
	objects := data.inventory.namespace[ns][version][k.kind]
	common.group_of(version) == k.group
	some v_wide in objects
	common.host_candidate(v_wide.spec.hosts, keys)
	some value in common.values(common.get(v_wide, ["spec", "hosts"]))
	key := common.host(value, common.namespace(v_wide))
	key in keys
} | {v_wide |
	k := {"group": "networking.istio.io", "kind": "VirtualService"}
	some version

	# regal ignore:external-reference
	objects := data.inventory.cluster[version][k.kind]
	common.group_of(version) == k.group
	some v_wide in objects
	common.host_candidate(v_wide.spec.hosts, keys)
	some value in common.values(common.get(v_wide, ["spec", "hosts"]))
	key := common.host(value, common.namespace(v_wide))
	key in keys
} if {
	# regal ignore:external-reference
	not common.combined
}

# VirtualService objects, by value, under each namespace they are exported to.
_related_1_exported := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_1)
		v_wide := _objects_1[i]
		some value in common.values(common.get(v_wide, ["spec", "hosts"]))
		value_key := common.host(value, common.namespace(v_wide))
		some n in common.exports(v_wide)
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
