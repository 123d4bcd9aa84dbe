# METADATA
# title: "Prefer negative matching (not-fields) in DENY AuthorizationPolicies"
# description: "Istio's security best practices recommend the ALLOW-with-positive-matching and DENY-with-negative-matching patterns: the DENY action used only with negative fields (notPaths, notValues, ...) and none of the positive ones (paths, values, ...), because then the worst result of a mismatch is an unexpected 403 instead of an authorization bypass. A DENY rule that matches positively (\"deny /admin\") is a blocklist and fails open: a request the list does not foresee is not denied, whether it is a path spelled differently than the policy expects (normalization, case, encoded or doubled slashes, a trailing slash), a host or method variant, or a namespace, principal or IP range added after the list was written. The negative form (\"deny everything but /public\") denies whatever it does not recognise. The hint reports a DENY policy with a rule that uses a positive field: principals, requestPrincipals, namespaces, serviceAccounts, ipBlocks or remoteIpBlocks in from[].source, hosts, ports, methods or paths in to[].operation, or values in when[]. A rule with only negative fields, and a rule with no fields at all (which denies everything), pass. An empty list is the same as an absent field (no condition) and is not reported. ALLOW policies are authorization-policy-positive-match's concern; AUDIT and CUSTOM policies are not checked (see there). This is the companion of authorization-policy-positive-match, but a warning of medium severity, not a denial: Istio asks for the pattern \"whenever possible\", and a targeted positive DENY is often the only practical way to carve one path or one caller out of traffic that other policies allow; it is the common way DENY is used. Such a policy is only as safe as the path normalization in front of it (MeshConfig pathNormalization, which the same page covers), so each one deserves a review, not a rejection. No namespace is excluded: a DENY policy in the root namespace (istio-system) applies to the whole mesh."
# custom:
#   hint: authorization-policy-deny-negative-match
#   source: hints/authorization-policy-deny-negative-match/hint.yaml
package lib.hint2policy.authorization_policy_deny_negative_match

import data.lib.hint2policy.common

# violations is the set of messages for every way subject breaks the hint.
violations(subject) := {msg |
	some v_rule in common.list(common.get(subject, ["spec", "rules"]))
	not _check_1(subject, v_rule)
	msg := sprintf("AuthorizationPolicy %s/%s (DENY) has a rule with positive matching (principals, namespaces, paths, values, ...): requests the list does not foresee are not denied; prefer not- fields (DENY-with-negative-matching) or a positive ALLOW", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"]))])
}

_check_1(subject, v_rule) if {
	_check_2(subject)
} else if {
	_check_3(v_rule)
}

_check_2(subject) if not subject.spec.action == "DENY"

_check_3(v_rule) if {
	_check_4(v_rule)
	_check_18(v_rule)
	_check_28(v_rule)
}

_check_4(v_rule) if {
	every v_src in common.list(common.get(v_rule, ["from"])) {
		_check_5(v_src)
	}
}

_check_5(v_src) if {
	_check_6(v_src)
	_check_8(v_src)
	_check_10(v_src)
	_check_12(v_src)
	_check_14(v_src)
	_check_16(v_src)
}

_check_6(v_src) if not _check_7(v_src)

_check_7(v_src) if {
	value := v_src.source.principals
	common.has_size(value)
	count(value) > 0
}

_check_8(v_src) if not _check_9(v_src)

_check_9(v_src) if {
	value := v_src.source.requestPrincipals
	common.has_size(value)
	count(value) > 0
}

_check_10(v_src) if not _check_11(v_src)

_check_11(v_src) if {
	value := v_src.source.namespaces
	common.has_size(value)
	count(value) > 0
}

_check_12(v_src) if not _check_13(v_src)

_check_13(v_src) if {
	value := v_src.source.serviceAccounts
	common.has_size(value)
	count(value) > 0
}

_check_14(v_src) if not _check_15(v_src)

_check_15(v_src) if {
	value := v_src.source.ipBlocks
	common.has_size(value)
	count(value) > 0
}

_check_16(v_src) if not _check_17(v_src)

_check_17(v_src) if {
	value := v_src.source.remoteIpBlocks
	common.has_size(value)
	count(value) > 0
}

_check_18(v_rule) if {
	every v_dst in common.list(common.get(v_rule, ["to"])) {
		_check_19(v_dst)
	}
}

_check_19(v_dst) if {
	_check_20(v_dst)
	_check_22(v_dst)
	_check_24(v_dst)
	_check_26(v_dst)
}

_check_20(v_dst) if not _check_21(v_dst)

_check_21(v_dst) if {
	value := v_dst.operation.hosts
	common.has_size(value)
	count(value) > 0
}

_check_22(v_dst) if not _check_23(v_dst)

_check_23(v_dst) if {
	value := v_dst.operation.ports
	common.has_size(value)
	count(value) > 0
}

_check_24(v_dst) if not _check_25(v_dst)

_check_25(v_dst) if {
	value := v_dst.operation.methods
	common.has_size(value)
	count(value) > 0
}

_check_26(v_dst) if not _check_27(v_dst)

_check_27(v_dst) if {
	value := v_dst.operation.paths
	common.has_size(value)
	count(value) > 0
}

_check_28(v_rule) if {
	every v_condition in common.list(common.get(v_rule, ["when"])) {
		_check_29(v_condition)
	}
}

_check_29(v_condition) if not _check_30(v_condition)

_check_30(v_condition) if {
	value := v_condition.values
	common.has_size(value)
	count(value) > 0
}
