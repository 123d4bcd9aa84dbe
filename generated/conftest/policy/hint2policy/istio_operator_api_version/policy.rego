# METADATA
# title: "Istio installation resources use the current IstioOperator API version"
# description: "istioctl and the Istio operator read installation settings only through the IstioOperator kind of install.istio.io, whose one and current version is v1alpha1. Istio 1.4 used a different kind, IstioControlPlane of install.istio.io/v1alpha2, whose fields (for example trafficManagement.components.pilot, or policy and telemetry feature blocks) were reorganised when IstioOperator replaced it in 1.5; current istioctl does not read it at all, so settings kept in that form are silently not applied. The hint flags any resource of the two kinds whose kind is not IstioOperator or whose apiVersion is not in allowedApiVersions (default install.istio.io/v1alpha1), so that stale manifests are caught in review or CI before an upgrade. Whether the fields inside an IstioOperator are current is checked by istio-operator-removed-fields. It denies with medium severity: an outdated installation manifest is never what the author wants, and rejecting it costs only a rewrite. No namespace is excluded: these resources normally live in istio-system."
# custom:
#   hint: istio-operator-api-version
#   severity: medium
#   source: hints/istio-operator-api-version/hint.yaml
package hint2policy.istio_operator_api_version

import data.lib.hint2policy.common
import data.lib.hint2policy.istio_operator_api_version as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"IstioControlPlane": ["install.istio.io"], "IstioOperator": ["install.istio.io"]}

# Users override parameters with conftest --data: {"hint2policy": {"parameters": {"<hint>": {...}}}}.
default _overrides := {}

_overrides := data.hint2policy.parameters["istio-operator-api-version"]

# METADATA
# title: "Istio installation resources use the current IstioOperator API version"
# entrypoint: true
deny contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj, _overrides)
	not common.exempt(obj, "istio-operator-api-version") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "istio-operator-api-version",
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
