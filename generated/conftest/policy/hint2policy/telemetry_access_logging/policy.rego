# METADATA
# title: "Namespace- and mesh-wide Telemetry resources must not disable access logging"
# description: "A Telemetry resource can switch Envoy access logs off: an spec.accessLogging entry with disabled: true stops logging, for the providers it names or for all of them, in both directions or only the one its match.mode selects. Without spec.selector (non-empty matchLabels), spec.targetRef or spec.targetRefs a Telemetry applies to every workload of its namespace, and in the root namespace (istio-system by default) to the whole mesh, including workloads added later; one resource then removes the traffic record that troubleshooting and incident review depend on, and it overrides whatever the platform enabled in meshConfig. The hint flags such a scope-wide Telemetry when any accessLogging entry is disabled. It deliberately lets workload-scoped Telemetries through: switching logs off for one selected workload (a chatty health-check proxy, a gateway whose requests are logged elsewhere) is a narrow, named and reviewable exception, and the Telemetry API is designed for exactly that inheritance (workload over namespace over root). A selector with an empty matchLabels matches every workload of the namespace, so it counts as scope-wide. It warns with medium severity: losing the logs of a whole namespace or mesh hides real traffic, but it breaks no traffic and can be a deliberate cost decision by the platform team. No namespace is excluded: a disabling Telemetry in istio-system is the widest of all."
# custom:
#   hint: telemetry-access-logging
#   severity: medium
#   source: hints/telemetry-access-logging/hint.yaml
package hint2policy.telemetry_access_logging

import data.lib.hint2policy.common
import data.lib.hint2policy.telemetry_access_logging as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"Telemetry": ["telemetry.istio.io"]}

# METADATA
# title: "Namespace- and mesh-wide Telemetry resources must not disable access logging"
# entrypoint: true
warn contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj)
	not common.exempt(obj, "telemetry-access-logging") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "telemetry-access-logging",
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
