# METADATA
# title: "IstioOperator enables Envoy access logging mesh-wide"
# description: "Envoy's access log records every request and connection a proxy handles (source, destination, response code and flags, durations, upstream cluster), which is often the quickest way to see why traffic fails and the only record of who called what. Istio ships with access logging off (except in the demo profile). The hint flags an IstioOperator that enables it in none of the three mesh-level ways: spec.meshConfig.accessLogFile set to a non-blank path (for example /dev/stdout), spec.meshConfig.enableEnvoyAccessLogService true (logs streamed to a gRPC access log service), or a non-empty spec.meshConfig.defaultProviders.accessLogging (providers declared in meshConfig.extensionProviders, used by default through the Telemetry API). It is a low-severity warning, not a denial, because logging can be enabled elsewhere, where this single-resource check cannot look: a Telemetry resource in the root namespace (or per namespace or workload) with accessLogging providers turns logs on without any meshConfig setting, and a mesh config given under spec.values.meshConfig or edited in the istio ConfigMap is not read either. Logging also costs CPU and log storage on busy meshes, a trade-off the platform team may make deliberately. No namespace is excluded: IstioOperator resources normally live in istio-system."
# custom:
#   hint: mesh-access-logging
#   severity: low
#   source: hints/mesh-access-logging/hint.yaml
package hint2policy.mesh_access_logging

import data.lib.hint2policy.common
import data.lib.hint2policy.mesh_access_logging as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"IstioOperator": ["install.istio.io"]}

# METADATA
# title: "IstioOperator enables Envoy access logging mesh-wide"
# entrypoint: true
warn contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj)
	not common.exempt(obj, "mesh-access-logging") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "mesh-access-logging",
		"severity": "low",
		"file": doc.path,
		"resource": {
			"apiVersion": common.get(obj, ["apiVersion"]),
			"kind": common.get(obj, ["kind"]),
			"namespace": common.get(obj, ["metadata", "namespace"]),
			"name": common.get(obj, ["metadata", "name"]),
		},
	}
}
