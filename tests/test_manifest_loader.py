"""Reading manifests: a key named twice in a mapping refuses its document, as kubectl's strict decoding does.

Each error names the file, the line of the second key, the key and the line
of the first; the other documents and files are still read. Merge keys (`<<`)
are not duplicates. Fixtures are manifests and are read the same way.
"""

from __future__ import annotations

from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from hint2policy.errors import SpecError
from hint2policy.kube import string_keys
from hint2policy.load import manifests as loader
from hint2policy.load.fixtures import load_fixtures
from hint2policy.load.manifests import Refused, load_manifests, read_documents

MANIFESTS = Path(__file__).parent / "data" / "manifests"

SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: shop\n"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _names(loaded) -> list[str]:
    return [m.obj["metadata"]["name"] for m in loaded.objects]


def test_a_duplicate_key_names_file_line_key_and_first_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "svc.yaml", SERVICE.format(name="web") + "spec:\n  type: ClusterIP\n  type: NodePort\n")
    loaded = load_manifests([path])
    assert loaded.objects == []
    assert [str(p) for p in loaded.errors] == [f'{path}:8: document 1: mapping key "type" already defined at line 7']


def test_the_other_documents_and_files_are_still_read(tmp_path: Path) -> None:
    bad = SERVICE.format(name="twice") + "  labels: {app: a}\n  labels: {app: b}\n"
    mixed = _write(
        tmp_path, "mixed.yaml", "---\n".join([SERVICE.format(name="one"), bad, SERVICE.format(name="three")])
    )
    other = _write(tmp_path, "other.yaml", SERVICE.format(name="four"))
    loaded = load_manifests([mixed, other])
    assert _names(loaded) == ["one", "three", "four"]
    assert [(p.file.name, p.line, p.message) for p in loaded.errors] == [
        ("mixed.yaml", 13, 'document 2: mapping key "labels" already defined at line 12')
    ]
    assert loaded.documents == 4  # the refused one is counted, not dropped silently


def test_a_duplicate_deep_in_a_list_is_found_at_its_line(tmp_path: Path) -> None:
    text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    image: a\n"
    text += "  - name: sidecar\n    image: b\n    ports: [{containerPort: 80, containerPort: 81}]\n"
    loaded = load_manifests([_write(tmp_path, "pod.yaml", text)])
    assert [(p.line, p.message) for p in loaded.errors] == [
        (10, 'document 1: mapping key "containerPort" already defined at line 10')
    ]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("a", "a"),
        ("a", '"a"'),  # quoting does not make another key
        ("1", '"1"'),  # an int and a string, one JSON field "1"
        ("1", "01"),  # one int
        ("true", '"true"'),
        ("true", "1"),  # equal in Python: one would be dropped
        ("~", "null"),
    ],
)
def test_keys_that_become_one_field_are_one_key(first: str, second: str) -> None:
    (_, doc), *_ = read_documents(f"data:\n  {first}: x\n  {second}: y\n")
    assert isinstance(doc, Refused)
    shown = second.strip('"')  # the key as read
    assert (doc.line, doc.message) == (3, f'mapping key "{shown}" already defined at line 2')


@pytest.mark.parametrize(("first", "second"), [("a", "A"), ("1", "2"), ('"1"', '"01"'), ("a", '"a "')])
def test_keys_that_stay_two_fields_are_two_keys(first: str, second: str) -> None:
    (_, doc), *_ = read_documents(f"data:\n  {first}: x\n  {second}: y\n")
    assert len(string_keys(doc)["data"]) == 2


# What sigs.k8s.io/yaml v1.6.0 (YAMLToJSON, as `kubectl apply -f` reads) makes of each `m`: merged keys are
# set in document order, a list of merged mappings from its last to its first, and the last one set wins.
MERGES = [
    ("b: &b {x: 1, z: 2}\nm:\n  <<: *b\n  x: 3\n", {"x": 3, "z": 2}),  # a key after `<<` overrides it
    ("b: &b {x: 1, z: 2}\nm:\n  x: 3\n  <<: *b\n", {"x": 1, "z": 2}),  # a key before it does not
    ("a: &a {x: 1}\nb: &b {x: 2}\nm:\n  <<: [*a, *b]\n", {"x": 1}),  # the first of a list wins
    ("a: &a {x: 1}\nb: &b {x: 2}\nm:\n  <<: *a\n  <<: *b\n", {"x": 2}),  # two `<<`: the second wins
    (
        "a: &a {x: 1, z: 1}\nb: &b {<<: *a, x: 2}\nm:\n  <<: [*b, {z: 3, w: 3}]\n  v: 4\n",
        {"x": 2, "z": 1, "w": 3, "v": 4},
    ),
    ("a: &a {x: 1}\nm:\n  <<: [*a, {x: 2}]\n  <<: {x: 5}\n", {"x": 5}),
    ("m:\n  <<: {x: 1}\n  x: 2\n  <<: {x: 3}\n", {"x": 3}),
    (
        "a: &a {t: front, app: web}\nb: &b {t: back, team: core}\nm:\n  <<: [*b, *a]\n",
        {"app": "web", "team": "core", "t": "back"},
    ),
]


@pytest.mark.parametrize(("text", "merged"), MERGES)
def test_merge_keys_are_not_duplicates_and_merge_as_kubectl_merges(text: str, merged: dict) -> None:
    ((_, doc),) = read_documents(text)
    assert doc["m"] == merged


def test_a_duplicate_in_an_anchored_mapping_is_refused_where_it_is_written() -> None:
    ((_, doc),) = read_documents("base: &base\n  app: web\n  app: api\nmerged:\n  <<: *base\n")
    assert isinstance(doc, Refused)
    assert (doc.line, doc.message) == (3, 'mapping key "app" already defined at line 2')


def test_json_follows_the_same_rule(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.json", '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "ok"}}')
    bad = _write(
        tmp_path,
        "bad.json",
        '{\n  "apiVersion": "v1",\n  "kind": "Service",\n  "metadata": {"name": "a",\n    "name": "b"}\n}\n',
    )
    loaded = load_manifests([bad, good])
    assert _names(loaded) == ["ok"]
    assert [(p.file.name, p.line, p.message) for p in loaded.errors] == [
        ("bad.json", 5, 'document 1: mapping key "name" already defined at line 4')
    ]


@pytest.mark.parametrize("value", ["!!int three", "!!bool maybe", "!!float", "!!set x"])
def test_a_value_that_does_not_match_its_tag_is_an_error_not_a_crash(tmp_path: Path, value: str) -> None:
    text = SERVICE.format(name="tagged") + f"spec:\n  replicas: {value}\n---\n" + SERVICE.format(name="next")
    loaded = load_manifests([_write(tmp_path, "tagged.yaml", text)])
    assert _names(loaded) == ["next"]
    assert [(p.line, p.message.split(" (")[0]) for p in loaded.errors] == [
        (1, "document 1: a value does not match its tag")
    ]


def test_a_fixture_with_a_duplicate_key_is_a_spec_error(tmp_path: Path) -> None:
    folder = tmp_path / "fixtures"
    folder.mkdir()
    _write(folder, "pass-ok.yaml", SERVICE.format(name="ok"))
    fixture = _write(
        folder, "fail-twice.yaml", SERVICE.format(name="a") + "---\n" + SERVICE.format(name="b") + "  name: c\n"
    )
    with pytest.raises(SpecError) as caught:
        load_fixtures(folder)
    error = caught.value
    assert (error.file, error.line, error.field) == (fixture, 12, "document 2")
    assert error.message == 'mapping key "name" already defined at line 10'


def _read(paths: list[Path]) -> tuple:
    found = load_manifests(paths)
    objects = [(m.identity, m.file, m.document, m.line, m.obj) for m in found.objects]
    return found.files, found.documents, objects, [str(p) for p in found.skipped], [str(p) for p in found.errors]


def test_files_shared_out_between_processes_are_read_as_one_process_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(6):
        (tmp_path / f"{number}.yaml").write_text(
            f"apiVersion: v1\nkind: Service\nmetadata: {{name: s{number}}}\n---\njust: data\n", encoding="utf-8"
        )
    (tmp_path / "4.yaml").write_text("apiVersion: v1\nkind: [\n", encoding="utf-8")  # read by a worker
    paths = [tmp_path, MANIFESTS]
    monkeypatch.setattr(loader.os, "cpu_count", lambda: 1)
    alone = _read(paths)
    monkeypatch.setattr(loader.os, "cpu_count", lambda: 3)
    monkeypatch.setattr(loader, "PARALLEL_BYTES", 1)
    assert len(loader._runs(loader.manifest_files(paths), 3)) == 3
    assert _read(paths) == alone
    assert alone[0] > 10 and len(alone[2]) > 20 and any("4.yaml:3:" in error for error in alone[4])


def test_files_of_a_worker_that_died_are_read_here(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: a}\n", encoding="utf-8")
    died: Future = Future()
    died.set_exception(BrokenProcessPool("killed"))
    found = loader._result(died, [tmp_path / "a.yaml"])
    assert [m.identity for m in found.objects] == [("Service", "default", "a")]
