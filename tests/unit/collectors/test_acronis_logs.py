"""acronis_logs on hand-built trees: caps and tails, gzip rotations, symlinks, duplicates, cancel, the table."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from acronis_triage.collectors import acronis_locations
from acronis_triage.collectors import bundle as bundle_module
from acronis_triage.collectors.acronis_locations import LOCATIONS, Finder, bundle_name
from acronis_triage.collectors.base import Cancelled
from acronis_triage.collectors.builtin.acronis_logs import AcronisLogs, sniff_form
from acronis_triage.collectors.sysroot import SystemRoot

ROOTS = Path(__file__).resolve().parents[2] / "data" / "roots"
MMS = "ProgramData/Acronis/BackupAndRecovery/MMS"


def windows_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "win"
    shutil.copytree(ROOTS / "windows", dest)
    return dest


def test_text_logs_keep_their_tail_from_a_line_start(tmp_path: Path, harness) -> None:
    tree = windows_copy(tmp_path)
    h = harness(SystemRoot.offline(tree), AcronisLogs, options={"acronis_logs.max_file_mb": 600 / 2**20})
    files, records = h.collect()
    original = (tree / MMS / "mms.0.log").read_bytes()
    kept = files[f"{MMS}/mms.0.log"]
    assert len(kept) <= 600 and original.endswith(kept)
    assert original[len(original) - len(kept) - 1:len(original) - len(kept)] == b"\n"  # starts a line
    assert records[f"{MMS}/mms.0.log"]["truncated"] is True
    assert records[f"{MMS}/mms.0.log"]["original_size"] == len(original)
    # The UTF-16 MSI log is cut on a character and line boundary and still decodes.
    msi = files["ProgramData/Acronis/InstallationLogs/live_update/msi_15.0.36432.log"]
    assert records["ProgramData/Acronis/InstallationLogs/live_update/msi_15.0.36432.log"]["truncated"] is True
    assert msi.decode("utf-16-le").endswith("=== Verbose logging stopped: 5/11/2024  3:02:41 ===\r\n")
    # Structured files are never cut, whatever the cap.
    ti = next(k for k in files if "ti_demon_" in k)
    assert files[ti] == next((tree / "ProgramData/Acronis/TrueImageHome/Logs/ti_demon").iterdir()).read_bytes()
    assert not records[ti].get("truncated")
    index = json.loads(files["index.json"])
    assert {f["taken"] for f in index["files"] if f["path"].endswith("mms.0.log")} == {"tail"}


def test_gzip_rotation_over_the_cap_keeps_its_decompressed_tail(tmp_path: Path, harness) -> None:
    tree = windows_copy(tmp_path)
    lines = b"".join(b"2024-05-10T22:00:%02d:000+02:00 9044 I00000000: line %04d\n" % (i % 60, i) for i in range(2000))
    (tree / MMS / "mms.3.log.gz").write_bytes(gzip.compress(lines))
    h = harness(SystemRoot.offline(tree), AcronisLogs, options={"acronis_logs": {"max_file_mb": 4096 / 2**20}})
    files, records = h.collect()
    kept = files[f"{MMS}/mms.3.log"]
    assert lines.endswith(kept) and len(kept) <= 4096 and kept.startswith(b"2024-05-10T")
    assert records[f"{MMS}/mms.3.log"]["truncated"] is True
    assert "decompressed from mms.3.log.gz" in records[f"{MMS}/mms.3.log"]["note"]


def test_damaged_gzip_keeps_what_was_readable_and_says_so(tmp_path: Path, harness) -> None:
    tree = windows_copy(tmp_path)
    data = gzip.compress(b"".join(b"line %05d of a rotation\n" % i for i in range(20000)))
    (tree / MMS / "mms.4.log.gz").write_bytes(data[: len(data) // 2])
    (tree / MMS / "mms.5.log.gz").write_bytes(b"\x1f\x8b" + b"garbage")
    h = harness(SystemRoot.offline(tree), AcronisLogs)
    files, records = h.collect()
    assert files[f"{MMS}/mms.4.log"].startswith(b"line 00000 of a rotation\n")
    assert "cut off" in records[f"{MMS}/mms.4.log"]["note"]
    assert records[f"{MMS}/mms.4.log"]["truncated"] is True
    assert f"{MMS}/mms.5.log" not in files
    skipped = {s.what: s.reason for s in h.ctx.writer.skipped}
    assert "damaged gzip" in skipped[r"C:\ProgramData\Acronis\BackupAndRecovery\MMS\mms.5.log.gz"]
    assert any("mms.4.log.gz" in r for r in h.ctx.writer.partial_reasons)


def test_symlinks_never_lead_out_of_the_root(tmp_path: Path, harness) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "host-secret.log").write_text("the examiner's own file\n")
    tree = tmp_path / "lx"
    shutil.copytree(ROOTS / "linux", tree)
    acronis = tree / "var/log/acronis"
    os.symlink(outside / "host-secret.log", acronis / "escape.log")
    os.symlink(outside, acronis / "escape-dir")
    os.symlink("atp-downloader/stderror", acronis / "inside.log")  # inside the tree: same file, taken once
    h = harness(SystemRoot.offline(tree), AcronisLogs)
    files, _ = h.collect()
    assert not any(b"examiner" in data for data in files.values())
    assert not any("escape" in name for name in files)
    # Refused links are skips (something looked for and not taken), with the reason: the collector is partial.
    skipped = {s.what: s.reason for s in h.ctx.writer.skipped}
    assert "outside the root" in skipped["/var/log/acronis/escape.log"]
    assert "outside the root" in skipped["/var/log/acronis/escape-dir"]
    assert sum(1 for name in files if name.endswith(("stderror", "inside.log"))) == 1


def test_a_symlinked_log_folder_of_an_offline_root_is_not_read_from_the_host(tmp_path: Path, harness) -> None:
    outside = tmp_path / "host-logs"
    outside.mkdir()
    (outside / "mms.0.log").write_text("host file\n")
    tree = tmp_path / "lx"
    (tree / "etc").mkdir(parents=True)
    (tree / "var/lib/Acronis/BackupAndRecovery").mkdir(parents=True)
    os.symlink(outside, tree / "var/lib/Acronis/BackupAndRecovery/MMS")
    h = harness(SystemRoot.offline(tree), AcronisLogs)
    files, _ = h.collect()
    assert not any(b"host file" in data for data in files.values())
    skipped = {s.what: s.reason for s in h.ctx.writer.skipped}
    assert "outside the root" in skipped["/var/lib/Acronis/BackupAndRecovery/MMS"]


def test_each_file_is_taken_once_under_its_most_specific_location(tmp_path: Path) -> None:
    root = SystemRoot.offline(ROOTS / "windows")
    finder = Finder(root)
    found = [f for loc in LOCATIONS if loc.os == "windows" and loc.kind != "config" for f in finder.find(loc)]
    paths = [f.path for f in found]
    assert len(paths) == len(set(paths))
    ti = next(f for f in found if f.path.name.startswith("ti_demon_"))
    assert ti.location.description == "True Image backup/operation logs (one per run)"
    mms = next(f for f in found if f.path.name == "mms.0.log")
    assert mms.location.product == "agent"


def test_offline_windows_paths_are_case_insensitive(tmp_path: Path, harness) -> None:
    tree = tmp_path / "win"
    (tree / "programdata/acronis/backupandrecovery/mms").mkdir(parents=True)
    (tree / "programdata/acronis/backupandrecovery/mms/MMS.0.LOG").write_text("2024-05-12T22:00:07:205+02:00 1 I0:\n")
    h = harness(SystemRoot.offline(tree, "windows"), AcronisLogs)
    files, _ = h.collect()
    assert "programdata/acronis/backupandrecovery/mms/MMS.0.LOG" in files


def test_cancel_stops_between_files(tmp_path: Path, harness) -> None:
    seen: list[str] = []

    def progress(fraction: float | None, text: str) -> None:
        seen.append(text)
        if len(seen) == 3:
            h.token.cancel("cancelled by the user")

    h = harness(SystemRoot.offline(windows_copy(tmp_path)), AcronisLogs, progress=progress)
    with pytest.raises(Cancelled):
        h.collect()
    assert len(seen) == 3
    assert len(h.bundle.records) <= 2


def test_structured_file_over_the_cap_is_skipped_not_cut(tmp_path: Path, monkeypatch, harness) -> None:
    monkeypatch.setattr(bundle_module, "DEFAULT_STRUCTURED_CAP", 100)
    h = harness(SystemRoot.offline(windows_copy(tmp_path)), AcronisLogs)
    files, _ = h.collect()
    assert not any("ti_demon_" in name for name in files)
    reasons = [s.reason for s in h.ctx.writer.skipped if "ti_demon_" in s.what]
    assert reasons and "not cut" in reasons[0]


def test_secrets_in_text_logs_are_redacted_by_the_writer(tmp_path: Path, harness) -> None:
    tree = windows_copy(tmp_path)
    (tree / "ProgramData/Acronis/Agent/var/log/aakore/aakore.log").write_text(
        '{"level":"info","msg":"GET /api/x","authorization":"Bearer abcdefghijklmnopqrstuvwxyz012345"}\n')
    h = harness(SystemRoot.offline(tree), AcronisLogs)
    files, _ = h.collect()
    assert b"abcdefghijklmnopqrstuvwxyz" not in files["ProgramData/Acronis/Agent/var/log/aakore/aakore.log"]


@pytest.mark.parametrize(("head", "name", "form"), [
    (b"\x1f\x8b\x08\x00", "mms.1.log.gz", "gzip"),
    (b'<?xml version="1.0"?><log build="1">', "ti_demon_x.log", "xml"),
    ("\ufeff<log build='1'>".encode("utf-16-le"), "x.log", "xml"),
    (b'{"level":"info"}\n{"level":"error"}\n', "aakore.log", "text"),
    (b'{\n "tls": {}\n}', "api_gateway.json", "json"),
    (b"SQLite format 3\x00\x10\x00", "archives.db", "binary"),
    (b"2024-05-12T22:00:07:205+02:00 9044 I0135003A: x\n", "mms.0.log", "text"),
    # a log zeroed at its start by a power loss is text, not binary (issue 8)
    (b"\x00" * 4096 + b"2024-05-12T22:00:07:205+02:00 9044 I0135003A: x\n" * 3, "mms.0.log", "text"),
    (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "old_logs.zip", "archive"),
    (b"BZh91AY&SY\x00\x00", "aakore.1.log.bz2", "archive"),
])
def test_sniff_form(head: bytes, name: str, form: str) -> None:
    assert sniff_form(Path(name), head) == form


def test_bundle_names_keep_the_target_layout(tmp_path: Path) -> None:
    win = SystemRoot.offline(ROOTS / "windows")
    assert bundle_name(win, ROOTS / "windows" / MMS / "mms.0.log") == f"{MMS}/mms.0.log"
    live = SystemRoot(path=Path("/"), os="linux", live=True)
    assert bundle_name(live, Path("/var/lib/Acronis/x.log")) == "var/lib/Acronis/x.log"
    live_win = SystemRoot(path=Path("C:\\"), os="windows", live=True)
    assert bundle_name(live_win, Path(r"C:\ProgramData\Acronis\a.log")) == "ProgramData/Acronis/a.log"
    assert bundle_name(live_win, Path(r"D:\Logs\a.log")) == "D/Logs/a.log"


def test_location_table_is_well_formed() -> None:
    kinds = {acronis_locations.TEXT_LOG, acronis_locations.STRUCTURED, acronis_locations.CONFIG}
    assert isinstance(LOCATIONS, tuple) and isinstance(acronis_locations.EXCLUSIONS, tuple)
    keys = [(loc.os, loc.pattern) for loc in LOCATIONS]
    assert len(keys) == len(set(keys))
    for loc in LOCATIONS:
        assert loc.os in ("windows", "linux", "darwin") and loc.kind in kinds and loc.description
        if loc.os == "windows":
            assert loc.pattern.startswith("%ProgramData%\\"), loc
        else:
            assert loc.pattern.startswith("/"), loc
        # Globs, never one hard-coded log name, for the rotating logs.
        if re.search(r"mms\.\d", loc.pattern, re.I):
            pytest.fail(f"hard-coded rotation name: {loc.pattern}")
    patterns = " ".join(loc.pattern for loc in LOCATIONS)
    for needed in (
        "mms*.log", "mms*.log.gz", "InstallationLogs", "ti_demon", "AccountServer", "BackupManager", r"AMS\logs",
        "FileProtectorLogs", "/var/log/trueimage-setup.log", "AcronisRemoteInstall",
        "/var/lib/dkms/snapapi26/*/build/make.log", "/var/log/acronis/**", "/opt/acronis/var/log/**",
        "hosting_agent.log", "/Library/Logs/Acronis", "/Users/*/Library/Logs/Acronis", r"Agent\etc\*.yaml",
        "api_gateway.json", r"MMS\Locations", "/Registry/*.config",
    ):
        assert needed in patterns, needed


def test_programdata_comes_from_the_environment(tmp_path: Path, harness) -> None:
    tree = tmp_path / "win"
    (tree / "Data/PD/Acronis/BackupAndRecovery/MMS").mkdir(parents=True)
    (tree / "Data/PD/Acronis/BackupAndRecovery/MMS/mms.0.log").write_text("2024-05-12T22:00:07:205+02:00 1 I0: x\n")
    root = SystemRoot(path=tree, os="windows", live=False, env={"PROGRAMDATA": r"C:\Data\PD"})
    h = harness(root, AcronisLogs)
    files, _ = h.collect()
    assert "Data/PD/Acronis/BackupAndRecovery/MMS/mms.0.log" in files


def test_a_gzip_rotation_bomb_is_left_out_with_the_reason_in_bounded_memory(tmp_path: Path, harness) -> None:
    import tracemalloc

    tree = windows_copy(tmp_path)
    block = gzip.compress(bytes(64 * 2**20), compresslevel=9)
    (tree / MMS / "mms.7.log.gz").write_bytes(block * 48)  # 3 GiB of zeros in ~3 MiB, in 48 gzip members
    h = harness(SystemRoot.offline(tree), AcronisLogs)
    tracemalloc.start()
    AcronisLogs().collect(h.ctx)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    files, _ = h.collected()
    assert f"{MMS}/mms.7.log" not in files and f"{MMS}/mms.2.log" in files
    excluded = {e.what: e.reason for e in h.ctx.writer.excluded}
    assert "decompression bomb" in excluded[r"C:\ProgramData\Acronis\BackupAndRecovery\MMS\mms.7.log.gz"]
    assert peak < 64 * 2**20
