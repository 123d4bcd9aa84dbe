"""Facts about Kubernetes that several stages share."""

from __future__ import annotations

from typing import Any

# Kinds without a namespace. A namespaced object without metadata.namespace lands in
# "default" when applied, and Kyverno assumes so too; every engine is given the same.
CLUSTER_SCOPED = frozenset(
    {
        "APIService",
        "CertificateSigningRequest",
        "ClusterRole",
        "ClusterRoleBinding",
        "CSIDriver",
        "CSINode",
        "CustomResourceDefinition",
        "IngressClass",
        "MutatingWebhookConfiguration",
        "Namespace",
        "Node",
        "PersistentVolume",
        "PriorityClass",
        "RuntimeClass",
        "StorageClass",
        "ValidatingWebhookConfiguration",
        "VolumeAttachment",
    }
)
DEFAULT_NAMESPACE = "default"


def group_kind(obj: dict[str, Any]) -> tuple[str, str]:
    """An object's API group ("" for the core group) and kind: v1 Service -> ("", "Service")."""
    return obj["apiVersion"].rpartition("/")[0], obj["kind"]


def string_keys(value: Any) -> Any:
    """value with every mapping key a string, as kubectl's YAML-to-JSON conversion makes them.

    YAML reads `8080:` as an integer key; the API server only ever sees "8080",
    and gator cannot encode a non-string key at all.
    """
    if isinstance(value, dict):
        return {_key(k): string_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [string_keys(v) for v in value]
    return value


def _key(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return key if isinstance(key, str) else str(key)


# The version each engine lists related objects at; Istio serves one schema at every version.
GROUP_VERSIONS = {
    "": "v1",
    "apps": "apps/v1",
    "batch": "batch/v1",
    "networking.istio.io": "networking.istio.io/v1",
    "security.istio.io": "security.istio.io/v1",
    "telemetry.istio.io": "telemetry.istio.io/v1",
}


def api_version(group: str) -> str:
    return GROUP_VERSIONS.get(group, f"{group}/v1")


def plural(kind: str) -> str:
    """The resource name of a kind, as the API server derives it: ServiceEntry -> serviceentries."""
    lower = kind.lower()
    if lower.endswith("y") and lower[-2:-1] not in "aeiou":
        return lower[:-1] + "ies"
    if lower.endswith(("s", "x", "ch", "sh")):
        return lower + "es"
    return lower + "s"
