"""Saving the guided bundle: the user's words and the case ID go in, listed and verified; nothing is ever
overwritten or lost."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from acronis_triage.app.gui.guided.save import CASE_MEMBER, NOTE_MEMBER, SaveRequest, free_name, save_bundle
from acronis_triage.collectors.bundle import BundleError, BundleWriter, verify_bundle


@pytest.fixture
def staged(tmp_path: Path) -> Path:
    """A real, finished bundle as the bundle writer makes it (manifest last)."""
    folder = tmp_path / "staging"
    folder.mkdir()
    writer = BundleWriter(folder / "acronis-triage-case-1-host-20240101T000000Z.zip")
    writer.open()
    writer.add_generated("collected/acronis_logs/mms.0.log", "2024-01-01 E0001: something failed\n" * 500)
    writer.add_generated("report.html", "<html>report</html>")
    return writer.finalize({"schema_version": 1, "tool": {"name": "acronis-triage"}})


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        return {i.filename: zf.read(i) for i in zf.infolist()}


def test_the_note_and_case_go_in_listed_with_their_sha256(staged: Path, tmp_path: Path) -> None:
    desktop = tmp_path / "Desktop"
    desktop.mkdir()
    before = members(staged)
    saved = save_bundle(SaveRequest(staged, desktop / staged.name, "Since Monday the backup fails.\r\nEvery night.",
                                    "12345", "backup-fails"))
    assert saved == desktop / staged.name
    manifest = verify_bundle(saved)  # every member listed, every sha256 right
    after = members(saved)
    assert after[NOTE_MEMBER] == b"Since Monday the backup fails.\nEvery night.\n"
    assert after[CASE_MEMBER] == b"case ID: 12345\npreset: backup-fails\n"
    listed = {f["path"]: f for f in manifest["files"]}
    for name in (NOTE_MEMBER, CASE_MEMBER):
        assert listed[name]["sha256"] == hashlib.sha256(after[name]).hexdigest()
        assert listed[name]["kind"] == "generated"
    # Every collected member is byte for byte what was collected; the manifest keeps its other fields.
    for name, data in before.items():
        if name != "manifest.json":
            assert after[name] == data
    old = json.loads(before["manifest.json"])
    assert {k: v for k, v in manifest.items() if k != "files"} == {k: v for k, v in old.items() if k != "files"}
    assert len(manifest["files"]) == len(old["files"]) + 2
    # The staged bundle is untouched: a second save can go elsewhere.
    assert members(staged) == before
    assert not list(desktop.glob(".*part"))


def test_a_secret_in_the_users_words_is_masked(staged: Path, tmp_path: Path) -> None:
    saved = save_bundle(SaveRequest(staged, tmp_path / "out.zip", "it asked for my password=hunter2 again"))
    text = members(saved)[NOTE_MEMBER].decode()
    assert "hunter2" not in text and "password=*****" in text


def test_without_words_or_case_the_bundle_is_a_plain_copy(staged: Path, tmp_path: Path) -> None:
    saved = save_bundle(SaveRequest(staged, tmp_path / "out.zip", "   \n"))
    assert saved.read_bytes() == staged.read_bytes()


def test_an_existing_file_is_never_replaced(staged: Path, tmp_path: Path) -> None:
    target = tmp_path / staged.name
    target.write_bytes(b"an earlier bundle")
    saved = save_bundle(SaveRequest(staged, target, "note"))
    assert saved == tmp_path / f"{staged.stem} (2).zip"
    assert target.read_bytes() == b"an earlier bundle"
    again = save_bundle(SaveRequest(staged, target, "note"))
    assert again == tmp_path / f"{staged.stem} (3).zip"
    assert free_name(tmp_path / "free.zip") == tmp_path / "free.zip"


def test_a_missing_folder_fails_with_the_reason_and_loses_nothing(staged: Path, tmp_path: Path) -> None:
    before = staged.read_bytes()
    with pytest.raises(BundleError, match="does not exist"):
        save_bundle(SaveRequest(staged, tmp_path / "gone" / "x.zip", "note"))
    assert staged.read_bytes() == before


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_folder_that_cannot_be_written_fails_with_the_reason(staged: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        with pytest.raises(PermissionError):
            save_bundle(SaveRequest(staged, locked / "x.zip", "note"))
    finally:
        locked.chmod(0o755)
    assert list(locked.iterdir()) == []


def test_a_failure_half_way_leaves_no_part_file(staged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_copy(src: Path, dst: Path) -> None:
        Path(dst).write_bytes(b"PK half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", broken_copy)
    with pytest.raises(OSError, match="No space left"):
        save_bundle(SaveRequest(staged, tmp_path / "out.zip", "note"))
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == []


def test_a_bundle_not_written_by_the_tool_is_refused(tmp_path: Path) -> None:
    odd = tmp_path / "odd.zip"
    with zipfile.ZipFile(odd, "w") as zf:
        zf.writestr("manifest.json", json.dumps({"files": []}))
        zf.writestr("extra.txt", "after the manifest")
    with pytest.raises(BundleError, match="not the last member"):
        save_bundle(SaveRequest(odd, tmp_path / "out.zip", "note"))
    assert not (tmp_path / "out.zip").exists()


def test_the_saved_bundle_is_read_back_by_analyze(tmp_path: Path) -> None:
    """A real demo bundle with the user's words in it is still a bundle the back office can analyze."""
    from acronis_triage.app.pipeline import CollectOptions, run_collect

    staging = tmp_path / "staging"
    staging.mkdir()
    result = run_collect(CollectOptions(demo=True, output=staging / "demo.zip"))
    assert result.bundle is not None
    saved = save_bundle(SaveRequest(result.bundle, tmp_path / "demo.zip", "VSS error again", "77", "backup-fails"))
    manifest = verify_bundle(saved)
    assert {NOTE_MEMBER, CASE_MEMBER} <= {f["path"] for f in manifest["files"]}
    out = subprocess.run([sys.executable, "-m", "acronis_triage.app", "analyze", str(saved), "--json"],
                         capture_output=True,
                         text=True, timeout=120)
    assert out.returncode in (0, 2), out.stderr
    assert json.loads(out.stdout)["findings"]
