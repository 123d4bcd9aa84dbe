# METADATA
# title: "A specific DestinationRule must repeat the mesh-wide DestinationRule's required settings"
# description: "The seed's hosts lost their asterisks in rendering (*.local, *.ns1.svc.cluster.local). A platform team often sets client-side defaults for the whole mesh in one wildcard DestinationRule in the root namespace: TLS mode, outlier detection, connection pool limits. As soon as a team writes a DestinationRule for a narrower host, only that rule applies to its traffic, and every default it does not repeat is gone. Since Istio's automatic mutual TLS, a missing tls block no longer means plaintext between sidecars, but dropping the global rule's explicit tls mode (SIMPLE to an external host, ISTIO_MUTUAL to workloads that auto mTLS cannot detect), its outlier detection or its connection limits still changes behaviour. The check resolves short hosts in each rule's namespace and finds, for each DestinationRule, the wildcard DestinationRules whose host covers its host (\"*.local\" covers reviews.ns1.svc.cluster.local and the narrower wildcard *.ns1.svc.cluster.local; \"*\" covers every host), that have no workloadSelector and whose exportTo scope overlaps its own, in any namespace (the root namespace's apply mesh-wide, a namespace's own wildcard rule applies to its services). It flags the DestinationRule when such a wildcard rule sets trafficPolicy.tls.mode, trafficPolicy.outlierDetection or trafficPolicy.connectionPool and the DestinationRule leaves the same field unset in its own trafficPolicy. Deliberately not flagged: a field the specific rule sets to a different value (an explicit choice; destination-rule-tls-not-disabled catches a disabled TLS mode), rules with the same host (no wildcard covers its own host), and the broadest wildcard rules themselves. Settings given only in portLevelSettings or in a subset's trafficPolicy do not count as repeated: they leave the rest of the traffic without them, so such a rule is still flagged. The list of fields is fixed: the check language reads fixed paths and cannot take the fields from a parameter, so loadBalancer and the other trafficPolicy fields are not compared. It warns rather than denies: the global rule's settings change over time, and a deny would then block every update of every team rule."
# custom:
#   hint: destination-rule-wildcard-settings
#   source: hints/destination-rule-wildcard-settings/hint.yaml
package lib.hint2policy.destination_rule_wildcard_settings

import data.lib.hint2policy.common

# violations is the set of messages for every way subject breaks the hint.
violations(subject) := {msg |
	not _check_1(subject)
	msg := sprintf("DestinationRule %s/%s for %s shadows a wildcard DestinationRule that covers its host and sets trafficPolicy tls.mode, outlierDetection or connectionPool, but leaves that field unset: wildcard settings are not inherited, repeat them here", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"])), common.text(common.get(subject, ["spec", "host"]))])
}

_check_1(subject) if not _check_2(subject)

_check_2(subject) if {
	key := common.host(common.get(subject, ["spec", "host"]), common.namespace(subject))
	some v_wide in _related_1_seen(common.covering(key), subject)
	_check_4(subject, v_wide)
	not common.same(v_wide, subject)
	common.exports_overlap(subject, v_wide)
}

_check_3(v_wide) if common.get(v_wide, ["spec", "workloadSelector"]) == null

_check_4(subject, v_wide) if {
	_check_5(subject, v_wide)
} else if {
	_check_8(subject, v_wide)
} else if {
	_check_11(subject, v_wide)
}

_check_5(subject, v_wide) if {
	_check_6(v_wide)
	_check_7(subject)
}

_check_6(v_wide) if v_wide.spec.trafficPolicy.tls.mode != null

_check_7(subject) if common.get(subject, ["spec", "trafficPolicy", "tls", "mode"]) == null

_check_8(subject, v_wide) if {
	_check_9(v_wide)
	_check_10(subject)
}

_check_9(v_wide) if v_wide.spec.trafficPolicy.outlierDetection != null

_check_10(subject) if common.get(subject, ["spec", "trafficPolicy", "outlierDetection"]) == null

_check_11(subject, v_wide) if {
	_check_12(v_wide)
	_check_13(subject)
}

_check_12(v_wide) if v_wide.spec.trafficPolicy.connectionPool != null

_check_13(subject) if common.get(subject, ["spec", "trafficPolicy", "connectionPool"]) == null

# every DestinationRule
_objects_1 := common.objects_of([{"group": "networking.istio.io", "kind": "DestinationRule"}])

# DestinationRule objects that pass the relation's own conditions, by value: a complete rule, so every engine builds it
# once per query, by sorting (key, position in _objects_1) pairs.
_related_1 := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_1)
		v_wide := _objects_1[i]
		_check_3(v_wide)
		some value in common.values(common.get(v_wide, ["spec", "host"]))
		key := common.host(value, common.namespace(v_wide))
	]),
	_objects_1,
)

# _related_1_of(keys) holds the objects _related_1 holds under any of keys. conftest and the
# embedded engine check every document in one query and read the index; Gatekeeper reviews one
# object per query, where one scan for the keys costs less than building the index.
_related_1_of(keys) := union({object.get(_related_1, [k], set()) | some k in keys}) if common.combined

_related_1_of(keys) := {v_wide |
	k := {"group": "networking.istio.io", "kind": "DestinationRule"}
	some ns, version

	# regal ignore:external-reference
	objects := data.inventory.namespace[ns][version][k.kind]
	common.group_of(version) == k.group
	some v_wide in objects
	common.host_candidate(v_wide.spec.host, keys)
	_check_3(v_wide)
	some value in common.values(common.get(v_wide, ["spec", "host"]))
	key := common.host(value, common.namespace(v_wide))
	key in keys
} | {v_wide |
	k := {"group": "networking.istio.io", "kind": "DestinationRule"}
	some version

	# regal ignore:external-reference
	objects := data.inventory.cluster[version][k.kind]
	common.group_of(version) == k.group
	some v_wide in objects
	common.host_candidate(v_wide.spec.host, keys)
	_check_3(v_wide)
	some value in common.values(common.get(v_wide, ["spec", "host"]))
	key := common.host(value, common.namespace(v_wide))
	key in keys
} if {
	# regal ignore:external-reference
	not common.combined
}

# DestinationRule objects that pass the relation's own conditions, by value, under each namespace they are exported to.
_related_1_exported := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_1)
		v_wide := _objects_1[i]
		_check_3(v_wide)
		some value in common.values(common.get(v_wide, ["spec", "host"]))
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
