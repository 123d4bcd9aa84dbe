# METADATA
# title: "Gateway servers that terminate TLS for named hosts need a load balancer that sets SNI"
# description: "For a Gateway server that terminates TLS itself (tls.mode SIMPLE, MUTUAL or OPTIONAL_MUTUAL) Istio builds an Envoy filter chain that matches the TLS server name (SNI) against the server's hosts (a `namespace/` prefix is stripped first). A client that sends no SNI matches no filter chain and the gateway closes the connection: curl reports \"Empty reply from server\". That is exactly what happens behind a cloud load balancer or GTM/LTM that terminates TLS and opens a new TLS connection to the gateway without setting SNI. A manifest cannot show what the load balancer does, so the hint asks each such server to be safe either way or to say so: it is compliant when one of its hosts is the catch-all `*` (also written `*/*` or `<namespace>/*`), so the gateway serves every name with a wildcard certificate and routes on the HTTP Authority header, or when the Gateway carries the annotation `hint2policy.io/load-balancer-sets-sni: \"true\"`, the owner's statement that the load balancer in front of it sets SNI (or that clients reach the gateway directly). `*.example.com` still needs SNI and is not the catch-all. PASSTHROUGH, AUTO_PASSTHROUGH and ISTIO_MUTUAL servers, and servers without tls.mode (the default is PASSTHROUGH; an httpsRedirect-only block has no mode), are not checked: they either do not terminate TLS for an external load balancer or route on SNI by design. This hint pulls against gateway-wildcard-hosts, which warns about exactly the catch-all host `*` that satisfies this one. To satisfy both, list the specific hosts and make the load balancer send SNI, then record that with the annotation; a `<namespace>/*` host satisfies both as well. It is a low-severity warning because many gateways are reached by clients that do send SNI, and the annotation is a claim the hint cannot verify. No namespace is excluded: ingress Gateways usually live in istio-system or a dedicated ingress namespace."
# custom:
#   hint: gateway-tls-sni
#   severity: low
#   source: hints/gateway-tls-sni/hint.yaml
package hint2policy.gateway_tls_sni

import data.lib.hint2policy.common
import data.lib.hint2policy.gateway_tls_sni as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"Gateway": ["networking.istio.io"]}

# METADATA
# title: "Gateway servers that terminate TLS for named hosts need a load balancer that sets SNI"
# entrypoint: true
warn contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj)
	not common.exempt(obj, "gateway-tls-sni") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "gateway-tls-sni",
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
