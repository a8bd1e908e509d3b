"""windows_vss against recorded vssadmin output: healthy, failed writers, localized, refused, missing."""

from __future__ import annotations

from dataclasses import replace

from acronis_triage.collectors.builtin.windows_vss import WindowsVss, parse_providers, parse_writers
from acronis_triage.collectors.textdecode import decode_bytes


def _runner(replay, recorded, writers="vssadmin_list_writers.txt", storage="vssadmin_list_shadowstorage.txt"):
    return (replay.add("vssadmin list writers", stdout=recorded(writers))
            .add("vssadmin list providers", stdout=recorded("vssadmin_list_providers.txt"))
            .add("vssadmin list shadowstorage", stdout=recorded(storage)))


def test_failed_writers_are_picked_out(run_windows, replay, recorded):
    run = run_windows(WindowsVss, _runner(replay, recorded))
    assert run.status == "ok", run.outcome.reason
    assert set(run.files) >= {"vssadmin_list_writers.txt", "vssadmin_list_providers.txt",
                              "vssadmin_list_shadowstorage.txt", "vss_summary.json"}
    summary = run.json("vss_summary.json")
    assert summary["failed_writers"] == ["SqlServerWriter", "Registry Writer"]
    sql = next(w for w in summary["writers"] if w["name"] == "SqlServerWriter")
    assert (sql["state"], sql["state_text"], sql["last_error"]) == (8, "Failed", "Timed out")
    assert sql["id"] == "{a65faa63-5ea8-4ebc-9dbd-a0c4db26912a}"
    system = next(w for w in summary["writers"] if w["name"] == "System Writer")
    assert system["state"] == 5 and not system["failed"]  # waiting for completion is normal after a backup
    assert summary["third_party_providers"] == ["StorageCraft Volume Snapshot Software Provider"]


def test_output_is_self_describing(run_windows, replay, recorded):
    run = run_windows(WindowsVss, _runner(replay, recorded))
    text = run.text("vssadmin_list_writers.txt")
    assert text.startswith("# command: vssadmin list writers\n# result: exit code 0")
    assert "State: [8] Failed" in text
    assert run.records["vssadmin_list_writers.txt"]["kind"] == "command"
    assert run.records["vssadmin_list_writers.txt"]["source"] == "vssadmin list writers"


def test_localized_writers_are_parsed_by_layout(recorded):
    writers = parse_writers(decode_bytes(recorded("vssadmin_list_writers_de.txt"), "cp850"))
    assert [(w["name"], w["state"], w["failed"]) for w in writers] == [
        ("System Writer", 1, False), ("SqlServerWriter", 7, True)]
    assert writers[1]["last_error"] == "Wiederholbarer Fehler"
    assert writers[1]["instance_id"] == "{3d1ad2c7-2b3a-4d6f-9c51-0c2e5b6f7a18}"


def test_providers_parsed(recorded):
    providers = parse_providers(decode_bytes(recorded("vssadmin_list_providers.txt")))
    assert providers[2] == {"name": "Microsoft Software Shadow Copy provider 1.0", "type": "System",
                            "id": "{b5946137-7b9f-4925-af80-51abd60b20d5}", "version": "1.0.0.7"}


def test_no_shadow_storage_is_a_finding_not_a_failure(run_windows, replay, recorded):
    run = run_windows(WindowsVss, _runner(replay, recorded, storage="vssadmin_list_shadowstorage_none.txt"))
    assert run.status == "ok", run.outcome.reason
    assert "vssadmin list shadowstorage" in run.excluded
    assert "No items found" in run.excluded["vssadmin list shadowstorage"]


def test_refused_without_elevation_is_a_skip(run_windows, replay, recorded):
    # The admin check says yes (e.g. UAC token filtered), vssadmin still refuses: a skip with its words.
    replay.add("vssadmin list", stdout=recorded("vssadmin_denied.txt"), returncode=2)
    run = run_windows(WindowsVss, replay)
    assert run.status == "partial"
    assert "administrator" in run.skipped["vssadmin list writers"]
    assert "correct permissions" in run.skipped["vssadmin list writers"]
    assert run.commands == ["vssadmin list writers"]  # the others would be refused too
    assert "vssadmin_list_writers.txt" not in run.files


def test_not_admin_is_not_applicable(run_windows, replay, recorded):
    run = run_windows(WindowsVss, _runner(replay, recorded), admin=False)
    assert run.status == "not_applicable"
    assert run.outcome.reason == "needs administrator rights"
    assert run.commands == []


def test_missing_vssadmin_is_a_skip(run_windows, replay):
    run = run_windows(WindowsVss, replay)  # nothing recorded: the program does not exist
    assert run.status == "partial"
    assert run.skipped["vssadmin list writers"].startswith("command not found: vssadmin")


def test_offline_root_and_other_os_are_not_applicable(run_windows, replay, tmp_path):
    from acronis_triage.collectors.sysroot import SystemRoot

    (tmp_path / "off" / "ProgramData").mkdir(parents=True)
    run = run_windows(WindowsVss, replay, root=SystemRoot.offline(tmp_path / "off"))
    assert run.status == "not_applicable" and "live system" in run.outcome.reason
    run = run_windows(WindowsVss, replay, root=SystemRoot(tmp_path, "linux", True))
    assert run.status == "not_applicable" and "only for windows" in run.outcome.reason


def test_hung_vssadmin_times_out_and_the_rest_runs(run_windows, replay, recorded, monkeypatch):
    replay.add("vssadmin list writers", stdout=b"", delay_s=100.0)
    replay.add("vssadmin list providers", stdout=recorded("vssadmin_list_providers.txt"))
    replay.add("vssadmin list shadowstorage", stdout=recorded("vssadmin_list_shadowstorage.txt"))
    monkeypatch.setattr(WindowsVss, "commands", tuple(replace(c, timeout=0.2) for c in WindowsVss.commands))
    run = run_windows(WindowsVss, replay)
    assert run.status == "partial"
    assert "timed out" in run.outcome.reason
    assert "vssadmin_list_providers.txt" in run.files
