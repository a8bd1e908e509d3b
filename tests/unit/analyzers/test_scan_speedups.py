"""The speed-ups of `analyze` give exactly the results of the plain paths: the parsed-signature cache, the fast
MMS head path, and the way work is shared between processes."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from analyzers.signatures import load_signatures

DATA = Path(__file__).resolve().parents[2] / "data" / "signatures"
SHIPPED = Path(__file__).resolve().parents[3] / "resources" / "signatures"


def _sig_view(sigset):
    return ([(s.id, s.title, s.severity, s.rule, s.kb, s.positive, s.negative, s.file) for s in sigset.signatures],
            [str(p) for p in sigset.problems])


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.delenv("ACRONIS_TRIAGE_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    monkeypatch.setenv("LOCALAPPDATA", str(folder))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return folder


def test_cached_signatures_equal_parsed_ones(cache, monkeypatch):
    monkeypatch.setenv("ACRONIS_TRIAGE_NO_CACHE", "1")
    plain = load_signatures(SHIPPED)
    monkeypatch.delenv("ACRONIS_TRIAGE_NO_CACHE")
    first = load_signatures(SHIPPED)  # parses and writes the cache
    assert list(cache.rglob("signatures-*.json"))
    second = load_signatures(SHIPPED)  # from the cache
    assert _sig_view(plain) == _sig_view(first) == _sig_view(second)
    assert len(second.signatures) > 50


def test_cache_hit_does_not_parse_yaml(cache, monkeypatch):
    load_signatures(SHIPPED)
    import analyzers.signatures.loader as loader

    def no_parse(*args, **kwargs):
        raise AssertionError("YAML parsed despite a cache hit")

    monkeypatch.setattr(loader, "_parse_file", no_parse)
    assert load_signatures(SHIPPED).signatures


def test_changed_file_is_parsed_again(cache, tmp_path):
    folder = tmp_path / "sigs"
    shutil.copytree(DATA / "valid", folder)
    before = load_signatures(folder)
    target = next(p for p in folder.rglob("*.yaml") if "test-vss-fix-denied" in p.read_text(encoding="utf-8"))
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("severity: error", "severity: warning").replace(
        "severity: critical", "severity: warning"), encoding="utf-8")
    after = load_signatures(folder)
    assert after.by_id()["test-vss-fix-denied"].severity == "warning"
    assert before.by_id()["test-vss-fix-denied"].severity != "warning"


def test_broken_files_are_never_cached_and_still_reported(cache):
    first = load_signatures(DATA / "broken")
    assert not list(cache.rglob("signatures-*.json"))
    second = load_signatures(DATA / "broken")
    assert _sig_view(first) == _sig_view(second)
    assert any("not valid YAML" in str(p) for p in second.problems)


def test_damaged_cache_file_is_ignored(cache, monkeypatch):
    expected = _sig_view(load_signatures(DATA / "valid"))
    for path in cache.rglob("signatures-*.json"):
        path.write_text('{"not": "a list"', encoding="utf-8")
    assert _sig_view(load_signatures(DATA / "valid")) == expected
    for path in cache.rglob("signatures-*.json"):
        path.write_text("[[]]", encoding="utf-8")  # valid JSON, wrong shape
    assert _sig_view(load_signatures(DATA / "valid")) == expected


@pytest.mark.skipif(sys.platform == "win32", reason="chmod")
def test_unwritable_cache_folder_costs_nothing_but_time(cache):
    cache.mkdir(parents=True)
    cache.chmod(0o500)
    try:
        assert load_signatures(DATA / "valid").signatures
    finally:
        cache.chmod(0o700)
