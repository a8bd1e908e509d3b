"""windows_filters: fltmc (needs elevation) and volume class filters."""

from __future__ import annotations

from acronis_triage.collectors.builtin.windows_filters import CLASS_KEYS, WindowsFilters, parse_filters
from acronis_triage.collectors.textdecode import decode_bytes


def test_filters_and_class_filters(run_windows, replay, recorded):
    replay.add("fltmc filters", stdout=recorded("fltmc_filters.txt"))
    replay.add("fltmc instances", stdout=recorded("fltmc_instances.txt"))
    replay.add(f"reg query {CLASS_KEYS[0][1]}", stdout=recorded("reg_query_volume_upperfilters.txt"))
    replay.add(f"reg query {CLASS_KEYS[1][1]}", stderr=recorded("reg_query_not_found.txt"), returncode=1)
    run = run_windows(WindowsFilters, replay)
    assert run.status == "ok", run.outcome.reason
    summary = run.json("filters_summary.json")
    assert summary["acronis_minifilters"] == ["file_protector"]
    assert summary["volume_upper_filters"] == ["snapman", "volsnap"]
    assert "disk_upper_filters" not in summary
    assert "file_protector        C:" in run.text("fltmc_instances.txt")


def test_legacy_rows_parse(recorded):
    rows = {r["name"]: r for r in parse_filters(decode_bytes(recorded("fltmc_filters.txt")))}
    assert rows["OldAVLegacy"] == {"name": "OldAVLegacy", "instances": None, "altitude": "389998.99",
                                   "frame": "<Legacy>", "acronis": False}
    assert rows["WdFilter"]["instances"] == 4 and rows["WdFilter"]["altitude"] == "328010"
    assert "Filter" not in rows and len(rows) == 12


def test_denied(run_windows, replay, recorded):
    replay.add("fltmc", stdout=recorded("fltmc_denied.txt"), returncode=2147942405)
    run = run_windows(WindowsFilters, replay)
    assert run.status == "partial"
    assert run.skipped["fltmc filters"] == (
        "needs administrator rights: Filter listing failed with error: 0x80070005 Access is denied.")
    assert ("fltmc", "instances") not in run.runner.calls


def test_needs_admin(run_windows, replay):
    run = run_windows(WindowsFilters, replay, admin=False)
    assert (run.status, run.outcome.reason) == ("not_applicable", "needs administrator rights")
