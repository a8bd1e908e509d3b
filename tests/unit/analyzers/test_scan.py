"""The one-pass engine: event extraction around hits (detail blocks, chunk boundaries), document formats,
encodings, hyperscan vs Python re giving identical results, lazy line numbers."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import pytest

from acronis_triage.analyzers.scan import FileScan, Scanner
from acronis_triage.analyzers.signatures import load_signatures

TESTS = Path(__file__).resolve().parents[2]
VALID = TESTS / "data" / "signatures" / "valid"
LOGS = TESTS / "data" / "logs"


@pytest.fixture(autouse=True)
def _no_db_cache(monkeypatch):
    monkeypatch.setenv("ACRONIS_TRIAGE_NO_CACHE", "1")


@pytest.fixture(scope="module")
def valid():
    return load_signatures(VALID)


@pytest.fixture(scope="module")
def shipped():
    return load_signatures()


def summary(scan: FileScan) -> dict:
    """Everything a scan reports, in comparable form."""
    return {
        "kind": scan.kind,
        "events": scan.events,
        "hits": {k: (h.count, h.first_seen, h.last_seen, [(e.file, e.line, e.text) for e in h.evidence],
                     [c.hex for c in h.chain]) for k, h in sorted(scan.hits.items())},
        "unmatched": sorted((k, s.count, s.example.line, s.example.text, s.first_time, s.last_time)
                            for k, s in scan.unmatched.stats.items()),
    }


def _mms_log(n_events: int, seed: int = 3) -> str:
    """MMS lines with detail blocks, errors that hit test signatures, unknown warnings, near misses."""
    rnd = random.Random(seed)
    out = []
    for i in range(n_events):
        stamp = f"2021-03-01T10:{i // 60 % 60:02d}:{i % 60:02d}:{i % 1000:03d}+01:00"
        r = rnd.random()
        if r < 0.1:
            out.append(f"{stamp} 10060 E00950505: Error 0x950505: An attempt to fix VSS errors has failed.")
            out.append("| trace level: error")
            out.append(f"| channel: tol-activity#{rnd.getrandbits(64):016X}")
            out.append("|")
            out.append("| error 0xfff0: Access is denied" if rnd.random() < 0.7 else "| error 0xfff0: Timeout")
            out.append("| code: 0x80070005")
        elif r < 0.2:
            out.append(f"{stamp} 5616 W0057002C: Database 'db{rnd.randint(1, 9)}' skipped after {i} ms")
        elif r < 0.25:
            out.append(f"{stamp} 5616 E00000000: Snapshot failed: code 0x80042313")
        elif r < 0.3:
            out.append(f"{stamp} 5616 I00000000: Snapshot fine: code 0x80042314")  # near miss
        else:
            out.append(f"{stamp} 9044 I000101FA: Locking partition C:... step {i}")
    return "\n".join(out) + "\n"


def test_hit_in_a_detail_line_finds_its_head(valid, tmp_path):
    log = tmp_path / "mms.0.log"
    log.write_text((LOGS / "mms_vss_access_denied.log").read_text(encoding="utf-8"), encoding="utf-8")
    scan = Scanner(valid).scan(log)
    hits = scan.hits["test-vss-fix-denied"]
    assert hits.count == 1
    lines = log.read_text().splitlines()
    ev = hits.evidence[0]
    assert lines[ev.line - 1] == ev.text
    assert "An attempt to fix VSS errors has failed" in ev.text
    assert [c.hex for c in hits.chain][-1] == "0x80070005"


@pytest.mark.parametrize("chunk_size", [64, 97, 150, 301, 4096])
def test_events_cut_by_chunk_boundaries_are_whole(valid, tmp_path, chunk_size):
    log = tmp_path / "mms.log"
    log.write_text(_mms_log(400), encoding="utf-8")
    expected = summary(Scanner(valid).scan(log))
    assert expected["hits"]["test-vss-fix-denied"][0] > 10
    assert summary(Scanner(valid, chunk_size=chunk_size).scan(log)) == expected


def test_line_numbers_of_evidence_and_examples_are_exact(valid, tmp_path):
    log = tmp_path / "mms.log"
    log.write_text(_mms_log(300), encoding="utf-8")
    lines = log.read_text().splitlines()
    scan = Scanner(valid, chunk_size=128).scan(log)
    for hits in scan.hits.values():
        for ev in hits.evidence:
            assert lines[ev.line - 1].strip() == ev.text
    for stat in scan.unmatched.stats.values():
        assert lines[stat.example.line - 1] == stat.example.text


def test_hyperscan_and_re_fallback_give_identical_results(shipped, tmp_path):
    log = tmp_path / "mixed.log"
    log.write_text(_mms_log(300) + (LOGS / "mms_vss_access_denied.log").read_text(encoding="utf-8"))
    files = [log, *sorted(p for p in LOGS.iterdir() if p.is_file())]
    fast, slow = Scanner(shipped), Scanner(shipped, use_hyperscan=False)
    assert fast.db.use_hyperscan and not slow.db.use_hyperscan
    found = 0
    for path in files:
        a, b = summary(fast.scan(path)), summary(slow.scan(path))
        assert a == b, path.name
        found += len(a["hits"])
    assert found >= 5


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "cp1252", "gzip"])
def test_encodings_and_gzip_give_the_same_findings(valid, tmp_path, encoding):
    text = _mms_log(200)
    plain = tmp_path / "plain.log"
    plain.write_text(text, encoding="utf-8")
    other = tmp_path / "other.log"
    if encoding == "gzip":
        other.write_bytes(gzip.compress(text.encode("utf-8")))
    else:
        other.write_bytes(text.encode(encoding))
    scanner = Scanner(valid)
    a, b = summary(scanner.scan(plain)), summary(scanner.scan(other))
    for ev_a, ev_b in zip(a["hits"].values(), b["hits"].values(), strict=True):
        assert ev_a[0] == ev_b[0]
        assert [e[1:] for e in ev_a[3]] == [e[1:] for e in ev_b[3]]


def test_console_block_is_parsed_whole_and_matched_by_module_code(valid):
    scan = Scanner(valid).scan(LOGS / "console_block_en.txt")
    assert scan.kind == "paste"  # a small console-block file is read as a paste: every line examined
    assert scan.hits["test-tol-wrapper"].count >= 1


def test_xml_activity_log_events_are_prefiltered_and_confirmed(valid, tmp_path):
    xml = (LOGS / "activity_log.xml").read_text(encoding="utf-8")
    error = ('  <event id="20" type="Error" time="11/20/18 11:40:00 AM" policy="[None]" task="[None]" '
             'InstanceType="[None]" Instance="[None]" Machine="[None]" message="Snapshot failed: code 0x80042313" '
             'code="0(0x0)" module="0" Owner=""/>\n')
    warning = error.replace('id="20" type="Error"', 'id="21" type="Warning"').replace(
        "Snapshot failed: code 0x80042313", "Unknown trouble 17")
    path = tmp_path / "log.xml"
    path.write_text(xml.replace("</log>", error + warning + "</log>"), encoding="utf-8")
    scan = Scanner(valid).scan(path)
    assert scan.kind == "xml_activity"
    assert scan.events == 5
    assert scan.hits["test-flush-timeout-code"].count == 1
    assert [t for t, level in scan.unmatched.stats] == ["Unknown trouble <*>"]


def test_json_lines_errors_become_unmatched_templates_from_their_message(valid):
    scan = Scanner(valid).scan(LOGS / "aakore.log")
    assert scan.kind == "jsonl"
    templates = [t for t, _level in scan.unmatched.stats]
    assert any("unit is offline" in t for t in templates)
    assert all(not t.startswith("{") for t in templates)


def test_bytes_source_and_empty_input(valid):
    scanner = Scanner(valid)
    assert scanner.scan(b"").events == 0
    scan = scanner.scan(b"2020-01-01T10:00:00:000+01:00 5616 E00000000: Snapshot failed: code 0x80042313")
    assert scan.hits["test-flush-timeout-code"].count == 1  # no newline at the end


def test_long_detail_block_across_many_chunks_is_one_event(valid, tmp_path):
    head = "2021-03-01T10:00:00:000+01:00 10060 E00950505: Error 0x950505: An attempt to fix VSS errors has failed."
    detail = [f"| line {i}: filler filler filler" for i in range(200)]
    log = tmp_path / "long.log"
    log.write_text("\n".join([head, *detail, "| error 0xfff0: Access is denied", head.replace("E0095", "I0095")])
                   + "\n")
    for size in (50, 333, 1 << 20):
        scan = Scanner(valid, chunk_size=size).scan(log)
        assert scan.hits["test-vss-fix-denied"].count == 1, size
        assert scan.hits["test-vss-fix-denied"].evidence[0].line == 1


def test_cancel_stops_between_chunks(valid, tmp_path):
    from acronis_triage.analyzers.scan import Cancelled

    class Cancel:
        def is_cancelled(self) -> bool:
            return True

    log = tmp_path / "x.log"
    log.write_text(_mms_log(50))
    with pytest.raises(Cancelled):
        Scanner(valid).scan(log, cancel=Cancel())
