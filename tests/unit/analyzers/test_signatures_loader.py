"""The signature loader: every problem names its file, signature id and field; broken signatures never keep the
others from loading; defaults (KB url, min_count) are filled in."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from acronis_triage.analyzers.signatures import load_signatures
from acronis_triage.analyzers.signatures.loader import parse_code

DATA = Path(__file__).resolve().parents[2] / "data" / "signatures"


@pytest.fixture(scope="module")
def broken():
    return load_signatures(DATA / "broken")


def _problem(sigset, sig_id):
    found = [p for p in sigset.problems if p.signature == sig_id]
    assert found, f"no problem reported for {sig_id}: {[str(p) for p in sigset.problems]}"
    return found[0]


def test_valid_folder_loads_every_signature_at_any_depth():
    sigset = load_signatures(DATA / "valid")
    assert sigset.problems == []
    assert {s.id for s in sigset.signatures} == {
        "test-vss-fix-denied", "test-flush-timeout-code", "test-tol-wrapper", "test-storage-timeouts-repeated"}


def test_defaults_kb_url_and_plain_kb_numbers():
    sigs = load_signatures(DATA / "valid").by_id()
    assert sigs["test-vss-fix-denied"].kb[0].url == "https://kb.acronis.com/content/36200"
    assert sigs["test-tol-wrapper"].kb[0].number == "70057"
    assert sigs["test-storage-timeouts-repeated"].kb[0].url == "https://care.acronis.com/s/article/69783"
    assert sigs["test-flush-timeout-code"].kb == ()
    assert sigs["test-flush-timeout-code"].rule.min_count == 1
    rule = sigs["test-storage-timeouts-repeated"].rule
    assert (rule.min_count, rule.window_s) == (3, 3600)


@pytest.mark.parametrize(("sig_id", "field", "words"), [
    ("bad-unknown-key", "colour", "unknown key"),
    ("bad-missing-kb", "kb", "missing required key"),
    ("bad-severity", "severity", "'fatal' is not one of"),
    ("bad-regex-python", "match.any[0].regex", "Python re cannot compile"),
    ("bad-regex-hyperscan", "match.any[0].regex", "hyperscan cannot compile"),
    ("bad-window", "match.window", "not a span"),
    ("bad-code", "match.any[0].code", "not an error code"),
    ("bad-module-without-code", "match.any[0].module", "needs code"),
    ("bad-kb-number", "kb[0].number", "not a KB article number"),
    ("Bad_ID", "id", "kebab-case"),
    ("bad-no-conditions", "match", "at least one condition"),
    ("bad-level", "match.levels", "'fatal'"),
    ("bad-no-positive", "samples.positive", "at least one sample"),
    ("bad-empty-regex-match", "match.any[0].regex", "empty string"),
])
def test_each_problem_names_file_id_and_field(broken, sig_id, field, words):
    problem = _problem(broken, sig_id)
    assert problem.file == "problems.yaml"
    assert problem.field == field
    assert words in problem.message
    assert str(problem).startswith(f"problems.yaml: {sig_id}: {field}: ")


def test_python_and_hyperscan_failures_are_told_apart(broken):
    assert "Python re" in _problem(broken, "bad-regex-python").message
    hs = _problem(broken, "bad-regex-hyperscan").message
    assert "compiles in Python re but hyperscan cannot" in hs


def test_yaml_errors_name_the_file_and_line(broken):
    problem = next(p for p in broken.problems if p.file == "not-yaml.yaml")
    assert "not valid YAML" in problem.message
    assert "line " in problem.message


def test_duplicate_ids_are_reported_and_the_first_one_kept(broken):
    problem = _problem(broken, "good-survivor")
    assert problem.field == "id"
    assert "duplicate id, already defined in duplicate.yaml" in problem.message
    assert [s.id for s in broken.signatures] == ["good-survivor"]


def test_broken_signatures_do_not_stop_the_good_one(tmp_path):
    shutil.copy(DATA / "broken" / "problems.yaml", tmp_path)
    sigset = load_signatures(tmp_path)
    assert [s.id for s in sigset.signatures] == ["good-survivor"]
    assert len(sigset.problems) == 14


def test_missing_folder_is_a_problem_not_an_exception(tmp_path):
    sigset = load_signatures(tmp_path / "nope")
    assert sigset.signatures == []
    assert "not found" in sigset.problems[0].message


def test_top_level_list_that_is_not_a_list(tmp_path):
    (tmp_path / "x.yaml").write_text("signatures: {id: a}\n")
    sigset = load_signatures(tmp_path)
    assert sigset.problems[0].field == "signatures"


@pytest.mark.parametrize(("value", "expected"), [
    ("0x80042313", 0x80042313), ("0X0000fff0", 0xFFF0), ("20250646", 20250646), (0x505, 0x505)])
def test_parse_code_forms(value, expected):
    assert parse_code(value, "code") == expected


def test_default_directory_is_the_shipped_database():
    sigset = load_signatures()
    assert sigset.directory.name == "signatures"
    assert len(sigset.signatures) >= 60
    assert sigset.problems == []


def test_the_schema_example_in_the_readme_is_valid_and_passes_its_samples(tmp_path):
    import re

    from acronis_triage.analyzers.signatures.selftest import run_samples

    readme = (Path(__file__).resolve().parents[3] / "resources" / "signatures" / "README.md").read_text()
    (tmp_path / "example.yaml").write_text(re.search(r"```yaml\n(.*?)```", readme, re.S).group(1))
    sigset = load_signatures(tmp_path)
    assert [s.id for s in sigset.signatures] == ["vss-system-writer-timeout"]
    assert sigset.problems == []
    assert run_samples(sigset) == []
