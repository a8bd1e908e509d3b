"""analyze_sources / analyze_paths: findings built from signatures, min_count/window, skipped inputs, cancel,
progress, and the forked two-worker path giving the same result as the serial one."""

from __future__ import annotations

import functools
import io
import os
from pathlib import Path

import pytest

import acronis_triage.analyzers.analyze as analyze_mod
from acronis_triage.analyzers.analyze import analyze_paths, analyze_sources
from acronis_triage.analyzers.model import LogSource, Skipped
from acronis_triage.analyzers.signatures import load_signatures

VALID = Path(__file__).resolve().parents[2] / "data" / "signatures" / "valid"
HEAD = "2021-03-01T10:{m:02d}:00:000+01:00 100 E029B1398: Storage request timeout"


@pytest.fixture(autouse=True)
def _no_db_cache(monkeypatch):
    monkeypatch.setenv("ACRONIS_TRIAGE_NO_CACHE", "1")


@pytest.fixture(scope="module")
def valid():
    return load_signatures(VALID)


def _source(name: str, text: str) -> LogSource:
    data = text.encode("utf-8")
    return LogSource(name, lambda: io.BytesIO(data), len(data))


def test_finding_carries_signature_metadata_and_evidence(valid):
    text = ("2018-08-16T22:04:16:969-03:00 10060 E00950505: Error 0x950505: An attempt to fix VSS errors has failed.\n"
            "| error 0xfff0: Access is denied\n| code: 0x80070005\n")
    result = analyze_sources([_source("mms.0.log", text)], valid)
    [f] = result.findings
    assert (f.signature, f.severity, f.count) == ("test-vss-fix-denied", "error", 1)
    assert [k.url for k in f.kb] == ["https://kb.acronis.com/content/36200"]
    assert f.workaround == ["Run vssadmin list writers.", "Reboot."]
    assert f.information_needed == ["vssadmin list writers output"]
    assert (f.evidence[0].file, f.evidence[0].line) == ("mms.0.log", 1)
    assert f.first_seen.isoformat() == "2018-08-16T22:04:16.969000-03:00"
    assert [c.hex for c in f.error_chain][-1] == "0x80070005"
    js = result.to_json()
    assert set(js) >= {"findings", "unmatched", "skipped", "stats"}
    assert js["findings"][0]["kb"] == ["36200"]


@pytest.mark.parametrize(("minutes", "fires"), [((0, 10, 20), True), ((0, 70, 140), False), ((0, 10), False)])
def test_min_count_and_window(valid, minutes, fires):
    text = "\n".join(HEAD.format(m=m % 60).replace("T10:", f"T{10 + m // 60:02d}:") for m in minutes) + "\n"
    result = analyze_sources([_source("a.log", text)], valid)
    assert ("test-storage-timeouts-repeated" in [f.signature for f in result.findings]) is fires


def test_window_counts_across_files(valid):
    result = analyze_sources([_source("a.log", HEAD.format(m=0) + "\n" + HEAD.format(m=5) + "\n"),
                              _source("b.log", HEAD.format(m=30) + "\n")], valid)
    [f] = [f for f in result.findings if f.signature == "test-storage-timeouts-repeated"]
    assert f.count == 3
    assert [e.file for e in f.evidence] == ["a.log", "a.log", "b.log"]


def test_unreadable_sources_are_skipped_and_the_rest_analyzed(valid):
    def broken():
        raise PermissionError(13, "Permission denied")

    result = analyze_sources([LogSource("locked.log", broken, 10), Skipped("x.bin", "binary file"),
                              _source("ok.log", HEAD.format(m=0) + "\n")], valid)
    assert {s.path: s.reason for s in result.skipped} == {
        "locked.log": "cannot read: Permission denied", "x.bin": "binary file"}
    assert result.stats.files == 1


def test_cancel_and_progress(valid):
    class Cancel:
        def __init__(self):
            self.n = 0

        def is_cancelled(self):
            return True

    seen = []
    result = analyze_sources([_source("a.log", HEAD.format(m=0) + "\n")], valid, cancel=Cancel(),
                             progress=lambda f, t: seen.append((f, t)))
    assert result.skipped[0].reason == "analysis cancelled"
    assert seen[-1] == (1.0, "Analysis finished")


def test_analyze_paths_with_stdin(valid):
    result = analyze_paths(["-"], valid, stdin=io.BytesIO((HEAD.format(m=1) + "\n").encode()))
    assert result.stats.files == 1
    assert result.unmatched[0].template == "E029B1398: Storage request timeout"


def test_forked_workers_give_the_serial_result(valid, tmp_path, monkeypatch):
    for i in range(4):
        lines = [HEAD.format(m=(i * 7 + j) % 60) for j in range(30)]
        lines += [f"2021-03-01T11:00:{j:02d}:000+01:00 5 W00000001: slow {j} ms in job{i}" for j in range(20)]
        (tmp_path / f"mms.{i}.log").write_text("\n".join(lines) + "\n")
    serial = analyze_paths([str(tmp_path)], valid)
    monkeypatch.setattr(analyze_mod, "PARALLEL_MIN_BYTES", 0)
    assert analyze_mod._worker_count([LogSource("a", io.BytesIO, 1, fork_safe=True),
                                      LogSource("b", io.BytesIO, 1, fork_safe=True)]) == 2
    # an opener that may hand out a reader shared with another process keeps the analysis in one process
    assert analyze_mod._worker_count([LogSource("a", io.BytesIO, 1, fork_safe=True),
                                      LogSource("b", io.BytesIO, 1)]) == 1
    parallel = analyze_paths([str(tmp_path)], valid)
    a, b = serial.to_json(), parallel.to_json()
    a.pop("stats"), b.pop("stats")
    assert a == b
    assert a["findings"][0]["count"] == 120


def test_forked_workers_cancel_and_unreadable_files(valid, tmp_path, monkeypatch):
    for i in range(3):
        (tmp_path / f"mms.{i}.log").write_text(HEAD.format(m=i) + "\n")
    (tmp_path / "mms.1.log").chmod(0)
    monkeypatch.setattr(analyze_mod, "PARALLEL_MIN_BYTES", 0)
    result = analyze_paths([str(tmp_path)], valid)
    if os.geteuid() != 0:  # root reads files without permission
        assert [s.reason for s in result.skipped] == ["cannot read: Permission denied"]
    assert result.stats.files + len(result.skipped) == 3

    class Cancelled:
        def is_cancelled(self):
            return True

    sources = [LogSource(str(p), functools.partial(p.open, "rb"), 10**9) for p in sorted(tmp_path.iterdir())]
    result = analyze_mod._scan_parallel(analyze_mod.get_scanner(valid), sources, 2, Cancelled(), None, None)
    assert [(type(r), r.reason) for r in result] == [(Skipped, "analysis cancelled")] * 3
