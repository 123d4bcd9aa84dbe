# METADATA
# title: "Use ServiceEntries instead of ExternalName Services"
# description: "A Service of type ExternalName is a DNS CNAME that Istio cannot attach traffic policy to: the sidecar sees neither the real destination nor its protocol, so mTLS, retries, timeouts and egress control do not apply. A ServiceEntry registers the external host in the mesh so that all of these do."
# custom:
#   hint: external-name-service
#   source: hints/external-name-service/hint.yaml
package lib.hint2policy.external_name_service

import data.lib.hint2policy.common

# violations is the set of messages for every way subject breaks the hint.
violations(subject) := {msg |
	not _check_1(subject)
	msg := sprintf("Service %s/%s is of type ExternalName (-> %s): register the external host with a ServiceEntry instead", [common.text(common.get(subject, ["metadata", "namespace"])), common.text(common.get(subject, ["metadata", "name"])), common.text(common.get(subject, ["spec", "externalName"]))])
}

_check_1(subject) if not subject.spec.type == "ExternalName"
