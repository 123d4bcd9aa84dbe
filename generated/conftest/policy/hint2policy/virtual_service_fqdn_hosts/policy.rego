# METADATA
# title: "VirtualService hosts must not be short names"
# description: "Istio expands a short host such as `reviews` with the namespace of the VirtualService itself, not with the namespace of the Service it means: a rule in namespace `default` for `reviews` applies to reviews.default.svc.cluster.local, whatever namespace the reviews Service lives in. The same manifest therefore means a different service in every namespace it is applied to, and silently matches nothing when the service is elsewhere. The hint flags every entry of spec.hosts that contains no \".\" (the seed's and Istio's definition of a short name) and names it. The catch-all `*` is the one dot-less host it accepts: it is not a short name but a wildcard, and virtual-service-wildcard-hosts deals with it. Wildcard domains (`*.example.com`), Kubernetes names with a namespace (`reviews.bookinfo.svc.cluster.local`) and IP addresses contain a dot and pass. A VirtualService without hosts (a delegate) has nothing to check. Destination hosts in the routes are not checked by this hint: the seed's sentence is about the hosts a VirtualService is for. It is a warning, not a denial, because the seed says \"avoid\" and many manifests copied from Istio's samples use short names that work as long as the rule and the service share a namespace; medium, because when they do not, routing rules silently stop applying. No namespace is excluded: the expansion rule is the same everywhere."
# custom:
#   hint: virtual-service-fqdn-hosts
#   severity: medium
#   source: hints/virtual-service-fqdn-hosts/hint.yaml
package hint2policy.virtual_service_fqdn_hosts

import data.lib.hint2policy.common
import data.lib.hint2policy.virtual_service_fqdn_hosts as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"VirtualService": ["networking.istio.io"]}

# METADATA
# title: "VirtualService hosts must not be short names"
# entrypoint: true
warn contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj)
	not common.exempt(obj, "virtual-service-fqdn-hosts") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "virtual-service-fqdn-hosts",
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
