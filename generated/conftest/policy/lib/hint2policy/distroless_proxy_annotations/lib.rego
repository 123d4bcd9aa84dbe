# METADATA
# title: "Pods that override their proxy image must keep it distroless"
# description: "A mesh installed with distroless proxies (see distroless-proxy-image) can be undone one pod at a time: Istio's injector takes the image type from the pod annotation sidecar.istio.io/proxyImageType before anything the installation set, and sidecar.istio.io/proxyImage replaces the whole proxy image reference. The hint flags a pod template whose sidecar.istio.io/proxyImageType is anything but distroless (debug or default put a shell and a package set back into that sidecar), or whose sidecar.istio.io/proxyImage does not name a distroless image (the reference must contain \"distroless\", as Istio's own distroless tags do: proxyv2:1.24.2-distroless). Pods without either annotation inherit the mesh-wide choice and are not this hint's concern. It warns, with medium severity, for the same reason as the installation hint: a debug sidecar is a legitimate short-lived troubleshooting tool, and it changes the attack surface of one pod, not what the mesh enforces. A custom image built distroless under a name without the word is flagged; rename the tag or accept the warning. kube-system and istio-system are excluded: their workloads are the platform's own and are managed with the installation."
# custom:
#   hint: distroless-proxy-annotations
#   source: hints/distroless-proxy-annotations/hint.yaml
package lib.hint2policy.distroless_proxy_annotations

import data.lib.hint2policy.common

# violations is the set of messages for every way obj breaks the hint.
violations(obj) := {msg |
	some subject in common.pod_templates(obj)
	not _check_1(subject)
	msg := sprintf("%s %s/%s overrides its Istio proxy image with a non-distroless one (sidecar.istio.io/proxyImageType or sidecar.istio.io/proxyImage): use distroless or drop the override", [common.text(common.get(obj, ["kind"])), common.text(common.get(obj, ["metadata", "namespace"])), common.text(common.get(obj, ["metadata", "name"]))])
}

_check_1(subject) if {
	_check_2(subject)
	_check_5(subject)
}

_check_2(subject) if {
	_check_3(subject)
} else if {
	_check_4(subject)
}

_check_3(subject) if common.get(subject, ["metadata", "annotations", "sidecar.istio.io/proxyImageType"]) == null

_check_4(subject) if subject.metadata.annotations["sidecar.istio.io/proxyImageType"] == "distroless"

_check_5(subject) if {
	_check_6(subject)
} else if {
	_check_7(subject)
}

_check_6(subject) if common.get(subject, ["metadata", "annotations", "sidecar.istio.io/proxyImage"]) == null

_check_7(subject) if {
	value := subject.metadata.annotations["sidecar.istio.io/proxyImage"]
	is_string(value)
	contains(value, "distroless")
}
