# METADATA
# title: "DestinationRules that originate TLS must verify the server's certificate"
# description: "Istio's security best practices ask for care when a DestinationRule originates TLS (tls.mode SIMPLE or MUTUAL, typically to upgrade an application's plaintext HTTP to HTTPS on its way out of the mesh): the tls settings should name the caCertificates that verify the server, and without them the server's certificate is not verified. The same page warns that a CA alone is not enough, the subject alternative names must be validated too. A sidecar that does not verify the server hands the application's requests, often with credentials, to whoever answers on the network path. The hint checks every place a DestinationRule sets TLS: spec.trafficPolicy.tls, each entry of spec.trafficPolicy.portLevelSettings, and each subset's trafficPolicy with its own portLevelSettings. Wherever the mode is SIMPLE or MUTUAL it flags insecureSkipVerify: true, which turns off verification of the CA signature and of the names even when a CA is given, and, for the modes in caRequiredModes (default SIMPLE and MUTUAL), tls settings with neither caCertificates nor credentialName (whose Secret carries the CA certificate). For the modes in sanRequiredModes (default none) it also requires subjectAltNames. Other modes (DISABLE, ISTIO_MUTUAL, absent) are not this hint's concern: ISTIO_MUTUAL uses the mesh's own certificates, and DISABLE is destination-rule-tls-not-disabled's concern. One violation is reported per resource. Since Istio 1.21 istiod has by default (VERIFY_CERTIFICATE_AT_CLIENT) verified a SIMPLE or MUTUAL upstream against the proxy's system root certificates when caCertificates is empty, and Istio 1.24 removed the switch. The hint still requires an explicit CA by default, as istioctl does: older meshes, and newer ones installed with the 1.20 compatibility profile, do not verify at all, an explicit bundle states which CA the destination is expected to use instead of any public CA, and Istio's own example names the bundle file (/etc/ssl/certs/ca-certificates.crt for public servers). Meshes on 1.24 or later that accept the system roots set caRequiredModes to []; insecureSkipVerify is flagged regardless. subjectAltNames are not required by default because Istio validates names on its own in the common cases, the ServiceEntry's subjectAltNames and, for HTTP without an explicit sni, the Host header (auto SNI with SAN validation); a mesh that originates TLS for raw TCP or sets sni explicitly should set sanRequiredModes to [SIMPLE, MUTUAL]. Severity is high and the action deny: the failure is silent interception of traffic leaving the mesh, istioctl reports the missing CA as an error, and the fix is one line in the rule. No namespace is excluded: a rule in istio-system applies to every namespace."
# custom:
#   hint: destination-rule-tls-verify
#   source: hints/destination-rule-tls-verify/hint.yaml
package lib.hint2policy.destination_rule_tls_verify

import data.lib.hint2policy.common

# Parameter defaults; a Constraint's parameters or conftest data override them.
_defaults := {"caRequiredModes": ["SIMPLE", "MUTUAL"], "sanRequiredModes": []}

# violations is the set of messages for every way subject breaks the hint (overrides: parameter values).
violations(subject, overrides) := {msg |
	params := object.union(_defaults, overrides)
	not _check_1(subject, params)
	msg := sprintf("DestinationRule %s/%s originates TLS (SIMPLE or MUTUAL) to %s without verifying the server: set caCertificates or credentialName (and subjectAltNames where required) and remove insecureSkipVerify: true", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"])), common.text(common.get(subject, ["spec", "host"]))])
}

_check_1(subject, params) if {
	_check_2(subject, params)
	_check_13(subject, params)
	_check_25(subject, params)
}

_check_2(subject, params) if {
	_check_3(subject)
} else if {
	_check_4(subject, params)
}

_check_3(subject) if not common.get(subject, ["spec", "trafficPolicy", "tls", "mode"]) in ["SIMPLE", "MUTUAL"]

_check_4(subject, params) if {
	_check_5(subject)
	_check_6(subject, params)
	_check_10(subject, params)
}

_check_5(subject) if not subject.spec.trafficPolicy.tls.insecureSkipVerify == true

_check_6(subject, params) if {
	_check_7(subject, params)
} else if {
	_check_8(subject)
} else if {
	_check_9(subject)
}

_check_7(subject, params) if not common.get(subject, ["spec", "trafficPolicy", "tls", "mode"]) in params.caRequiredModes

_check_8(subject) if {
	value := subject.spec.trafficPolicy.tls.caCertificates
	common.has_size(value)
	count(value) > 0
}

_check_9(subject) if {
	value := subject.spec.trafficPolicy.tls.credentialName
	common.has_size(value)
	count(value) > 0
}

_check_10(subject, params) if {
	_check_11(subject, params)
} else if {
	_check_12(subject)
}

_check_11(subject, params) if not common.get(subject, ["spec", "trafficPolicy", "tls", "mode"]) in params.sanRequiredModes

_check_12(subject) if {
	value := subject.spec.trafficPolicy.tls.subjectAltNames
	common.has_size(value)
	count(value) > 0
}

_check_13(subject, params) if {
	every v_setting in common.list(common.get(subject, ["spec", "trafficPolicy", "portLevelSettings"])) {
		_check_14(params, v_setting)
	}
}

_check_14(params, v_setting) if {
	_check_15(v_setting)
} else if {
	_check_16(params, v_setting)
}

_check_15(v_setting) if not common.get(v_setting, ["tls", "mode"]) in ["SIMPLE", "MUTUAL"]

_check_16(params, v_setting) if {
	_check_17(v_setting)
	_check_18(params, v_setting)
	_check_22(params, v_setting)
}

_check_17(v_setting) if not v_setting.tls.insecureSkipVerify == true

_check_18(params, v_setting) if {
	_check_19(params, v_setting)
} else if {
	_check_20(v_setting)
} else if {
	_check_21(v_setting)
}

_check_19(params, v_setting) if not common.get(v_setting, ["tls", "mode"]) in params.caRequiredModes

_check_20(v_setting) if {
	value := v_setting.tls.caCertificates
	common.has_size(value)
	count(value) > 0
}

_check_21(v_setting) if {
	value := v_setting.tls.credentialName
	common.has_size(value)
	count(value) > 0
}

_check_22(params, v_setting) if {
	_check_23(params, v_setting)
} else if {
	_check_24(v_setting)
}

_check_23(params, v_setting) if not common.get(v_setting, ["tls", "mode"]) in params.sanRequiredModes

_check_24(v_setting) if {
	value := v_setting.tls.subjectAltNames
	common.has_size(value)
	count(value) > 0
}

_check_25(subject, params) if {
	every v_subset in common.list(common.get(subject, ["spec", "subsets"])) {
		_check_26(params, v_subset)
	}
}

_check_26(params, v_subset) if {
	_check_27(params, v_subset)
	_check_38(params, v_subset)
}

_check_27(params, v_subset) if {
	_check_28(v_subset)
} else if {
	_check_29(params, v_subset)
}

_check_28(v_subset) if not common.get(v_subset, ["trafficPolicy", "tls", "mode"]) in ["SIMPLE", "MUTUAL"]

_check_29(params, v_subset) if {
	_check_30(v_subset)
	_check_31(params, v_subset)
	_check_35(params, v_subset)
}

_check_30(v_subset) if not v_subset.trafficPolicy.tls.insecureSkipVerify == true

_check_31(params, v_subset) if {
	_check_32(params, v_subset)
} else if {
	_check_33(v_subset)
} else if {
	_check_34(v_subset)
}

_check_32(params, v_subset) if not common.get(v_subset, ["trafficPolicy", "tls", "mode"]) in params.caRequiredModes

_check_33(v_subset) if {
	value := v_subset.trafficPolicy.tls.caCertificates
	common.has_size(value)
	count(value) > 0
}

_check_34(v_subset) if {
	value := v_subset.trafficPolicy.tls.credentialName
	common.has_size(value)
	count(value) > 0
}

_check_35(params, v_subset) if {
	_check_36(params, v_subset)
} else if {
	_check_37(v_subset)
}

_check_36(params, v_subset) if not common.get(v_subset, ["trafficPolicy", "tls", "mode"]) in params.sanRequiredModes

_check_37(v_subset) if {
	value := v_subset.trafficPolicy.tls.subjectAltNames
	common.has_size(value)
	count(value) > 0
}

_check_38(params, v_subset) if {
	every v_setting in common.list(common.get(v_subset, ["trafficPolicy", "portLevelSettings"])) {
		_check_39(params, v_setting)
	}
}

_check_39(params, v_setting) if {
	_check_40(v_setting)
} else if {
	_check_41(params, v_setting)
}

_check_40(v_setting) if not common.get(v_setting, ["tls", "mode"]) in ["SIMPLE", "MUTUAL"]

_check_41(params, v_setting) if {
	_check_42(v_setting)
	_check_43(params, v_setting)
	_check_47(params, v_setting)
}

_check_42(v_setting) if not v_setting.tls.insecureSkipVerify == true

_check_43(params, v_setting) if {
	_check_44(params, v_setting)
} else if {
	_check_45(v_setting)
} else if {
	_check_46(v_setting)
}

_check_44(params, v_setting) if not common.get(v_setting, ["tls", "mode"]) in params.caRequiredModes

_check_45(v_setting) if {
	value := v_setting.tls.caCertificates
	common.has_size(value)
	count(value) > 0
}

_check_46(v_setting) if {
	value := v_setting.tls.credentialName
	common.has_size(value)
	count(value) > 0
}

_check_47(params, v_setting) if {
	_check_48(params, v_setting)
} else if {
	_check_49(v_setting)
}

_check_48(params, v_setting) if not common.get(v_setting, ["tls", "mode"]) in params.sanRequiredModes

_check_49(v_setting) if {
	value := v_setting.tls.subjectAltNames
	common.has_size(value)
	count(value) > 0
}
