# METADATA
# title: "Prefer exact VirtualService hosts to wildcard hosts"
# description: "A wildcard host (`*`, `*.example.com`, `*.svc.cluster.local`) makes a VirtualService apply to names its author may never have thought of, and because VirtualServices are not inherited, a more specific rule written later for one of those names silently replaces all of the wildcard's settings (retries, timeouts, fault injection, header rules) for that name instead of adding to them. The result depends on which other VirtualServices exist, which no single manifest shows. The hint flags every entry of spec.hosts that contains `*` and names it, in every namespace, which covers Kyverno's restrict-virtual-service-wildcard policy (same condition, no exclusions). It is a low-severity warning, not a denial: wildcards are legitimate and common on ingress (a VirtualService for `*.example.com` behind a wildcard certificate, the `*` catch-all of a gateway that routes on the Authority header, which gateway-tls-sni even offers as a remedy), so the hint asks for a review rather than forbidding them. Short hosts are virtual-service-fqdn-hosts' concern."
# custom:
#   hint: virtual-service-wildcard-hosts
#   severity: low
#   source: hints/virtual-service-wildcard-hosts/hint.yaml
package hint2policy.virtual_service_wildcard_hosts

import data.lib.hint2policy.common
import data.lib.hint2policy.virtual_service_wildcard_hosts as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"VirtualService": ["networking.istio.io"]}

# METADATA
# title: "Prefer exact VirtualService hosts to wildcard hosts"
# entrypoint: true
warn contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj)
	not common.exempt(obj, "virtual-service-wildcard-hosts") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "virtual-service-wildcard-hosts",
		"severity": "low",
		"file": doc.path,
		"resource": {
			"apiVersion": common.get(obj, ["apiVersion"]),
			"kind": common.get(obj, ["kind"]),
			"namespace": common.get(obj, ["metadata", "namespace"]),
			"name": common.get(obj, ["metadata", "name"]),
		},
	}
}
