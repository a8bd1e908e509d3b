"""The collection's time window applies to events: a log modified this week can hold last spring's errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from acronis_triage.analyzers.analyze import analyze_sources
from acronis_triage.analyzers.model import LogSource
from acronis_triage.analyzers.timewindow import EventWindow
from acronis_triage.resources import resource_path

MMS = resource_path("demo") / "ProgramData/Acronis/BackupAndRecovery/MMS"


def _sources() -> list[LogSource]:
    return [LogSource(p.name, lambda p=p: p.open("rb"), p.stat().st_size) for p in sorted(MMS.glob("mms.*.log"))]


def _analyze(window: EventWindow | None) -> dict:
    return analyze_sources(_sources(), window=window).to_json()


def test_a_window_around_the_events_changes_nothing_but_says_so() -> None:
    plain = _analyze(None)
    wide = _analyze(EventWindow(datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)))
    assert plain["findings"], "the demo's MMS logs hold known issues"
    assert "time_window" not in plain
    assert wide["time_window"]["events_outside"] == 0
    assert [f["signature"] for f in wide["findings"]] == [f["signature"] for f in plain["findings"]]
    assert [f["count"] for f in wide["findings"]] == [f["count"] for f in plain["findings"]]
    assert len(wide["unmatched"]) == len(plain["unmatched"])


def test_events_before_the_window_are_counted_not_matched() -> None:
    later = _analyze(EventWindow(datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 8, tzinfo=UTC)))
    assert later["findings"] == []
    assert later["unmatched"] == []
    assert later["time_window"]["events_outside"] > 0
    assert later["time_window"]["since"].startswith("2026-12-01")


def test_a_window_cutting_through_the_log_keeps_only_the_events_inside() -> None:
    plain = _analyze(None)
    times = sorted(f["last_seen"] for f in plain["findings"] if f.get("last_seen"))
    cut = datetime.fromisoformat(times[len(times) // 2])
    half = _analyze(EventWindow(cut, None))
    assert half["time_window"]["events_outside"] > 0
    for finding in half["findings"]:
        assert finding["last_seen"] is None or datetime.fromisoformat(finding["last_seen"]) >= cut
        assert finding["first_seen"] is None or datetime.fromisoformat(finding["first_seen"]) >= cut
    assert sum(f["count"] for f in half["findings"]) < sum(f["count"] for f in plain["findings"])


def test_json_round_trips(tmp_path: Path) -> None:
    data = _analyze(EventWindow(datetime(2026, 11, 1, tzinfo=UTC), None))
    assert json.loads(json.dumps(data))["time_window"]["until"] is None
