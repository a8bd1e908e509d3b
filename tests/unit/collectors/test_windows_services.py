"""windows_services: psutil service list and sc query/qc for the known Acronis services."""

from __future__ import annotations

import psutil
import pytest

from acronis_triage.collectors.builtin.windows_services import KNOWN_SERVICES, WindowsServices


class FakeService:
    def __init__(self, info):
        self.info = info

    def name(self):
        return self.info["name"]

    def as_dict(self):
        if "denied" in self.info:
            raise psutil.AccessDenied(name=self.info["name"])
        return self.info


@pytest.fixture
def services(monkeypatch):
    listing = [
        FakeService({"name": "MMS", "display_name": "Acronis Managed Machine Service", "status": "running",
                     "start_type": "automatic", "binpath": r'"C:\Program Files\BackupClient\BackupAndRecovery\mms.exe"',
                     "username": "LocalSystem", "pid": 4120}),
        FakeService({"name": "Spooler", "display_name": "Print Spooler", "status": "running",
                     "binpath": r"C:\Windows\System32\spoolsv.exe"}),
        FakeService({"name": "AcronisCyberProtectionService", "denied": True}),
    ]
    monkeypatch.setattr(psutil, "win_service_iter", lambda: iter(listing), raising=False)


def _runner(replay, recorded):
    replay.add("sc query MMS", stdout=recorded("sc_query_MMS.txt"))
    replay.add("sc query aakore", stdout=recorded("sc_query_aakore.txt"))
    replay.add("sc query AcrSch2Svc", stdout=recorded("sc_query_AcrSch2Svc.txt"))
    replay.add("sc qc MMS", stdout=recorded("sc_qc_MMS.txt"))
    replay.add("sc qc aakore", stdout=recorded("sc_qc_aakore.txt"))
    replay.add("sc qc AcrSch2Svc", stdout=recorded("sc_qc_AcrSch2Svc.txt"))
    replay.add("sc query", stdout=recorded("sc_query_missing.txt"), returncode=1060)
    return replay


def test_services_and_states(run_windows, replay, recorded, services):
    run = run_windows(WindowsServices, _runner(replay, recorded), admin=False)
    assert run.status == "ok", run.outcome.reason
    listed = run.json("acronis_services.json")
    assert [s["name"] for s in listed] == ["MMS", "AcronisCyberProtectionService"]
    assert "AccessDenied" in listed[1]["error"]
    states = run.json("service_states.json")
    assert states["MMS"] == "RUNNING" and states["aakore"] == "STOPPED"
    assert states["mmsminisrv"] == "not installed"
    assert "DEPENDENCIES       : AcrSch2Svc" in run.text("sc_qc_MMS.txt")
    assert "sc_query_mmsminisrv.txt" not in run.files
    assert "does not exist as an installed service" in run.excluded["sc query mmsminisrv"]


def test_without_psutil_service_api_sc_still_runs(run_windows, replay, recorded, monkeypatch):
    monkeypatch.delattr(psutil, "win_service_iter", raising=False)
    run = run_windows(WindowsServices, _runner(replay, recorded))
    assert run.status == "partial"
    assert run.skipped["service list (psutil)"] == "psutil has no Windows service API in this build"
    assert "sc_query_MMS.txt" in run.files


def test_missing_sc_stops_after_one_try(run_windows, replay, services):
    run = run_windows(WindowsServices, replay)
    assert run.status == "partial"
    assert run.commands == [f"sc query {KNOWN_SERVICES[0]}"]
