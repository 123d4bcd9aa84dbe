"""`hint2policy bundle`: the generated policies packaged for the engines a cluster already runs.

From the generated tree (the very text of generated/) it builds, under dist/:

    opa/hint2policy-<version>.tar.gz   an OPA bundle made by `opa build` from conftest/policy
    opa/policy/                        the same files and .manifest, unpacked, for `conftest test -p`
    gatekeeper/templates/              ConstraintTemplates and sync/syncset.yaml (kustomization)
    gatekeeper/constraints/            Constraints (kustomization)
    gatekeeper/audit/                  the Constraints with enforcementAction dryrun (kustomization)
    gatekeeper/kustomization.yaml      templates, then constraints
    kyverno/policies/                  ClusterPolicies and ValidatingPolicies (kustomization)
    kyverno/audit/                     the same in Audit mode (kustomization)
    kyverno/kustomization.yaml         the policies
    bundle.json, SHA256SUMS            index: version, config digest, every file's sha256

Every kustomization stamps its objects with the hint2policy version and the configuration's
digest, and so does the OPA bundle's .manifest. The output is byte-stable: the archive is
`opa build`'s own, which writes sorted entries with zero timestamps and owners.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from hint2policy import __version__
from hint2policy.engines import toolchain
from hint2policy.engines.runner import run
from hint2policy.errors import EngineError, Hint2PolicyError
from hint2policy.generate import CONFTEST_POLICY
from hint2policy.render.environment import render

OPA_BUILD_TIMEOUT = 300.0
# The bundle's own folders under dist/: only these are pruned of stale files, since dist/ is
# shared with other tools (`python -m build` writes its wheels there too).
OWNED_DIRS = ("opa", "gatekeeper", "kyverno")
INDEX_FILES = ("bundle.json", "SHA256SUMS")
LIB_ROOT = "lib/hint2policy"
INDEX_SCHEMA_VERSION = 1
RESERVED_ID = "kustomization"


class BundleError(Hint2PolicyError):
    """The bundle cannot be built from this tree or configuration."""


@dataclass(frozen=True)
class Stamp:
    """What every bundle carries: the hint2policy version and the configuration's digest."""

    version: str
    digest: str

    @property
    def revision(self) -> str:
        return f"{self.version}+{self.digest}"


def config_digest(config: Mapping[str, Any] | None) -> str:
    """sha256 of the configuration as canonical JSON (sorted keys, no spaces); None is {}."""
    try:
        text = json.dumps(
            dict(config or {}), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except (TypeError, ValueError) as exc:
        raise BundleError(f"the configuration is not plain JSON data, so it has no digest: {exc}") from None
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_bundle(tree: Mapping[str, str], config: Mapping[str, Any] | None = None) -> dict[str, bytes]:
    """Every file of dist/, by path relative to it, sorted; runs `opa build` for the archive."""
    stamp = Stamp(__version__, config_digest(config))
    if RESERVED_ID in hint_ids(tree):
        # Its files would be <folder>/kustomization.yaml, where the kustomization itself lives.
        raise BundleError(f"a hint with the id {RESERVED_ID!r} cannot be bundled: rename it")
    files: dict[str, bytes] = {}
    files.update(_opa_files(tree, stamp))
    files.update(_gatekeeper_files(tree, stamp))
    files.update(_kyverno_files(tree, stamp))
    files["bundle.json"] = _index(files, tree, stamp)
    files["SHA256SUMS"] = _sha256sums(files)
    return dict(sorted(files.items()))


def write_bundle(files: Mapping[str, bytes], out: Path) -> list[str]:
    """Write the bundle under out, removing stale files of its own folders; returns what changed."""
    if out.exists() and not out.is_dir():
        raise BundleError(f"cannot write the bundle to {out}: it is a file, not a folder")
    try:
        return _write(files, out)
    except OSError as exc:
        raise BundleError(f"cannot write the bundle to {out}: {exc.strerror or exc}: {exc.filename}") from None


def _write(files: Mapping[str, bytes], out: Path) -> list[str]:
    differ = [p for p in files if not (out / p).is_file() or (out / p).read_bytes() != files[p]]
    stale = _stale(files, out)
    for path in stale:
        (out / path).unlink()
    for path in differ:
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(files[path])
    for owned in OWNED_DIRS:
        _remove_empty_dirs(out / owned)
    return sorted(differ + stale)


def hint_ids(tree: Mapping[str, str]) -> list[str]:
    """The hints of a generated tree: those with a Gatekeeper template."""
    return sorted(p.split("/")[1] for p in tree if p.startswith("gatekeeper/") and p.endswith("/template.yaml"))


# --- OPA ---------------------------------------------------------------------------------------


def archive_path(version: str) -> str:
    """The OPA archive, relative to dist/: its name carries the hint2policy version."""
    return f"opa/hint2policy-{version}.tar.gz"


def policy_files(tree: Mapping[str, str]) -> dict[str, str]:
    """The Rego of the conftest policy tree, by path relative to conftest/policy."""
    prefix = CONFTEST_POLICY + "/"
    return {p.removeprefix(prefix): t for p, t in tree.items() if p.startswith(prefix) and p.endswith(".rego")}


def bundle_roots(paths: list[str]) -> list[str]:
    """The data paths the bundle owns: the shared library, and one package per hint.

    A root per hint package (not all of `hint2policy`) leaves data.hint2policy.parameters
    free, so users still override parameters with `-d`/`--data` or a bundle of their own.
    Under a root `hint2policy`, `opa eval -b` silently drops the `-d` parameters and refuses
    a parameters bundle for its overlapping root.
    """
    roots = set()
    for path in paths:
        parent = str(PurePosixPath(path).parent)
        roots.add(LIB_ROOT if parent == LIB_ROOT or parent.startswith(LIB_ROOT + "/") else parent)
    return sorted(roots)


def manifest(paths: list[str], stamp: Stamp) -> str:
    data = {
        "revision": stamp.revision,
        "roots": bundle_roots(paths),
        "rego_version": 1,
        "metadata": {"hint2policy": {"version": stamp.version, "configDigest": stamp.digest}},
    }
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def _opa_files(tree: Mapping[str, str], stamp: Stamp) -> dict[str, bytes]:
    sources = policy_files(tree)
    if not sources:
        raise BundleError("the generated tree holds no conftest policy: no hint is enforced")
    sources[".manifest"] = manifest(sorted(sources), stamp)
    files = {f"opa/policy/{p}": t.encode("utf-8") for p, t in sources.items()}
    files[archive_path(stamp.version)] = opa_build(sources)
    files["opa/README.md"] = _readme("opa", stamp, tree)
    return files


def opa_build(sources: Mapping[str, str]) -> bytes:
    """The .tar.gz that `opa build -b` makes of these files (a .manifest among them)."""
    opa = toolchain.require("opa")
    with tempfile.TemporaryDirectory(prefix="hint2policy-bundle-") as tmp:
        src = Path(tmp) / "src"
        for path, text in sources.items():
            target = src / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
        out = Path(tmp) / "bundle.tar.gz"
        # Run inside the folder so that the archive's paths are the bundle's, not the temp dir's.
        done = run([str(opa), "build", "-b", ".", "-o", str(out)], timeout=OPA_BUILD_TIMEOUT, cwd=src)
        if done.returncode != 0 or not out.is_file():
            raise EngineError(f"opa build failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}")
        return out.read_bytes()


# --- Gatekeeper -------------------------------------------------------------------------------

SYNCSET = "gatekeeper/sync/syncset.yaml"
SYNC_CONFIG = "gatekeeper/sync/config.yaml"


def _gatekeeper_files(tree: Mapping[str, str], stamp: Stamp) -> dict[str, bytes]:
    ids = hint_ids(tree)
    files: dict[str, str] = {}
    for hint in ids:
        files[f"gatekeeper/templates/{hint}.yaml"] = tree[f"gatekeeper/{hint}/template.yaml"]
        files[f"gatekeeper/constraints/{hint}.yaml"] = tree[f"gatekeeper/{hint}/constraint.yaml"]
    templates = [f"{hint}.yaml" for hint in ids]
    if SYNCSET in tree:
        # With the templates, so that replication has started before any constraint enforces:
        # a cross-resource constraint evaluated on an empty inventory would judge wrongly.
        # In a folder of its own: a hint may be called "syncset", never "sync/...".
        files["gatekeeper/templates/sync/syncset.yaml"] = tree[SYNCSET]
        templates.append("sync/syncset.yaml")
    if SYNC_CONFIG in tree:
        # Not in any kustomization: it would replace the cluster's Config (see the README).
        files["gatekeeper/sync-config.yaml"] = tree[SYNC_CONFIG]
    files["gatekeeper/templates/kustomization.yaml"] = _kustomization(
        stamp, "Phase 1: the ConstraintTemplates (and the SyncSet their cross-resource checks read).", templates
    )
    files["gatekeeper/constraints/kustomization.yaml"] = _kustomization(
        stamp, "Phase 2: the Constraints, once their templates' CRDs exist.", [f"{h}.yaml" for h in ids]
    )
    files["gatekeeper/audit/kustomization.yaml"] = _kustomization(
        stamp,
        "Phase 2, audit first: the Constraints with enforcementAction dryrun (reported by the audit, never denied).",
        ["../constraints"],
        stamped=False,
        patches=[_patch({"group": "constraints.gatekeeper.sh"}, [("add", "/spec/enforcementAction", "dryrun")])],
    )
    files["gatekeeper/kustomization.yaml"] = _kustomization(
        stamp,
        "Templates, then constraints. One apply fails until the templates' CRDs exist:"
        " apply the folders in turn (README.md).",
        ["templates", "constraints"],
        stamped=False,
    )
    out = {p: t.encode("utf-8") for p, t in files.items()}
    out["gatekeeper/README.md"] = _readme("gatekeeper", stamp, tree)
    return out


# --- Kyverno ----------------------------------------------------------------------------------


def _kyverno_files(tree: Mapping[str, str], stamp: Stamp) -> dict[str, bytes]:
    ids = hint_ids(tree)
    files: dict[str, str] = {}
    patches = []
    for hint in ids:
        text = tree[f"kyverno/{hint}/policy.yaml"]
        files[f"kyverno/policies/{hint}.yaml"] = text
        patches.append(audit_patch(text, f"kyverno/{hint}/policy.yaml"))
    names = [f"{hint}.yaml" for hint in ids]
    files["kyverno/policies/kustomization.yaml"] = _kustomization(
        stamp, "Every hint's Kyverno policy: ClusterPolicies (CEL rules) and ValidatingPolicies.", names
    )
    files["kyverno/audit/kustomization.yaml"] = _kustomization(
        stamp,
        "The same policies in Audit mode: violations go to PolicyReports, nothing is denied.",
        ["../policies"],
        stamped=False,
        patches=patches,
    )
    files["kyverno/kustomization.yaml"] = _kustomization(stamp, "Every policy, as generated.", ["policies"], False)
    out = {p: t.encode("utf-8") for p, t in files.items()}
    out["kyverno/README.md"] = _readme("kyverno", stamp, tree)
    return out


def audit_patch(text: str, where: str) -> dict[str, Any]:
    """The JSON patch that turns one generated Kyverno policy to Audit."""
    policy = yaml.safe_load(text)
    kind, name = policy["kind"], policy["metadata"]["name"]
    target = {"group": policy["apiVersion"].split("/")[0], "kind": kind, "name": name}
    if kind == "ValidatingPolicy":
        return _patch(target, [("add", "/spec/validationActions", ["Audit"])])
    if kind == "ClusterPolicy":
        # The action is per rule (validate.failureAction); it overrides the policy-wide one.
        rules = policy["spec"]["rules"]
        ops = [
            ("add", f"/spec/rules/{i}/validate/failureAction", "Audit") for i, r in enumerate(rules) if "validate" in r
        ]
        return _patch(target, ops)
    raise BundleError(f"{where}: a Kyverno policy of kind {kind!r} has no known audit mode")


def _patch(target: dict[str, str], ops: list[tuple[str, str, Any]]) -> dict[str, Any]:
    return {"target": target, "ops": [{"op": op, "path": path, "value": value} for op, path, value in ops]}


# --- shared -----------------------------------------------------------------------------------


def _kustomization(
    stamp: Stamp,
    purpose: str,
    resources: list[str],
    stamped: bool = True,
    patches: list[dict[str, Any]] | None = None,
) -> str:
    return render(
        "bundle/kustomization.yaml.j2",
        version=stamp.version,
        digest=stamp.digest,
        purpose=purpose,
        resources=resources,
        stamp=stamped,
        patches=patches or [],
    )


def _readme(target: str, stamp: Stamp, tree: Mapping[str, str]) -> bytes:
    text = render(
        f"bundle/{target}-README.md.j2",
        version=stamp.version,
        digest=stamp.digest,
        archive=archive_path(stamp.version).removeprefix("opa/"),
        hints=hint_ids(tree),
        sync=SYNCSET in tree,
    )
    return text.encode("utf-8")


def _index(files: Mapping[str, bytes], tree: Mapping[str, str], stamp: Stamp) -> bytes:
    data = {
        "schemaVersion": INDEX_SCHEMA_VERSION,
        "hint2policy": stamp.version,
        "configDigest": stamp.digest,
        "opaRevision": stamp.revision,
        "hints": hint_ids(tree),
        "files": [{"path": p, "sha256": _sha256(d), "size": len(d)} for p, d in sorted(files.items())],
    }
    return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _sha256sums(files: Mapping[str, bytes]) -> bytes:
    """`sha256sum -c SHA256SUMS` checks every file, bundle.json included."""
    return "".join(f"{_sha256(d)}  {p}\n" for p, d in sorted(files.items())).encode("utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _stale(files: Mapping[str, bytes], out: Path) -> list[str]:
    existing = []
    for owned in OWNED_DIRS:
        folder = out / owned
        if folder.is_dir():
            existing += [p.relative_to(out).as_posix() for p in folder.rglob("*") if p.is_file() or p.is_symlink()]
    return sorted(p for p in existing if p not in files)


def _remove_empty_dirs(folder: Path) -> None:
    if not folder.is_dir():
        return
    for sub in sorted((p for p in folder.rglob("*") if p.is_dir()), reverse=True):
        if not any(sub.iterdir()):
            sub.rmdir()
