"""A deterministic generator of realistic Istio mesh manifests, with a controlled share of violations.

Each namespace holds a few applications (Deployment, Service, DestinationRule,
VirtualService) and the namespace-wide Istio resources teams write (Sidecar,
PeerAuthentication, AuthorizationPolicy, ServiceEntry); one ingress Gateway
serves them. Every generated object complies with every enforced hint unless
a violation was injected into it, and each injection is recorded, so a
benchmark can check what the engines found as well as how fast.

    python -m benchmarks.meshgen --resources 1000 --violations 0.05 --out /tmp/mesh-1k
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Obj = dict[str, Any]
APPS_PER_NAMESPACE = 3


@dataclass
class Mesh:
    objects: list[Obj] = field(default_factory=list)
    violations: list[dict[str, str]] = field(default_factory=list)  # hint, kind, namespace, name


def _meta(name: str, namespace: str | None = None, **extra: Any) -> Obj:
    meta: Obj = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    return {**meta, **extra}


def namespace(ns: str) -> Obj:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": _meta(ns, labels={"istio-injection": "enabled"})}


def deployment(ns: str, app: str) -> Obj:
    labels = {"app": app, "version": "v1"}
    container = {
        "name": app,
        "image": f"registry.example.com/{ns}/{app}:1.0.0",
        "ports": [{"name": "http", "containerPort": 8080}],
        "securityContext": {"runAsUser": 1000, "runAsNonRoot": True},
        "readinessProbe": {"exec": {"command": ["/bin/health"]}},
    }
    template = {"metadata": {"labels": labels}, "spec": {"containers": [container]}}
    spec = {"replicas": 2, "selector": {"matchLabels": labels}, "template": template}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": _meta(app, ns), "spec": spec}


def service(ns: str, app: str) -> Obj:
    port = {"name": "http-web", "port": 80, "targetPort": 8080}
    spec = {"selector": {"app": app}, "ports": [port]}
    return {"apiVersion": "v1", "kind": "Service", "metadata": _meta(app, ns), "spec": spec}


def destination_rule(ns: str, app: str) -> Obj:
    spec = {
        "host": f"{app}.{ns}.svc.cluster.local",
        "exportTo": ["."],
        "trafficPolicy": {"tls": {"mode": "ISTIO_MUTUAL"}},
        "subsets": [{"name": "v1", "labels": {"version": "v1"}}],
    }
    return {"apiVersion": "networking.istio.io/v1", "kind": "DestinationRule", "metadata": _meta(app, ns), "spec": spec}


def virtual_service(ns: str, app: str) -> Obj:
    host = f"{app}.{ns}.svc.cluster.local"
    route = {"match": [{"uri": {"prefix": "/"}}], "route": [{"destination": {"host": host, "subset": "v1"}}]}
    spec = {"hosts": [host], "exportTo": ["."], "http": [route]}
    return {"apiVersion": "networking.istio.io/v1", "kind": "VirtualService", "metadata": _meta(app, ns), "spec": spec}


def sidecar(ns: str) -> Obj:
    spec = {"egress": [{"hosts": ["./*", "istio-system/*"]}]}
    return {"apiVersion": "networking.istio.io/v1", "kind": "Sidecar", "metadata": _meta("default", ns), "spec": spec}


def peer_authentication(ns: str) -> Obj:
    spec = {"mtls": {"mode": "STRICT"}}
    meta = _meta("default", ns)
    return {"apiVersion": "security.istio.io/v1", "kind": "PeerAuthentication", "metadata": meta, "spec": spec}


def authorization_policy(ns: str) -> Obj:
    source = {"principals": [f"cluster.local/ns/{ns}/sa/frontend"]}
    rule = {"from": [{"source": source}], "to": [{"operation": {"methods": ["GET"]}}]}
    spec = {"action": "ALLOW", "rules": [rule]}
    meta = _meta("allow-frontend", ns)
    return {"apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy", "metadata": meta, "spec": spec}


def default_deny(ns: str) -> Obj:
    """The namespace's default: deny what no other policy allows (an ALLOW policy with no rules)."""
    meta = _meta("default-deny", ns)
    return {"apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy", "metadata": meta, "spec": {}}


def service_entry(ns: str) -> Obj:
    spec = {
        "hosts": [f"api-{ns}.partner.example.com"],
        "exportTo": ["."],
        "location": "MESH_EXTERNAL",
        "resolution": "DNS",
        "ports": [{"number": 443, "name": "tls", "protocol": "TLS"}],
    }
    meta = _meta("partner-api", ns)
    return {"apiVersion": "networking.istio.io/v1", "kind": "ServiceEntry", "metadata": meta, "spec": spec}


def gateway(index: int) -> Obj:
    server = {
        "port": {"number": 443, "name": "https", "protocol": "HTTPS"},
        "hosts": [f"app{index}.example.com"],
        "tls": {"mode": "SIMPLE", "credentialName": f"app{index}-cert"},
    }
    meta = _meta(f"ingress-{index}", "istio-ingress", annotations={"hint2policy.io/load-balancer-sets-sni": "true"})
    return {"apiVersion": "networking.istio.io/v1", "kind": "Gateway", "metadata": meta, "spec": {"servers": [server]}}


def _namespace_objects(ns: str) -> Iterator[Obj]:
    for i in range(APPS_PER_NAMESPACE):
        app = f"app{i}"
        yield from (deployment(ns, app), service(ns, app), destination_rule(ns, app), virtual_service(ns, app))
    yield from (sidecar(ns), peer_authentication(ns), default_deny(ns), authorization_policy(ns), service_entry(ns))
    # last: a mesh cut short at `resources` never holds a Namespace without its Sidecar and policies
    yield namespace(ns)


# -- violations: (hint id, the kind it applies to, how to break a compliant object) ---------------


def _unnamed_port(obj: Obj) -> None:
    obj["spec"]["ports"][0]["name"] = "web"


def _no_version(obj: Obj) -> None:
    del obj["spec"]["template"]["metadata"]["labels"]["version"]


def _uid_1337(obj: Obj) -> None:
    obj["spec"]["template"]["spec"]["containers"][0]["securityContext"]["runAsUser"] = 1337


def _short_host(obj: Obj) -> None:
    obj["spec"]["hosts"] = [obj["metadata"]["name"]]


def _regex_uri(obj: Obj) -> None:
    obj["spec"]["http"][0]["match"] = [{"uri": {"regex": "^/api/.*"}}]


def _tls_disabled(obj: Obj) -> None:
    obj["spec"]["trafficPolicy"]["tls"]["mode"] = "DISABLE"


def _permissive(obj: Obj) -> None:
    obj["spec"]["mtls"]["mode"] = "PERMISSIVE"


def _not_paths(obj: Obj) -> None:
    obj["spec"]["rules"][0]["to"][0]["operation"] = {"notPaths": ["/admin"]}


def _open_resolution(obj: Obj) -> None:
    obj["spec"]["resolution"] = "NONE"


def _import_all(obj: Obj) -> None:
    obj["spec"]["egress"][0]["hosts"] = ["*/*"]


def _no_injection_label(obj: Obj) -> None:
    del obj["metadata"]["labels"]


def _wildcard_gateway(obj: Obj) -> None:
    obj["spec"]["servers"][0]["hosts"] = ["*"]


def _missing_subset(obj: Obj) -> None:
    # the DestinationRule for the host defines v1 only
    obj["spec"]["http"][0]["route"][0]["destination"]["subset"] = "v2"


VIOLATIONS: list[tuple[str, str, Callable[[Obj], None]]] = [
    ("service-port-names", "Service", _unnamed_port),
    ("workload-app-version-labels", "Deployment", _no_version),
    ("application-uid-1337", "Deployment", _uid_1337),
    ("virtual-service-fqdn-hosts", "VirtualService", _short_host),
    ("virtual-service-regex-uri", "VirtualService", _regex_uri),
    ("destination-rule-tls-not-disabled", "DestinationRule", _tls_disabled),
    ("peer-authentication-strict", "PeerAuthentication", _permissive),
    ("authorization-policy-positive-match", "AuthorizationPolicy", _not_paths),
    ("service-entry-none-resolution", "ServiceEntry", _open_resolution),
    ("sidecar-import-all", "Sidecar", _import_all),
    ("namespace-injection-decision", "Namespace", _no_injection_label),
    ("gateway-wildcard-hosts", "Gateway", _wildcard_gateway),
    ("virtual-service-subset-exists", "VirtualService", _missing_subset),
]


def generate(resources: int, violations: float = 0.05, seed: int = 1) -> Mesh:
    """Exactly `resources` objects; about `violations` of them break one hint each."""
    rng = random.Random(seed)
    mesh = Mesh()
    index = 0
    while len(mesh.objects) < resources:
        index += 1
        batch = [gateway(index), *_namespace_objects(f"team-{index:05d}")]
        for obj in batch[: resources - len(mesh.objects)]:
            if rng.random() < violations:
                _inject(rng, obj, mesh)
            mesh.objects.append(obj)
    _knock_on(mesh)
    return mesh


def _knock_on(mesh: Mesh) -> None:
    """A Sidecar that imports everything no longer restricts its namespace: that Namespace is flagged too."""
    in_mesh = {
        o["metadata"]["name"]
        for o in mesh.objects
        if o["kind"] == "Namespace" and (o["metadata"].get("labels") or {}).get("istio-injection") == "enabled"
    }
    for violation in list(mesh.violations):
        if violation["hint"] == "sidecar-import-all" and violation["namespace"] in in_mesh:
            ns = violation["namespace"]
            mesh.violations.append(
                {"hint": "namespace-defines-sidecar", "kind": "Namespace", "namespace": "", "name": ns}
            )


def _inject(rng: random.Random, obj: Obj, mesh: Mesh) -> None:
    choices = [(hint, breaker) for hint, kind, breaker in VIOLATIONS if kind == obj["kind"]]
    if not choices or obj["metadata"]["name"] == "default-deny":  # the breakers target allow-frontend
        return
    hint, breaker = rng.choice(choices)
    breaker(obj)
    meta = obj["metadata"]
    mesh.violations.append(
        {"hint": hint, "kind": obj["kind"], "namespace": meta.get("namespace", ""), "name": meta["name"]}
    )


def write(mesh: Mesh, out: Path, per_file: int = 100) -> None:
    """Multi-document YAML files of per_file objects each, and violations.json."""
    out.mkdir(parents=True, exist_ok=True)
    for start in range(0, len(mesh.objects), per_file):
        chunk = mesh.objects[start : start + per_file]
        text = yaml.safe_dump_all(chunk, sort_keys=False)
        (out / f"mesh-{start // per_file:05d}.yaml").write_text(text, encoding="utf-8")
    (out / "violations.json").write_text(json.dumps(mesh.violations, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, required=True)
    parser.add_argument("--violations", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    mesh = generate(args.resources, args.violations, args.seed)
    write(mesh, args.out)
    print(f"{args.out}: {len(mesh.objects)} objects, {len(mesh.violations)} violations injected")


if __name__ == "__main__":
    main()
