# METADATA
# title: "ALLOW AuthorizationPolicies must match positively, without not-fields"
# description: "Istio's security best practices recommend the ALLOW-with-positive-matching and DENY-with-negative-matching patterns for authorization policies: with them the worst result of a policy that does not match as intended is an unexpected 403, not an authorization bypass. An ALLOW policy that matches negatively (\"allow every path except /admin\", \"allow every namespace except sandbox\") fails open: any request the not-list does not recognise is allowed, whether it is a path spelled differently than the policy expects (normalization, case, encoded or doubled slashes, a trailing slash), a method or host variant, or a namespace, principal or IP range that did not exist when the list was written. A positive ALLOW lists what is allowed, so anything unforeseen is denied. The hint flags each rule of an ALLOW policy (spec.action ALLOW or absent, which means ALLOW) that uses a negative field: notPrincipals, notRequestPrincipals, notNamespaces, notServiceAccounts, notIpBlocks or notRemoteIpBlocks in from[].source, notHosts, notPorts, notMethods or notPaths in to[].operation, or notValues in when[]. An empty not-list is the same as an absent field (no condition) and is not flagged. The check runs rule by rule, but rules carry no name to report, so a policy gets one message however many of its rules are flagged. DENY policies are left to authorization-policy-deny-negative-match, which checks the mirror pattern; AUDIT policies do not decide access, and the rules of a CUSTOM policy only select which requests go to the external authorizer, for which Istio's page gives no pattern. Severity is high because the failure is an authorization bypass, and the action deny because an ALLOW policy can always be written positively: listing what is allowed is what an ALLOW policy is for. No namespace is excluded: an ALLOW policy in the root namespace (istio-system) applies to the whole mesh."
# custom:
#   hint: authorization-policy-positive-match
#   source: hints/authorization-policy-positive-match/hint.yaml
package lib.hint2policy.authorization_policy_positive_match

import data.lib.hint2policy.common

# violations is the set of messages for every way subject breaks the hint.
violations(subject) := {msg |
	some v_rule in common.list(common.get(subject, ["spec", "rules"]))
	not _check_1(subject, v_rule)
	msg := sprintf("AuthorizationPolicy %s/%s (ALLOW) has a rule with negative matching (a not- field in from, to or when): requests the not-list does not foresee are allowed; list what is allowed instead", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"]))])
}

_check_1(subject, v_rule) if {
	_check_2(subject)
} else if {
	_check_3(v_rule)
}

_check_2(subject) if subject.spec.action in ["DENY", "AUDIT", "CUSTOM"]

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
	value := v_src.source.notPrincipals
	common.has_size(value)
	count(value) > 0
}

_check_8(v_src) if not _check_9(v_src)

_check_9(v_src) if {
	value := v_src.source.notRequestPrincipals
	common.has_size(value)
	count(value) > 0
}

_check_10(v_src) if not _check_11(v_src)

_check_11(v_src) if {
	value := v_src.source.notNamespaces
	common.has_size(value)
	count(value) > 0
}

_check_12(v_src) if not _check_13(v_src)

_check_13(v_src) if {
	value := v_src.source.notServiceAccounts
	common.has_size(value)
	count(value) > 0
}

_check_14(v_src) if not _check_15(v_src)

_check_15(v_src) if {
	value := v_src.source.notIpBlocks
	common.has_size(value)
	count(value) > 0
}

_check_16(v_src) if not _check_17(v_src)

_check_17(v_src) if {
	value := v_src.source.notRemoteIpBlocks
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
	value := v_dst.operation.notHosts
	common.has_size(value)
	count(value) > 0
}

_check_22(v_dst) if not _check_23(v_dst)

_check_23(v_dst) if {
	value := v_dst.operation.notPorts
	common.has_size(value)
	count(value) > 0
}

_check_24(v_dst) if not _check_25(v_dst)

_check_25(v_dst) if {
	value := v_dst.operation.notMethods
	common.has_size(value)
	count(value) > 0
}

_check_26(v_dst) if not _check_27(v_dst)

_check_27(v_dst) if {
	value := v_dst.operation.notPaths
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
	value := v_condition.notValues
	common.has_size(value)
	count(value) > 0
}
