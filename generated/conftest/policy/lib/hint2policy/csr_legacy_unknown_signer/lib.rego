# METADATA
# title: "Do not request certificates from the kubernetes.io/legacy-unknown signer"
# description: "kubernetes.io/legacy-unknown is the catch-all signer of the old CSR API: Kubernetes makes no promise about who signs such a request, with which CA, or which of the requested X.509 extensions (SANs, key usages) end up in the certificate, and the seed warns that only some distributions honour them. Istio can hand its certificate signing to the Kubernetes CSR API (istiod as a registration authority, EXTERNAL_CA= ISTIOD_RA_KUBERNETES_API, with the signer named by istiod's K8S_SIGNER environment variable); with legacy-unknown, the mesh's workload identities and mTLS then depend on distribution-specific behaviour. The signer is also gone from current clusters: certificates.k8s.io/v1 refuses it, and v1beta1, the only API that accepted it, was removed in Kubernetes 1.22, so such a setup stops issuing certificates on upgrade. The hint flags a CertificateSigningRequest whose spec.signerName is kubernetes.io/legacy-unknown, and an IstioOperator that sets K8S_SIGNER to it in spec.values.pilot.env or in a spec.components.pilot.k8s.env entry. Not seen: a v1beta1 CSR that omits signerName in a file (the API server defaults it, often to legacy-unknown, so admission control sees the defaulted value but a static check of the file does not), and istiod environment set outside the IstioOperator (Helm values, a patched Deployment). It denies with high severity: certificates are the basis of mesh identity, there is no reason to request new ones from a signer with undefined behaviour, and named signers (kubernetes.io/kube-apiserver-client, kubernetes.io/kubelet-serving, or a custom signer such as cert-manager's istio-csr or clusterissuers.cert-manager.io/<name>) exist for every use. Clusters still below 1.22 that knowingly rely on a distribution that honours all extensions can disable the hint. CertificateSigningRequest is cluster-scoped, so no namespace is excluded, and IstioOperator resources normally live in istio-system."
# custom:
#   hint: csr-legacy-unknown-signer
#   source: hints/csr-legacy-unknown-signer/hint.yaml
package lib.hint2policy.csr_legacy_unknown_signer

import data.lib.hint2policy.common

# violations is the set of messages for every way subject breaks the hint.
violations(subject) := {msg |
	not _check_1(subject)
	msg := sprintf("%s %s requests certificates from the kubernetes.io/legacy-unknown signer (spec.signerName or istiod's K8S_SIGNER), whose handling of X.509 extensions depends on the distribution and which Kubernetes 1.22+ no longer accepts: name a defined signer", [common.text(common.get(subject, ["kind"])), common.text(common.get(subject, ["metadata", "name"]))])
}

_check_1(subject) if {
	_check_2(subject)
	_check_3(subject)
	_check_4(subject)
}

_check_2(subject) if not subject.spec.signerName == "kubernetes.io/legacy-unknown"

_check_3(subject) if not subject.spec.values.pilot.env.K8S_SIGNER == "kubernetes.io/legacy-unknown"

_check_4(subject) if {
	every v_env in common.list(common.get(subject, ["spec", "components", "pilot", "k8s", "env"])) {
		_check_5(v_env)
	}
}

_check_5(v_env) if not _check_6(v_env)

_check_6(v_env) if {
	_check_7(v_env)
	_check_8(v_env)
}

_check_7(v_env) if v_env.name == "K8S_SIGNER"

_check_8(v_env) if v_env.value == "kubernetes.io/legacy-unknown"
