from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from replay_runner import ReplayRunner

from acronis_triage.collectors.base import Status
from acronis_triage.collectors.builtin.linux_services import (
    LinuxServices,
    journal_since,
    parse_list_units,
    parse_status,
)
from acronis_triage.collectors.runner import SubprocessRunner

HEALTHY = Path(__file__).resolve().parents[2] / "data" / "linux" / "ubuntu2404_healthy"
BROKEN = HEALTHY.parent / "centos7_broken"


def test_running_services_and_journal(run_live, replay_from):
    run = run_live(LinuxServices, replay_from(HEALTHY))

    assert run.outcome.status == Status.OK, run.outcome.reason
    units = run.json("services_summary.json")["units"]
    assert units["acronis_mms"]["active"].startswith("active (running) since Mon 2024-09-16")
    assert units["aakore"]["main_pid"] == "1101 (aakore)"
    assert run.json("services_summary.json")["journal"].startswith("4 lines since ")
    journal_call = next(c for c in run.calls if c[0] == "journalctl")
    assert journal_call[:5] == ("journalctl", "-u", "acronis_mms", "-u", "aakore")
    assert {"--no-pager", "short-iso"} <= set(journal_call)
    assert "Started acronis_mms.service" in run.text("journal_acronis.txt")


def test_oom_killed_mms_is_visible(run_live, replay_from):
    run = run_live(LinuxServices, replay_from(BROKEN))

    assert run.outcome.status == Status.OK
    units = run.json("services_summary.json")["units"]
    assert units["acronis_mms"]["active"].startswith("failed (Result: signal)")
    assert units["acronis_mms"]["main_pid"] == "1321 (code=killed, signal=KILL)"
    assert units["aakore"]["active"].startswith("active (running)")
    status = run.text("systemctl_status.txt")
    assert status.startswith("# command: systemctl status acronis_mms aakore --no-pager\n# result: exit code 3")
    assert "status=9/KILL" in run.text("journal_acronis.txt")


def test_other_acronis_units_are_followed_too(run_live):
    runner = ReplayRunner()
    runner.add("systemctl list-units", stdout=(
        b"aakore.service                   loaded active running Acronis Agent Core Service\n"
        b"acronis-storage-gateway.service  loaded active running Acronis Storage Gateway\n"))
    run = run_live(LinuxServices, runner)

    status_call = next(c for c in run.calls if c[:2] == ("systemctl", "status"))
    assert status_call == ("systemctl", "status", "acronis_mms", "aakore", "acronis-storage-gateway", "--no-pager")
    assert "acronis-storage-gateway" in next(c for c in run.calls if c[0] == "journalctl")


def test_machine_without_systemd(run_live):
    # What systemctl prints in a container or a SysV-init system (recorded on this project's build machine).
    denied = (b"System has not been booted with systemd as init system (PID 1). Can't operate.\n"
              b"Failed to connect to bus: Host is down\n")
    runner = ReplayRunner().add("systemctl", stderr=denied, returncode=1).add(
        "journalctl", stdout=b"-- No entries --\n", stderr=b"No journal files were found.\n")
    run = run_live(LinuxServices, runner)

    summary = run.json("services_summary.json")
    assert summary["systemd"].startswith("not running: System has not been booted with systemd")
    assert summary["journal"].startswith("no journal files")


def test_units_not_found():
    units = parse_status("", "Unit acronis_mms.service could not be found.\nUnit aakore.service could not be found.\n")
    assert units == {"acronis_mms": {"found": False}, "aakore": {"found": False}}


def test_list_units_ignores_legend_lines():
    text = "  UNIT LOAD ACTIVE SUB DESCRIPTION\naakore.service loaded active running X\n\n2 loaded units listed.\n"
    assert parse_list_units(text) == ["aakore"]


def test_journal_since_is_local_wall_time_without_T():
    since = datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC)
    text = journal_since(since)
    assert "T" not in text
    assert datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=since.astimezone().tzinfo) == since
    assert journal_since(since.astimezone(timezone(timedelta(hours=5)))) == text


@pytest.mark.linux
@pytest.mark.skipif(sys.platform != "linux", reason="runs the real Linux commands")
def test_runs_for_real_on_this_linux_machine(run_live):
    run = run_live(LinuxServices, SubprocessRunner())

    assert run.outcome.status in (Status.OK, Status.PARTIAL), run.outcome.reason
    summary = run.json("services_summary.json")
    # No Acronis here: either systemd says the units do not exist, or there is no systemd at all.
    assert "systemd" in summary or all(not u["found"] for u in summary["units"].values())
    assert run.text("systemctl_status.txt").startswith("# command: systemctl status acronis_mms aakore")
