# METADATA
# title: "ServiceEntries outside approved namespaces must be exported only to their own namespace"
# description: "A ServiceEntry adds a host to the mesh's service registry. Its exportTo defaults to every namespace (unless meshConfig.defaultServiceExportTo says otherwise, which a manifest does not show), so an entry written in one application namespace grants every namespace's sidecars a route to that external host (with outboundTrafficPolicy REGISTRY_ONLY, it is what makes the host reachable at all) and can shadow or conflict with the platform's entry for the same host. The hint keeps that decision with the platform team: an entry is compliant when it lives in one of approvedNamespaces (by default istio-system and istio-egress, where the platform team reviews egress), or when its exportTo is non-empty and every entry is \".\" or the entry's own namespace, so it opens the host to its author's namespace only. An absent or empty exportTo, \"*\", or any other namespace is flagged. What the hint cannot judge is whether a namespace-local entry is \"arbitrary\" external access: that still needs review (RBAC on ServiceEntry, egress gateways, AuthorizationPolicy on the egress gateway); the hint makes sure no single team can widen egress for the whole mesh. It warns (the seed asks for close monitoring, and namespace-local entries are a normal way for teams to declare their own dependencies) with medium severity, since a mesh-wide entry changes egress for every namespace. No namespace is excluded by the match; the approved namespaces are a parameter instead, so conftest and Gatekeeper users can name their own."
# custom:
#   hint: service-entry-namespaces
#   source: hints/service-entry-namespaces/hint.yaml
package lib.hint2policy.service_entry_namespaces

import data.lib.hint2policy.common

# Parameter defaults; a Constraint's parameters or conftest data override them.
_defaults := {"approvedNamespaces": ["istio-system", "istio-egress"]}

# violations is the set of messages for every way subject breaks the hint (overrides: parameter values).
violations(subject, overrides) := {msg |
	params := object.union(_defaults, overrides)
	not _check_1(subject, params)
	msg := sprintf("ServiceEntry %s/%s is outside the approved egress namespaces and is not limited to its own namespace (spec.exportTo: [\".\"]): it opens its hosts to other namespaces", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"]))])
}

_check_1(subject, params) if {
	_check_2(subject, params)
} else if {
	_check_3(subject)
}

_check_2(subject, params) if common.get(subject, ["metadata", "namespace"]) in params.approvedNamespaces

_check_3(subject) if {
	_check_4(subject)
	_check_5(subject)
}

_check_4(subject) if {
	value := subject.spec.exportTo
	common.has_size(value)
	count(value) > 0
}

_check_5(subject) if {
	every v_scope in common.list(common.get(subject, ["spec", "exportTo"])) {
		_check_6(subject, v_scope)
	}
}

_check_6(subject, v_scope) if {
	_check_7(v_scope)
} else if {
	_check_8(subject, v_scope)
}

_check_7(v_scope) if v_scope == "."

_check_8(subject, v_scope) if {
	part_1 := subject.metadata.namespace
	is_string(part_1)
	v_scope == concat("", [part_1])
}
