# METADATA
# title: "Pod annotations that change the Istio sidecar must be allowlisted"
# description: "Istio reads a family of pod annotations that override, for one workload, what the platform team configured for the whole mesh: which traffic the sidecar captures (traffic.sidecar.istio.io/excludeOutboundIPRanges, excludeInboundPorts, ...), the proxy's image, resources, log level and bootstrap (sidecar.istio.io/*), its whole ProxyConfig (proxy.istio.io/config), the injection template (inject.istio.io/templates), the status port and readiness checks (status.sidecar.istio.io/port, readiness.status.sidecar.istio.io/*). Several of them take traffic out of the sidecar entirely, past mTLS, authorization and egress policy. The hint flags every annotation key matching controlledAnnotations (by default those six prefixes, as listed in Istio's annotation reference) unless it is in allowedAnnotations, so each exception is an explicit, reviewed entry. The default allowlist holds only sidecar.istio.io/inject: opting a workload out of injection is routine (jobs, host-network tools), does not weaken the mesh's own settings for other workloads, and a pod without a sidecar is still refused by STRICT mTLS servers. Annotations outside the Istio prefixes (prometheus.io/*, prometheus.istio.io/merge-metrics, istio.io/rev, kubectl.kubernetes.io/*) are not this hint's concern. Because admission checks Pods after mutation, an injected Pod carries annotations that Istio's injector wrote itself: sidecar.istio.io/status always and, with Istio CNI, the interception settings (sidecar.istio.io/interceptionMode and traffic.sidecar.istio.io/*) that the CNI plugin reads. Those keys (injectorAnnotations) are accepted when sidecar.istio.io/status is present; a workload that fakes that annotation can set them too, so keep injectorAnnotations to what your injector actually writes. kube-system and istio-system are excluded: their workloads are the platform's own."
# custom:
#   hint: sidecar-annotations-allowlist
#   source: hints/sidecar-annotations-allowlist/hint.yaml
package lib.hint2policy.sidecar_annotations_allowlist

import data.lib.hint2policy.common

# Parameter defaults; a Constraint's parameters or conftest data override them.
_defaults := {"allowedAnnotations": ["sidecar.istio.io/inject"], "controlledAnnotations": "^(sidecar|traffic\\.sidecar|status\\.sidecar|readiness\\.status\\.sidecar|proxy|inject)\\.istio\\.io/", "injectorAnnotations": ["sidecar.istio.io/status", "sidecar.istio.io/interceptionMode", "traffic.sidecar.istio.io/includeOutboundIPRanges", "traffic.sidecar.istio.io/includeInboundPorts", "traffic.sidecar.istio.io/excludeInboundPorts"]}

# violations is the set of messages for every way obj breaks the hint (overrides: parameter values).
violations(obj, overrides) := {msg |
	params := object.union(_defaults, overrides)
	some subject in common.pod_templates(obj)
	some v_key in common.keys(common.get(subject, ["metadata", "annotations"]))
	not _check_1(subject, params, v_key)
	msg := sprintf("%s %s/%s sets the Istio annotation %s, which overrides mesh-level sidecar settings: remove it or have the platform team allowlist it", [common.text(common.get(obj, ["kind"])), common.text(common.get(obj, ["metadata", "namespace"])), common.text(common.get(obj, ["metadata", "name"])), common.text(v_key)])
}

_check_1(subject, params, v_key) if not _check_2(subject, params, v_key)

_check_2(subject, params, v_key) if {
	_check_3(params, v_key)
	_check_4(params, v_key)
	_check_5(subject, params, v_key)
}

_check_3(params, v_key) if {
	is_string(v_key)
	common.regex_match(params.controlledAnnotations, v_key)
}

_check_4(params, v_key) if not v_key in params.allowedAnnotations

_check_5(subject, params, v_key) if not _check_6(subject, params, v_key)

_check_6(subject, params, v_key) if {
	_check_7(subject)
	_check_8(params, v_key)
}

_check_7(subject) if subject.metadata.annotations["sidecar.istio.io/status"] != null

_check_8(params, v_key) if v_key in params.injectorAnnotations
