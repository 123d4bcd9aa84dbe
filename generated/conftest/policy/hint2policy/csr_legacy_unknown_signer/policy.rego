# METADATA
# title: "Do not request certificates from the kubernetes.io/legacy-unknown signer"
# description: "kubernetes.io/legacy-unknown is the catch-all signer of the old CSR API: Kubernetes makes no promise about who signs such a request, with which CA, or which of the requested X.509 extensions (SANs, key usages) end up in the certificate, and the seed warns that only some distributions honour them. Istio can hand its certificate signing to the Kubernetes CSR API (istiod as a registration authority, EXTERNAL_CA= ISTIOD_RA_KUBERNETES_API, with the signer named by istiod's K8S_SIGNER environment variable); with legacy-unknown, the mesh's workload identities and mTLS then depend on distribution-specific behaviour. The signer is also gone from current clusters: certificates.k8s.io/v1 refuses it, and v1beta1, the only API that accepted it, was removed in Kubernetes 1.22, so such a setup stops issuing certificates on upgrade. The hint flags a CertificateSigningRequest whose spec.signerName is kubernetes.io/legacy-unknown, and an IstioOperator that sets K8S_SIGNER to it in spec.values.pilot.env or in a spec.components.pilot.k8s.env entry. Not seen: a v1beta1 CSR that omits signerName in a file (the API server defaults it, often to legacy-unknown, so admission control sees the defaulted value but a static check of the file does not), and istiod environment set outside the IstioOperator (Helm values, a patched Deployment). It denies with high severity: certificates are the basis of mesh identity, there is no reason to request new ones from a signer with undefined behaviour, and named signers (kubernetes.io/kube-apiserver-client, kubernetes.io/kubelet-serving, or a custom signer such as cert-manager's istio-csr or clusterissuers.cert-manager.io/<name>) exist for every use. Clusters still below 1.22 that knowingly rely on a distribution that honours all extensions can disable the hint. CertificateSigningRequest is cluster-scoped, so no namespace is excluded, and IstioOperator resources normally live in istio-system."
# custom:
#   hint: csr-legacy-unknown-signer
#   severity: high
#   source: hints/csr-legacy-unknown-signer/hint.yaml
package hint2policy.csr_legacy_unknown_signer

import data.lib.hint2policy.common
import data.lib.hint2policy.csr_legacy_unknown_signer as hint

# the kinds the hint reviews: each name with its API groups
_groups := {"CertificateSigningRequest": ["certificates.k8s.io"], "IstioOperator": ["install.istio.io"]}

# METADATA
# title: "Do not request certificates from the kubernetes.io/legacy-unknown signer"
# entrypoint: true
deny contains result if {
	some name, groups in _groups
	some doc in object.get(common.documents_by_kind, [name], [])
	doc.group in groups
	obj := doc.contents
	some msg in hint.violations(obj)
	not common.exempt(obj, "csr-legacy-unknown-signer") # after: few objects break a hint, fewer are exempt
	result := {
		"msg": msg,
		"hint": "csr-legacy-unknown-signer",
		"severity": "high",
		"file": doc.path,
		"resource": {
			"apiVersion": common.get(obj, ["apiVersion"]),
			"kind": common.get(obj, ["kind"]),
			"namespace": common.get(obj, ["metadata", "namespace"]),
			"name": common.get(obj, ["metadata", "name"]),
		},
	}
}
