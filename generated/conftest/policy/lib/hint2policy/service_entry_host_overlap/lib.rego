# METADATA
# title: "ServiceEntry hostnames must not overlap through wildcards"
# description: "The seed's example lost its asterisks when the page was rendered; it describes a wildcard host such as *.example.com next to a broader one such as *.com, or a wildcard next to a concrete host it covers. Istio does not merge overlapping entries: a connection to a host covered by both gets the ports, resolution and location of whichever entry the proxy matches, which depends on how the listeners and routes were built, so adding a broad wildcard can silently change how traffic to a specific host leaves the mesh. The check flags, once per host, every ServiceEntry with a host that a wildcard host of another ServiceEntry covers (api.example.com under *.example.com, *.api.example.com under *.example.com), or that is itself a wildcard covering a host of another ServiceEntry, when the two entries' exportTo scopes overlap (absent or empty exportTo is every namespace, \".\" the entry's own namespace, \"~\" none). Short host names are resolved in their entry's namespace first (payments in team-a is payments.team-a.svc.cluster.local). Identical hosts are service-entry-unique-host's concern and are not flagged here, nor are entries exported into disjoint namespaces, which no proxy sees together. Both entries of an overlapping pair are flagged, whichever was applied first. It warns, of medium severity: the outcome is undefined rather than certainly broken, and a specific entry next to a deliberate catch-all wildcard is sometimes intended, so the finding asks for a review rather than blocking the second entry. No istioctl analyzer reports overlapping ServiceEntry hosts."
# custom:
#   hint: service-entry-host-overlap
#   source: hints/service-entry-host-overlap/hint.yaml
package lib.hint2policy.service_entry_host_overlap

import data.lib.hint2policy.common

# violations is the set of messages for every way subject breaks the hint.
violations(subject) := {msg |
	some v_host in common.list(common.get(subject, ["spec", "hosts"]))
	not _check_1(subject, v_host)
	msg := sprintf("ServiceEntry %s/%s: the host %s overlaps through a wildcard with a host of another ServiceEntry visible in the same namespaces", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"])), common.text(v_host)])
}

_check_1(subject, v_host) if not _check_2(subject, v_host)

_check_2(subject, v_host) if {
	key := common.host(v_host, common.namespace(subject))
	some v_other in (_related_1_seen(common.covering(key), subject) | _related_1_covered_seen([key], subject))
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
	some v_other in _objects_1
	some value in common.values(common.get(v_other, ["spec", "hosts"]))
	key := common.host(value, common.namespace(v_other))
	key in keys
} if {
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

# ServiceEntry objects, by the wildcard hosts that cover them: a complete rule, so every engine builds it
# once per query, by sorting (key, position in _objects_1) pairs.
_related_1_covered := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_1)
		v_other := _objects_1[i]
		some value in common.values(common.get(v_other, ["spec", "hosts"]))
		some key in common.covering(common.host(value, common.namespace(v_other)))
	]),
	_objects_1,
)

# _related_1_covered_of(keys) holds the objects _related_1_covered holds under any of keys. conftest and the
# embedded engine check every document in one query and read the index; Gatekeeper reviews one
# object per query, where one scan for the keys costs less than building the index.
_related_1_covered_of(keys) := union({object.get(_related_1_covered, [k], set()) | some k in keys}) if common.combined

_related_1_covered_of(keys) := {v_other |
	some v_other in _objects_1
	some value in common.values(common.get(v_other, ["spec", "hosts"]))
	some key in common.covering(common.host(value, common.namespace(v_other)))
	key in keys
} if {
	not common.combined
}

# ServiceEntry objects, by the wildcard hosts that cover them, under each namespace they are exported to.
_related_1_covered_exported := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_1)
		v_other := _objects_1[i]
		some value in common.values(common.get(v_other, ["spec", "hosts"]))
		some value_key in common.covering(common.host(value, common.namespace(v_other)))
		some n in common.exports(v_other)
		key := [n, value_key]
	]),
	_objects_1,
)

# _related_1_covered_seen(keys, subject) holds the objects of _related_1_covered_of(keys) exported to a namespace
# that subject is exported to, or to every namespace ("*"). A subject exported everywhere meets
# them all; so does a review of one object, which scans.
_related_1_covered_seen(keys, subject) := _related_1_covered_of(keys) if {
	not common.combined
} else := _related_1_covered_of(keys) if {
	"*" in common.exports(subject)
} else := union({object.get(_related_1_covered_exported, [[n, k]], set()) |
	some n in (common.exports(subject) | {"*"})
	some k in keys
})
