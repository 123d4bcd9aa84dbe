# METADATA
# title: "DestinationRules for another namespace's Service must be exported only to their own namespace"
# description: "A consumer namespace may legitimately tune how its own clients call another team's Service (connection pool, outlier detection, TLS) with a DestinationRule in its own namespace. The seed asks that such a rule's visibility be restricted, so the hint requires the same as virtual-service-cross-namespace-export: when spec.host is a Kubernetes Service of another namespace (`<name>.<namespace>.svc.<domain>`, any first label including `*`, and the host does not contain `.<own namespace>.svc.`), spec.exportTo must be non-empty and every entry \".\" or the rule's own namespace; absent, empty, \"*\" and other namespaces are flagged. To be precise about the effect: Istio picks a client's DestinationRule from the client's own namespace, then from the Service's namespace, then from the root namespace, so current releases do not apply a rule from a third namespace to other namespaces' clients even when it is exported. Exporting it is therefore not an immediate outage, which is why this is a low-severity warning; it is still worth fixing because exportTo is the documented contract for a rule's scope while the lookup order is an implementation detail (feature flags such as DestinationRule inheritance already alter it), and because istioctl, Kiali and readers take an exported rule as meant for everyone. Not recognised: the short form `reviews.bookinfo`, ServiceEntry hosts of other namespaces and wildcards such as `*.svc.cluster.local`. Namespaces in trustedNamespaces (by default istio-system, the usual root namespace, whose rules are the mesh-wide defaults and are meant to be exported) are exempt; add your mesh's rootNamespace if it differs (the seed mentions istio-config)."
# custom:
#   hint: destination-rule-cross-namespace-export
#   source: hints/destination-rule-cross-namespace-export/hint.yaml
package lib.hint2policy.destination_rule_cross_namespace_export

import data.lib.hint2policy.common

# Parameter defaults; a Constraint's parameters or conftest data override them.
_defaults := {"trustedNamespaces": ["istio-system"]}

# violations is the set of messages for every way subject breaks the hint (overrides: parameter values).
violations(subject, overrides) := {msg |
	params := object.union(_defaults, overrides)
	not _check_1(subject, params)
	msg := sprintf("DestinationRule %s/%s configures %s, a Service of another namespace, but is visible outside %s; restrict it with spec.exportTo: [\".\"]", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"])), common.text(common.get(subject, ["spec", "host"])), common.text(common.get(subject, ["metadata", "namespace"]))])
}

_check_1(subject, params) if {
	_check_2(subject, params)
} else if {
	_check_3(subject)
} else if {
	_check_5(subject)
} else if {
	_check_6(subject)
}

_check_2(subject, params) if common.get(subject, ["metadata", "namespace"]) in params.trustedNamespaces

_check_3(subject) if not _check_4(subject)

_check_4(subject) if {
	value := subject.spec.host
	is_string(value)
	common.regex_match(`^[^.]+\.[^.]+\.svc\.`, value)
}

_check_5(subject) if {
	part_1 := subject.metadata.namespace
	is_string(part_1)
	value := subject.spec.host
	is_string(value)
	contains(value, concat("", [".", part_1, ".svc."]))
}

_check_6(subject) if {
	_check_7(subject)
	_check_8(subject)
}

_check_7(subject) if {
	value := subject.spec.exportTo
	common.has_size(value)
	count(value) > 0
}

_check_8(subject) if {
	every v_scope in common.list(common.get(subject, ["spec", "exportTo"])) {
		_check_9(subject, v_scope)
	}
}

_check_9(subject, v_scope) if {
	_check_10(v_scope)
} else if {
	_check_11(subject, v_scope)
}

_check_10(v_scope) if v_scope == "."

_check_11(subject, v_scope) if {
	part_1 := subject.metadata.namespace
	is_string(part_1)
	v_scope == concat("", [part_1])
}
