from __future__ import annotations

import io
import re
import stat
import zipfile
from pathlib import Path

import pytest
from replay_runner import ReplayRunner

from acronis_triage.collectors.base import Status
from acronis_triage.collectors.builtin import acronis_sysinfo
from acronis_triage.collectors.builtin.acronis_sysinfo import (
    AcronisSysinfo,
    failure_reason,
    find_acrocmd,
    parse_acrocmd_errors,
)
from acronis_triage.collectors.runner import CommandResult
from acronis_triage.collectors.sysroot import SystemRoot

DATA = Path(__file__).resolve().parents[2] / "data"
SYSINFO = DATA / "sysinfo"


class AcrocmdReplay(ReplayRunner):
    """Plays back acrocmd's recorded output and, like the real tool, leaves the report in the --loc folder."""

    def __init__(self, report_names: tuple[str, ...] = ("sysinfo_db01_2024-03-05.zip",)) -> None:
        super().__init__()
        self.report_names = report_names
        self.loc: Path | None = None

    def __call__(self, argv, **kwargs):
        result = super().__call__(argv, **kwargs)
        loc = next((a.removeprefix("--loc=") for a in argv if a.startswith("--loc=")), None)
        if loc is not None:
            self.loc = Path(loc)
            if result.returncode == 0:
                for name in self.report_names:
                    with zipfile.ZipFile(self.loc / name, "w") as zf:
                        zf.writestr("mms.0.log", "2024-03-05T09:12:44:101+01:00 1310 I00000000: started\n")
        return result


def fake_install(root: Path, relative: str = "usr/lib/Acronis/CommandLineTool/acrocmd") -> Path:
    exe = root / relative
    exe.parent.mkdir(parents=True)
    exe.write_text("#!/bin/sh\n")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    return exe


def test_metadata_lets_end_user_mode_turn_it_off():
    assert "slow" in AcronisSysinfo.tags
    assert AcronisSysinfo.expected_duration_s == 300.0
    assert AcronisSysinfo.timeout_s == 900.0
    assert AcronisSysinfo.timeout_s > acronis_sysinfo.COMMAND_TIMEOUT_S


def test_report_is_added_whole(tmp_path, run_live):
    root = tmp_path / "root"
    exe = fake_install(root)
    runner = AcrocmdReplay()
    runner.add(f"{exe} sysinfo", stdout=(SYSINFO / "acrocmd_success.txt").read_bytes())
    run = run_live(AcronisSysinfo, runner, root=root)

    assert run.outcome.status == Status.OK, run.outcome.reason
    ((argv0, sub, loc),) = run.calls
    assert (argv0, sub) == (str(exe), "sysinfo") and loc.startswith("--loc=")
    assert run.names() == {"acrocmd_sysinfo_output.txt", "sysinfo_db01_2024-03-05.zip"}
    with zipfile.ZipFile(io.BytesIO(run.files["sysinfo_db01_2024-03-05.zip"])) as inner:
        assert inner.namelist() == ["mms.0.log"]
    assert run.record("sysinfo_db01_2024-03-05.zip").get("truncated") is False
    assert "The operation completed successfully." in run.text("acrocmd_sysinfo_output.txt")
    assert not runner.loc.exists(), "the temporary --loc folder is removed"


def test_acrocmd_error_is_the_failure_reason(tmp_path, run_live):
    root = tmp_path / "root"
    exe = fake_install(root, "usr/sbin/acrocmd")
    runner = AcrocmdReplay()
    runner.add(f"{exe} sysinfo", stdout=(SYSINFO / "acrocmd_missing_loc.txt").read_bytes(), returncode=1)
    run = run_live(AcronisSysinfo, runner, root=root)

    assert run.outcome.status == Status.ERROR
    assert run.outcome.reason == (
        "acrocmd sysinfo failed: Parameter 'loc' is not defined. "
        "(error 0x1510027, abr11cli_lxa64_39376); reported through 0x1510008")
    assert "Error: 0x1510008" in run.text("acrocmd_sysinfo_output.txt")
    assert not runner.loc.exists()


def test_timeout_is_a_clear_failure(tmp_path, monkeypatch, run_live):
    monkeypatch.setattr(acronis_sysinfo, "COMMAND_TIMEOUT_S", 0.3)
    root = tmp_path / "root"
    exe = fake_install(root)
    runner = AcrocmdReplay()
    runner.add(f"{exe} sysinfo", delay_s=30.0)
    run = run_live(AcronisSysinfo, runner, root=root)

    assert run.outcome.status == Status.ERROR
    assert "did not finish in 0 s; its process tree was killed" in run.outcome.reason


def test_success_without_a_report_is_a_failure(tmp_path, run_live):
    root = tmp_path / "root"
    exe = fake_install(root)
    runner = AcrocmdReplay(report_names=())
    runner.add(f"{exe} sysinfo", stdout=b"The operation completed successfully.\n")
    run = run_live(AcronisSysinfo, runner, root=root)

    assert run.outcome.status == Status.ERROR
    assert re.search(r"reported success but wrote nothing in \S+acronis-triage-sysinfo-", run.outcome.reason)


def test_not_applicable_without_acrocmd(tmp_path, monkeypatch, run_live):
    monkeypatch.setattr(acronis_sysinfo.shutil, "which", lambda name: None)
    (tmp_path / "root").mkdir()
    run = run_live(AcronisSysinfo, ReplayRunner(), root=tmp_path / "root")

    assert run.outcome.status == Status.NOT_APPLICABLE
    assert run.outcome.reason.startswith("acrocmd (the Acronis command-line tool) is not installed")
    assert "/usr/lib/Acronis/CommandLineTool/acrocmd" in run.outcome.reason
    assert run.calls == []


def test_not_applicable_without_admin_rights(tmp_path, run_live):
    root = tmp_path / "root"
    fake_install(root)
    run = run_live(AcronisSysinfo, AcrocmdReplay(), root=root, admin=False)
    assert run.outcome.status == Status.NOT_APPLICABLE
    assert run.outcome.reason == "needs administrator rights"


@pytest.mark.parametrize("folder", ["BackupClient", "Acronis", "Cyber Protect Agent"])
def test_windows_install_locations(tmp_path, folder):
    exe = tmp_path / "Program Files" / folder / "CommandLineTool" / "acrocmd.exe"
    exe.parent.mkdir(parents=True)
    exe.write_bytes(b"MZ")
    root = SystemRoot.offline(tmp_path, "windows")
    assert find_acrocmd(root) == exe


def test_linux_glob_finds_other_acronis_folders(tmp_path):
    exe = fake_install(tmp_path, "usr/lib/Acronis/BackupAndRecovery/acrocmd")
    assert find_acrocmd(SystemRoot(path=tmp_path, os="linux", live=True)) == exe


def test_parse_error_chain():
    errors = parse_acrocmd_errors("myhost:~ # acrocmd sysinfo\n" + (SYSINFO / "acrocmd_missing_loc.txt").read_text())
    assert [(e.message, e.code, e.module) for e in errors] == [
        ("An error occurred while executing the command.", "0x1510008", "acrocmd_lxa64_39376"),
        ("Parameter 'loc' is not defined.", "0x1510027", "abr11cli_lxa64_39376"),
    ]


def test_failure_reason_without_error_chain():
    result = CommandResult(("acrocmd", "sysinfo"), 2, b"", b"Access is denied.\r\n")
    assert failure_reason(result) == "acrocmd sysinfo exited with code 2: Access is denied."
    assert failure_reason(CommandResult(("acrocmd",), 0, b"The operation completed successfully.\n")) == ""

