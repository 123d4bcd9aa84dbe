# METADATA
# title: "IstioOperator enables Envoy access logging mesh-wide"
# description: "Envoy's access log records every request and connection a proxy handles (source, destination, response code and flags, durations, upstream cluster), which is often the quickest way to see why traffic fails and the only record of who called what. Istio ships with access logging off (except in the demo profile). The hint flags an IstioOperator that enables it in none of the three mesh-level ways: spec.meshConfig.accessLogFile set to a non-blank path (for example /dev/stdout), spec.meshConfig.enableEnvoyAccessLogService true (logs streamed to a gRPC access log service), or a non-empty spec.meshConfig.defaultProviders.accessLogging (providers declared in meshConfig.extensionProviders, used by default through the Telemetry API). It is a low-severity warning, not a denial, because logging can be enabled elsewhere, where this single-resource check cannot look: a Telemetry resource in the root namespace (or per namespace or workload) with accessLogging providers turns logs on without any meshConfig setting, and a mesh config given under spec.values.meshConfig or edited in the istio ConfigMap is not read either. Logging also costs CPU and log storage on busy meshes, a trade-off the platform team may make deliberately. No namespace is excluded: IstioOperator resources normally live in istio-system."
# custom:
#   hint: mesh-access-logging
#   source: hints/mesh-access-logging/hint.yaml
package lib.hint2policy.mesh_access_logging

import data.lib.hint2policy.common

# violations is the set of messages for every way subject breaks the hint.
violations(subject) := {msg |
	not _check_1(subject)
	msg := sprintf("IstioOperator %s/%s does not enable Envoy access logging mesh-wide (meshConfig.accessLogFile, enableEnvoyAccessLogService or defaultProviders.accessLogging); ignore this if a Telemetry resource enables it", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"]))])
}

_check_1(subject) if {
	_check_2(subject)
} else if {
	_check_3(subject)
} else if {
	_check_4(subject)
}

_check_2(subject) if {
	value := subject.spec.meshConfig.accessLogFile
	is_string(value)
	common.regex_match(`\S`, value)
}

_check_3(subject) if subject.spec.meshConfig.enableEnvoyAccessLogService == true

_check_4(subject) if {
	value := subject.spec.meshConfig.defaultProviders.accessLogging
	common.has_size(value)
	count(value) > 0
}
