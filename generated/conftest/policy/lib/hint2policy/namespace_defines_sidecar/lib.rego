# METADATA
# title: "Every mesh namespace restricts its workloads' dependencies with a Sidecar"
# description: "Without a Sidecar resource every proxy receives configuration for every service of the mesh. Memory, CPU and push times of all proxies grow with the size of the mesh, every configuration change anywhere is pushed to every proxy, and each workload can reach every service Istio knows. A Sidecar that lists the hosts a namespace needs bounds both the cost and the blast radius. The check flags a Namespace whose pods get sidecars (labelled istio-injection=enabled, or istio.io/rev without an istio-injection label, which is what Istio's injection webhooks select) when it has no restricting Sidecar of its own and the root namespace (parameter rootNamespace, default istio-system) has no restricting Sidecar without workloadSelector, the mesh-wide default. A Sidecar restricts when it has an egress section and none of its egress hosts matches importAllHosts (default exactly \"*/*\"): a Sidecar that imports everything, or has no egress section and so inherits the egress of the namespace or mesh default, bounds nothing by itself and does not count. A Sidecar of the namespace counts with or without a workloadSelector: the hint does not try to prove that selector-based Sidecars cover every workload. Namespaces in ambient mode only (istio.io/dataplane-mode=ambient without an injection label), where Sidecar resources have no effect, are not flagged, and neither are namespaces outside the mesh. A namespace with both an injection label and the ambient label counts as a sidecar namespace, as in istioctl (its pods get a sidecar, which ambient mode then skips; namespace-injection-single-label flags the combination). Deliberately not flagged: a namespace covered by a restricting root default whose own namespace-wide Sidecar imports \"*/*\" (that Sidecar replaces the root default; sidecar-import-all flags it). Namespace is cluster-scoped, so nothing is excluded by namespace; system namespaces are not labelled for injection and so are not checked. It is a warning of medium severity: the missing Sidecar costs resources and widens reach but breaks nothing, and a namespace usually exists before its Sidecar, so denying it at admission would block namespace creation; run it in audit or background mode. No istioctl analyzer requires a Sidecar."
# custom:
#   hint: namespace-defines-sidecar
#   source: hints/namespace-defines-sidecar/hint.yaml
package lib.hint2policy.namespace_defines_sidecar

import data.lib.hint2policy.common

# Parameter defaults; a Constraint's parameters or conftest data override them.
_defaults := {"importAllHosts": "^\\*/\\*$", "rootNamespace": "istio-system"}

# violations is the set of messages for every way subject breaks the hint (overrides: parameter values).
violations(subject, overrides) := {msg |
	params := object.union(_defaults, overrides)
	not _check_1(subject, params)
	msg := sprintf("Namespace %s is in the mesh but has no Sidecar that restricts its egress hosts, and the root namespace has no restricting mesh-wide default Sidecar: every proxy in it receives configuration for the whole mesh; add a Sidecar listing the hosts its workloads need", [common.text(common.get(subject, ["metadata", "name"]))])
}

_check_1(subject, params) if {
	_check_2(subject)
} else if {
	_check_8(subject, params)
} else if {
	_check_14(subject, params)
}

_check_2(subject) if not _check_3(subject)

_check_3(subject) if {
	_check_4(subject)
} else if {
	_check_5(subject)
}

_check_4(subject) if subject.metadata.labels["istio-injection"] == "enabled"

_check_5(subject) if {
	_check_6(subject)
	_check_7(subject)
}

_check_6(subject) if common.get(subject, ["metadata", "labels", "istio-injection"]) == null

_check_7(subject) if subject.metadata.labels["istio.io/rev"] != null

_check_8(subject, params) if {
	part_1 := subject.metadata.name
	is_string(part_1)
	key := concat("", [part_1])
	some v_own in _related_1_of([key])
	_check_10(params, v_own)
	not common.same(v_own, subject)
}

_check_9(v_own) if {
	value := v_own.spec.egress
	common.has_size(value)
	count(value) > 0
}

_check_10(params, v_own) if {
	every v_listener in common.list(common.get(v_own, ["spec", "egress"])) {
		_check_11(params, v_listener)
	}
}

_check_11(params, v_listener) if {
	every v_host in common.list(common.get(v_listener, ["hosts"])) {
		_check_12(params, v_host)
	}
}

_check_12(params, v_host) if not _check_13(params, v_host)

_check_13(params, v_host) if {
	is_string(v_host)
	common.regex_match(params.importAllHosts, v_host)
}

_check_14(subject, params) if {
	key := params.rootNamespace
	some v_root in _related_2_of([key])
	_check_17(params, v_root)
	not common.same(v_root, subject)
}

_check_15(v_root) if common.get(v_root, ["spec", "workloadSelector"]) == null

_check_16(v_root) if {
	value := v_root.spec.egress
	common.has_size(value)
	count(value) > 0
}

_check_17(params, v_root) if {
	every v_listener in common.list(common.get(v_root, ["spec", "egress"])) {
		_check_18(params, v_listener)
	}
}

_check_18(params, v_listener) if {
	every v_host in common.list(common.get(v_listener, ["hosts"])) {
		_check_19(params, v_host)
	}
}

_check_19(params, v_host) if not _check_20(params, v_host)

_check_20(params, v_host) if {
	is_string(v_host)
	common.regex_match(params.importAllHosts, v_host)
}

# every Sidecar
_objects_1 := common.objects_of([{"group": "networking.istio.io", "kind": "Sidecar"}])

# Sidecar objects that pass the relation's own conditions, by value: a complete rule, so every engine builds it
# once per query, by sorting (key, position in _objects_1) pairs.
_related_1 := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_1)
		v_own := _objects_1[i]
		_check_9(v_own)
		some key in common.values(common.get(v_own, ["metadata", "namespace"]))
	]),
	_objects_1,
)

# _related_1_of(keys) holds the objects _related_1 holds under any of keys. conftest and the
# embedded engine check every document in one query and read the index; Gatekeeper reviews one
# object per query, where one scan for the keys costs less than building the index.
_related_1_of(keys) := union({object.get(_related_1, [k], set()) | some k in keys}) if common.combined

_related_1_of(keys) := {v_own |
	some ns in keys
	some v_own in common.objects_in([{"group": "networking.istio.io", "kind": "Sidecar"}], ns)
	_check_9(v_own)
	some key in common.values(common.get(v_own, ["metadata", "namespace"]))
	key in keys
} if {
	not common.combined
}

# Sidecar objects that pass the relation's own conditions, by value: a complete rule, so every engine builds it
# once per query, by sorting (key, position in _objects_1) pairs.
_related_2 := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_1)
		v_root := _objects_1[i]
		_check_15(v_root)
		_check_16(v_root)
		some key in common.values(common.get(v_root, ["metadata", "namespace"]))
	]),
	_objects_1,
)

# _related_2_of(keys) holds the objects _related_2 holds under any of keys. conftest and the
# embedded engine check every document in one query and read the index; Gatekeeper reviews one
# object per query, where one scan for the keys costs less than building the index.
_related_2_of(keys) := union({object.get(_related_2, [k], set()) | some k in keys}) if common.combined

_related_2_of(keys) := {v_root |
	some ns in keys
	some v_root in common.objects_in([{"group": "networking.istio.io", "kind": "Sidecar"}], ns)
	_check_15(v_root)
	_check_16(v_root)
	some key in common.values(common.get(v_root, ["metadata", "namespace"]))
	key in keys
} if {
	not common.combined
}
