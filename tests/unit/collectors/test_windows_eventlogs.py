"""windows_eventlogs: time-window EVTX exports taken whole, provider-filtered text, missing wevtutil."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from acronis_triage.collectors.builtin.windows_eventlogs import WindowsEventLogs, acronis_publishers, provider_query


def _runner(replay, recorded, windows_data):
    return (replay.add("wevtutil epl", stdout=b"")
            .writes("wevtutil epl Application", 3, windows_data / "Application.evtx")
            .writes("wevtutil epl System", 3, windows_data / "Application.evtx")
            .add("wevtutil ep", stdout=recorded("wevtutil_ep.txt"))
            .add("wevtutil qe Application", stdout=recorded("wevtutil_qe_application.txt"))
            .add("wevtutil qe System", stdout=b""))


def test_exports_and_text(run_windows, replay, recorded, windows_data):
    run = run_windows(WindowsEventLogs, _runner(replay, recorded, windows_data), days=7)
    assert run.status == "ok", run.outcome.reason
    assert run.files["Application.evtx"] == (windows_data / "Application.evtx").read_bytes()  # whole, unredacted
    assert "System.evtx" in run.files
    assert not run.records["Application.evtx"].get("truncated")
    epl = next(c for c in run.runner.calls if c[:3] == ("wevtutil", "epl", "Application"))
    assert epl[4] == "/q:*[System[TimeCreated[timediff(@SystemTime) <= 604800000]]]"
    assert epl[5] == "/ow:true"
    text = run.text("application_acronis_vss_disk_events.txt")
    assert "Source: VSS" in text and "Faulting application name: mms.exe" in text
    qe = next(c for c in run.runner.calls if c[:3] == ("wevtutil", "qe", "Application"))
    assert "@Name='Acronis Managed Machine Service'" in qe[3] and "@Name='VSS'" in qe[3]
    assert qe[4:] == ("/f:text", "/c:2000", "/rd:true")
    assert "@Name='Acronis Backup and Recovery'" in qe[3]  # every Acronis publisher that `wevtutil ep` listed


def test_export_that_wrote_nothing_is_a_skip(run_windows, replay, recorded):
    replay.add("wevtutil epl", stdout=b"").add("wevtutil ep", stdout=recorded("wevtutil_ep.txt"))
    replay.add("wevtutil qe", stdout=recorded("wevtutil_qe_application.txt"))
    run = run_windows(WindowsEventLogs, replay)
    assert run.status == "partial"
    assert run.skipped["Application.evtx"] == "wevtutil reported success but wrote no file"


def test_access_denied_export(run_windows, replay, recorded):
    # Reading the Security-protected System log as a standard user on some hardened servers.
    replay.add("wevtutil epl", stdout=b"", stderr=b"Failed to export log System. Access is denied.\r\n",
               returncode=5)
    replay.add("wevtutil ep", stdout=recorded("wevtutil_ep.txt")).add("wevtutil qe", stdout=b"")
    run = run_windows(WindowsEventLogs, replay, admin=False)
    assert run.status == "partial"
    assert any("Access is denied" in reason for reason in run.skipped.values())


def test_missing_wevtutil(run_windows, replay):
    run = run_windows(WindowsEventLogs, replay)
    assert run.status == "partial"
    assert len(run.commands) == 1 and run.skipped.popitem()[1].startswith("command not found: wevtutil")


def test_window_with_an_end_in_the_past(run_windows):
    from acronis_triage.collectors.builtin.windows_eventlogs import time_clause, window_ms

    class Ctx:
        since = datetime(2024, 5, 1, tzinfo=UTC)
        until = datetime(2024, 5, 2, tzinfo=UTC)

    now = datetime(2024, 5, 3, tzinfo=UTC)
    oldest, newest = window_ms(Ctx, now)  # type: ignore[arg-type]
    assert (oldest, newest) == (2 * 86_400_000, 86_400_000)
    assert time_clause(oldest, newest) == (
        "TimeCreated[timediff(@SystemTime) <= 172800000 and timediff(@SystemTime) >= 86400000]")
    Ctx.until = now - timedelta(seconds=5)
    assert window_ms(Ctx, now)[1] == 0  # "until now" is not a bound


def test_provider_query_and_publishers():
    assert provider_query(("VSS", "volsnap", "it's"), 1000, 0) == (
        "*[System[Provider[@Name='VSS' or @Name='volsnap'] and TimeCreated[timediff(@SystemTime) <= 1000]]]")
    assert acronis_publishers("VSS\r\nAcronis X\r\nacronis y\r\n") == ["Acronis X", "acronis y"]
