# METADATA
# title: "Application init containers use a documented workaround for traffic capture before the sidecar starts"
# description: "With Istio CNI the pod's traffic redirection is in place before any of its containers start, but a classic sidecar starts only with the application containers, after every init container has finished. An application init container that opens a connection (to fetch configuration or secrets, run a database migration, wait for a dependency) has its traffic redirected to a proxy that is not running yet, and fails or hangs. Istio's CNI documentation lists the workarounds, and the hint asks each init container to use one: the init container runs as UID 1337 (its own securityContext.runAsUser, or the pod's when it sets none), whose traffic Istio's capture rules let through; or the pod annotation traffic.sidecar.istio.io/excludeOutboundIPRanges or traffic.sidecar.istio.io/excludeOutboundPorts (non-empty) takes the destinations out of redirection; or the pod runs Istio as a native sidecar, which Kubernetes starts before the init containers that follow it: an init container named istio-proxy with restartPolicy Always (what the injector writes) or the annotation sidecar.istio.io/nativeSidecar \"true\" (what a pod template can request). The hint reports one warning per init container without a workaround. Init containers in exemptInitContainers are not checked: by default Istio's own (istio-init, istio-validation, istio-proxy). Pods that are not injected need no workaround: the hint accepts hostNetwork pods and pods whose sidecar.istio.io/inject label (or, without the label, annotation) disables injection. The manifest does not show whether the cluster runs Istio CNI, whether the namespace is injected, whether a listed IP range or port covers what the init container contacts, or where the injector places a native istio-proxy among the init containers; nor does it show whether an init container needs the network at all. So init containers that need no network (fixing volume permissions, copying files) are flagged too. To live with that: leave the warning, which blocks nothing; or, once reviewed, add the init container's name to exemptInitContainers; running it as UID 1337 also silences the warning and is harmless for a container that makes no connections, if it needs no other user. This hint pulls in two directions with its neighbours. sidecar-annotations-allowlist denies the traffic.sidecar.istio.io/* and sidecar.istio.io/nativeSidecar annotations unless the platform team allowlists them, with reason: the exclusion annotations apply to the application containers as well, so their traffic to those ranges and ports bypasses the sidecar too. With the defaults of both hints, the workarounds left to an application team are therefore UID 1337 on the init container, or native sidecars enabled by the platform. application-uid-1337 deliberately checks only application containers, never init containers, so that this workaround stays open; a pod-level runAsUser of 1337, which also reaches the application containers, is still flagged there. kube-system and istio-system are excluded: platform components. It is a low-severity warning: many init containers need no network, and the failure, when it happens, shows at once as a pod stuck in Init."
# custom:
#   hint: cni-init-containers
#   source: hints/cni-init-containers/hint.yaml
package lib.hint2policy.cni_init_containers

import data.lib.hint2policy.common

# Parameter defaults; a Constraint's parameters or conftest data override them.
_defaults := {"exemptInitContainers": ["istio-init", "istio-validation", "istio-proxy"]}

# violations is the set of messages for every way obj breaks the hint (overrides: parameter values).
violations(obj, overrides) := {msg |
	params := object.union(_defaults, overrides)
	some subject in common.pod_templates(obj)
	some v_init in common.list(common.get(subject, ["spec", "initContainers"]))
	not _check_1(subject, params, v_init)
	msg := sprintf("%s %s/%s: init container %s runs before the Istio sidecar, and under Istio CNI its traffic is redirected to a proxy that is not running yet; run it as UID 1337, exclude its destinations (traffic.sidecar.istio.io/excludeOutboundIPRanges or excludeOutboundPorts), or use native sidecars", [common.text(common.get(obj, ["kind"])), common.text(common.get(obj, ["metadata", "namespace"])), common.text(common.get(obj, ["metadata", "name"])), common.text(common.get(v_init, ["name"]))])
}

_check_1(subject, params, v_init) if {
	_check_2(params, v_init)
} else if {
	_check_3(v_init)
} else if {
	_check_4(subject, v_init)
} else if {
	_check_7(subject)
} else if {
	_check_8(subject)
} else if {
	_check_9(subject)
} else if {
	_check_10(subject)
} else if {
	_check_14(subject)
} else if {
	_check_15(subject)
} else if {
	_check_19(subject)
}

_check_2(params, v_init) if common.get(v_init, ["name"]) in params.exemptInitContainers

_check_3(v_init) if v_init.securityContext.runAsUser == 1337

_check_4(subject, v_init) if {
	_check_5(v_init)
	_check_6(subject)
}

_check_5(v_init) if common.get(v_init, ["securityContext", "runAsUser"]) == null

_check_6(subject) if subject.spec.securityContext.runAsUser == 1337

_check_7(subject) if {
	value := subject.metadata.annotations["traffic.sidecar.istio.io/excludeOutboundIPRanges"]
	is_string(value)
	common.regex_match(`\S`, value)
}

_check_8(subject) if {
	value := subject.metadata.annotations["traffic.sidecar.istio.io/excludeOutboundPorts"]
	is_string(value)
	common.regex_match(`\S`, value)
}

_check_9(subject) if subject.metadata.annotations["sidecar.istio.io/nativeSidecar"] == "true"

_check_10(subject) if {
	some v_sidecar in common.list(common.get(subject, ["spec", "initContainers"]))
	_check_11(v_sidecar)
}

_check_11(v_sidecar) if {
	_check_12(v_sidecar)
	_check_13(v_sidecar)
}

_check_12(v_sidecar) if v_sidecar.name == "istio-proxy"

_check_13(v_sidecar) if v_sidecar.restartPolicy == "Always"

_check_14(subject) if subject.spec.hostNetwork == true

_check_15(subject) if {
	_check_16(subject)
	_check_17(subject)
}

_check_16(subject) if subject.metadata.labels["sidecar.istio.io/inject"] != null

_check_17(subject) if not _check_18(subject)

_check_18(subject) if {
	value := subject.metadata.labels["sidecar.istio.io/inject"]
	is_string(value)
	common.regex_match(`(?i)^(y|yes|true|on)?$`, value)
}

_check_19(subject) if {
	_check_20(subject)
	_check_21(subject)
	_check_22(subject)
}

_check_20(subject) if common.get(subject, ["metadata", "labels", "sidecar.istio.io/inject"]) == null

_check_21(subject) if subject.metadata.annotations["sidecar.istio.io/inject"] != null

_check_22(subject) if not _check_23(subject)

_check_23(subject) if {
	value := subject.metadata.annotations["sidecar.istio.io/inject"]
	is_string(value)
	common.regex_match(`(?i)^(y|yes|true|on)?$`, value)
}
