"""MMS text log parser against the DOMAIN.md §2.1 samples."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from acronis_triage.analyzers.formats import get_parser, iter_events, parse_text
from acronis_triage.analyzers.model import ErrorCode

LOGS = Path(__file__).parents[2] / "data" / "logs"
MMS = get_parser("mms")


def test_head_line_fields() -> None:
    line = "2018-08-16T22:00:07:205-03:00 9044 I0135003A: User is running command. Command=Backup plan 'Arquivos'"
    (ev,) = MMS.parse_block([line], 7, "mms.0.log")
    assert ev.time == datetime(2018, 8, 16, 22, 0, 7, 205000, tzinfo=timezone(timedelta(hours=-3)))
    assert ev.level == "info"
    assert ev.kind == "mms"
    assert ev.line == 7
    assert ev.file == "mms.0.log"
    assert ev.codes[0] == ErrorCode(309, 0x3A, ev.message)
    assert ev.fields["thread"] == "9044"


def test_detail_block_chain_and_fields() -> None:
    events = list(iter_events(LOGS / "mms_vss_access_denied.log"))
    assert [e.line for e in events] == [1, 2, 3, 19]
    assert [e.level for e in events] == ["info", "info", "error", "warning"]
    ev = events[2]
    assert ev.message == "Error 0x950505: An attempt to fix VSS errors has failed."
    assert [(c.module, c.code) for c in ev.codes] == [(0x95, 0x505), (0x11E, 0xD), (0, 0xFFF0), (None, 0x80070005)]
    assert ev.codes[0].text == "An attempt to fix VSS errors has failed."
    assert ev.codes[1].text == "Failed to stop service 'Cryptographic Services'."
    assert ev.codes[3].text == "Access is denied"
    assert ev.root_cause == ErrorCode(None, 0x80070005, "Access is denied")
    assert ev.fields["$module"] == "disk_bundle_vsa64_10330"
    assert ev.fields["channel"] == "tol-activity#8060457A-9A65-47E6-BDF3-7AA8A6407734"
    assert ev.fields["function"] == "`anonymous-namespace'::VssCallbackStateKeeper::RunVssTroubleshooting"
    assert ev.raw.count("\n") == 15  # head + 15 detail lines
    assert ev.raw.endswith("| $module: disk_bundle_vsa64_10330")


def test_localized_detail_keys() -> None:
    (ev,) = iter_events(LOGS / "mms_localized_es.log")
    assert ev.fields["line"] == "0x9a8b7c6d5e4f3a2b"
    assert ev.fields["file"].endswith("network_stream.cpp:512")
    assert ev.fields["function"] == "Archive3::Storage::NetworkStream::Read"
    assert ev.root_cause == ErrorCode(None, 0x800705B4, "Se agotó el tiempo de espera de la operación")
    assert ev.codes[0] == ErrorCode(667, 0x1398, "Network operation timed out")


def test_linux_lines_crlf_and_sercode_in_message() -> None:
    events = list(iter_events(LOGS / "mms_linux_crlf.log"))
    assert len(events) == 2
    assert events[0].level == "error"
    assert events[0].fields["thread"] == "140574684256000"
    assert events[0].codes == [ErrorCode(0x2BF, 5, events[0].codes[0].text)]
    assert "mtab not synced" in events[0].message
    assert not events[0].raw.endswith("\r")
    # The head code is 0, the chain comes from the kb_link serCode in the text.
    assert events[1].codes[0] == ErrorCode(309, 22)
    assert events[1].time.utcoffset() == timedelta(hours=2)


def test_is_event_start() -> None:
    assert MMS.is_event_start("2018-08-16T22:04:16:969-03:00 10060 E00950505: Error 0x950505: x")
    assert not MMS.is_event_start("| trace level: error")
    assert not MMS.is_event_start("|")
    assert not MMS.is_event_start("2018-08-16 some other text that is long enough to pass")
    assert not MMS.is_event_start("")


def test_orphan_detail_lines_are_kept() -> None:
    lines = [
        "| error 0xfff0: Access is denied",
        "| code: 0x80070005",
        "2018-08-16T22:04:17:000-03:00 10060 I00000000: next",
    ]
    events = MMS.parse_block(lines, 100, "mms.1.log")
    assert len(events) == 2
    assert events[0].time is None
    assert events[0].line == 100
    assert events[0].root_cause == ErrorCode(None, 0x80070005, "Access is denied")
    assert events[1].line == 102


def test_unknown_level_letter_and_utc_default() -> None:
    (ev,) = parse_text("2020-01-01T00:00:00:001 1 X00000000: odd letter, no offset", kind="mms")
    assert ev.level == "info"
    assert ev.time == datetime(2020, 1, 1, 0, 0, 0, 1000, tzinfo=UTC)
    assert ev.codes == []


def test_streaming_matches_whole_parse(tmp_path: Path) -> None:
    sample = (LOGS / "mms_vss_access_denied.log").read_text("utf-8")
    path = tmp_path / "big.log"
    path.write_text(sample * 300, "utf-8")
    from acronis_triage.analyzers.formats import iter_line_events
    from acronis_triage.analyzers.reader import iter_utf8_chunks

    small = list(iter_line_events(MMS, iter_utf8_chunks(path, chunk_size=1000), "big.log"))
    whole = parse_text(sample * 300, "big.log", kind="mms")
    assert len(small) == len(whole) == 1200
    assert [(e.line, e.raw, e.codes) for e in small] == [(e.line, e.raw, e.codes) for e in whole]


@pytest.mark.parametrize("line", [
    "2018-08-16T22:00:07:205-03:00 9044 W0135003A: message",
    "2018-08-16T22:00:07:205-03:00 9044 W0135003A: message\r",
    "2018-08-16 22:00:07:205 9044 E0135003A: old head, no offset",
    "2018-13-45T22:00:07:205-03:00 9044 W0135003A: no such day",
    "Error 0x950505: bare head",
    "| detail line",
    "",
    "2018-08-16T22:00:07:205-03:00 9044 W0135003A:",
])
def test_line_time_is_the_time_parse_block_gives(line):
    from acronis_triage.analyzers.formats.mms import MmsParser, line_time

    events = MmsParser().parse_block([line], 1, "f")
    assert line_time(line) == (events[0].time if events else None)
