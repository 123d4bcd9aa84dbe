# METADATA
# title: "Headless Services must not share a port number"
# description: "A headless Service (spec.clusterIP: None) has no virtual IP, so a sidecar cannot tell its traffic from another headless Service's by destination address. Istio long built one 0.0.0.0:<port> outbound listener per port for them, and two headless Services on one port fought over it: one won, the other's TCP traffic went to the wrong backend or was dropped (istio/istio#5992, #10456). Newer Istio releases build a listener per pod IP for TCP ports of Kubernetes headless Services and route HTTP ports by Host header, which removes most collisions, so the risk today is lower than the seed's wording suggests; it remains for older proxies and for address-less ServiceEntries, which Istio treats like headless Services (service-entry-addressless-protocol). The check looks at each port of a Service with spec.clusterIP \"None\" and flags it when another headless Service, in any namespace, declares the same port number (spec.ports[].port, the port clients dial; targetPort does not matter). The comparison is cluster-wide because a sidecar imports every namespace's Services unless a Sidecar resource narrows it; Istio's networking.istio.io/exportTo annotation on Services is not read, so a Service restricted by it is still compared with every other. Ports with protocol UDP or SCTP are skipped on both sides, since Istio builds no listener for them, as are Services with a cluster IP (including ExternalName Services) and an older version of the same Service. Services in ignoredNamespaces (kube-system and istio-system by default; add other namespaces outside the mesh) are neither flagged nor counted against others: their workloads usually have no sidecar and their owners are not the Services' authors. Both Services of a colliding pair are flagged. Because several databases on their well-known port (5432, 6379, 9042) are common, renumbering them is costly, and recent Istio releases avoid most collisions, the policy warns rather than denies, and the severity is low. No istioctl analyzer checks headless Service ports."
# custom:
#   hint: headless-service-unique-port
#   severity: low
#   source: hints/headless-service-unique-port/hint.yaml
package hint2policy.headless_service_unique_port

import data.lib.hint2policy.common
import data.lib.hint2policy.headless_service_unique_port as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"Service": [""]}

# Users override parameters with conftest --data: {"hint2policy": {"parameters": {"<hint>": {...}}}}.
default _overrides := {}

_overrides := data.hint2policy.parameters["headless-service-unique-port"]

# METADATA
# title: "Headless Services must not share a port number"
# entrypoint: true
# description: Relates objects to each other, so it reports only under conftest test --combine.
warn contains result if {
	# relating objects needs every manifest at once: conftest test --combine
	common.combined
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj, _overrides)
	not common.exempt(obj, "headless-service-unique-port") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "headless-service-unique-port",
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
