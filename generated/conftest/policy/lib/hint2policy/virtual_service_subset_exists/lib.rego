# METADATA
# title: "Subsets a VirtualService routes to must exist in a DestinationRule"
# description: "The seed's advice about timing (destination-rule-subset-delay) rests on a stronger rule: a route to a subset only works if a DestinationRule for that host defines the subset. A route to a subset nobody defines, after a typo or a DestinationRule change, fails every request with 503 (no cluster found), permanently rather than for a few seconds. The check looks at every destination that names a subset: spec.http[].route[], spec.http[].mirror, spec.http[].mirrors[], spec.tcp[].route[] and spec.tls[].route[]. It resolves the destination host and each DestinationRule's spec.host to fully qualified names in their own namespaces (reviews in default is reviews.default.svc.cluster.local), and flags the VirtualService when, for some destination, no DestinationRule with that exact host, visible in the VirtualService's namespace (exportTo absent, empty, \"*\", that namespace, or \".\" in that same namespace), lists the subset under spec.subsets. Which of several visible DestinationRules for one host wins is not modelled (Istio merges those of one namespace and prefers the client's namespace over the service's and the root namespace's): any visible one that lists the subset satisfies the check. Destinations without a subset (or with an empty one) are not concerned. Not consulted: subsets defined on wildcard DestinationRules (a subset's labels select one service's pods, so they belong on a rule for that host; a route relying on a wildcard rule's subset is flagged), and the namespaces other than its own that the VirtualService is exported to. The action is deny: the route cannot work, and refusing the VirtualService until its DestinationRule exists enforces the seed's order, the DestinationRule first. A DestinationRule deleted or changed later is caught by the audit, not at admission. The message names the VirtualService, not the destination, because the check walks five destination lists at once."
# custom:
#   hint: virtual-service-subset-exists
#   source: hints/virtual-service-subset-exists/hint.yaml
package lib.hint2policy.virtual_service_subset_exists

import data.lib.hint2policy.common

# violations is the set of messages for every way subject breaks the hint.
violations(subject) := {msg |
	not _check_1(subject)
	msg := sprintf("VirtualService %s/%s routes or mirrors to a subset that no DestinationRule for the destination host, visible in %s, defines: requests to it fail with 503 (no cluster found)", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"])), common.text(common.get(subject, ["metadata", "namespace"]))])
}

_check_1(subject) if {
	_check_2(subject)
	_check_57(subject)
	_check_76(subject)
}

_check_2(subject) if {
	every v_r in common.list(common.get(subject, ["spec", "http"])) {
		_check_3(subject, v_r)
	}
}

_check_3(subject, v_r) if {
	_check_4(subject, v_r)
	_check_22(subject, v_r)
	_check_39(subject, v_r)
}

_check_4(subject, v_r) if {
	every v_d in common.list(common.get(v_r, ["route"])) {
		_check_5(subject, v_d)
	}
}

_check_5(subject, v_d) if {
	_check_6(v_d)
} else if {
	_check_7(v_d)
} else if {
	_check_8(subject, v_d)
}

_check_6(v_d) if common.get(v_d, ["destination", "subset"]) == null

_check_7(v_d) if v_d.destination.subset == ""

_check_8(subject, v_d) if {
	key := common.host(common.get(v_d, ["destination", "host"]), common.namespace(subject))
	some v_dr in _related_1_of([key])
	_check_9(subject, v_d, v_dr)
	not common.same(v_dr, subject)
}

_check_9(subject, v_d, v_dr) if {
	_check_10(subject, v_dr)
	_check_20(v_d, v_dr)
}

_check_10(subject, v_dr) if {
	_check_11(v_dr)
} else if {
	_check_12(v_dr)
} else if {
	_check_13(subject, v_dr)
}

_check_11(v_dr) if common.get(v_dr, ["spec", "exportTo"]) == null

_check_12(v_dr) if {
	value := v_dr.spec.exportTo
	common.has_size(value)
	count(value) == 0
}

_check_13(subject, v_dr) if {
	some v_e in common.list(common.get(v_dr, ["spec", "exportTo"]))
	_check_14(subject, v_dr, v_e)
}

_check_14(subject, v_dr, v_e) if {
	_check_15(v_e)
} else if {
	_check_16(subject, v_e)
} else if {
	_check_17(subject, v_dr, v_e)
}

_check_15(v_e) if v_e == "*"

_check_16(subject, v_e) if v_e == common.get(subject, ["metadata", "namespace"])

_check_17(subject, v_dr, v_e) if {
	_check_18(v_e)
	_check_19(subject, v_dr)
}

_check_18(v_e) if v_e == "."

_check_19(subject, v_dr) if common.get(v_dr, ["metadata", "namespace"]) == common.get(subject, ["metadata", "namespace"])

_check_20(v_d, v_dr) if {
	some v_s in common.list(common.get(v_dr, ["spec", "subsets"]))
	_check_21(v_d, v_s)
}

_check_21(v_d, v_s) if common.get(v_s, ["name"]) == common.get(v_d, ["destination", "subset"])

_check_22(subject, v_r) if {
	_check_23(v_r)
} else if {
	_check_24(v_r)
} else if {
	_check_25(subject, v_r)
}

_check_23(v_r) if common.get(v_r, ["mirror", "subset"]) == null

_check_24(v_r) if v_r.mirror.subset == ""

_check_25(subject, v_r) if {
	key := common.host(common.get(v_r, ["mirror", "host"]), common.namespace(subject))
	some v_dr in _related_1_of([key])
	_check_26(subject, v_dr, v_r)
	not common.same(v_dr, subject)
}

_check_26(subject, v_dr, v_r) if {
	_check_27(subject, v_dr)
	_check_37(v_dr, v_r)
}

_check_27(subject, v_dr) if {
	_check_28(v_dr)
} else if {
	_check_29(v_dr)
} else if {
	_check_30(subject, v_dr)
}

_check_28(v_dr) if common.get(v_dr, ["spec", "exportTo"]) == null

_check_29(v_dr) if {
	value := v_dr.spec.exportTo
	common.has_size(value)
	count(value) == 0
}

_check_30(subject, v_dr) if {
	some v_e in common.list(common.get(v_dr, ["spec", "exportTo"]))
	_check_31(subject, v_dr, v_e)
}

_check_31(subject, v_dr, v_e) if {
	_check_32(v_e)
} else if {
	_check_33(subject, v_e)
} else if {
	_check_34(subject, v_dr, v_e)
}

_check_32(v_e) if v_e == "*"

_check_33(subject, v_e) if v_e == common.get(subject, ["metadata", "namespace"])

_check_34(subject, v_dr, v_e) if {
	_check_35(v_e)
	_check_36(subject, v_dr)
}

_check_35(v_e) if v_e == "."

_check_36(subject, v_dr) if common.get(v_dr, ["metadata", "namespace"]) == common.get(subject, ["metadata", "namespace"])

_check_37(v_dr, v_r) if {
	some v_s in common.list(common.get(v_dr, ["spec", "subsets"]))
	_check_38(v_r, v_s)
}

_check_38(v_r, v_s) if common.get(v_s, ["name"]) == common.get(v_r, ["mirror", "subset"])

_check_39(subject, v_r) if {
	every v_m in common.list(common.get(v_r, ["mirrors"])) {
		_check_40(subject, v_m)
	}
}

_check_40(subject, v_m) if {
	_check_41(v_m)
} else if {
	_check_42(v_m)
} else if {
	_check_43(subject, v_m)
}

_check_41(v_m) if common.get(v_m, ["destination", "subset"]) == null

_check_42(v_m) if v_m.destination.subset == ""

_check_43(subject, v_m) if {
	key := common.host(common.get(v_m, ["destination", "host"]), common.namespace(subject))
	some v_dr in _related_1_of([key])
	_check_44(subject, v_dr, v_m)
	not common.same(v_dr, subject)
}

_check_44(subject, v_dr, v_m) if {
	_check_45(subject, v_dr)
	_check_55(v_dr, v_m)
}

_check_45(subject, v_dr) if {
	_check_46(v_dr)
} else if {
	_check_47(v_dr)
} else if {
	_check_48(subject, v_dr)
}

_check_46(v_dr) if common.get(v_dr, ["spec", "exportTo"]) == null

_check_47(v_dr) if {
	value := v_dr.spec.exportTo
	common.has_size(value)
	count(value) == 0
}

_check_48(subject, v_dr) if {
	some v_e in common.list(common.get(v_dr, ["spec", "exportTo"]))
	_check_49(subject, v_dr, v_e)
}

_check_49(subject, v_dr, v_e) if {
	_check_50(v_e)
} else if {
	_check_51(subject, v_e)
} else if {
	_check_52(subject, v_dr, v_e)
}

_check_50(v_e) if v_e == "*"

_check_51(subject, v_e) if v_e == common.get(subject, ["metadata", "namespace"])

_check_52(subject, v_dr, v_e) if {
	_check_53(v_e)
	_check_54(subject, v_dr)
}

_check_53(v_e) if v_e == "."

_check_54(subject, v_dr) if common.get(v_dr, ["metadata", "namespace"]) == common.get(subject, ["metadata", "namespace"])

_check_55(v_dr, v_m) if {
	some v_s in common.list(common.get(v_dr, ["spec", "subsets"]))
	_check_56(v_m, v_s)
}

_check_56(v_m, v_s) if common.get(v_s, ["name"]) == common.get(v_m, ["destination", "subset"])

_check_57(subject) if {
	every v_r in common.list(common.get(subject, ["spec", "tcp"])) {
		_check_58(subject, v_r)
	}
}

_check_58(subject, v_r) if {
	every v_d in common.list(common.get(v_r, ["route"])) {
		_check_59(subject, v_d)
	}
}

_check_59(subject, v_d) if {
	_check_60(v_d)
} else if {
	_check_61(v_d)
} else if {
	_check_62(subject, v_d)
}

_check_60(v_d) if common.get(v_d, ["destination", "subset"]) == null

_check_61(v_d) if v_d.destination.subset == ""

_check_62(subject, v_d) if {
	key := common.host(common.get(v_d, ["destination", "host"]), common.namespace(subject))
	some v_dr in _related_1_of([key])
	_check_63(subject, v_d, v_dr)
	not common.same(v_dr, subject)
}

_check_63(subject, v_d, v_dr) if {
	_check_64(subject, v_dr)
	_check_74(v_d, v_dr)
}

_check_64(subject, v_dr) if {
	_check_65(v_dr)
} else if {
	_check_66(v_dr)
} else if {
	_check_67(subject, v_dr)
}

_check_65(v_dr) if common.get(v_dr, ["spec", "exportTo"]) == null

_check_66(v_dr) if {
	value := v_dr.spec.exportTo
	common.has_size(value)
	count(value) == 0
}

_check_67(subject, v_dr) if {
	some v_e in common.list(common.get(v_dr, ["spec", "exportTo"]))
	_check_68(subject, v_dr, v_e)
}

_check_68(subject, v_dr, v_e) if {
	_check_69(v_e)
} else if {
	_check_70(subject, v_e)
} else if {
	_check_71(subject, v_dr, v_e)
}

_check_69(v_e) if v_e == "*"

_check_70(subject, v_e) if v_e == common.get(subject, ["metadata", "namespace"])

_check_71(subject, v_dr, v_e) if {
	_check_72(v_e)
	_check_73(subject, v_dr)
}

_check_72(v_e) if v_e == "."

_check_73(subject, v_dr) if common.get(v_dr, ["metadata", "namespace"]) == common.get(subject, ["metadata", "namespace"])

_check_74(v_d, v_dr) if {
	some v_s in common.list(common.get(v_dr, ["spec", "subsets"]))
	_check_75(v_d, v_s)
}

_check_75(v_d, v_s) if common.get(v_s, ["name"]) == common.get(v_d, ["destination", "subset"])

_check_76(subject) if {
	every v_r in common.list(common.get(subject, ["spec", "tls"])) {
		_check_77(subject, v_r)
	}
}

_check_77(subject, v_r) if {
	every v_d in common.list(common.get(v_r, ["route"])) {
		_check_78(subject, v_d)
	}
}

_check_78(subject, v_d) if {
	_check_79(v_d)
} else if {
	_check_80(v_d)
} else if {
	_check_81(subject, v_d)
}

_check_79(v_d) if common.get(v_d, ["destination", "subset"]) == null

_check_80(v_d) if v_d.destination.subset == ""

_check_81(subject, v_d) if {
	key := common.host(common.get(v_d, ["destination", "host"]), common.namespace(subject))
	some v_dr in _related_1_of([key])
	_check_82(subject, v_d, v_dr)
	not common.same(v_dr, subject)
}

_check_82(subject, v_d, v_dr) if {
	_check_83(subject, v_dr)
	_check_93(v_d, v_dr)
}

_check_83(subject, v_dr) if {
	_check_84(v_dr)
} else if {
	_check_85(v_dr)
} else if {
	_check_86(subject, v_dr)
}

_check_84(v_dr) if common.get(v_dr, ["spec", "exportTo"]) == null

_check_85(v_dr) if {
	value := v_dr.spec.exportTo
	common.has_size(value)
	count(value) == 0
}

_check_86(subject, v_dr) if {
	some v_e in common.list(common.get(v_dr, ["spec", "exportTo"]))
	_check_87(subject, v_dr, v_e)
}

_check_87(subject, v_dr, v_e) if {
	_check_88(v_e)
} else if {
	_check_89(subject, v_e)
} else if {
	_check_90(subject, v_dr, v_e)
}

_check_88(v_e) if v_e == "*"

_check_89(subject, v_e) if v_e == common.get(subject, ["metadata", "namespace"])

_check_90(subject, v_dr, v_e) if {
	_check_91(v_e)
	_check_92(subject, v_dr)
}

_check_91(v_e) if v_e == "."

_check_92(subject, v_dr) if common.get(v_dr, ["metadata", "namespace"]) == common.get(subject, ["metadata", "namespace"])

_check_93(v_d, v_dr) if {
	some v_s in common.list(common.get(v_dr, ["spec", "subsets"]))
	_check_94(v_d, v_s)
}

_check_94(v_d, v_s) if common.get(v_s, ["name"]) == common.get(v_d, ["destination", "subset"])

# every DestinationRule
_objects_1 := common.objects_of([{"group": "networking.istio.io", "kind": "DestinationRule"}])

# DestinationRule objects, by value: a complete rule, so every engine builds it
# once per query, by sorting (key, position in _objects_1) pairs.
_related_1 := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_1)
		v_dr := _objects_1[i]
		some value in common.values(common.get(v_dr, ["spec", "host"]))
		key := common.host(value, common.namespace(v_dr))
	]),
	_objects_1,
)

# _related_1_of(keys) holds the objects _related_1 holds under any of keys. conftest and the
# embedded engine check every document in one query and read the index; Gatekeeper reviews one
# object per query, where one scan for the keys costs less than building the index.
_related_1_of(keys) := union({object.get(_related_1, [k], set()) | some k in keys}) if common.combined

_related_1_of(keys) := {v_dr |
	k := {"group": "networking.istio.io", "kind": "DestinationRule"}
	some ns, version

	# regal ignore:external-reference
	objects := data.inventory.namespace[ns][version][k.kind]
	common.group_of(version) == k.group
	some v_dr in objects
	common.host_candidate(v_dr.spec.host, keys)
	some value in common.values(common.get(v_dr, ["spec", "host"]))
	key := common.host(value, common.namespace(v_dr))
	key in keys
} | {v_dr |
	k := {"group": "networking.istio.io", "kind": "DestinationRule"}
	some version

	# regal ignore:external-reference
	objects := data.inventory.cluster[version][k.kind]
	common.group_of(version) == k.group
	some v_dr in objects
	common.host_candidate(v_dr.spec.host, keys)
	some value in common.values(common.get(v_dr, ["spec", "host"]))
	key := common.host(value, common.namespace(v_dr))
	key in keys
} if {
	# regal ignore:external-reference
	not common.combined
}
