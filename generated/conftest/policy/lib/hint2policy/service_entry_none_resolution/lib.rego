# METADATA
# title: "ServiceEntries with NONE resolution must have CIDR addresses"
# description: "With resolution NONE the sidecar forwards a connection to whatever destination IP the application dialled. Without addresses the entry's listener matches every IP on its ports, so one ServiceEntry opens those ports to the whole internet and defeats egress control. Listing CIDR blocks in spec.addresses limits the entry to those ranges. The hint therefore requires, when resolution is NONE, at least one address and every address to be a CIDR block (address/prefix length; a single host is written /32 or /128), and rejects the /0 blocks 0.0.0.0/0 and ::/0, which match every IP again. NONE is the value of an absent resolution field in Istio's API (enum value 0), so a ServiceEntry without resolution is held to the same rule. No namespace is excluded: an entry in istio-system, the root configuration namespace, is exported to every namespace and is the most dangerous place for an open one."
# custom:
#   hint: service-entry-none-resolution
#   source: hints/service-entry-none-resolution/hint.yaml
package lib.hint2policy.service_entry_none_resolution

import data.lib.hint2policy.common

# violations is the set of messages for every way subject breaks the hint.
violations(subject) := {msg |
	not _check_1(subject)
	msg := sprintf("ServiceEntry %s/%s uses resolution NONE (explicitly or by default) without limiting spec.addresses to CIDR blocks: it lets traffic through to any IP on its ports", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"]))])
}

_check_1(subject) if {
	_check_2(subject)
} else if {
	_check_3(subject)
}

_check_2(subject) if subject.spec.resolution in ["STATIC", "DNS", "DNS_ROUND_ROBIN"]

_check_3(subject) if {
	_check_4(subject)
	_check_5(subject)
}

_check_4(subject) if {
	value := subject.spec.addresses
	common.has_size(value)
	count(value) > 0
}

_check_5(subject) if {
	every v_address in common.list(common.get(subject, ["spec", "addresses"])) {
		_check_6(v_address)
	}
}

_check_6(v_address) if {
	is_string(v_address)
	common.regex_match(`^[0-9a-fA-F.:]+/[1-9][0-9]{0,2}$`, v_address)
}
