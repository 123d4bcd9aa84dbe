# METADATA
# title: "Every mesh namespace restricts its workloads' dependencies with a Sidecar"
# description: "Without a Sidecar resource every proxy receives configuration for every service of the mesh. Memory, CPU and push times of all proxies grow with the size of the mesh, every configuration change anywhere is pushed to every proxy, and each workload can reach every service Istio knows. A Sidecar that lists the hosts a namespace needs bounds both the cost and the blast radius. The check flags a Namespace whose pods get sidecars (labelled istio-injection=enabled, or istio.io/rev without an istio-injection label, which is what Istio's injection webhooks select) when it has no restricting Sidecar of its own and the root namespace (parameter rootNamespace, default istio-system) has no restricting Sidecar without workloadSelector, the mesh-wide default. A Sidecar restricts when it has an egress section and none of its egress hosts matches importAllHosts (default exactly \"*/*\"): a Sidecar that imports everything, or has no egress section and so inherits the egress of the namespace or mesh default, bounds nothing by itself and does not count. A Sidecar of the namespace counts with or without a workloadSelector: the hint does not try to prove that selector-based Sidecars cover every workload. Namespaces in ambient mode only (istio.io/dataplane-mode=ambient without an injection label), where Sidecar resources have no effect, are not flagged, and neither are namespaces outside the mesh. A namespace with both an injection label and the ambient label counts as a sidecar namespace, as in istioctl (its pods get a sidecar, which ambient mode then skips; namespace-injection-single-label flags the combination). Deliberately not flagged: a namespace covered by a restricting root default whose own namespace-wide Sidecar imports \"*/*\" (that Sidecar replaces the root default; sidecar-import-all flags it). Namespace is cluster-scoped, so nothing is excluded by namespace; system namespaces are not labelled for injection and so are not checked. It is a warning of medium severity: the missing Sidecar costs resources and widens reach but breaks nothing, and a namespace usually exists before its Sidecar, so denying it at admission would block namespace creation; run it in audit or background mode. No istioctl analyzer requires a Sidecar."
# custom:
#   hint: namespace-defines-sidecar
#   severity: medium
#   source: hints/namespace-defines-sidecar/hint.yaml
package hint2policy.namespace_defines_sidecar

import data.lib.hint2policy.common
import data.lib.hint2policy.namespace_defines_sidecar as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"Namespace": [""]}

# Users override parameters with conftest --data: {"hint2policy": {"parameters": {"<hint>": {...}}}}.
default _overrides := {}

_overrides := data.hint2policy.parameters["namespace-defines-sidecar"]

# METADATA
# title: "Every mesh namespace restricts its workloads' dependencies with a Sidecar"
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
	not common.exempt(obj, "namespace-defines-sidecar") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "namespace-defines-sidecar",
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
