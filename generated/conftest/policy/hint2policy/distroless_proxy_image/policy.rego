# METADATA
# title: "IstioOperator installs distroless proxy images"
# description: "Distroless images hold only the proxy and the libraries it needs: no shell, no package manager, no debugging tools. Fewer packages mean fewer CVEs to patch, and an attacker who gets code execution in the sidecar finds no shell or curl to work with. The hint reads an IstioOperator the way Istio's injector builds the sidecar image (hub/proxyv2:tag plus an image type): the image type is values.global.variant, replaced by meshConfig.defaultConfig.image.imageType whenever meshConfig.defaultConfig.image is set at all (even without imageType), and a type replaces a -distroless or -debug suffix already in the tag. The resource is compliant when the resulting proxy image is distroless, that is when (1) spec.meshConfig.defaultConfig.image.imageType is distroless, or (2) meshConfig.defaultConfig.image is not set and spec.values.global.variant is distroless, or (3) the type left in effect is empty and spec.tag (a string; a numeric tag cannot carry the suffix) ends with -distroless. It is flagged when none holds: no variant and a plain tag (Istio's default, Debian-based images), variant or imageType debug or default, or a -distroless tag that an imageType of debug or default replaces. Not seen by this check: a full image reference in values.global.proxy.image, a mesh config given under spec.values.meshConfig instead of spec.meshConfig, and per-pod overrides (the distroless-proxy-annotations hint covers those). It is a warning of medium severity, not a denial: some teams deliberately run debug images (a shell and tools such as tcpdump or curl inside the sidecar) while diagnosing, some platforms or older releases ship no distroless build, and the image type does not change what the mesh enforces; an installer blocked in the middle of an incident is worse than a reported finding. IstioOperator resources are install-time configuration, usually in istio-system, so no namespace is excluded."
# custom:
#   hint: distroless-proxy-image
#   severity: medium
#   source: hints/distroless-proxy-image/hint.yaml
package hint2policy.distroless_proxy_image

import data.lib.hint2policy.common
import data.lib.hint2policy.distroless_proxy_image as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"IstioOperator": ["install.istio.io"]}

# METADATA
# title: "IstioOperator installs distroless proxy images"
# entrypoint: true
warn contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj)
	not common.exempt(obj, "distroless-proxy-image") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "distroless-proxy-image",
		"severity": "medium",
		"file": doc.path,
		"resource": {
			"apiVersion": common.get(obj, ["apiVersion"]),
			"kind": common.get(obj, ["kind"]),
			"namespace": common.get(obj, ["metadata", "namespace"]),
			"name": common.get(obj, ["metadata", "name"]),
		},
	}
}
