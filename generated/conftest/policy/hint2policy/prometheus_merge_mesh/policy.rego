# METADATA
# title: "Disable mesh-wide Prometheus metrics merging where application metrics are sensitive"
# description: "With metrics merging on (meshConfig.enablePrometheusMerge, true when unset), the injector rewrites a pod's prometheus.io/* scrape annotations to point at the sidecar agent, which scrapes the application's metrics endpoint over localhost and serves them together with Envoy's on port 15020 (/stats/prometheus). That port is excluded from traffic capture, so anything that can reach the pod IP reads the application's metrics in plaintext, without the application's own authentication and without the mTLS and AuthorizationPolicy that protect its real ports. The hint flags an IstioOperator whose spec.meshConfig.enablePrometheusMerge is not false (absent counts as true). The seed limits the advice to meshes where application metrics are sensitive, and most are not: merging is what makes one scrape configuration cover both Envoy and the application. That is why it is a low-severity warning; a platform that decides its metrics are not sensitive should disable the hint, and one where only a few workloads are sensitive should prefer the per-workload annotation (hint prometheus-merge-sensitive-workloads). Not seen: a value given under spec.values.meshConfig instead of spec.meshConfig, or a mesh config edited directly in the istio ConfigMap. No namespace is excluded: IstioOperator resources normally live in istio-system."
# custom:
#   hint: prometheus-merge-mesh
#   severity: low
#   source: hints/prometheus-merge-mesh/hint.yaml
package hint2policy.prometheus_merge_mesh

import data.lib.hint2policy.common
import data.lib.hint2policy.prometheus_merge_mesh as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"IstioOperator": ["install.istio.io"]}

# METADATA
# title: "Disable mesh-wide Prometheus metrics merging where application metrics are sensitive"
# entrypoint: true
warn contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj)
	not common.exempt(obj, "prometheus-merge-mesh") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "prometheus-merge-mesh",
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
