"""Mapping target-system paths to real ones: live, offline Windows, Linux and macOS layouts."""

from __future__ import annotations

from pathlib import Path

import pytest

from acronis_triage.collectors.sysroot import SystemRoot, detect_layout


def _tree(root: Path, *files: str) -> None:
    for rel in files:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")


def test_detects_each_layout(tmp_path: Path) -> None:
    win, lin, mac, empty = (tmp_path / n for n in ("win", "lin", "mac", "empty"))
    _tree(win, "ProgramData/Acronis/BackupAndRecovery/MMS/mms.0.log")
    _tree(lin, "var/lib/Acronis/BackupAndRecovery/MMS/mms.0.log")
    _tree(mac, "Library/Application Support/Acronis/x.log")
    empty.mkdir()
    assert detect_layout(win) == "windows"
    assert detect_layout(lin) == "linux"
    assert detect_layout(mac) == "darwin"
    assert detect_layout(empty) is None
    with pytest.raises(ValueError, match="cannot tell which system"):
        SystemRoot.offline(empty)
    with pytest.raises(ValueError, match="is not a folder"):
        SystemRoot.offline(tmp_path / "missing")


def test_offline_windows_paths_env_and_case(tmp_path: Path) -> None:
    _tree(tmp_path, "ProgramData/Acronis/BackupAndRecovery/MMS/mms.0.log",
          "ProgramData/Acronis/BackupAndRecovery/MMS/mms.1.log")
    root = SystemRoot.offline(tmp_path)
    assert root.resolve(r"C:\ProgramData\Acronis") == tmp_path / "ProgramData" / "Acronis"
    assert root.resolve(r"%ProgramData%\Acronis\Agent\etc\aakore.yaml") == (
        tmp_path / "ProgramData/Acronis/Agent/etc/aakore.yaml")
    found = root.glob(r"%PROGRAMDATA%\acronis\BackupAndRecovery\MMS\MMS.*.LOG")
    assert [p.name for p in found] == ["mms.0.log", "mms.1.log"]
    assert root.display(found[0]) == r"C:\ProgramData\Acronis\BackupAndRecovery\MMS\mms.0.log"


def test_offline_linux_recursive_glob(tmp_path: Path) -> None:
    _tree(tmp_path, "var/lib/dkms/snapapi26/1.0.4/4.18.0/x86_64/log/make.log", "etc/os-release")
    root = SystemRoot.offline(tmp_path)
    assert root.os == "linux"
    assert [p.name for p in root.glob("/var/lib/dkms/snapapi26/**/make.log")] == ["make.log"]
    assert root.display(tmp_path / "etc/os-release") == "/etc/os-release"


def test_live_root_is_identity() -> None:
    root = SystemRoot.live_system()
    assert root.live
    assert root.resolve("/etc/hostname") == Path("/etc/hostname") or root.os == "windows"
