# METADATA
# title: "No host defined by ServiceEntries or VirtualServices in several namespaces that import into one"
# description: "A Sidecar egress host of the form */<host> (and the default, with no Sidecar, of importing everything) pulls a host from every namespace that exports it. If two namespaces each define the host, in ServiceEntries or in VirtualServices exported to all namespaces, the proxy keeps one of them, chosen by creation time; recreating one of them during a redeploy or a cluster restore silently switches which definition wins. The check flags a ServiceEntry, once per host, when a ServiceEntry in another namespace declares the same host and the two entries' exportTo scopes overlap (absent or [] meaning every namespace, \".\" the entry's own namespace, \"~\" none). It flags a VirtualService bound to the mesh gateway (spec.gateways absent, empty or listing mesh), once per host, when a VirtualService in another namespace, also bound to the mesh gateway, declares the same host with an overlapping exportTo. Hosts are compared exactly after resolving short names in their own namespace (reviews in bookinfo is reviews.bookinfo.svc.cluster.local), so the same short name in two namespaces is two hosts. Deliberately not flagged: duplicates within one namespace (service-entry-unique-host and virtual-service-unique-host report those), a ServiceEntry against a VirtualService for the same host (they do not compete), VirtualServices bound only to ingress or egress gateways, hosts that only overlap through a wildcard (service-entry-host-overlap and virtual-service-wildcard-overlap), and definitions whose exportTo scopes do not meet. The message does not name the definition that wins: no engine compares creation timestamps, and manifests checked from a repository with conftest have none, so it says only what the seed says, that creation order decides. exportTo defaults changed in meshConfig (defaultServiceExportTo, defaultVirtualServiceExportTo) are not known to the check; it assumes the Istio default, every namespace. It is a warning: a second definition may be deliberate during a migration, and the choice changes only when one of them is recreated."
# custom:
#   hint: service-entry-conflicting-imports
#   source: hints/service-entry-conflicting-imports/hint.yaml
package lib.hint2policy.service_entry_conflicting_imports

import data.lib.hint2policy.common

# violations is the set of messages for every way subject breaks the hint.
violations(subject) := {msg |
	some v_host in common.list(common.get(subject, ["spec", "hosts"]))
	not _check_1(subject, v_host)
	msg := sprintf("%s %s/%s: host %s is also defined by a %s in another namespace with an overlapping exportTo, and sidecars that import it from every namespace use one of the two, picked by creation time", [common.text(common.get(subject, ["kind"])), common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"])), common.text(v_host), common.text(common.get(subject, ["kind"]))])
}

_check_1(subject, v_host) if {
	_check_2(subject, v_host)
	_check_7(subject, v_host)
}

_check_2(subject, v_host) if {
	_check_3(subject)
} else if {
	_check_4(subject, v_host)
}

_check_3(subject) if not subject.kind == "ServiceEntry"

_check_4(subject, v_host) if not _check_5(subject, v_host)

_check_5(subject, v_host) if {
	key := common.host(v_host, common.namespace(subject))
	some v_entry in _related_1_seen([key], subject)
	_check_6(subject, v_entry)
	not common.same(v_entry, subject)
	common.exports_overlap(subject, v_entry)
}

_check_6(subject, v_entry) if common.get(v_entry, ["metadata", "namespace"]) != common.get(subject, ["metadata", "namespace"])

_check_7(subject, v_host) if {
	_check_8(subject)
} else if {
	_check_9(subject)
} else if {
	_check_13(subject, v_host)
}

_check_8(subject) if not subject.kind == "VirtualService"

_check_9(subject) if {
	_check_10(subject)
	_check_11(subject)
}

_check_10(subject) if {
	value := subject.spec.gateways
	common.has_size(value)
	count(value) > 0
}

_check_11(subject) if {
	every v_gateway in common.list(common.get(subject, ["spec", "gateways"])) {
		_check_12(v_gateway)
	}
}

_check_12(v_gateway) if not v_gateway == "mesh"

_check_13(subject, v_host) if not _check_14(subject, v_host)

_check_14(subject, v_host) if {
	key := common.host(v_host, common.namespace(subject))
	some v_route in _related_2_seen([key], subject)
	_check_20(subject, v_route)
	not common.same(v_route, subject)
	common.exports_overlap(subject, v_route)
}

_check_15(v_route) if {
	_check_16(v_route)
} else if {
	_check_17(v_route)
} else if {
	_check_18(v_route)
}

_check_16(v_route) if common.get(v_route, ["spec", "gateways"]) == null

_check_17(v_route) if {
	value := v_route.spec.gateways
	common.has_size(value)
	count(value) == 0
}

_check_18(v_route) if {
	some v_routegateway in common.list(common.get(v_route, ["spec", "gateways"]))
	_check_19(v_routegateway)
}

_check_19(v_routegateway) if v_routegateway == "mesh"

_check_20(subject, v_route) if common.get(v_route, ["metadata", "namespace"]) != common.get(subject, ["metadata", "namespace"])

# every ServiceEntry
_objects_1 := common.objects_of([{"group": "networking.istio.io", "kind": "ServiceEntry"}])

# ServiceEntry objects, by value: a complete rule, so every engine builds it
# once per query, by sorting (key, position in _objects_1) pairs.
_related_1 := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_1)
		v_entry := _objects_1[i]
		some value in common.values(common.get(v_entry, ["spec", "hosts"]))
		key := common.host(value, common.namespace(v_entry))
	]),
	_objects_1,
)

# _related_1_of(keys) holds the objects _related_1 holds under any of keys. conftest and the
# embedded engine check every document in one query and read the index; Gatekeeper reviews one
# object per query, where one scan for the keys costs less than building the index.
_related_1_of(keys) := union({object.get(_related_1, [k], set()) | some k in keys}) if common.combined

_related_1_of(keys) := {v_entry |
	k := {"group": "networking.istio.io", "kind": "ServiceEntry"}
	some ns, version

	# regal ignore:external-reference
	objects := data.inventory.namespace[ns][version][k.kind]
	common.group_of(version) == k.group
	some v_entry in objects
	common.host_candidate(v_entry.spec.hosts, keys)
	some value in common.values(common.get(v_entry, ["spec", "hosts"]))
	key := common.host(value, common.namespace(v_entry))
	key in keys
} | {v_entry |
	k := {"group": "networking.istio.io", "kind": "ServiceEntry"}
	some version

	# regal ignore:external-reference
	objects := data.inventory.cluster[version][k.kind]
	common.group_of(version) == k.group
	some v_entry in objects
	common.host_candidate(v_entry.spec.hosts, keys)
	some value in common.values(common.get(v_entry, ["spec", "hosts"]))
	key := common.host(value, common.namespace(v_entry))
	key in keys
} if {
	# regal ignore:external-reference
	not common.combined
}

# ServiceEntry objects, by value, under each namespace they are exported to.
_related_1_exported := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_1)
		v_entry := _objects_1[i]
		some value in common.values(common.get(v_entry, ["spec", "hosts"]))
		value_key := common.host(value, common.namespace(v_entry))
		some n in common.exports(v_entry)
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

# every VirtualService
_objects_2 := common.objects_of([{"group": "networking.istio.io", "kind": "VirtualService"}])

# VirtualService objects that pass the relation's own conditions, by value: a complete rule, so every engine builds it
# once per query, by sorting (key, position in _objects_2) pairs.
_related_2 := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_2)
		v_route := _objects_2[i]
		_check_15(v_route)
		some value in common.values(common.get(v_route, ["spec", "hosts"]))
		key := common.host(value, common.namespace(v_route))
	]),
	_objects_2,
)

# _related_2_of(keys) holds the objects _related_2 holds under any of keys. conftest and the
# embedded engine check every document in one query and read the index; Gatekeeper reviews one
# object per query, where one scan for the keys costs less than building the index.
_related_2_of(keys) := union({object.get(_related_2, [k], set()) | some k in keys}) if common.combined

_related_2_of(keys) := {v_route |
	k := {"group": "networking.istio.io", "kind": "VirtualService"}
	some ns, version

	# regal ignore:external-reference
	objects := data.inventory.namespace[ns][version][k.kind]
	common.group_of(version) == k.group
	some v_route in objects
	common.host_candidate(v_route.spec.hosts, keys)
	_check_15(v_route)
	some value in common.values(common.get(v_route, ["spec", "hosts"]))
	key := common.host(value, common.namespace(v_route))
	key in keys
} | {v_route |
	k := {"group": "networking.istio.io", "kind": "VirtualService"}
	some version

	# regal ignore:external-reference
	objects := data.inventory.cluster[version][k.kind]
	common.group_of(version) == k.group
	some v_route in objects
	common.host_candidate(v_route.spec.hosts, keys)
	_check_15(v_route)
	some value in common.values(common.get(v_route, ["spec", "hosts"]))
	key := common.host(value, common.namespace(v_route))
	key in keys
} if {
	# regal ignore:external-reference
	not common.combined
}

# VirtualService objects that pass the relation's own conditions, by value, under each namespace they are exported to.
_related_2_exported := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_2)
		v_route := _objects_2[i]
		_check_15(v_route)
		some value in common.values(common.get(v_route, ["spec", "hosts"]))
		value_key := common.host(value, common.namespace(v_route))
		some n in common.exports(v_route)
		key := [n, value_key]
	]),
	_objects_2,
)

# _related_2_seen(keys, subject) holds the objects of _related_2_of(keys) exported to a namespace
# that subject is exported to, or to every namespace ("*"). A subject exported everywhere meets
# them all; so does a review of one object, which scans.
_related_2_seen(keys, subject) := _related_2_of(keys) if {
	not common.combined
} else := _related_2_of(keys) if {
	"*" in common.exports(subject)
} else := union({object.get(_related_2_exported, [[n, k]], set()) |
	some n in (common.exports(subject) | {"*"})
	some k in keys
})
