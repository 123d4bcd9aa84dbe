# METADATA
# title: "Every namespace has a default-deny AuthorizationPolicy"
# description: "The seed defers to Istio's security best practices, which recommend the default-deny pattern: deny every request unless an ALLOW policy says otherwise. As the seed's \"Forbidden response\" section puts it, Istio does not enforce access control on workloads without authorization policies, so every workload that can reach a service may call it. An allow-nothing AuthorizationPolicy (no selector, empty spec) turns on default deny for its namespace; the ALLOW policies next to it then list the callers each service accepts. The check flags a Namespace in the mesh (istio-injection=enabled, istio.io/rev without an istio-injection label, or istio.io/dataplane-mode=ambient, since ztunnel and waypoints enforce authorization policies too) that has no allow-nothing AuthorizationPolicy, either in the namespace itself or in the root namespace (parameter rootNamespace, default istio-system), where it applies to the whole mesh. An allow-nothing policy has no selector, no targetRef or targetRefs, no rules (absent or an empty list) and action ALLOW or no action: `spec: {}`. Policies with a selector, with rules, or with action DENY, AUDIT or CUSTOM do not make the namespace default-deny and do not count. Namespaces outside the mesh (no label, istio-injection=disabled) are not checked, because no proxy there enforces a policy; set alsoCheckNamespaces to check them too. Kyverno's require-authorizationpolicy checks something weaker and wider: every Namespace, kube-system included, must hold at least one AuthorizationPolicy of any content, and a mesh-wide policy in the root namespace does not count. This hint requires the policy to be the allow-nothing one (a namespace whose only policy allows some traffic is flagged here and passes Kyverno's), but by default checks only mesh namespaces and accepts a root-namespace policy. With alsoCheckNamespaces \"^\" (every namespace) and rootNamespace \"\" (no mesh-wide policy counts) it flags every Namespace Kyverno's policy flags. Namespace is cluster-scoped, so nothing is excluded by namespace. It is a warning of medium severity, best run in audit or background mode as Kyverno's is: a namespace usually exists before its policies, so denying the Namespace would block its creation, and switching a namespace to default deny has to be rolled out with the ALLOW policies it needs."
# custom:
#   hint: namespace-default-deny
#   source: hints/namespace-default-deny/hint.yaml
package lib.hint2policy.namespace_default_deny

import data.lib.hint2policy.common

# Parameter defaults; a Constraint's parameters or conftest data override them.
_defaults := {"alsoCheckNamespaces": "[^\\s\\S]", "rootNamespace": "istio-system"}

# violations is the set of messages for every way subject breaks the hint (overrides: parameter values).
violations(subject, overrides) := {msg |
	params := object.union(_defaults, overrides)
	not _check_1(subject, params)
	msg := sprintf("Namespace %s is in the mesh but has no allow-nothing AuthorizationPolicy (spec: {}), and the root namespace has none either: every workload that can reach its services may call them; add one and ALLOW policies for the callers each service needs", [common.text(common.get(subject, ["metadata", "name"]))])
}

_check_1(subject, params) if {
	_check_2(subject, params)
} else if {
	_check_12(subject)
} else if {
	_check_21(subject, params)
}

_check_2(subject, params) if {
	_check_3(subject)
	_check_10(subject, params)
}

_check_3(subject) if not _check_4(subject)

_check_4(subject) if {
	_check_5(subject)
} else if {
	_check_6(subject)
} else if {
	_check_9(subject)
}

_check_5(subject) if subject.metadata.labels["istio-injection"] == "enabled"

_check_6(subject) if {
	_check_7(subject)
	_check_8(subject)
}

_check_7(subject) if common.get(subject, ["metadata", "labels", "istio-injection"]) == null

_check_8(subject) if subject.metadata.labels["istio.io/rev"] != null

_check_9(subject) if subject.metadata.labels["istio.io/dataplane-mode"] == "ambient"

_check_10(subject, params) if not _check_11(subject, params)

_check_11(subject, params) if {
	value := subject.metadata.name
	is_string(value)
	common.regex_match(params.alsoCheckNamespaces, value)
}

_check_12(subject) if {
	part_1 := subject.metadata.name
	is_string(part_1)
	key := concat("", [part_1])
	some v_own in _related_1_of([key])
	not common.same(v_own, subject)
}

_check_13(v_own) if common.get(v_own, ["spec", "selector"]) == null

_check_14(v_own) if common.get(v_own, ["spec", "targetRef"]) == null

_check_15(v_own) if common.get(v_own, ["spec", "targetRefs"]) == null

_check_16(v_own) if not _check_17(v_own)

_check_17(v_own) if {
	value := v_own.spec.rules
	common.has_size(value)
	count(value) > 0
}

_check_18(v_own) if {
	_check_19(v_own)
} else if {
	_check_20(v_own)
}

_check_19(v_own) if common.get(v_own, ["spec", "action"]) == null

_check_20(v_own) if v_own.spec.action == "ALLOW"

_check_21(subject, params) if {
	key := params.rootNamespace
	some v_root in _related_2_of([key])
	not common.same(v_root, subject)
}

_check_22(v_root) if common.get(v_root, ["spec", "selector"]) == null

_check_23(v_root) if common.get(v_root, ["spec", "targetRef"]) == null

_check_24(v_root) if common.get(v_root, ["spec", "targetRefs"]) == null

_check_25(v_root) if not _check_26(v_root)

_check_26(v_root) if {
	value := v_root.spec.rules
	common.has_size(value)
	count(value) > 0
}

_check_27(v_root) if {
	_check_28(v_root)
} else if {
	_check_29(v_root)
}

_check_28(v_root) if common.get(v_root, ["spec", "action"]) == null

_check_29(v_root) if v_root.spec.action == "ALLOW"

# every AuthorizationPolicy
_objects_1 := common.objects_of([{"group": "security.istio.io", "kind": "AuthorizationPolicy"}])

# AuthorizationPolicy objects that pass the relation's own conditions, by value: a complete rule, so every engine builds it
# once per query, by sorting (key, position in _objects_1) pairs.
_related_1 := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_1)
		v_own := _objects_1[i]
		_check_13(v_own)
		_check_14(v_own)
		_check_15(v_own)
		_check_16(v_own)
		_check_18(v_own)
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
	some v_own in common.objects_in([{"group": "security.istio.io", "kind": "AuthorizationPolicy"}], ns)
	_check_13(v_own)
	_check_14(v_own)
	_check_15(v_own)
	_check_16(v_own)
	_check_18(v_own)
	some key in common.values(common.get(v_own, ["metadata", "namespace"]))
	key in keys
} if {
	not common.combined
}

# AuthorizationPolicy objects that pass the relation's own conditions, by value: a complete rule, so every engine builds it
# once per query, by sorting (key, position in _objects_1) pairs.
_related_2 := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_1)
		v_root := _objects_1[i]
		_check_22(v_root)
		_check_23(v_root)
		_check_24(v_root)
		_check_25(v_root)
		_check_27(v_root)
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
	some v_root in common.objects_in([{"group": "security.istio.io", "kind": "AuthorizationPolicy"}], ns)
	_check_22(v_root)
	_check_23(v_root)
	_check_24(v_root)
	_check_25(v_root)
	_check_27(v_root)
	some key in common.values(common.get(v_root, ["metadata", "namespace"]))
	key in keys
} if {
	not common.combined
}
