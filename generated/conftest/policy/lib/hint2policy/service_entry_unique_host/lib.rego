# METADATA
# title: "Only one ServiceEntry per hostname"
# description: "Istio builds one service per hostname and namespace scope. When two ServiceEntries visible in the same namespace name the same host, their ports, endpoints, resolution and location have to be merged or one of them wins, and which one depends on creation order and the proxy's view; the result is routing that changes when an unrelated entry is created or deleted. The check flags every ServiceEntry that shares a host (compared exactly, after resolving short names in the entry's namespace) with another ServiceEntry whose exportTo scope overlaps its own (absent exportTo meaning every namespace, \".\" its own namespace). Entries in different namespaces that are each exported only to their own namespace do not meet and are not flagged. Overlap through wildcards is service-entry-host-overlap's concern."
# custom:
#   hint: service-entry-unique-host
#   source: hints/service-entry-unique-host/hint.yaml
package lib.hint2policy.service_entry_unique_host

import data.lib.hint2policy.common

# violations is the set of messages for every way subject breaks the hint.
violations(subject) := {msg |
	some v_host in common.list(common.get(subject, ["spec", "hosts"]))
	not _check_1(subject, v_host)
	msg := sprintf("ServiceEntry %s/%s: another ServiceEntry visible in the same namespaces also declares the host %s", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"])), common.text(v_host)])
}

_check_1(subject, v_host) if not _check_2(subject, v_host)

_check_2(subject, v_host) if {
	key := common.host(v_host, common.namespace(subject))
	some v_other in _related_1_seen([key], subject)
	not common.same(v_other, subject)
	common.exports_overlap(subject, v_other)
}

# every ServiceEntry
_objects_1 := common.objects_of([{"group": "networking.istio.io", "kind": "ServiceEntry"}])

# ServiceEntry objects, by value: a complete rule, so every engine builds it
# once per query, by sorting (key, position in _objects_1) pairs.
_related_1 := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_1)
		v_other := _objects_1[i]
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
	k := {"group": "networking.istio.io", "kind": "ServiceEntry"}
	some ns, version

	# regal ignore:external-reference
	objects := data.inventory.namespace[ns][version][k.kind]
	common.group_of(version) == k.group
	some v_other in objects
	common.host_candidate(v_other.spec.hosts, keys)
	some value in common.values(common.get(v_other, ["spec", "hosts"]))
	key := common.host(value, common.namespace(v_other))
	key in keys
} | {v_other |
	k := {"group": "networking.istio.io", "kind": "ServiceEntry"}
	some version

	# regal ignore:external-reference
	objects := data.inventory.cluster[version][k.kind]
	common.group_of(version) == k.group
	some v_other in objects
	common.host_candidate(v_other.spec.hosts, keys)
	some value in common.values(common.get(v_other, ["spec", "hosts"]))
	key := common.host(value, common.namespace(v_other))
	key in keys
} if {
	# regal ignore:external-reference
	not common.combined
}

# ServiceEntry objects, by value, under each namespace they are exported to.
_related_1_exported := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_1)
		v_other := _objects_1[i]
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
