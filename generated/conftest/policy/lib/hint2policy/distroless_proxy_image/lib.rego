# METADATA
# title: "IstioOperator installs distroless proxy images"
# description: "Distroless images hold only the proxy and the libraries it needs: no shell, no package manager, no debugging tools. Fewer packages mean fewer CVEs to patch, and an attacker who gets code execution in the sidecar finds no shell or curl to work with. The hint reads an IstioOperator the way Istio's injector builds the sidecar image (hub/proxyv2:tag plus an image type): the image type is values.global.variant, replaced by meshConfig.defaultConfig.image.imageType whenever meshConfig.defaultConfig.image is set at all (even without imageType), and a type replaces a -distroless or -debug suffix already in the tag. The resource is compliant when the resulting proxy image is distroless, that is when (1) spec.meshConfig.defaultConfig.image.imageType is distroless, or (2) meshConfig.defaultConfig.image is not set and spec.values.global.variant is distroless, or (3) the type left in effect is empty and spec.tag (a string; a numeric tag cannot carry the suffix) ends with -distroless. It is flagged when none holds: no variant and a plain tag (Istio's default, Debian-based images), variant or imageType debug or default, or a -distroless tag that an imageType of debug or default replaces. Not seen by this check: a full image reference in values.global.proxy.image, a mesh config given under spec.values.meshConfig instead of spec.meshConfig, and per-pod overrides (the distroless-proxy-annotations hint covers those). It is a warning of medium severity, not a denial: some teams deliberately run debug images (a shell and tools such as tcpdump or curl inside the sidecar) while diagnosing, some platforms or older releases ship no distroless build, and the image type does not change what the mesh enforces; an installer blocked in the middle of an incident is worse than a reported finding. IstioOperator resources are install-time configuration, usually in istio-system, so no namespace is excluded."
# custom:
#   hint: distroless-proxy-image
#   source: hints/distroless-proxy-image/hint.yaml
package lib.hint2policy.distroless_proxy_image

import data.lib.hint2policy.common

# violations is the set of messages for every way subject breaks the hint.
violations(subject) := {msg |
	not _check_1(subject)
	msg := sprintf("IstioOperator %s/%s does not install distroless proxy images: set spec.values.global.variant (or meshConfig.defaultConfig.image.imageType) to distroless, or use a -distroless tag", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"]))])
}

_check_1(subject) if {
	_check_2(subject)
} else if {
	_check_3(subject)
} else if {
	_check_6(subject)
}

_check_2(subject) if subject.spec.meshConfig.defaultConfig.image.imageType == "distroless"

_check_3(subject) if {
	_check_4(subject)
	_check_5(subject)
}

_check_4(subject) if common.get(subject, ["spec", "meshConfig", "defaultConfig", "image"]) == null

_check_5(subject) if subject.spec.values.global.variant == "distroless"

_check_6(subject) if {
	_check_7(subject)
	_check_8(subject)
	_check_12(subject)
}

_check_7(subject) if {
	value := subject.spec.tag
	is_string(value)
	endswith(value, "-distroless")
}

_check_8(subject) if {
	_check_9(subject)
} else if {
	_check_10(subject)
} else if {
	_check_11(subject)
}

_check_9(subject) if common.get(subject, ["spec", "meshConfig", "defaultConfig", "image"]) == null

_check_10(subject) if common.get(subject, ["spec", "meshConfig", "defaultConfig", "image", "imageType"]) == null

_check_11(subject) if subject.spec.meshConfig.defaultConfig.image.imageType == ""

_check_12(subject) if {
	_check_13(subject)
} else if {
	_check_14(subject)
} else if {
	_check_15(subject)
}

_check_13(subject) if subject.spec.meshConfig.defaultConfig.image != null

_check_14(subject) if common.get(subject, ["spec", "values", "global", "variant"]) == null

_check_15(subject) if subject.spec.values.global.variant == ""
