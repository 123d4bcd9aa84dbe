# METADATA
# title: "VirtualService hosts must not be short names"
# description: "Istio expands a short host such as `reviews` with the namespace of the VirtualService itself, not with the namespace of the Service it means: a rule in namespace `default` for `reviews` applies to reviews.default.svc.cluster.local, whatever namespace the reviews Service lives in. The same manifest therefore means a different service in every namespace it is applied to, and silently matches nothing when the service is elsewhere. The hint flags every entry of spec.hosts that contains no \".\" (the seed's and Istio's definition of a short name) and names it. The catch-all `*` is the one dot-less host it accepts: it is not a short name but a wildcard, and virtual-service-wildcard-hosts deals with it. Wildcard domains (`*.example.com`), Kubernetes names with a namespace (`reviews.bookinfo.svc.cluster.local`) and IP addresses contain a dot and pass. A VirtualService without hosts (a delegate) has nothing to check. Destination hosts in the routes are not checked by this hint: the seed's sentence is about the hosts a VirtualService is for. It is a warning, not a denial, because the seed says \"avoid\" and many manifests copied from Istio's samples use short names that work as long as the rule and the service share a namespace; medium, because when they do not, routing rules silently stop applying. No namespace is excluded: the expansion rule is the same everywhere."
# custom:
#   hint: virtual-service-fqdn-hosts
#   source: hints/virtual-service-fqdn-hosts/hint.yaml
package lib.hint2policy.virtual_service_fqdn_hosts

import data.lib.hint2policy.common

# violations is the set of messages for every way subject breaks the hint.
violations(subject) := {msg |
	some v_host in common.list(common.get(subject, ["spec", "hosts"]))
	not _check_1(v_host)
	msg := sprintf("VirtualService %s/%s has the short host %s: Istio expands it with the VirtualService's namespace, so use a fully qualified name (e.g. %s.<namespace>.svc.cluster.local)", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"])), common.text(v_host), common.text(v_host)])
}

_check_1(v_host) if {
	_check_2(v_host)
} else if {
	_check_3(v_host)
}

_check_2(v_host) if {
	is_string(v_host)
	contains(v_host, ".")
}

_check_3(v_host) if v_host == "*"
