# METADATA
# title: "Disable mesh-wide Prometheus metrics merging where application metrics are sensitive"
# description: "With metrics merging on (meshConfig.enablePrometheusMerge, true when unset), the injector rewrites a pod's prometheus.io/* scrape annotations to point at the sidecar agent, which scrapes the application's metrics endpoint over localhost and serves them together with Envoy's on port 15020 (/stats/prometheus). That port is excluded from traffic capture, so anything that can reach the pod IP reads the application's metrics in plaintext, without the application's own authentication and without the mTLS and AuthorizationPolicy that protect its real ports. The hint flags an IstioOperator whose spec.meshConfig.enablePrometheusMerge is not false (absent counts as true). The seed limits the advice to meshes where application metrics are sensitive, and most are not: merging is what makes one scrape configuration cover both Envoy and the application. That is why it is a low-severity warning; a platform that decides its metrics are not sensitive should disable the hint, and one where only a few workloads are sensitive should prefer the per-workload annotation (hint prometheus-merge-sensitive-workloads). Not seen: a value given under spec.values.meshConfig instead of spec.meshConfig, or a mesh config edited directly in the istio ConfigMap. No namespace is excluded: IstioOperator resources normally live in istio-system."
# custom:
#   hint: prometheus-merge-mesh
#   source: hints/prometheus-merge-mesh/hint.yaml
package lib.hint2policy.prometheus_merge_mesh

import data.lib.hint2policy.common

# violations is the set of messages for every way subject breaks the hint.
violations(subject) := {msg |
	not _check_1(subject)
	msg := sprintf("IstioOperator %s/%s leaves Prometheus metrics merging on (meshConfig.enablePrometheusMerge is not false): application metrics are served in plaintext on the sidecar's port 15020; disable it where they are sensitive", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"]))])
}

_check_1(subject) if subject.spec.meshConfig.enablePrometheusMerge == false
