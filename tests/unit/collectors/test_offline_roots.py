"""Offline roots (``--root DIR``): each fixture tree (Windows, Linux, macOS layout) through the real engine.

The trees in tests/data/roots/ hold small Acronis files in their real formats; they are copied to tmp_path so
modification times can be set (an old rotation, everything else recent) without touching the repository.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from acronis_triage.collectors.base import Status
from acronis_triage.collectors.builtin.acronis_config import AcronisConfig
from acronis_triage.collectors.builtin.acronis_logs import AcronisLogs
from acronis_triage.collectors.builtin.connectivity import Connectivity
from acronis_triage.collectors.sysroot import SystemRoot, detect_layout

ROOTS = Path(__file__).resolve().parents[2] / "data" / "roots"
DAY = 86400


def copy_tree(layout: str, tmp_path: Path, *, old: tuple[str, ...] = ()) -> Path:
    """The fixture tree with every file modified an hour ago, and ``old`` ones 30 days before that."""
    dest = tmp_path / layout
    shutil.copytree(ROOTS / layout, dest, symlinks=True)
    recent = time.time() - 3600
    for path in dest.rglob("*"):
        if path.is_file():
            os.utime(path, (recent, recent))
    for rel in old:
        os.utime(dest / rel, (recent - 30 * DAY, recent - 30 * DAY))
    return dest


ALL = [AcronisLogs, AcronisConfig, Connectivity]


def test_layouts_are_detected() -> None:
    assert detect_layout(ROOTS / "windows") == "windows"
    assert detect_layout(ROOTS / "linux") == "linux"
    assert detect_layout(ROOTS / "darwin") == "darwin"


def test_windows_root(tmp_path: Path, harness) -> None:
    mms = "ProgramData/Acronis/BackupAndRecovery/MMS/"
    tree = copy_tree("windows", tmp_path, old=(mms + "mms.1.log",))
    result = harness(SystemRoot.offline(tree)).run(*ALL)

    assert result.outcomes["connectivity"].status is Status.NOT_APPLICABLE
    assert "live system" in result.outcomes["connectivity"].reason
    assert result.outcomes["acronis_logs"].status is Status.OK
    logs = result.files("acronis_logs")
    for expected in (
        mms + "mms.0.log",
        mms + "mms.2.log",  # the .gz rotation, decompressed
        "ProgramData/Acronis/Agent/var/log/aakore/aakore.log",
        "ProgramData/Acronis/InstallationLogs/live_update/msi_15.0.36432.log",
        "ProgramData/Acronis/InstallationLogs/AB_installer_2024-05-11.log",
        "ProgramData/Acronis/TrueImageHome/Logs/ti_demon/"
        "ti_demon_3F2504E0-4F89-11D3-9A0C-0305E82C3301_2024-05-12-09-00-01.log",
        "ProgramData/Acronis/TrueImageHome/Logs/trueimage_service.log",
        "ProgramData/Acronis/TrueImageHome/Database/archives.db",
        "ProgramData/Acronis/AccountServer/Logs/account_server.log",
        "ProgramData/Acronis/BackupManager/Logs/backup-manager.log",
        "ProgramData/Acronis/AMS/logs/curl0.log",
        "ProgramData/Acronis/FileProtectorLogs/file_protector.log",
        "ProgramData/Acronis/BackupAndRecovery/Logs/activity_2024-05-12.log",
        "index.json",
    ):
        assert expected in logs, expected
    assert mms + "mms.1.log" not in logs
    assert not any("OnlineBackup" in name or "quarantine" in name for name in logs)
    assert logs[mms + "mms.0.log"] == (tree / mms / "mms.0.log").read_bytes()
    assert b"$module: disk_bundle_vsa64_36432" in logs[mms + "mms.0.log"]
    assert logs[mms + "mms.2.log"].startswith(b"2024-05-10T22:00:07:205+02:00 9044 I0135003A")
    assert logs["ProgramData/Acronis/TrueImageHome/Database/archives.db"].startswith(b"SQLite format 3\x00")

    excluded = result.excluded("acronis_logs")
    assert excluded[r"C:\ProgramData\Acronis\BackupAndRecovery\MMS\mms.1.log"] == "older than the time window"
    assert "certificates" in excluded[r"C:\ProgramData\Acronis\BackupAndRecovery\OnlineBackup\Default"]
    assert "quarantined" in excluded[r"C:\ProgramData\Acronis\NGMP\quarantine"]

    record = result.record(f"collected/acronis_logs/{mms}mms.0.log")
    assert record["source"] == r"C:\ProgramData\Acronis\BackupAndRecovery\MMS\mms.0.log"
    index = json.loads(logs["index.json"])
    assert "anchored_at_newest_log" in index["time_window"]
    products = {f["product"] for f in index["files"]}
    assert {"agent", "installer", "true_image", "management_server"} <= products

    config = result.files("acronis_config")
    assert result.outcomes["acronis_config"].status is Status.OK
    aakore = config["ProgramData/Acronis/Agent/etc/aakore.yaml"].decode()
    assert "S3cretProxyPw" not in aakore and "proxyuser:*****@proxy.example.test:3128" in aakore
    assert "http: 127.0.0.1:9999" in aakore
    override = config["ProgramData/Acronis/Agent/var/aakore/http-proxy.yaml"].decode()
    assert "0verridePw" not in override
    gateway = config["ProgramData/Acronis/ApiGateway/api_gateway.json"].decode()
    assert "GatewayKeyPw1" not in gateway and json.loads(gateway)["listen"] == "0.0.0.0:9877"
    script = config["ProgramData/Acronis/TrueImageHome/Scripts/3F2504E0-4F89-11D3-9A0C-0305E82C3301.tib.tis"]
    assert b"T1SharePw" not in script
    assert "ProgramData/Acronis/BackupAndRecovery/MMS/Locations/7E2C9D51-3F0B-4C1A-9E33-0D6B3C2A11F4.xml" in config


def test_linux_root(tmp_path: Path, harness) -> None:
    tree = copy_tree("linux", tmp_path)
    result = harness(SystemRoot.offline(tree)).run(*ALL)
    assert result.outcomes["acronis_logs"].status is Status.OK
    logs = result.files("acronis_logs")
    for expected in (
        "var/lib/Acronis/BackupAndRecovery/MMS/mms.0.log",
        "var/lib/Acronis/BackupAndRecovery/MMS/mms.1.log",
        "var/log/trueimage-setup.log",
        "var/log/AcronisRemoteInstall/acroinst2_bootstrap.out",
        "var/lib/dkms/snapapi26/0.8.12/build/make.log",
        "var/lib/dkms/snapapi26/0.8.11/5.14.0-284.el9.x86_64/x86_64/log/make.log",
        "opt/acronis/var/log/aakore/aakore.http.proxy.cyber-desktop-service.log",
        "var/log/acronis/atp-downloader/stderror",
        "usr/lib/Acronis/BackupAndRecovery/hosting_agent.log",
        "var/lib/Acronis/AgentCommData/capture-data.log",
    ):
        assert expected in logs, expected
    assert b"$module: mms_lxa64_36432" in logs["var/lib/Acronis/BackupAndRecovery/MMS/mms.0.log"]
    assert not any(name.startswith("var/lib/Acronis/mount") or "OnlineBackup" in name for name in logs)
    excluded = result.excluded("acronis_logs")
    assert "mounted recovery points" in excluded["/var/lib/Acronis/mount"]
    assert "certificates" in excluded["/var/lib/Acronis/BackupAndRecovery/OnlineBackup/Default"]

    config = result.files("acronis_config")
    bnr = config["etc/Acronis/BackupAndRecovery.config"].decode()
    assert "0nlineBackupPw" not in bnr
    assert '"5A1C3E0B-7D2F-4B6A-9C8E-1F0A2B3C4D5E"' in bnr  # identifiers stay: support needs them
    glob_cfg = config["etc/Acronis/Global.config"].decode()
    assert "GlobalProxyPw" not in glob_cfg and '"proxy.example.test"' in glob_cfg
    assert "LinuxProxyPw" not in config["opt/acronis/etc/aakore.yaml"].decode()
    assert "MaxNumberOfSimultaneousBackups" in config["etc/Acronis/MMS.config"].decode()


def test_darwin_root(tmp_path: Path, harness) -> None:
    tree = copy_tree("darwin", tmp_path)
    result = harness(SystemRoot.offline(tree)).run(*ALL)
    logs = result.files("acronis_logs")
    for expected in (
        "Library/Application Support/Acronis/BackupAndRecovery/MMS/mms.0.log",
        "Library/Logs/Acronis/acronis_agent_install.log",
        "Users/alice/Library/Logs/Acronis/trueimage.log",
        "Users/bob/Library/Logs/Acronis/trueimage.log",
    ):
        assert expected in logs, expected
    assert not any("OnlineBackup" in name for name in logs)
    assert "certificates" in result.excluded("acronis_logs")[
        "/Library/Application Support/Acronis/BackupAndRecovery/OnlineBackup/Default"]
    config = result.files("acronis_config")
    registry = "Library/Application Support/Acronis/Registry/"
    assert "MacOnlinePw" not in config[registry + "BackupAndRecovery.config"].decode()
    assert "MacProxyPw" not in config[registry + "Global.config"].decode()
    assert "MacProxyPw" not in config["Library/Application Support/Acronis/Agent/etc/aakore.yaml"].decode()


def test_offline_window_is_anchored_at_the_newest_log(tmp_path: Path, harness) -> None:
    # A copy taken 40 days ago: every log is older than a window ending now, yet the recent ones are wanted.
    tree = copy_tree("windows", tmp_path, old=("ProgramData/Acronis/BackupAndRecovery/MMS/mms.1.log",))
    for path in tree.rglob("*"):
        if path.is_file():
            st = path.stat()
            os.utime(path, (st.st_mtime - 40 * DAY, st.st_mtime - 40 * DAY))
    result = harness(SystemRoot.offline(tree)).run(AcronisLogs)
    logs = result.files("acronis_logs")
    assert "ProgramData/Acronis/BackupAndRecovery/MMS/mms.0.log" in logs
    assert "ProgramData/Acronis/BackupAndRecovery/MMS/mms.1.log" not in logs


def test_explicit_window_on_an_offline_root_is_taken_as_given(tmp_path: Path, harness) -> None:
    tree = copy_tree("windows", tmp_path)
    for path in tree.rglob("*"):
        if path.is_file():
            os.utime(path, (time.time() - 40 * DAY,) * 2)
    result = harness(SystemRoot.offline(tree), options={"window_explicit": True}).run(AcronisLogs)
    logs = result.files("acronis_logs")
    assert not any(name.endswith("mms.0.log") for name in logs)
    # Databases are state, not logs: taken whatever their age.
    assert "ProgramData/Acronis/TrueImageHome/Database/archives.db" in logs
    assert result.excluded("acronis_logs")[r"C:\ProgramData\Acronis\BackupAndRecovery\MMS\mms.0.log"] == (
        "older than the time window")


def test_a_root_without_acronis_says_so(tmp_path: Path, harness) -> None:
    (tmp_path / "empty" / "ProgramData" / "Microsoft").mkdir(parents=True)
    result = harness(SystemRoot.offline(tmp_path / "empty")).run(AcronisLogs, AcronisConfig)
    assert result.outcomes["acronis_logs"].status is Status.NOT_APPLICABLE
    assert "no Acronis log files" in result.outcomes["acronis_logs"].reason
    assert result.outcomes["acronis_config"].status is Status.NOT_APPLICABLE


@pytest.mark.parametrize("layout", ["windows", "linux", "darwin"])
def test_manifest_lists_every_collected_file_with_its_source(layout: str, tmp_path: Path, harness) -> None:
    tree = copy_tree(layout, tmp_path)
    result = harness(SystemRoot.offline(tree)).run(AcronisLogs, AcronisConfig)
    for name in result.members:
        if name.startswith("collected/") and not name.endswith("index.json"):
            record = result.record(name)
            assert record["source"].startswith(("C:\\", "/")), record


DEMO = Path(__file__).resolve().parents[3] / "resources" / "demo"


def test_the_embedded_demo_gives_its_logs_whatever_their_file_times(tmp_path: Path, harness) -> None:
    # The demo is unpacked or checked out at any time: its logs must be taken even when all look 40 days old.
    demo = tmp_path / "demo"
    shutil.copytree(DEMO, demo)
    for path in demo.rglob("*"):
        if path.is_file():
            os.utime(path, (time.time() - 40 * DAY,) * 2)
    result = harness(SystemRoot.offline(demo, "windows")).run(*ALL)
    logs = result.files("acronis_logs")
    assert "ProgramData/Acronis/BackupAndRecovery/MMS/mms.0.log" in logs
    assert "ProgramData/Acronis/Agent/var/log/aakore/aakore.log" in logs
    assert any(name.startswith("ProgramData/Acronis/InstallationLogs/live_update/") for name in logs)
    assert result.outcomes["acronis_config"].status is Status.OK
    assert b"*****@" in result.files("acronis_config")["ProgramData/Acronis/Agent/etc/aakore.yaml"]
