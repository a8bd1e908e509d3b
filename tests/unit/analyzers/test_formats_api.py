"""The formats API the scan engine uses: detection, get_parser, parse_text, iter_events over encodings."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from acronis_triage.analyzers.formats import KINDS, detect_kind, get_parser, iter_events, parse_text
from acronis_triage.analyzers.model import LEVELS, ErrorCode, LogSource
from acronis_triage.analyzers.reader import read_head

LOGS = Path(__file__).parents[2] / "data" / "logs"
MMS_SAMPLE = (LOGS / "mms_vss_access_denied.log").read_text("utf-8")

EXPECTED_KINDS = {
    "mms_vss_access_denied.log": "mms",
    "mms_linux_crlf.log": "mms",
    "mms_localized_es.log": "mms",
    "activity_log.xml": "xml_activity",
    "aakore.log": "jsonl",
    "activity_details.json": "activity_json",
    "console_block_en.txt": "console_block",
    "console_block_de.txt": "console_block",
    "console_block_it.txt": "console_block",
    "console_block_fr.txt": "console_block",
    "console_block_es.txt": "console_block",
    "console_block_ja.txt": "console_block",
    "trueimage-setup.log": "installer",
    "msi_install_failed_utf16.log": "installer",
    "windows_events.txt": "windows_event",
    "windows_events_de.txt": "windows_event",
    "windows_events_formatlist.txt": "windows_event",
    "vssadmin_writers.txt": "vssadmin",
    "vssadmin_writers_de.txt": "vssadmin",
    "vssadmin_providers_storage.txt": "vssadmin",
    "vssadmin_denied.txt": "vssadmin",
}


def test_every_sample_file_is_covered() -> None:
    assert {p.name for p in LOGS.iterdir()} == set(EXPECTED_KINDS)


@pytest.mark.parametrize(("name", "kind"), sorted(EXPECTED_KINDS.items()))
def test_detect_from_content_not_name(name: str, kind: str) -> None:
    head = read_head(LOGS / name)
    assert detect_kind(head) == kind
    assert detect_kind(head, "misleading.xml") == kind


@pytest.mark.parametrize("name", sorted(EXPECTED_KINDS))
def test_every_event_is_well_formed(name: str) -> None:
    events = list(iter_events(LOGS / name))
    assert events
    for ev in events:
        assert ev.level in LEVELS
        assert ev.kind == EXPECTED_KINDS[name]
        assert ev.file == str(LOGS / name)
        assert ev.line >= 1
        assert ev.raw
        assert ev.time is None or ev.time.tzinfo is not None


def test_text_fallback() -> None:
    text = "2024-01-02 03:04:05 backup started\n\n[2024-01-02 03:04:06] ERROR: snapshot failed (0x80070005)\nall good\n"
    assert detect_kind(text) == "text"
    events = parse_text(text, "x.txt")
    assert [e.line for e in events] == [1, 3, 4]
    assert [e.level for e in events] == ["info", "error", "info"]
    assert events[1].codes == [ErrorCode(None, 0x80070005)]
    assert events[0].time is not None and events[0].time.hour == 3
    assert parse_text("Last error: No error\nwarning: disk almost full\nfatal crash")[1].level == "warning"
    assert parse_text("Last error: No error")[0].level == "info"
    assert parse_text("fatal crash")[0].level == "critical"


def test_get_parser_contract() -> None:
    for kind in KINDS:
        parser = get_parser(kind)
        assert parser.kind == kind
        assert isinstance(parser.line_based, bool)
    assert {k for k in KINDS if get_parser(k).line_based} == {"mms", "jsonl", "installer", "text"}
    with pytest.raises(ValueError, match="unknown log format 'nope'"):
        get_parser("nope")
    assert get_parser("jsonl").is_event_start('{"a":1}')
    assert get_parser("text").is_event_start("x") and not get_parser("text").is_event_start("  ")


def test_empty_text() -> None:
    assert parse_text("") == []
    assert detect_kind("") == "text"


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: b"\xff\xfe" + t.encode("utf-16-le"),
        lambda t: t.encode("utf-16-le"),
        lambda t: t.encode("utf-16-be"),
        lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
        lambda t: gzip.compress(t.encode("utf-8")),
        lambda t: gzip.compress(b"\xff\xfe" + t.encode("utf-16-le")),
    ],
    ids=["utf16le-bom", "utf16le", "utf16be", "utf8-bom", "gzip", "gzip-utf16"],
)
def test_encodings_give_the_same_events(tmp_path: Path, encode) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "mms.0.log"
    path.write_bytes(encode(MMS_SAMPLE))
    events = list(iter_events(path))
    assert [(e.line, e.level, e.codes) for e in events] == [
        (e.line, e.level, e.codes) for e in parse_text(MMS_SAMPLE, kind="mms")
    ]


def test_cp1252_console_block(tmp_path: Path) -> None:
    text = (LOGS / "console_block_de.txt").read_text("utf-8")
    path = tmp_path / "block.txt"
    path.write_bytes(text.encode("cp1252"))
    (ev,) = iter_events(path)
    assert ev.message == "Fehler beim Ausführen des Befehls."
    assert ev.root_cause == ErrorCode(161, 212, "Failed to find archive")


def test_logsource_from_an_archive_member() -> None:
    data = gzip.compress(MMS_SAMPLE.encode("utf-16"))
    source = LogSource("bundle.7z:MMS/mms.0.log.gz", lambda: io.BytesIO(data), len(data))
    events = list(iter_events(source))
    assert len(events) == 4
    assert events[2].file == "bundle.7z:MMS/mms.0.log.gz"


@pytest.mark.slow
def test_huge_line_does_not_crash(tmp_path: Path) -> None:
    huge = "2018-08-16T22:04:16:969-03:00 10060 E00950505: Error 0x950505: " + "x" * (10 * 1024 * 1024)
    path = tmp_path / "huge.log"
    path.write_text(MMS_SAMPLE + huge + "\n" + MMS_SAMPLE, "utf-8")
    events = list(iter_events(path))
    assert len(events) == 9
    assert len(events[4].message) > 10 * 1024 * 1024
    assert events[5].line == events[4].line + 1
    text_events = parse_text("y" * (10 * 1024 * 1024) + "\nerror here", kind="text")
    assert [e.level for e in text_events] == ["info", "error"]


def test_kinds_forced() -> None:
    events = parse_text(MMS_SAMPLE, kind="text")
    assert all(e.kind == "text" for e in events)
    assert len(events) == MMS_SAMPLE.count("\n")
