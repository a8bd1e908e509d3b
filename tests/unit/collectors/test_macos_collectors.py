"""macOS collectors, tested only through recorded real-format outputs (tests/data/macos/)."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from replay_runner import ReplayRunner

from acronis_triage.collectors.base import Status
from acronis_triage.collectors.builtin.macos_launchd import MacosLaunchd, parse_launchctl_list
from acronis_triage.collectors.builtin.macos_profiler import PROFILER_TIMEOUT_S, MacosProfiler
from acronis_triage.collectors.builtin.macos_system import MacosSystem
from acronis_triage.collectors.builtin.macos_unified_log import MAX_BYTES, MacosUnifiedLog, last_window

DATA = Path(__file__).resolve().parents[2] / "data"
AGENT = DATA / "macos" / "cyber_protect_agent"


@pytest.fixture
def mac(run_live):
    return functools.partial(run_live, os_name="darwin")


def test_not_applicable_on_linux(run_live, replay_from):
    run = run_live(MacosSystem, replay_from(AGENT), os_name="linux")
    assert run.outcome.status == Status.NOT_APPLICABLE
    assert run.calls == []


def test_version_disks_and_system_extensions(mac, replay_from):
    run = mac(MacosSystem, replay_from(AGENT))

    assert run.outcome.status == Status.OK, run.outcome.reason
    assert run.names() == {"sw_vers.txt", "uname_a.txt", "diskutil_list.txt", "systemextensionsctl_list.txt",
                           "acronis_system_extensions.json"}
    assert "ProductVersion:\t\t14.4.1" in run.text("sw_vers.txt")
    assert "Apple_HFS Backups" in run.text("diskutil_list.txt")
    ext = run.json("acronis_system_extensions.json")
    assert [e["state"] for e in ext["extensions"]] == ["activated waiting for user", "activated enabled"]
    (problem,) = ext["problems"]
    assert "com.acronis.cyberprotect.endpointsecurity is [activated waiting for user]" in problem


def test_older_macos_without_systemextensionsctl(mac, replay_from):
    runner = replay_from(AGENT)
    del runner.recordings["systemextensionsctl list"]
    run = mac(MacosSystem, runner)

    assert run.outcome.status == Status.PARTIAL
    assert [(s.what, s.reason) for s in run.outcome.skipped] == [
        ("systemextensionsctl list", "command not found: systemextensionsctl")]
    assert "sw_vers.txt" in run.names()


def test_acronis_launchd_jobs(mac, replay_from):
    run = mac(MacosLaunchd, replay_from(AGENT))

    assert run.outcome.status == Status.OK
    text = run.text("launchctl_list_acronis.txt")
    assert "(4 of 9 lines kept)" in text
    assert "PID\tStatus\tLabel" in text and "com.apple" not in text
    jobs = run.json("acronis_launchd_jobs.json")
    assert [j["label"] for j in jobs["jobs"]] == ["com.acronis.aakore", "com.acronis.cyber-protect-service",
                                                  "com.acronis.mms", "com.acronis.schedule"]
    assert jobs["jobs"][0]["pid"] == 412
    assert jobs["problems"] == ["com.acronis.mms is not running; it last exited with status -9"]


def test_launchctl_list_parsing():
    assert parse_launchctl_list("PID\tStatus\tLabel\n-\t0\tcom.acronis.monitor\n") == [
        {"label": "com.acronis.monitor", "pid": None, "last_exit_status": 0}]


def test_profiler_is_slow_and_late(mac, replay_from):
    assert MacosProfiler.priority > MacosSystem.priority and PROFILER_TIMEOUT_S == 120.0
    run = mac(MacosProfiler, replay_from(AGENT))
    assert "System Integrity Protection: Enabled" in run.text("system_profiler.txt")


def test_log_show_for_the_window(mac, replay_from):
    run = mac(MacosUnifiedLog, replay_from(AGENT), days=3)

    assert run.outcome.status == Status.OK
    (call,) = run.calls
    assert call[:4] == ("log", "show", "--last", "3d")
    assert call[4:] == ("--predicate", 'process CONTAINS[c] "acronis" OR subsystem CONTAINS[c] "acronis"',
                        "--style", "syslog")
    assert "NSURLErrorDomain Code=-1001" in run.text("log_show_acronis.txt")


@pytest.mark.parametrize(("delta", "expected"), [
    (timedelta(days=3), "3d"), (timedelta(hours=36), "36h"), (timedelta(minutes=5), "1h"),
    (timedelta(days=1, minutes=5), "1d"), (timedelta(days=1, minutes=11), "25h"),
])
def test_last_window(delta, expected):
    now = datetime(2024, 4, 18, tzinfo=UTC)
    assert last_window(now - delta, now) == expected


def test_log_show_timing_out_is_partial(monkeypatch, mac):
    monkeypatch.setattr(MacosUnifiedLog, "log_timeout_s", 0.3)
    runner = ReplayRunner().add("log show", stdout=(AGENT / "log_show.txt").read_bytes(), delay_s=30.0)
    run = mac(MacosUnifiedLog, runner)

    assert run.outcome.status == Status.PARTIAL
    assert "timed out" in run.outcome.reason
    assert run.record("log_show_acronis.txt")["truncated"] is True


def test_log_show_over_the_cap_fetches_the_newest_hour(monkeypatch, mac):
    assert MAX_BYTES == 25 * 1024 * 1024
    monkeypatch.setattr("acronis_triage.collectors.builtin.macos_unified_log.MAX_BYTES", 64 * 1024)
    big = b"2024-04-18 02:00:01.208741+0200  mbp acronis_mms[1310]: (CFNetwork) x\n" * 2000
    runner = ReplayRunner().add("log show --last 3d", stdout=big).add("log show --last 1h", stdout=b"recent\n")
    run = mac(MacosUnifiedLog, runner)

    assert run.outcome.status == Status.PARTIAL
    assert run.record("log_show_acronis.txt")["truncated"] is True
    assert "newest hour" in run.outcome.reason
    assert run.text("log_show_acronis_last_1h.txt").endswith("recent\n")


def test_log_show_denied_for_non_admin(mac):
    runner = ReplayRunner().add("log show", stderr=(DATA / "macos" / "log_show_denied.stderr").read_bytes(),
                                returncode=64)
    run = mac(MacosUnifiedLog, runner, admin=False)

    (skip,) = run.outcome.skipped
    assert skip.reason.startswith("access denied: log show needs an administrator")
    assert "Must be admin" in skip.reason


def test_missing_log_command(mac):
    run = mac(MacosUnifiedLog, ReplayRunner())
    assert [(s.what.split()[0], s.reason) for s in run.outcome.skipped] == [("log", "command not found: log")]
