# METADATA
# title: "Namespace-wide Sidecars must not import every namespace's services"
# description: "The platform team limits what every proxy imports with the global default Sidecar in the root namespace (for example `./*` and `istio-system/*`), which keeps proxy memory, istiod push load and the reach of each namespace small. A namespace-wide Sidecar (one without a workload selector) replaces that default for its whole namespace, and nothing is inherited: an egress host `*/*` (\"every host of every namespace\", rendered as \"/\" in the seed) brings back the behaviour of a mesh with no Sidecar at all, including every other namespace's conflicting VirtualServices and ServiceEntries. The hint flags each egress host of a namespace-wide Sidecar that matches importAllHosts (by default exactly `*/*`) and names it; widen the pattern if you also consider forms like `*/*.svc.cluster.local` or `*/*.local` equivalent. A Sidecar counts as namespace-wide when it has no spec.workloadSelector or one with no labels (an empty selector selects every workload); workload-specific Sidecars and Sidecars without an egress section are not checked. The seed's second case, importing many namespaces by name, is not flagged: which namespaces a team may depend on is a review decision, not a pattern. istio-system is excluded: as the root namespace it holds the global default Sidecar itself, whose imports are the platform team's decision (if your meshConfig.rootNamespace is another namespace, exclude that one instead). It is a warning of medium severity: the override is legal and sometimes needed (a monitoring or API-gateway namespace that really calls everything), but it silently undoes a mesh-wide control."
# custom:
#   hint: sidecar-import-all
#   severity: medium
#   source: hints/sidecar-import-all/hint.yaml
package hint2policy.sidecar_import_all

import data.lib.hint2policy.common
import data.lib.hint2policy.sidecar_import_all as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"Sidecar": ["networking.istio.io"]}

_excluded_namespaces := ["istio-system"]

# Users override parameters with conftest --data: {"hint2policy": {"parameters": {"<hint>": {...}}}}.
default _overrides := {}

_overrides := data.hint2policy.parameters["sidecar-import-all"]

# METADATA
# title: "Namespace-wide Sidecars must not import every namespace's services"
# entrypoint: true
warn contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	not common.get(obj, ["metadata", "namespace"]) in _excluded_namespaces
	some msg in hint.violations(obj, _overrides)
	not common.exempt(obj, "sidecar-import-all") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "sidecar-import-all",
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
