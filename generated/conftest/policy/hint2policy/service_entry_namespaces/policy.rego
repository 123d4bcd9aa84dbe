# METADATA
# title: "ServiceEntries outside approved namespaces must be exported only to their own namespace"
# description: "A ServiceEntry adds a host to the mesh's service registry. Its exportTo defaults to every namespace (unless meshConfig.defaultServiceExportTo says otherwise, which a manifest does not show), so an entry written in one application namespace grants every namespace's sidecars a route to that external host (with outboundTrafficPolicy REGISTRY_ONLY, it is what makes the host reachable at all) and can shadow or conflict with the platform's entry for the same host. The hint keeps that decision with the platform team: an entry is compliant when it lives in one of approvedNamespaces (by default istio-system and istio-egress, where the platform team reviews egress), or when its exportTo is non-empty and every entry is \".\" or the entry's own namespace, so it opens the host to its author's namespace only. An absent or empty exportTo, \"*\", or any other namespace is flagged. What the hint cannot judge is whether a namespace-local entry is \"arbitrary\" external access: that still needs review (RBAC on ServiceEntry, egress gateways, AuthorizationPolicy on the egress gateway); the hint makes sure no single team can widen egress for the whole mesh. It warns (the seed asks for close monitoring, and namespace-local entries are a normal way for teams to declare their own dependencies) with medium severity, since a mesh-wide entry changes egress for every namespace. No namespace is excluded by the match; the approved namespaces are a parameter instead, so conftest and Gatekeeper users can name their own."
# custom:
#   hint: service-entry-namespaces
#   severity: medium
#   source: hints/service-entry-namespaces/hint.yaml
package hint2policy.service_entry_namespaces

import data.lib.hint2policy.common
import data.lib.hint2policy.service_entry_namespaces as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"ServiceEntry": ["networking.istio.io"]}

# Users override parameters with conftest --data: {"hint2policy": {"parameters": {"<hint>": {...}}}}.
default _overrides := {}

_overrides := data.hint2policy.parameters["service-entry-namespaces"]

# METADATA
# title: "ServiceEntries outside approved namespaces must be exported only to their own namespace"
# entrypoint: true
warn contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj, _overrides)
	not common.exempt(obj, "service-entry-namespaces") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "service-entry-namespaces",
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
