# METADATA
# title: "Address-less ServiceEntries on one port must share one protocol, HTTP or TLS"
# description: "Without spec.addresses a ServiceEntry has no IP of its own, so its port becomes a 0.0.0.0:<port> listener shared with every other address-less entry on that port. The listener can tell the entries apart only by something in the traffic: the Host header when all of them speak HTTP, the SNI when all of them speak TLS (HTTPS in Istio's protocol names). Mixing protocols on the port, or sharing it between entries of an opaque protocol (TCP, MONGO, unset), leaves one listener with no way to choose, and connections go to whichever entry won. Independently of addresses, one host and port can carry only one protocol: Istio builds one service per host, so two entries giving example.com:443 different protocols leave traffic with a protocol nobody expected (istioctl IST0177). The check looks at each port of a ServiceEntry and flags it when another ServiceEntry whose exportTo scope overlaps the entry's own (absent or empty exportTo is every namespace, \".\" the own namespace, \"~\" none) declares a port with the same number and either (a) a different protocol, while the two entries share a host (compared as written) or both have no addresses, or (b) both have no addresses and the protocol is not one that the shared listener can split by Host header or SNI (sharedPortProtocols: HTTP, HTTPS and TLS by default; add HTTP2 or GRPC if your mesh routes them by Host header). An unset protocol counts as its own value, so two address-less entries on one port without a protocol are flagged like two TCP entries. exportTo matters: two entries exported into disjoint namespaces never meet in one proxy and build no shared listener, so they are not flagged; Sidecar resources that narrow the imports further are not considered. An entry counts as address-less when spec.addresses is absent or empty and, if the mesh gives such entries a VIP through DNS address auto-allocation, its resolution is not in autoAllocatedResolutions (empty by default; set [DNS] or [DNS, DNS_ROUND_ROBIN] when auto-allocation is on) or it has a wildcard host, which is never allocated an address. Address-less entries with different ports, with the same HTTP, HTTPS or TLS protocol on a shared port, entries on one host and port that agree on the protocol (service-entry-unique-host covers the duplicate host), and an older version of the same entry are not flagged. Protocol names are compared as written: Istio reads \"http\" and \"HTTP\" alike, the check does not, so mixed spellings of one protocol are reported; write protocols in upper case. Both entries of a colliding pair are flagged. It warns, of medium severity: the collision misroutes traffic on that port, but which entry loses depends on the mesh version and its auto-allocation settings, so the finding asks for a review rather than blocking the entry."
# custom:
#   hint: service-entry-addressless-protocol
#   severity: medium
#   source: hints/service-entry-addressless-protocol/hint.yaml
package hint2policy.service_entry_addressless_protocol

import data.lib.hint2policy.common
import data.lib.hint2policy.service_entry_addressless_protocol as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"ServiceEntry": ["networking.istio.io"]}

# Users override parameters with conftest --data: {"hint2policy": {"parameters": {"<hint>": {...}}}}.
default _overrides := {}

_overrides := data.hint2policy.parameters["service-entry-addressless-protocol"]

# METADATA
# title: "Address-less ServiceEntries on one port must share one protocol, HTTP or TLS"
# entrypoint: true
# description: Relates objects to each other, so it reports only under conftest test --combine.
warn contains result if {
	# relating objects needs every manifest at once: conftest test --combine
	common.combined
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj, _overrides)
	not common.exempt(obj, "service-entry-addressless-protocol") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "service-entry-addressless-protocol",
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
