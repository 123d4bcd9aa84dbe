# METADATA
# title: "Application containers must not run as UID 1337, the Istio sidecar's user"
# description: "Istio reserves UID 1337 for the sidecar proxy: the traffic-capture rules that Istio installs in the pod (istio-init or Istio CNI) let every packet sent by UID 1337 leave without redirection, because that is how the proxy's own upstream connections get out. An application process running as 1337 is therefore outside the mesh on the way out: its requests skip the sidecar, so no mTLS origination, no egress policy, no routing rules, no telemetry, while the workload still looks meshed. Istio's application requirements say pods must not run applications as UID 1337. The hint flags every application container whose effective UID is 1337: its own securityContext.runAsUser is 1337, or it sets none and the pod's securityContext.runAsUser is 1337 (one message per container). Istio's own containers (istioContainers: istio-proxy, which runs as 1337 by design, and istio-operator) are exempt, and so are pod templates labelled as Istio's control plane (label istio with any value, or release=istio), as in istioctl. Init containers are deliberately not checked: the documented workaround for application init containers under Istio CNI is to run them as UID 1337 so that their traffic bypasses the sidecar that has not started yet (see cni-init-containers); an init container has finished before the application runs, so it cannot leak the application's traffic. No namespace is excluded: the bypass is the same everywhere, and the control plane is recognised by its labels. It is denied, of high severity: it silently defeats the mesh's security controls for the workload's outbound traffic, and the fix (any other UID) costs nothing."
# custom:
#   hint: application-uid-1337
#   source: hints/application-uid-1337/hint.yaml
package lib.hint2policy.application_uid_1337

import data.lib.hint2policy.common

# Parameter defaults; a Constraint's parameters or conftest data override them.
_defaults := {"istioContainers": ["istio-proxy", "istio-operator"]}

# violations is the set of messages for every way obj breaks the hint (overrides: parameter values).
violations(obj, overrides) := {msg |
	params := object.union(_defaults, overrides)
	some subject in common.pod_templates(obj)
	some v_container in common.list(common.get(subject, ["spec", "containers"]))
	not _check_1(subject, params, v_container)
	msg := sprintf("%s %s/%s: container %s runs as UID 1337, which Istio reserves for the sidecar proxy; its outbound traffic bypasses the sidecar: use another UID", [common.text(common.get(obj, ["kind"])), common.text(common.get(obj, ["metadata", "namespace"])), common.text(common.get(obj, ["metadata", "name"])), common.text(common.get(v_container, ["name"]))])
}

_check_1(subject, params, v_container) if {
	_check_2(params, v_container)
} else if {
	_check_3(subject)
} else if {
	_check_4(subject)
} else if {
	_check_5(subject, v_container)
}

_check_2(params, v_container) if common.get(v_container, ["name"]) in params.istioContainers

_check_3(subject) if subject.metadata.labels.istio != null

_check_4(subject) if subject.metadata.labels.release == "istio"

_check_5(subject, v_container) if {
	_check_6(v_container)
	_check_7(subject, v_container)
}

_check_6(v_container) if not v_container.securityContext.runAsUser == 1337

_check_7(subject, v_container) if {
	_check_8(v_container)
} else if {
	_check_9(subject)
}

_check_8(v_container) if v_container.securityContext.runAsUser != null

_check_9(subject) if not subject.spec.securityContext.runAsUser == 1337
