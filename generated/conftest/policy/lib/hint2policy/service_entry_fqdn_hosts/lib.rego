# METADATA
# title: "ServiceEntry hosts must be fully qualified domain names"
# description: "A ServiceEntry host is matched literally against the Host header, the SNI name or the DNS name the application asks for, and with DNS resolution it is the name the sidecar itself resolves. A short name such as `payments` is not expanded the way Kubernetes DNS search paths expand it for the application, so it matches a different name in every namespace, collides with the short names of Kubernetes Services and gives undefined routing. Only names containing a dot are accepted; a wildcard such as `*.example.com` is a fully qualified pattern and passes. A missing hosts list is left to Istio's own validation, which rejects it. No namespace is excluded: a short host in istio-system (the root configuration namespace) is exported to every namespace and does the most damage, and the platform team's own entries have no reason to use short names."
# custom:
#   hint: service-entry-fqdn-hosts
#   source: hints/service-entry-fqdn-hosts/hint.yaml
package lib.hint2policy.service_entry_fqdn_hosts

import data.lib.hint2policy.common

# violations is the set of messages for every way subject breaks the hint.
violations(subject) := {msg |
	some v_host in common.list(common.get(subject, ["spec", "hosts"]))
	not _check_1(v_host)
	msg := sprintf("ServiceEntry %s/%s has the short host %s: use a fully qualified domain name (one containing a '.')", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"])), common.text(v_host)])
}

_check_1(v_host) if {
	is_string(v_host)
	contains(v_host, ".")
}
