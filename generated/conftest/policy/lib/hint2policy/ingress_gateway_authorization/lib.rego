# METADATA
# title: "Namespace-wide ALLOW policies must not lock out the ingress gateway in that namespace"
# description: "An AuthorizationPolicy without selector or targetRefs applies to every workload of its namespace, the gateway's pods included; one in the root namespace applies to every workload of the mesh. Once any ALLOW policy applies to the gateway, requests that no ALLOW rule matches get 403 (RBAC: access denied), and an allow-nothing policy (spec: {}, or ALLOW with no rules) denies everything. A policy written for internal callers (from principals in the mesh) never matches external clients, whose requests arrive without a mesh identity. The check reviews each namespace-wide ALLOW policy (action ALLOW or absent; no selector.matchLabels, targetRef or targetRefs), allow-nothing policies included, and looks for ingress gateway workloads: Pods by their labels and apps/v1 Deployments by their pod template labels, whose istio label has one of the values gatewayLabelValues lists (ingressgateway by default), in the policy's namespace or, for a policy in rootNamespace, in every namespace. It flags the policy when one of these gateways has no ALLOW policy of its own: an ALLOW policy with at least one rule, in the gateway's namespace or the root namespace, whose selector.matchLabels all have the same values in the gateway's labels. Deliberately not flagged: DENY, CUSTOM and AUDIT policies, which do not turn on default deny for the workloads they apply to (and a DENY is not lifted by an ALLOW policy for the gateway, so the remedy would not help); a namespace-wide policy with a rule that has no from, to or when, which allows every request; namespaces without a gateway workload. An allow-nothing policy is flagged like any other ALLOW policy: it is the strictest case, and an ALLOW policy for the gateway does lift it. A gateway policy without rules, or a DENY policy for the gateway, does not count as the gateway's own ALLOW policy. The check cannot tell whether the gateway's ALLOW rules admit the external clients, only that the gateway has rules of its own; Gateway API gateways (label gateway.networking.k8s.io/gateway-name) are not recognised. It is a warning because the verdict depends on the order objects are applied in (the gateway's policy may come in the same change, after this one) and an internal-only gateway may be meant to be closed; the severity is high because a mistake takes all external traffic down. The policy is checked when it is admitted or audited, not when a gateway is added to the namespace later."
# custom:
#   hint: ingress-gateway-authorization
#   source: hints/ingress-gateway-authorization/hint.yaml
package lib.hint2policy.ingress_gateway_authorization

import data.lib.hint2policy.common

# Parameter defaults; a Constraint's parameters or conftest data override them.
_defaults := {"gatewayLabelValues": ["ingressgateway"], "rootNamespace": "istio-system"}

# violations is the set of messages for every way subject breaks the hint (overrides: parameter values).
violations(subject, overrides) := {msg |
	params := object.union(_defaults, overrides)
	not _check_1(subject, params)
	msg := sprintf("AuthorizationPolicy %s/%s: this namespace-wide ALLOW policy also applies to an ingress gateway (istio label in gatewayLabelValues) that has no ALLOW policy of its own, so external requests its rules do not match get 403 RBAC: access denied", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"]))])
}

_check_1(subject, params) if {
	_check_2(subject)
} else if {
	_check_3(subject)
} else if {
	_check_4(subject)
} else if {
	_check_5(subject)
} else if {
	_check_6(subject)
} else if {
	_check_11(subject, params)
}

_check_2(subject) if subject.spec.action in ["DENY", "CUSTOM", "AUDIT"]

_check_3(subject) if {
	value := subject.spec.selector.matchLabels
	common.has_size(value)
	count(value) > 0
}

_check_4(subject) if subject.spec.targetRef != null

_check_5(subject) if subject.spec.targetRefs != null

_check_6(subject) if {
	some v_rule in common.list(common.get(subject, ["spec", "rules"]))
	_check_7(v_rule)
}

_check_7(v_rule) if {
	_check_8(v_rule)
	_check_9(v_rule)
	_check_10(v_rule)
}

_check_8(v_rule) if common.get(v_rule, ["from"]) == null

_check_9(v_rule) if common.get(v_rule, ["to"]) == null

_check_10(v_rule) if common.get(v_rule, ["when"]) == null

_check_11(subject, params) if {
	_check_12(subject, params)
	_check_37(subject, params)
}

_check_12(subject, params) if not _check_13(subject, params)

_check_13(subject, params) if {
	key := common.namespace(subject)
	some v_gateway in _related_1_of([key])
	_check_14(subject, params, v_gateway)
	not common.same(v_gateway, subject)
}

_check_14(subject, params, v_gateway) if {
	_check_15(params, v_gateway)
	_check_20(subject, params, v_gateway)
}

_check_15(params, v_gateway) if {
	_check_16(params, v_gateway)
} else if {
	_check_19(params, v_gateway)
}

_check_16(params, v_gateway) if {
	_check_17(v_gateway)
	_check_18(params, v_gateway)
}

_check_17(v_gateway) if v_gateway.kind == "Pod"

_check_18(params, v_gateway) if common.get(v_gateway, ["metadata", "labels", "istio"]) in params.gatewayLabelValues

_check_19(params, v_gateway) if common.get(v_gateway, ["spec", "template", "metadata", "labels", "istio"]) in params.gatewayLabelValues

_check_20(subject, params, v_gateway) if not _check_21(subject, params, v_gateway)

_check_21(subject, params, v_gateway) if {
	some v_allow in _related_2
	_check_27(params, v_allow, v_gateway)
	not common.same(v_allow, subject)
}

_check_22(v_allow) if not common.get(v_allow, ["spec", "action"]) in ["DENY", "CUSTOM", "AUDIT"]

_check_23(v_allow) if common.get(v_allow, ["spec", "targetRef"]) == null

_check_24(v_allow) if common.get(v_allow, ["spec", "targetRefs"]) == null

_check_25(v_allow) if {
	value := v_allow.spec.rules
	common.has_size(value)
	count(value) > 0
}

_check_26(v_allow) if {
	value := v_allow.spec.selector.matchLabels
	common.has_size(value)
	count(value) > 0
}

_check_27(params, v_allow, v_gateway) if {
	_check_28(params, v_allow, v_gateway)
	_check_31(v_allow, v_gateway)
}

_check_28(params, v_allow, v_gateway) if {
	_check_29(v_allow, v_gateway)
} else if {
	_check_30(params, v_allow)
}

_check_29(v_allow, v_gateway) if common.get(v_allow, ["metadata", "namespace"]) == common.get(v_gateway, ["metadata", "namespace"])

_check_30(params, v_allow) if common.get(v_allow, ["metadata", "namespace"]) == params.rootNamespace

_check_31(v_allow, v_gateway) if {
	every v_key in common.keys(common.get(v_allow, ["spec", "selector", "matchLabels"])) {
		_check_32(v_allow, v_gateway, v_key)
	}
}

_check_32(v_allow, v_gateway, v_key) if {
	_check_33(v_allow, v_gateway, v_key)
} else if {
	_check_36(v_allow, v_gateway, v_key)
}

_check_33(v_allow, v_gateway, v_key) if {
	_check_34(v_gateway)
	_check_35(v_allow, v_gateway, v_key)
}

_check_34(v_gateway) if v_gateway.kind == "Pod"

_check_35(v_allow, v_gateway, v_key) if common.get(v_gateway, ["metadata", "labels", v_key]) == common.get(v_allow, ["spec", "selector", "matchLabels", v_key])

_check_36(v_allow, v_gateway, v_key) if common.get(v_gateway, ["spec", "template", "metadata", "labels", v_key]) == common.get(v_allow, ["spec", "selector", "matchLabels", v_key])

_check_37(subject, params) if {
	_check_38(subject, params)
} else if {
	_check_39(subject, params)
}

_check_38(subject, params) if common.get(subject, ["metadata", "namespace"]) != params.rootNamespace

_check_39(subject, params) if not _check_40(subject, params)

_check_40(subject, params) if {
	some v_meshgateway in _objects_1
	_check_41(subject, params, v_meshgateway)
	not common.same(v_meshgateway, subject)
}

_check_41(subject, params, v_meshgateway) if {
	_check_42(params, v_meshgateway)
	_check_47(subject, params, v_meshgateway)
}

_check_42(params, v_meshgateway) if {
	_check_43(params, v_meshgateway)
} else if {
	_check_46(params, v_meshgateway)
}

_check_43(params, v_meshgateway) if {
	_check_44(v_meshgateway)
	_check_45(params, v_meshgateway)
}

_check_44(v_meshgateway) if v_meshgateway.kind == "Pod"

_check_45(params, v_meshgateway) if common.get(v_meshgateway, ["metadata", "labels", "istio"]) in params.gatewayLabelValues

_check_46(params, v_meshgateway) if common.get(v_meshgateway, ["spec", "template", "metadata", "labels", "istio"]) in params.gatewayLabelValues

_check_47(subject, params, v_meshgateway) if not _check_48(subject, params, v_meshgateway)

_check_48(subject, params, v_meshgateway) if {
	some v_meshallow in _related_4
	_check_54(params, v_meshallow, v_meshgateway)
	not common.same(v_meshallow, subject)
}

_check_49(v_meshallow) if not common.get(v_meshallow, ["spec", "action"]) in ["DENY", "CUSTOM", "AUDIT"]

_check_50(v_meshallow) if common.get(v_meshallow, ["spec", "targetRef"]) == null

_check_51(v_meshallow) if common.get(v_meshallow, ["spec", "targetRefs"]) == null

_check_52(v_meshallow) if {
	value := v_meshallow.spec.rules
	common.has_size(value)
	count(value) > 0
}

_check_53(v_meshallow) if {
	value := v_meshallow.spec.selector.matchLabels
	common.has_size(value)
	count(value) > 0
}

_check_54(params, v_meshallow, v_meshgateway) if {
	_check_55(params, v_meshallow, v_meshgateway)
	_check_58(v_meshallow, v_meshgateway)
}

_check_55(params, v_meshallow, v_meshgateway) if {
	_check_56(v_meshallow, v_meshgateway)
} else if {
	_check_57(params, v_meshallow)
}

_check_56(v_meshallow, v_meshgateway) if common.get(v_meshallow, ["metadata", "namespace"]) == common.get(v_meshgateway, ["metadata", "namespace"])

_check_57(params, v_meshallow) if common.get(v_meshallow, ["metadata", "namespace"]) == params.rootNamespace

_check_58(v_meshallow, v_meshgateway) if {
	every v_mkey in common.keys(common.get(v_meshallow, ["spec", "selector", "matchLabels"])) {
		_check_59(v_meshallow, v_meshgateway, v_mkey)
	}
}

_check_59(v_meshallow, v_meshgateway, v_mkey) if {
	_check_60(v_meshallow, v_meshgateway, v_mkey)
} else if {
	_check_63(v_meshallow, v_meshgateway, v_mkey)
}

_check_60(v_meshallow, v_meshgateway, v_mkey) if {
	_check_61(v_meshgateway)
	_check_62(v_meshallow, v_meshgateway, v_mkey)
}

_check_61(v_meshgateway) if v_meshgateway.kind == "Pod"

_check_62(v_meshallow, v_meshgateway, v_mkey) if common.get(v_meshgateway, ["metadata", "labels", v_mkey]) == common.get(v_meshallow, ["spec", "selector", "matchLabels", v_mkey])

_check_63(v_meshallow, v_meshgateway, v_mkey) if common.get(v_meshgateway, ["spec", "template", "metadata", "labels", v_mkey]) == common.get(v_meshallow, ["spec", "selector", "matchLabels", v_mkey])

# every Pod, Deployment
_objects_1 := common.objects_of([{"group": "", "kind": "Pod"}, {"group": "apps", "kind": "Deployment"}])

# Pod, Deployment objects, by namespace: a complete rule, so every engine builds it
# once per query, by sorting (key, position in _objects_1) pairs.
_related_1 := common.group(
	sort([[key, i] |
		some i in common.positions(_objects_1)
		v_gateway := _objects_1[i]
		key := common.namespace(v_gateway)
	]),
	_objects_1,
)

# _related_1_of(keys) holds the objects _related_1 holds under any of keys. conftest and the
# embedded engine check every document in one query and read the index; Gatekeeper reviews one
# object per query, where one scan for the keys costs less than building the index.
_related_1_of(keys) := union({object.get(_related_1, [k], set()) | some k in keys}) if common.combined

_related_1_of(keys) := {v_gateway |
	some ns in keys
	some v_gateway in common.objects_in([{"group": "", "kind": "Pod"}, {"group": "apps", "kind": "Deployment"}], ns)
	key := common.namespace(v_gateway)
	key in keys
} if {
	not common.combined
}

# every AuthorizationPolicy
_objects_2 := common.objects_of([{"group": "security.istio.io", "kind": "AuthorizationPolicy"}])

# the AuthorizationPolicy objects that pass the relation's own conditions
_related_2 := [v_allow | some v_allow in _objects_2; _check_22(v_allow); _check_23(v_allow); _check_24(v_allow); _check_25(v_allow); _check_26(v_allow)]

# the AuthorizationPolicy objects that pass the relation's own conditions
_related_4 := [v_meshallow | some v_meshallow in _objects_2; _check_49(v_meshallow); _check_50(v_meshallow); _check_51(v_meshallow); _check_52(v_meshallow); _check_53(v_meshallow)]
