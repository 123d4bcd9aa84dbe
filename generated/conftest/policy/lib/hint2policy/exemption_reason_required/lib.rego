# METADATA
# title: "An exemption from a hint states its reason"
# description: "A resource is exempted from named hints by the annotation hint2policy.io/exempt (hint ids, comma-separated) together with hint2policy.io/exempt-reason, a reason that is not blank. An exemption without a reason does not exempt, and this policy reports it, so that every exception in a cluster is explained where it is made."
# custom:
#   hint: exemption-reason-required
#   source: src/hint2policy/render/exemption.py
package lib.hint2policy.exemption_reason_required

import data.lib.hint2policy.common

# violations is the set of messages for every way subject breaks the hint.
violations(subject) := {msg |
	not _check_1(subject)
	msg := sprintf("%s %s: hint2policy.io/exempt is set (on the object or its pod template) without a hint2policy.io/exempt-reason next to it, so the exemption does not apply: say why the hints do not apply here", [common.text(common.get(subject, ["kind"])), common.text(common.get(subject, ["metadata", "name"]))])
}

_check_1(subject) if {
	_check_2(subject)
	_check_5(subject)
	_check_10(subject)
}

_check_2(subject) if {
	_check_3(subject)
} else if {
	_check_4(subject)
}

_check_3(subject) if common.get(subject, ["metadata", "annotations", "hint2policy.io/exempt"]) == null

_check_4(subject) if {
	value := subject.metadata.annotations["hint2policy.io/exempt-reason"]
	is_string(value)
	common.regex_match(`[^ ]`, value)
}

_check_5(subject) if {
	_check_6(subject)
} else if {
	_check_7(subject)
}

_check_6(subject) if not common.get(subject, ["kind"]) in ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"]

_check_7(subject) if {
	_check_8(subject)
} else if {
	_check_9(subject)
}

_check_8(subject) if common.get(subject, ["spec", "template", "metadata", "annotations", "hint2policy.io/exempt"]) == null

_check_9(subject) if {
	value := subject.spec.template.metadata.annotations["hint2policy.io/exempt-reason"]
	is_string(value)
	common.regex_match(`[^ ]`, value)
}

_check_10(subject) if {
	_check_11(subject)
} else if {
	_check_12(subject)
}

_check_11(subject) if not subject.kind == "CronJob"

_check_12(subject) if {
	_check_13(subject)
} else if {
	_check_14(subject)
}

_check_13(subject) if common.get(subject, ["spec", "jobTemplate", "spec", "template", "metadata", "annotations", "hint2policy.io/exempt"]) == null

_check_14(subject) if {
	value := subject.spec.jobTemplate.spec.template.metadata.annotations["hint2policy.io/exempt-reason"]
	is_string(value)
	common.regex_match(`[^ ]`, value)
}
