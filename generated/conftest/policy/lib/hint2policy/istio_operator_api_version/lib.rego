# METADATA
# title: "Istio installation resources use the current IstioOperator API version"
# description: "istioctl and the Istio operator read installation settings only through the IstioOperator kind of install.istio.io, whose one and current version is v1alpha1. Istio 1.4 used a different kind, IstioControlPlane of install.istio.io/v1alpha2, whose fields (for example trafficManagement.components.pilot, or policy and telemetry feature blocks) were reorganised when IstioOperator replaced it in 1.5; current istioctl does not read it at all, so settings kept in that form are silently not applied. The hint flags any resource of the two kinds whose kind is not IstioOperator or whose apiVersion is not in allowedApiVersions (default install.istio.io/v1alpha1), so that stale manifests are caught in review or CI before an upgrade. Whether the fields inside an IstioOperator are current is checked by istio-operator-removed-fields. It denies with medium severity: an outdated installation manifest is never what the author wants, and rejecting it costs only a rewrite. No namespace is excluded: these resources normally live in istio-system."
# custom:
#   hint: istio-operator-api-version
#   source: hints/istio-operator-api-version/hint.yaml
package lib.hint2policy.istio_operator_api_version

import data.lib.hint2policy.common

# Parameter defaults; a Constraint's parameters or conftest data override them.
_defaults := {"allowedApiVersions": ["install.istio.io/v1alpha1"]}

# violations is the set of messages for every way subject breaks the hint (overrides: parameter values).
violations(subject, overrides) := {msg |
	params := object.union(_defaults, overrides)
	not _check_1(subject, params)
	msg := sprintf("%s %s/%s does not use the current IstioOperator API (kind IstioOperator, apiVersion in allowedApiVersions): migrate it before Istio ignores it", [common.text(common.get(subject, ["kind"])), common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"]))])
}

_check_1(subject, params) if {
	_check_2(subject)
	_check_3(subject, params)
}

_check_2(subject) if subject.kind == "IstioOperator"

_check_3(subject, params) if common.get(subject, ["apiVersion"]) in params.allowedApiVersions
