# METADATA
# title: "Namespace-wide Sidecars must not import every namespace's services"
# description: "The platform team limits what every proxy imports with the global default Sidecar in the root namespace (for example `./*` and `istio-system/*`), which keeps proxy memory, istiod push load and the reach of each namespace small. A namespace-wide Sidecar (one without a workload selector) replaces that default for its whole namespace, and nothing is inherited: an egress host `*/*` (\"every host of every namespace\", rendered as \"/\" in the seed) brings back the behaviour of a mesh with no Sidecar at all, including every other namespace's conflicting VirtualServices and ServiceEntries. The hint flags each egress host of a namespace-wide Sidecar that matches importAllHosts (by default exactly `*/*`) and names it; widen the pattern if you also consider forms like `*/*.svc.cluster.local` or `*/*.local` equivalent. A Sidecar counts as namespace-wide when it has no spec.workloadSelector or one with no labels (an empty selector selects every workload); workload-specific Sidecars and Sidecars without an egress section are not checked. The seed's second case, importing many namespaces by name, is not flagged: which namespaces a team may depend on is a review decision, not a pattern. istio-system is excluded: as the root namespace it holds the global default Sidecar itself, whose imports are the platform team's decision (if your meshConfig.rootNamespace is another namespace, exclude that one instead). It is a warning of medium severity: the override is legal and sometimes needed (a monitoring or API-gateway namespace that really calls everything), but it silently undoes a mesh-wide control."
# custom:
#   hint: sidecar-import-all
#   source: hints/sidecar-import-all/hint.yaml
package lib.hint2policy.sidecar_import_all

import data.lib.hint2policy.common

# Parameter defaults; a Constraint's parameters or conftest data override them.
_defaults := {"importAllHosts": "^\\*/\\*$"}

# violations is the set of messages for every way subject breaks the hint (overrides: parameter values).
violations(subject, overrides) := {msg |
	params := object.union(_defaults, overrides)
	some v_listener in common.list(common.get(subject, ["spec", "egress"]))
	some v_host in common.list(common.get(v_listener, ["hosts"]))
	not _check_1(subject, params, v_host)
	msg := sprintf("Sidecar %s/%s applies to the whole namespace and imports %s in egress.hosts: that overrides the global default Sidecar with no restriction at all; list the namespaces or hosts it needs", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"])), common.text(v_host)])
}

_check_1(subject, params, v_host) if {
	_check_2(subject)
} else if {
	_check_3(params, v_host)
}

_check_2(subject) if {
	value := subject.spec.workloadSelector.labels
	common.has_size(value)
	count(value) > 0
}

_check_3(params, v_host) if not _check_4(params, v_host)

_check_4(params, v_host) if {
	is_string(v_host)
	common.regex_match(params.importAllHosts, v_host)
}
