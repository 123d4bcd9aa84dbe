# METADATA
# title: "ALLOW AuthorizationPolicies must match positively, without not-fields"
# description: "Istio's security best practices recommend the ALLOW-with-positive-matching and DENY-with-negative-matching patterns for authorization policies: with them the worst result of a policy that does not match as intended is an unexpected 403, not an authorization bypass. An ALLOW policy that matches negatively (\"allow every path except /admin\", \"allow every namespace except sandbox\") fails open: any request the not-list does not recognise is allowed, whether it is a path spelled differently than the policy expects (normalization, case, encoded or doubled slashes, a trailing slash), a method or host variant, or a namespace, principal or IP range that did not exist when the list was written. A positive ALLOW lists what is allowed, so anything unforeseen is denied. The hint flags each rule of an ALLOW policy (spec.action ALLOW or absent, which means ALLOW) that uses a negative field: notPrincipals, notRequestPrincipals, notNamespaces, notServiceAccounts, notIpBlocks or notRemoteIpBlocks in from[].source, notHosts, notPorts, notMethods or notPaths in to[].operation, or notValues in when[]. An empty not-list is the same as an absent field (no condition) and is not flagged. The check runs rule by rule, but rules carry no name to report, so a policy gets one message however many of its rules are flagged. DENY policies are left to authorization-policy-deny-negative-match, which checks the mirror pattern; AUDIT policies do not decide access, and the rules of a CUSTOM policy only select which requests go to the external authorizer, for which Istio's page gives no pattern. Severity is high because the failure is an authorization bypass, and the action deny because an ALLOW policy can always be written positively: listing what is allowed is what an ALLOW policy is for. No namespace is excluded: an ALLOW policy in the root namespace (istio-system) applies to the whole mesh."
# custom:
#   hint: authorization-policy-positive-match
#   severity: high
#   source: hints/authorization-policy-positive-match/hint.yaml
package hint2policy.authorization_policy_positive_match

import data.lib.hint2policy.authorization_policy_positive_match as hint
import data.lib.hint2policy.common

# the kinds the hint reviews: each name with its API groups
_groups := {"AuthorizationPolicy": ["security.istio.io"]}

# METADATA
# title: "ALLOW AuthorizationPolicies must match positively, without not-fields"
# entrypoint: true
deny contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj)
	not common.exempt(obj, "authorization-policy-positive-match") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "authorization-policy-positive-match",
		"severity": "high",
		"file": doc.path,
		"resource": {
			"apiVersion": common.get(obj, ["apiVersion"]),
			"kind": common.get(obj, ["kind"]),
			"namespace": common.get(obj, ["metadata", "namespace"]),
			"name": common.get(obj, ["metadata", "name"]),
		},
	}
}
