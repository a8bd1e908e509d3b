"""Windows events as text: wevtutil /f:text (English, German labels) and PowerShell Format-List."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from acronis_triage.analyzers.formats import detect_kind, iter_events
from acronis_triage.analyzers.model import ErrorCode
from acronis_triage.analyzers.reader import read_head

LOGS = Path(__file__).parents[2] / "data" / "logs"


def test_wevtutil_text() -> None:
    assert detect_kind(read_head(LOGS / "windows_events.txt")) == "windows_event"
    events = list(iter_events(LOGS / "windows_events.txt"))
    assert [e.level for e in events] == ["error", "warning", "info"]
    vss = events[0]
    assert vss.time == datetime(2020, 11, 18, 11, 7, 8, 123000, tzinfo=UTC)
    assert vss.fields["source"] == "VSS"
    assert vss.fields["event_id"] == 8193
    assert vss.fields["log"] == "Application"
    assert vss.fields["computer"] == "SRV-BACKUP01"
    assert vss.codes == [ErrorCode(None, 0x80070539)]
    assert vss.message.startswith("Volume Shadow Copy Service error: Unexpected error calling routine")
    assert "Gathering Writer Data" in vss.message
    assert vss.line == 1
    assert [e.line for e in events] == [1, 20, 35]
    assert events[2].fields["source"] == "Service Control Manager"


def test_wevtutil_german_labels_by_position() -> None:
    (ev,) = iter_events(LOGS / "windows_events_de.txt")
    assert ev.level == "error"
    assert ev.fields["event_id"] == 12289
    assert ev.fields["source"] == "VSS"
    assert ev.codes == [ErrorCode(None, 0x80070001)]


def test_format_list() -> None:
    assert detect_kind(read_head(LOGS / "windows_events_formatlist.txt")) == "windows_event"
    events = list(iter_events(LOGS / "windows_events_formatlist.txt"))
    assert len(events) == 2
    writer, crash = events
    assert writer.level == "warning"
    assert writer.codes == [ErrorCode(None, 0x800423F4)]
    assert "error is likely to reoccur" in writer.message
    assert writer.time == datetime(2020, 11, 18, 11, 7, 8, tzinfo=UTC)
    assert writer.fields["event_id"] == 8229
    assert crash.level == "error"
    assert crash.codes == [ErrorCode(None, 0xC0000005)]
    assert crash.line == 10
