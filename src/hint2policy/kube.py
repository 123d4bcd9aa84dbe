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
