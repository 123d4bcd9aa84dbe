# METADATA
# title: "VirtualServices for another namespace's Service must be exported only to their own namespace"
# description: "A VirtualService is exported to every namespace unless spec.exportTo says otherwise. When a consumer namespace writes one for a Service it does not own, every sidecar in the mesh then sees two VirtualServices for the same host, the owner's and the consumer's; Istio uses only one of them (which one depends on creation order and on the proxy's namespace, not on the author's intent) and the consumer's retries, timeouts or routing can silently replace the owner's for all clients. Limiting the consumer's rule to its own namespace keeps the override where it belongs. The hint recognises a Kubernetes Service of another namespace by its host: `<name>.<namespace>.svc.<domain>` (any first label, including `*`) whose namespace label is not the VirtualService's own (the host does not contain `.<own namespace>.svc.`). Such a VirtualService must have a non-empty spec.exportTo whose every entry is \".\" or its own namespace's name; absent, empty, \"*\" and other namespaces (including the Service's) are flagged. Not recognised: the short cross-namespace form `reviews.bookinfo` (indistinguishable from an external name by its shape), ServiceEntry hosts of other namespaces, and wildcards such as `*.svc.cluster.local`. A VirtualService bound only to an ingress gateway in another namespace must stay visible to that gateway, so exportTo \".\" would break it; such rules usually route external names, not `.svc.` hosts, and are not affected. Namespaces in trustedNamespaces (by default istio-system, where only the platform team writes) are exempt: the seed's concern applies \"unless configuration access is tightly controlled\", and a platform team may deliberately publish mesh-wide routing there. It denies, with medium severity, because the violation changes the traffic of other teams' clients without their knowledge, and the fix (exportTo [\".\"]) costs the author nothing: its own namespace keeps the rule."
# custom:
#   hint: virtual-service-cross-namespace-export
#   source: hints/virtual-service-cross-namespace-export/hint.yaml
package lib.hint2policy.virtual_service_cross_namespace_export

import data.lib.hint2policy.common

# Parameter defaults; a Constraint's parameters or conftest data override them.
_defaults := {"trustedNamespaces": ["istio-system"]}

# violations is the set of messages for every way subject breaks the hint (overrides: parameter values).
violations(subject, overrides) := {msg |
	params := object.union(_defaults, overrides)
	not _check_1(subject, params)
	msg := sprintf("VirtualService %s/%s configures a Service of another namespace but is visible outside %s; restrict it with spec.exportTo: [\".\"] so it cannot override the owner's routing for other clients", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"])), common.text(common.get(subject, ["metadata", "namespace"]))])
}

_check_1(subject, params) if {
	_check_2(subject, params)
} else if {
	_check_3(subject)
} else if {
	_check_8(subject)
}

_check_2(subject, params) if common.get(subject, ["metadata", "namespace"]) in params.trustedNamespaces

_check_3(subject) if {
	every v_host in common.list(common.get(subject, ["spec", "hosts"])) {
		_check_4(subject, v_host)
	}
}

_check_4(subject, v_host) if {
	_check_5(v_host)
} else if {
	_check_7(subject, v_host)
}

_check_5(v_host) if not _check_6(v_host)

_check_6(v_host) if {
	is_string(v_host)
	common.regex_match(`^[^.]+\.[^.]+\.svc\.`, v_host)
}

_check_7(subject, v_host) if {
	part_1 := subject.metadata.namespace
	is_string(part_1)
	is_string(v_host)
	contains(v_host, concat("", [".", part_1, ".svc."]))
}

_check_8(subject) if {
	_check_9(subject)
	_check_10(subject)
}

_check_9(subject) if {
	value := subject.spec.exportTo
	common.has_size(value)
	count(value) > 0
}

_check_10(subject) if {
	every v_scope in common.list(common.get(subject, ["spec", "exportTo"])) {
		_check_11(subject, v_scope)
	}
}

_check_11(subject, v_scope) if {
	_check_12(v_scope)
} else if {
	_check_13(subject, v_scope)
}

_check_12(v_scope) if v_scope == "."

_check_13(subject, v_scope) if {
	part_1 := subject.metadata.namespace
	is_string(part_1)
	v_scope == concat("", [part_1])
}
