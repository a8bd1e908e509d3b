"""JSON-lines logs (aakore, AMS) against DOMAIN.md §2.6."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from acronis_triage.analyzers.formats import get_parser, iter_events
from acronis_triage.analyzers.model import ErrorCode

LOGS = Path(__file__).parents[2] / "data" / "logs"


def test_aakore_sample() -> None:
    events = list(iter_events(LOGS / "aakore.log"))
    assert [e.kind for e in events] == ["jsonl"] * 5
    first = events[0]
    assert first.level == "error"
    assert first.time == datetime(2025, 5, 8, 15, 50, 56, 133000, tzinfo=timezone(timedelta(hours=1)))
    assert first.message.endswith("cyber-desktop-service unit is offline")
    assert first.fields["subject"] == "atp-agent"
    assert "msg" not in first.fields and "level" not in first.fields
    # The second sample line is cut in the source; its fields are still read.
    second = events[1]
    assert second.level == "info"
    assert second.time == datetime(2025, 2, 17, 19, 29, 23, 53546, tzinfo=timezone(timedelta(hours=1)))
    assert second.message == "response completed in 0.005s"
    assert events[2].level == "debug"
    cli = events[3]
    assert cli.level == "error"
    assert cli.message.startswith("akk error: Internal server error has occured (rc=15)")
    assert events[4].fields["code"] == "UNKNOWN_CA"
    assert [e.line for e in events] == [1, 2, 3, 4, 5]


def test_codes_and_error_key() -> None:
    parser = get_parser("jsonl")
    (ev,) = parser.parse_block(
        ['{"ts":1700000000,"severity":"ERROR","message":"backup failed","error":"Access is denied (0x80070005)"}'],
        10,
        "ams.log",
    )
    assert ev.level == "error"
    assert ev.message == "backup failed: Access is denied (0x80070005)"
    assert ev.codes == [ErrorCode(None, 0x80070005)]
    assert ev.time is not None and ev.time.year == 2023
    assert ev.line == 10
