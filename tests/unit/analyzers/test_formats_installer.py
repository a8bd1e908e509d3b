"""Installer logs: trueimage-setup.log, acronis_mms syslog, MSI verbose logs (DOMAIN.md §2.7, KB 59045)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from acronis_triage.analyzers.formats import detect_kind, iter_events
from acronis_triage.analyzers.reader import read_head

LOGS = Path(__file__).parents[2] / "data" / "logs"


def test_trueimage_setup_and_syslog() -> None:
    assert detect_kind(read_head(LOGS / "trueimage-setup.log")) == "installer"
    events = list(iter_events(LOGS / "trueimage-setup.log"))
    assert len(events) == 4
    assert events[0].time == datetime(2018, 2, 9, 11, 41, 35, tzinfo=UTC)
    assert events[0].level == "error"
    assert events[0].message.startswith("Failed to find directory '/lib/modules/3.10.0-514.6.1.el7.x86_64/build'")
    assert events[1].message == "- failed to load the SnapAPI kernel module."
    assert events[1].level == "error"
    assert events[2].level == "info"
    assert events[2].time.utcoffset() == timedelta(hours=2)
    syslog = events[3]
    assert syslog.level == "error"
    assert syslog.message == "Lock file /tmp/trueimage_inst.lock is found. Installer is running already."
    assert syslog.time == datetime(2018, 1, 29, 17, 1, 19, tzinfo=timezone(timedelta(hours=1)))
    assert syslog.fields == {"host": "ns1", "program": "acronis_mms", "pid": 31054, "component": "linux_agent"}


def test_msi_log_utf16() -> None:
    path = LOGS / "msi_install_failed_utf16.log"
    assert path.read_bytes().startswith(b"\xff\xfe")
    assert detect_kind(read_head(path)) == "installer"
    events = list(iter_events(path))
    by_line = {e.line: e for e in events}
    engine = by_line[8]
    assert engine.message == "MainEngineThread is returning 1603"
    assert engine.level == "error"
    assert engine.fields["msi_result"] == 1603
    assert engine.time == datetime(2018, 2, 9, 11, 42, 2, tzinfo=UTC)
    assert by_line[7].fields["return_value"] == 3 and by_line[7].level == "error"
    assert by_line[4].level == "info"  # Action start
    assert by_line[3].level == "debug"  # "Note: ... Error" is an MSI diagnostic
    assert by_line[5].level == "error"  # Installation failed.
    assert by_line[2].level == "info"
