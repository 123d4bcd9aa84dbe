"""generated/ is byte-stable, committed, and `generate --check` catches drift."""

from __future__ import annotations

from pathlib import Path

from hint2policy.catalog import load_catalog
from hint2policy.generate import build_tree
from hint2policy.render.fixtures import cases
from tests.conftest import HINTS, REPO, invoke


def test_rendering_twice_gives_the_same_bytes() -> None:
    hints = load_catalog([HINTS]).hints
    assert build_tree(hints) == build_tree(load_catalog([HINTS]).hints)


def test_committed_generated_tree_is_current(cli) -> None:
    result = invoke(cli, "generate", "--check", "--hints", str(HINTS), "--out", str(REPO / "generated"))
    assert result.exit_code == 0, result.output


def test_check_fails_after_a_hand_edit_and_names_the_file(cli, tmp_path: Path) -> None:
    out = tmp_path / "generated"
    assert invoke(cli, "generate", "--hints", str(HINTS), "--out", str(out)).exit_code == 0
    assert invoke(cli, "generate", "--check", "--hints", str(HINTS), "--out", str(out)).exit_code == 0
    edited = next(out.glob("kyverno/*/policy.yaml"))
    edited.write_text(edited.read_text().replace("background: true", "background: false"))
    stray = out / "kyverno" / "stray.yaml"
    stray.write_text("kind: Stray\n")
    (out / "conftest/policy/lib/hint2policy/common/common.rego").unlink()
    result = invoke(cli, "generate", "--check", "--hints", str(HINTS), "--out", str(out))
    assert result.exit_code == 1
    assert f"{edited.relative_to(out)}: changed" in result.output
    assert "kyverno/stray.yaml: not generated (stale)" in result.output
    assert "common.rego: missing" in result.output
    # generate repairs all three
    assert invoke(cli, "generate", "--hints", str(HINTS), "--out", str(out)).exit_code == 0
    assert invoke(cli, "generate", "--check", "--hints", str(HINTS), "--out", str(out)).exit_code == 0
    assert not stray.exists()


def test_every_hint_has_every_target(tmp_path: Path) -> None:
    hints = load_catalog([HINTS]).hints
    tree = build_tree(hints)
    for hint in hints:
        snake = hint.policy.snake_id
        for path in (
            f"conftest/policy/lib/hint2policy/{snake}/lib.rego",
            f"conftest/policy/hint2policy/{snake}/policy.rego",
            f"gatekeeper/{hint.id}/template.yaml",
            f"gatekeeper/{hint.id}/constraint.yaml",
            f"gatekeeper/{hint.id}/suite.yaml",
            f"kyverno/{hint.id}/policy.yaml",
        ):
            assert path in tree, path
        if not hint.policy.cross_resource:
            assert f"kyverno/{hint.id}/kyverno-test.yaml" in tree
            continue
        # a cross-resource hint: a Test per scenario, with the cluster it runs in
        for case in cases(hint):
            assert f"kyverno/{hint.id}/{case.name}/kyverno-test.yaml" in tree
            assert f"kyverno/{hint.id}/{case.name}/cluster.yaml" in tree
        assert "gatekeeper/sync/syncset.yaml" in tree and "gatekeeper/sync/config.yaml" in tree


def test_gatekeeper_template_carries_the_same_library_as_conftest() -> None:
    """The hint's logic is written once: the template's lib is byte-identical to the conftest lib."""
    import yaml

    hints = load_catalog([HINTS]).hints
    tree = build_tree(hints)
    for hint in hints:
        template = yaml.safe_load(tree[f"gatekeeper/{hint.id}/template.yaml"])
        libs = template["spec"]["targets"][0]["code"][0]["source"]["libs"]
        assert tree[f"conftest/policy/lib/hint2policy/{hint.policy.snake_id}/lib.rego"] in libs
        assert tree["conftest/policy/lib/hint2policy/common/common.rego"] in libs
