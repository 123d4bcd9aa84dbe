# METADATA
# title: "HTTP routes should match URIs by exact or prefix, not by regular expression"
# description: "Envoy evaluates a regex URI match (RE2) on every request that reaches the route, after every earlier route has failed to match, while exact and prefix matches are plain string comparisons. Regular expressions are also easy to get subtly wrong: Envoy matches the whole path, so `/api` does not match `/api/v1`, an unescaped `.` matches any character, and a broad pattern placed early shadows the routes below it. The hint flags every match of every HTTP route (spec.http[].match[]) that has uri.regex and names the expression. It looks only at the URI, because the seed speaks of URL matches: regexes on headers, query parameters, authority, scheme or method, and in CORS allowOrigins, are not flagged, and neither is a route without a match (the default route) or a VirtualService with only tcp or tls routes. It is a warning of medium severity: a regex is sometimes the only way to express a path template (`/users/[0-9]+/orders`), but each one costs latency on a hot path and deserves a reviewer's look. No namespace is excluded: routes in istio-system's gateway VirtualServices are the busiest of all."
# custom:
#   hint: virtual-service-regex-uri
#   severity: medium
#   source: hints/virtual-service-regex-uri/hint.yaml
package hint2policy.virtual_service_regex_uri

import data.lib.hint2policy.common
import data.lib.hint2policy.virtual_service_regex_uri as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"VirtualService": ["networking.istio.io"]}

# METADATA
# title: "HTTP routes should match URIs by exact or prefix, not by regular expression"
# entrypoint: true
warn contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj)
	not common.exempt(obj, "virtual-service-regex-uri") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "virtual-service-regex-uri",
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
