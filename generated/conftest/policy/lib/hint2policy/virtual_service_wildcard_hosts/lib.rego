# METADATA
# title: "Prefer exact VirtualService hosts to wildcard hosts"
# description: "A wildcard host (`*`, `*.example.com`, `*.svc.cluster.local`) makes a VirtualService apply to names its author may never have thought of, and because VirtualServices are not inherited, a more specific rule written later for one of those names silently replaces all of the wildcard's settings (retries, timeouts, fault injection, header rules) for that name instead of adding to them. The result depends on which other VirtualServices exist, which no single manifest shows. The hint flags every entry of spec.hosts that contains `*` and names it, in every namespace, which covers Kyverno's restrict-virtual-service-wildcard policy (same condition, no exclusions). It is a low-severity warning, not a denial: wildcards are legitimate and common on ingress (a VirtualService for `*.example.com` behind a wildcard certificate, the `*` catch-all of a gateway that routes on the Authority header, which gateway-tls-sni even offers as a remedy), so the hint asks for a review rather than forbidding them. Short hosts are virtual-service-fqdn-hosts' concern."
# custom:
#   hint: virtual-service-wildcard-hosts
#   source: hints/virtual-service-wildcard-hosts/hint.yaml
package lib.hint2policy.virtual_service_wildcard_hosts

import data.lib.hint2policy.common

# violations is the set of messages for every way subject breaks the hint.
violations(subject) := {msg |
	some v_host in common.list(common.get(subject, ["spec", "hosts"]))
	not _check_1(v_host)
	msg := sprintf("VirtualService %s/%s has the wildcard host %s: a more specific VirtualService for a matching name replaces all of its settings; prefer exact hosts", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"])), common.text(v_host)])
}

_check_1(v_host) if not _check_2(v_host)

_check_2(v_host) if {
	is_string(v_host)
	contains(v_host, "*")
}
