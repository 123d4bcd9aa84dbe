# METADATA
# title: "Address-less ServiceEntries on one port must share one protocol, HTTP or TLS"
# description: "Without spec.addresses a ServiceEntry has no IP of its own, so its port becomes a 0.0.0.0:<port> listener shared with every other address-less entry on that port. The listener can tell the entries apart only by something in the traffic: the Host header when all of them speak HTTP, the SNI when all of them speak TLS (HTTPS in Istio's protocol names). Mixing protocols on the port, or sharing it between entries of an opaque protocol (TCP, MONGO, unset), leaves one listener with no way to choose, and connections go to whichever entry won. Independently of addresses, one host and port can carry only one protocol: Istio builds one service per host, so two entries giving example.com:443 different protocols leave traffic with a protocol nobody expected (istioctl IST0177). The check looks at each port of a ServiceEntry and flags it when another ServiceEntry whose exportTo scope overlaps the entry's own (absent or empty exportTo is every namespace, \".\" the own namespace, \"~\" none) declares a port with the same number and either (a) a different protocol, while the two entries share a host (compared as written) or both have no addresses, or (b) both have no addresses and the protocol is not one that the shared listener can split by Host header or SNI (sharedPortProtocols: HTTP, HTTPS and TLS by default; add HTTP2 or GRPC if your mesh routes them by Host header). An unset protocol counts as its own value, so two address-less entries on one port without a protocol are flagged like two TCP entries. exportTo matters: two entries exported into disjoint namespaces never meet in one proxy and build no shared listener, so they are not flagged; Sidecar resources that narrow the imports further are not considered. An entry counts as address-less when spec.addresses is absent or empty and, if the mesh gives such entries a VIP through DNS address auto-allocation, its resolution is not in autoAllocatedResolutions (empty by default; set [DNS] or [DNS, DNS_ROUND_ROBIN] when auto-allocation is on) or it has a wildcard host, which is never allocated an address. Address-less entries with different ports, with the same HTTP, HTTPS or TLS protocol on a shared port, entries on one host and port that agree on the protocol (service-entry-unique-host covers the duplicate host), and an older version of the same entry are not flagged. Protocol names are compared as written: Istio reads \"http\" and \"HTTP\" alike, the check does not, so mixed spellings of one protocol are reported; write protocols in upper case. Both entries of a colliding pair are flagged. It warns, of medium severity: the collision misroutes traffic on that port, but which entry loses depends on the mesh version and its auto-allocation settings, so the finding asks for a review rather than blocking the entry."
# custom:
#   hint: service-entry-addressless-protocol
#   source: hints/service-entry-addressless-protocol/hint.yaml
package lib.hint2policy.service_entry_addressless_protocol

import data.lib.hint2policy.common

# Parameter defaults; a Constraint's parameters or conftest data override them.
_defaults := {"autoAllocatedResolutions": [], "sharedPortProtocols": ["HTTP", "HTTPS", "TLS"]}

# violations is the set of messages for every way subject breaks the hint (overrides: parameter values).
violations(subject, overrides) := {msg |
	params := object.union(_defaults, overrides)
	some v_p in common.list(common.get(subject, ["spec", "ports"]))
	not _check_1(subject, params, v_p)
	msg := sprintf("ServiceEntry %s/%s: port %s collides with a port of another ServiceEntry visible in the same namespaces: a different protocol on a shared host, or a listener shared without addresses that cannot tell the entries apart", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"])), common.text(common.get(v_p, ["number"]))])
}

_check_1(subject, params, v_p) if not _check_2(subject, params, v_p)

_check_2(subject, params, v_p) if {
	key := common.get(v_p, ["number"])
	some v_other in _related_1_seen([key], subject)
	_check_3(subject, params, v_other, v_p)
	not common.same(v_other, subject)
	common.exports_overlap(subject, v_other)
}

_check_3(subject, params, v_other, v_p) if {
	some v_q in common.list(common.get(v_other, ["spec", "ports"]))
	_check_4(subject, params, v_other, v_p, v_q)
}

_check_4(subject, params, v_other, v_p, v_q) if {
	_check_5(v_p, v_q)
	_check_6(subject, params, v_other, v_p, v_q)
}

_check_5(v_p, v_q) if common.get(v_q, ["number"]) == common.get(v_p, ["number"])

_check_6(subject, params, v_other, v_p, v_q) if {
	_check_7(subject, v_other, v_p, v_q)
} else if {
	_check_12(subject, params, v_other, v_p, v_q)
}

_check_7(subject, v_other, v_p, v_q) if {
	_check_8(v_p, v_q)
	_check_9(subject, v_other)
}

_check_8(v_p, v_q) if common.get(v_q, ["protocol"]) != common.get(v_p, ["protocol"])

_check_9(subject, v_other) if {
	some v_h in common.list(common.get(subject, ["spec", "hosts"]))
	_check_10(v_h, v_other)
}

_check_10(v_h, v_other) if {
	some v_oh in common.list(common.get(v_other, ["spec", "hosts"]))
	_check_11(v_h, v_oh)
}

_check_11(v_h, v_oh) if v_oh == v_h

_check_12(subject, params, v_other, v_p, v_q) if {
	_check_13(subject)
	_check_15(subject, params)
	_check_19(v_other)
	_check_21(params, v_other)
	_check_25(params, v_p, v_q)
}

_check_13(subject) if not _check_14(subject)

_check_14(subject) if {
	value := subject.spec.addresses
	common.has_size(value)
	count(value) > 0
}

_check_15(subject, params) if {
	_check_16(subject, params)
} else if {
	_check_17(subject)
}

_check_16(subject, params) if not common.get(subject, ["spec", "resolution"]) in params.autoAllocatedResolutions

_check_17(subject) if {
	some v_wh in common.list(common.get(subject, ["spec", "hosts"]))
	_check_18(v_wh)
}

_check_18(v_wh) if {
	is_string(v_wh)
	startswith(v_wh, "*")
}

_check_19(v_other) if not _check_20(v_other)

_check_20(v_other) if {
	value := v_other.spec.addresses
	common.has_size(value)
	count(value) > 0
}

_check_21(params, v_other) if {
	_check_22(params, v_other)
} else if {
	_check_23(v_other)
}

_check_22(params, v_other) if not common.get(v_other, ["spec", "resolution"]) in params.autoAllocatedResolutions

_check_23(v_other) if {
	some v_owh in common.list(common.get(v_other, ["spec", "hosts"]))
	_check_24(v_owh)
}

_check_24(v_owh) if {
	is_string(v_owh)
	startswith(v_owh, "*")
}

_check_25(params, v_p, v_q) if {
	_check_26(v_p, v_q)
} else if {
	_check_27(params, v_p)
}

_check_26(v_p, v_q) if common.get(v_q, ["protocol"]) != common.get(v_p, ["protocol"])

_check_27(params, v_p) if not common.get(v_p, ["protocol"]) in params.sharedPortProtocols

# every ServiceEntry
_objects_1 := common.objects_of([{"group": "networking.istio.io", "kind": "ServiceEntry"}])

# ServiceEntry objects, by value: a complete rule, so every engine builds it
# once per query, by sorting (key, position in _objects_1) pairs.
_related_1 := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_1)
		v_other := _objects_1[i]
		some item_1 in common.list(common.get(v_other, ["spec", "ports"]))
		some key in common.values(common.get(item_1, ["number"]))
	]),
	_objects_1,
)

# _related_1_of(keys) holds the objects _related_1 holds under any of keys. conftest and the
# embedded engine check every document in one query and read the index; Gatekeeper reviews one
# object per query, where one scan for the keys costs less than building the index.
_related_1_of(keys) := union({object.get(_related_1, [k], set()) | some k in keys}) if common.combined

_related_1_of(keys) := {v_other |
	some v_other in _objects_1
	some item_1 in common.list(common.get(v_other, ["spec", "ports"]))
	some key in common.values(common.get(item_1, ["number"]))
	key in keys
} if {
	not common.combined
}

# ServiceEntry objects, by value, under each namespace they are exported to.
_related_1_exported := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_1)
		v_other := _objects_1[i]
		some item_1 in common.list(common.get(v_other, ["spec", "ports"]))
		some value_key in common.values(common.get(item_1, ["number"]))
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
