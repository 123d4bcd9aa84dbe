# METADATA
# title: "Namespace- and mesh-wide Telemetry resources must not disable access logging"
# description: "A Telemetry resource can switch Envoy access logs off: an spec.accessLogging entry with disabled: true stops logging, for the providers it names or for all of them, in both directions or only the one its match.mode selects. Without spec.selector (non-empty matchLabels), spec.targetRef or spec.targetRefs a Telemetry applies to every workload of its namespace, and in the root namespace (istio-system by default) to the whole mesh, including workloads added later; one resource then removes the traffic record that troubleshooting and incident review depend on, and it overrides whatever the platform enabled in meshConfig. The hint flags such a scope-wide Telemetry when any accessLogging entry is disabled. It deliberately lets workload-scoped Telemetries through: switching logs off for one selected workload (a chatty health-check proxy, a gateway whose requests are logged elsewhere) is a narrow, named and reviewable exception, and the Telemetry API is designed for exactly that inheritance (workload over namespace over root). A selector with an empty matchLabels matches every workload of the namespace, so it counts as scope-wide. It warns with medium severity: losing the logs of a whole namespace or mesh hides real traffic, but it breaks no traffic and can be a deliberate cost decision by the platform team. No namespace is excluded: a disabling Telemetry in istio-system is the widest of all."
# custom:
#   hint: telemetry-access-logging
#   source: hints/telemetry-access-logging/hint.yaml
package lib.hint2policy.telemetry_access_logging

import data.lib.hint2policy.common

# violations is the set of messages for every way subject breaks the hint.
violations(subject) := {msg |
	not _check_1(subject)
	msg := sprintf("Telemetry %s/%s disables access logging for every workload in its scope (it has no selector or targetRefs): remove the disabled entry or narrow it to named workloads", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"]))])
}

_check_1(subject) if {
	_check_2(subject)
} else if {
	_check_3(subject)
} else if {
	_check_4(subject)
} else if {
	_check_5(subject)
}

_check_2(subject) if {
	value := subject.spec.selector.matchLabels
	common.has_size(value)
	count(value) > 0
}

_check_3(subject) if subject.spec.targetRef != null

_check_4(subject) if {
	value := subject.spec.targetRefs
	common.has_size(value)
	count(value) > 0
}

_check_5(subject) if {
	every v_logging in common.list(common.get(subject, ["spec", "accessLogging"])) {
		_check_6(v_logging)
	}
}

_check_6(v_logging) if not v_logging.disabled == true
