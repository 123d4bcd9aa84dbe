# METADATA
# title: "A namespace uses one Istio data-plane label, never several that compete"
# description: "istio-injection=enabled, istio.io/rev=<revision> and istio.io/dataplane-mode=ambient each enrol a namespace in the mesh, in different ways: the default revision's sidecar, a named revision's sidecar, or ambient mode. When a namespace carries more than one of them, Istio silently picks one: the istio-injection label wins over istio.io/rev in the injection webhooks' selectors, so a canary upgrade that relabels the namespace with istio.io/rev never takes effect, and a pod that gets a sidecar is skipped by ambient mode. What the workloads actually run is then not what the labels seem to say. The hint flags, like istioctl's IST0123, a namespace where istio-injection=enabled is combined with istio.io/rev or with istio.io/dataplane-mode, or where istio.io/rev is combined with istio.io/dataplane-mode without any istio-injection label. istio-injection=disabled (or any other value than enabled) next to another label is not a conflict: it is an explicit opt-out, and istioctl does not count the other labels then either. istio.io/dataplane-mode=none is not counted as an enrolment: it is the explicit ambient opt-out and combines consistently with sidecar injection. No namespace is excluded: competing labels are a mistake in any namespace, istio-system included. It is denied, of medium severity: the combination is never intended, the documented migration between injection labels (kubectl label namespace <ns> istio-injection- istio.io/rev=<revision>) changes both labels in one update and passes, and fixing a refused label is one command."
# custom:
#   hint: namespace-injection-single-label
#   source: hints/namespace-injection-single-label/hint.yaml
package lib.hint2policy.namespace_injection_single_label

import data.lib.hint2policy.common

# violations is the set of messages for every way subject breaks the hint.
violations(subject) := {msg |
	not _check_1(subject)
	msg := sprintf("Namespace %s has competing Istio data-plane labels (istio-injection=enabled with istio.io/rev or istio.io/dataplane-mode, or istio.io/rev with istio.io/dataplane-mode): keep exactly one", [common.text(common.get(subject, ["metadata", "name"]))])
}

_check_1(subject) if not _check_2(subject)

_check_2(subject) if {
	_check_3(subject)
} else if {
	_check_10(subject)
}

_check_3(subject) if {
	_check_4(subject)
	_check_5(subject)
}

_check_4(subject) if subject.metadata.labels["istio-injection"] == "enabled"

_check_5(subject) if {
	_check_6(subject)
} else if {
	_check_7(subject)
}

_check_6(subject) if subject.metadata.labels["istio.io/rev"] != null

_check_7(subject) if {
	_check_8(subject)
	_check_9(subject)
}

_check_8(subject) if subject.metadata.labels["istio.io/dataplane-mode"] != null

_check_9(subject) if not subject.metadata.labels["istio.io/dataplane-mode"] == "none"

_check_10(subject) if {
	_check_11(subject)
	_check_12(subject)
	_check_13(subject)
	_check_14(subject)
}

_check_11(subject) if common.get(subject, ["metadata", "labels", "istio-injection"]) == null

_check_12(subject) if subject.metadata.labels["istio.io/rev"] != null

_check_13(subject) if subject.metadata.labels["istio.io/dataplane-mode"] != null

_check_14(subject) if not subject.metadata.labels["istio.io/dataplane-mode"] == "none"
