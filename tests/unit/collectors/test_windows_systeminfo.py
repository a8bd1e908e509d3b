"""windows_systeminfo: systeminfo, updates through wmic or (when wmic is gone) PowerShell, installed programs."""

from __future__ import annotations

import csv
import io

from acronis_triage.collectors.builtin.windows_systeminfo import POWERSHELL_HOTFIX, WindowsSystemInfo


def _base(replay, recorded):
    replay.add("systeminfo /fo csv", stdout=recorded("systeminfo.csv"))
    replay.add(r"reg query HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall /s",
               stdout=recorded("reg_query_uninstall.txt"))
    replay.add(r"reg query HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall /s",
               stdout=recorded("reg_query_uninstall_wow6432node.txt"))
    return replay


def test_with_wmic(run_windows, replay, recorded):
    _base(replay, recorded).add("wmic qfe list full /format:csv", stdout=recorded("wmic_qfe_list_full.csv"))
    run = run_windows(WindowsSystemInfo, replay)
    assert run.status == "ok", run.outcome.reason
    body = run.text("systeminfo.csv").split("\n\n", 1)[1]
    row = next(csv.DictReader(io.StringIO(body)))
    assert row["OS Name"] == "Microsoft Windows Server 2019 Standard"
    assert "KB5034127" in run.text("installed_updates_wmic.csv")
    programs = run.json("installed_programs.json")
    names = [p["DisplayName"] for p in programs]
    assert names == sorted(names, key=str.lower)
    assert "Veeam Agent for Microsoft Windows" in names and "Acronis Cyber Protect Scheduler" in names
    acronis = next(p for p in programs if p["DisplayName"] == "Acronis Cyber Protect Agent")
    assert acronis["DisplayVersion"] == "15.0.36432"
    assert acronis["InstallLocation"] == "C:\\Program Files\\BackupClient\\"


def test_wmic_gone_falls_back_to_powershell(run_windows, replay, recorded):
    _base(replay, recorded).add(" ".join(POWERSHELL_HOTFIX), stdout=recorded("powershell_get_hotfix.csv"))
    run = run_windows(WindowsSystemInfo, replay)
    assert run.status == "ok", run.outcome.reason  # a planned fallback is not a failure
    assert "wmic is not installed" in run.excluded["wmic qfe list full /format:csv"]
    assert '"KB5044028","Update"' in run.text("installed_updates_powershell.csv")


def test_nothing_available(run_windows, replay):
    run = run_windows(WindowsSystemInfo, replay)
    assert run.status == "partial"
    assert set(run.skipped) >= {"systeminfo /fo csv", " ".join(POWERSHELL_HOTFIX)}
    assert "installed_programs.json" not in run.files
