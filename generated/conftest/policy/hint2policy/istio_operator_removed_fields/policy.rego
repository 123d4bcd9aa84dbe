# METADATA
# title: "IstioOperator sets no fields that Istio removed or deprecated"
# description: "The IstioOperator API has shed whole components and many values since 1.5: Mixer (policy, telemetry) went in 1.8, Citadel, Galley, the sidecar injector and the node agent were folded into istiod, the bundled addons (Prometheus, Grafana, Kiali, tracing, istiocoredns) moved to samples/addons, and many values.global and values.global.proxy settings moved to meshConfig. A manifest that still carries them is out of line with the current API: current istioctl decodes IstioOperator strictly and rejects unknown top-level and component fields, older istioctl printed \"! <field> is deprecated; use <new> instead\" or refused the addon values outright, and removed values keys are simply not rendered by today's charts, so the setting the author relies on is not applied. The check lists the keys at six levels and flags the resource when any key at a level is in that level's list: spec (removedSpecFields), spec.components (removedComponents), spec.values (removedValues), spec.values.global (removedGlobalValues), spec.values.global.proxy (removedProxyValues) and spec.values.pilot (removedPilotValues). The defaults come from Istio's own sources: the operator's deprecated settings list (checkDeprecatedSettings in operator/pkg/apis/istio/v1alpha1/validation), the reserved and removed fields of the IstioOperator and values protos (operator.proto, values_types.proto: fields marked deprecated or no longer present), and the 1.8 upgrade notes for Mixer. Only key names are compared, so a removed field is flagged whatever its value (even enabled: false, which is harmless but still out of line and worth deleting); deeper removed fields (for example values.global.sds.token or values.telemetry.v2.stackdriver.logging) and fields removed from meshConfig are not checked, because the language takes a path per level and each level costs one list. Settings that are deprecated in the proto but have no IstioOperator replacement yet (values.global.proxy.resources, values.global.proxy.enableCoreDump, values.global.tracer) are left out of the defaults. It warns with medium severity rather than denying: part of the list is deprecated but still honoured today, and istioctl rejects the truly removed fields at install time anyway; the hint's value is to surface them in review, before an upgrade breaks the install. No namespace is excluded: IstioOperator resources normally live in istio-system."
# custom:
#   hint: istio-operator-removed-fields
#   severity: medium
#   source: hints/istio-operator-removed-fields/hint.yaml
package hint2policy.istio_operator_removed_fields

import data.lib.hint2policy.common
import data.lib.hint2policy.istio_operator_removed_fields as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"IstioOperator": ["install.istio.io"]}

# Users override parameters with conftest --data: {"hint2policy": {"parameters": {"<hint>": {...}}}}.
default _overrides := {}

_overrides := data.hint2policy.parameters["istio-operator-removed-fields"]

# METADATA
# title: "IstioOperator sets no fields that Istio removed or deprecated"
# entrypoint: true
warn contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj, _overrides)
	not common.exempt(obj, "istio-operator-removed-fields") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "istio-operator-removed-fields",
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
