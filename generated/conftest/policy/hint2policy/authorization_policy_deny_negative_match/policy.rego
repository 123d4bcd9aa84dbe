# METADATA
# title: "Prefer negative matching (not-fields) in DENY AuthorizationPolicies"
# description: "Istio's security best practices recommend the ALLOW-with-positive-matching and DENY-with-negative-matching patterns: the DENY action used only with negative fields (notPaths, notValues, ...) and none of the positive ones (paths, values, ...), because then the worst result of a mismatch is an unexpected 403 instead of an authorization bypass. A DENY rule that matches positively (\"deny /admin\") is a blocklist and fails open: a request the list does not foresee is not denied, whether it is a path spelled differently than the policy expects (normalization, case, encoded or doubled slashes, a trailing slash), a host or method variant, or a namespace, principal or IP range added after the list was written. The negative form (\"deny everything but /public\") denies whatever it does not recognise. The hint reports a DENY policy with a rule that uses a positive field: principals, requestPrincipals, namespaces, serviceAccounts, ipBlocks or remoteIpBlocks in from[].source, hosts, ports, methods or paths in to[].operation, or values in when[]. A rule with only negative fields, and a rule with no fields at all (which denies everything), pass. An empty list is the same as an absent field (no condition) and is not reported. ALLOW policies are authorization-policy-positive-match's concern; AUDIT and CUSTOM policies are not checked (see there). This is the companion of authorization-policy-positive-match, but a warning of medium severity, not a denial: Istio asks for the pattern \"whenever possible\", and a targeted positive DENY is often the only practical way to carve one path or one caller out of traffic that other policies allow; it is the common way DENY is used. Such a policy is only as safe as the path normalization in front of it (MeshConfig pathNormalization, which the same page covers), so each one deserves a review, not a rejection. No namespace is excluded: a DENY policy in the root namespace (istio-system) applies to the whole mesh."
# custom:
#   hint: authorization-policy-deny-negative-match
#   severity: medium
#   source: hints/authorization-policy-deny-negative-match/hint.yaml
package hint2policy.authorization_policy_deny_negative_match

import data.lib.hint2policy.authorization_policy_deny_negative_match as hint
import data.lib.hint2policy.common

# the kinds the hint reviews: each name with its API groups
_groups := {"AuthorizationPolicy": ["security.istio.io"]}

# METADATA
# title: "Prefer negative matching (not-fields) in DENY AuthorizationPolicies"
# entrypoint: true
warn contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj)
	not common.exempt(obj, "authorization-policy-deny-negative-match") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "authorization-policy-deny-negative-match",
		"severity": "medium",
		"file": doc.path,
		"resource": {
			"apiVersion": common.get(obj, ["apiVersion"]),
			"kind": common.get(obj, ["kind"]),
			"namespace": common.get(obj, ["metadata", "namespace"]),
			"name": common.get(obj, ["metadata", "name"]),
		},
	}
}
