# METADATA
# title: "Gateway servers must not accept every host from every namespace"
# description: "Istio's security best practices (section \"Avoid overly broad hosts configurations\", which the seed refers to) warn against Gateway servers whose hosts accept anything. A server host is `[namespace/]dnsName`, and it decides which VirtualServices may bind to the server: `*` (and its spelled-out form `*/*`) lets a VirtualService for any host, from any namespace, attach to the gateway, so any team that can write a VirtualService can publish an arbitrary domain, or take over one, on the edge of the mesh. The hint flags each server host that is exactly one of broadHosts (by default `*` and `*/*`) and names the server's port. Narrower forms that the best practice recommends pass: a specific name (`shop.example.com`), a wildcard domain (`*.example.com`), a name bound to one namespace (`shop/api.example.com`, `*/api.example.com`), and all hosts of one namespace (`shop/*`, `./*`). It warns rather than denies because a catch-all server is sometimes deliberate (a single-tenant gateway, a wildcard certificate that routes on the Authority header, or the istiod exposure gateway of multi-cluster installs, which uses `*` with PASSTHROUGH), and medium because the exposure is at the edge. It pulls against gateway-tls-sni, which accepts a `*` host as one way to serve clients that send no SNI: scope the catch-all to one namespace (`shop/*`) or annotate that gateway with `hint2policy.io/load-balancer-sets-sni: \"true\"` and list specific hosts to satisfy both. No namespace is excluded: ingress Gateways live in istio-system or an ingress namespace, which is precisely where a catch-all host matters."
# custom:
#   hint: gateway-wildcard-hosts
#   severity: medium
#   source: hints/gateway-wildcard-hosts/hint.yaml
package hint2policy.gateway_wildcard_hosts

import data.lib.hint2policy.common
import data.lib.hint2policy.gateway_wildcard_hosts as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"Gateway": ["networking.istio.io"]}

# Users override parameters with conftest --data: {"hint2policy": {"parameters": {"<hint>": {...}}}}.
default _overrides := {}

_overrides := data.hint2policy.parameters["gateway-wildcard-hosts"]

# METADATA
# title: "Gateway servers must not accept every host from every namespace"
# entrypoint: true
warn contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj, _overrides)
	not common.exempt(obj, "gateway-wildcard-hosts") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "gateway-wildcard-hosts",
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
