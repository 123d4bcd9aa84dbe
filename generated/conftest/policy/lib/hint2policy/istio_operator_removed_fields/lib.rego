# METADATA
# title: "IstioOperator sets no fields that Istio removed or deprecated"
# description: "The IstioOperator API has shed whole components and many values since 1.5: Mixer (policy, telemetry) went in 1.8, Citadel, Galley, the sidecar injector and the node agent were folded into istiod, the bundled addons (Prometheus, Grafana, Kiali, tracing, istiocoredns) moved to samples/addons, and many values.global and values.global.proxy settings moved to meshConfig. A manifest that still carries them is out of line with the current API: current istioctl decodes IstioOperator strictly and rejects unknown top-level and component fields, older istioctl printed \"! <field> is deprecated; use <new> instead\" or refused the addon values outright, and removed values keys are simply not rendered by today's charts, so the setting the author relies on is not applied. The check lists the keys at six levels and flags the resource when any key at a level is in that level's list: spec (removedSpecFields), spec.components (removedComponents), spec.values (removedValues), spec.values.global (removedGlobalValues), spec.values.global.proxy (removedProxyValues) and spec.values.pilot (removedPilotValues). The defaults come from Istio's own sources: the operator's deprecated settings list (checkDeprecatedSettings in operator/pkg/apis/istio/v1alpha1/validation), the reserved and removed fields of the IstioOperator and values protos (operator.proto, values_types.proto: fields marked deprecated or no longer present), and the 1.8 upgrade notes for Mixer. Only key names are compared, so a removed field is flagged whatever its value (even enabled: false, which is harmless but still out of line and worth deleting); deeper removed fields (for example values.global.sds.token or values.telemetry.v2.stackdriver.logging) and fields removed from meshConfig are not checked, because the language takes a path per level and each level costs one list. Settings that are deprecated in the proto but have no IstioOperator replacement yet (values.global.proxy.resources, values.global.proxy.enableCoreDump, values.global.tracer) are left out of the defaults. It warns with medium severity rather than denying: part of the list is deprecated but still honoured today, and istioctl rejects the truly removed fields at install time anyway; the hint's value is to surface them in review, before an upgrade breaks the install. No namespace is excluded: IstioOperator resources normally live in istio-system."
# custom:
#   hint: istio-operator-removed-fields
#   source: hints/istio-operator-removed-fields/hint.yaml
package lib.hint2policy.istio_operator_removed_fields

import data.lib.hint2policy.common

# Parameter defaults; a Constraint's parameters or conftest data override them.
_defaults := {"removedComponents": ["policy", "telemetry", "citadel", "galley", "nodeAgent", "sidecarInjector", "proxy"], "removedGlobalValues": ["certificates", "trustDomain", "trustDomainAliases", "outboundTrafficPolicy", "localityLbSetting", "policyCheckFailOpen", "disablePolicyChecks", "enableTracing", "mtls", "controlPlaneSecurityEnabled", "useMCP", "meshExpansion", "centralIstiod", "arch", "defaultNodeSelector", "defaultResources", "defaultTolerations", "priorityClassName", "jwtPolicy"], "removedPilotValues": ["ingress", "policy", "enableProtocolSniffingForOutbound", "enableProtocolSniffingForInbound", "replicaCount", "resources", "cpu", "memory", "nodeSelector", "tolerations", "podAnnotations", "rollingMaxSurge", "rollingMaxUnavailable"], "removedProxyValues": ["accessLogFile", "accessLogFormat", "accessLogEncoding", "concurrency", "envoyAccessLogService", "envoyMetricsService", "protocolDetectionTimeout", "holdApplicationUntilProxyStarts"], "removedSpecFields": ["addonComponents", "resourceSuffix"], "removedValues": ["mixer", "prometheus", "grafana", "kiali", "tracing", "servicegraph", "istiocoredns", "security", "galley", "nodeagent", "certmanager", "istio_cni"]}

# violations is the set of messages for every way subject breaks the hint (overrides: parameter values).
violations(subject, overrides) := {msg |
	params := object.union(_defaults, overrides)
	not _check_1(subject, params)
	msg := sprintf("IstioOperator %s/%s sets fields that Istio's operator API removed or deprecated (spec, components, values, values.global, values.global.proxy or values.pilot): move them to their replacements (see the hint's remediation table)", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"]))])
}

_check_1(subject, params) if {
	_check_2(subject, params)
	_check_4(subject, params)
	_check_6(subject, params)
	_check_8(subject, params)
	_check_10(subject, params)
	_check_12(subject, params)
}

_check_2(subject, params) if {
	every v_field in common.keys(common.get(subject, ["spec"])) {
		_check_3(params, v_field)
	}
}

_check_3(params, v_field) if not v_field in params.removedSpecFields

_check_4(subject, params) if {
	every v_component in common.keys(common.get(subject, ["spec", "components"])) {
		_check_5(params, v_component)
	}
}

_check_5(params, v_component) if not v_component in params.removedComponents

_check_6(subject, params) if {
	every v_value in common.keys(common.get(subject, ["spec", "values"])) {
		_check_7(params, v_value)
	}
}

_check_7(params, v_value) if not v_value in params.removedValues

_check_8(subject, params) if {
	every v_global in common.keys(common.get(subject, ["spec", "values", "global"])) {
		_check_9(params, v_global)
	}
}

_check_9(params, v_global) if not v_global in params.removedGlobalValues

_check_10(subject, params) if {
	every v_proxy in common.keys(common.get(subject, ["spec", "values", "global", "proxy"])) {
		_check_11(params, v_proxy)
	}
}

_check_11(params, v_proxy) if not v_proxy in params.removedProxyValues

_check_12(subject, params) if {
	every v_pilot in common.keys(common.get(subject, ["spec", "values", "pilot"])) {
		_check_13(params, v_pilot)
	}
}

_check_13(params, v_pilot) if not v_pilot in params.removedPilotValues
