"""windows_volumes: psutil volumes, Get-Volume, mountvol, fsutil only when elevated."""

from __future__ import annotations

from collections import namedtuple

import psutil
import pytest

from acronis_triage.collectors.builtin.windows_volumes import GET_VOLUME, WindowsVolumes

Part = namedtuple("Part", "device mountpoint fstype opts")
Usage = namedtuple("Usage", "total used free percent")


@pytest.fixture
def disks(monkeypatch):
    parts = [Part("C:\\", "C:\\", "NTFS", "rw,fixed"), Part("D:\\", "D:\\", "", "cdrom"),
             Part("E:\\", "E:\\", "NTFS", "rw,fixed")]

    def usage(mount):
        if mount == "E:\\":
            raise OSError(21, "The device is not ready")
        return Usage(106846990336, 45643689984, 61203300352, 42.7)

    monkeypatch.setattr(psutil, "disk_partitions", lambda all=False: parts)
    monkeypatch.setattr(psutil, "disk_usage", usage)


def _runner(replay, recorded):
    replay.add(" ".join(GET_VOLUME), stdout=recorded("powershell_get_volume.csv"))
    replay.add("mountvol", stdout=recorded("mountvol.txt"))
    replay.add("fsutil volume diskfree C:", stdout=recorded("fsutil_diskfree_C.txt"))
    return replay


def test_admin(run_windows, replay, recorded, disks):
    run = run_windows(WindowsVolumes, _runner(replay, recorded))
    assert run.status == "partial"  # E: was not ready
    assert "free space of E:\\: The device is not ready" in run.outcome.reason
    volumes = {v["mountpoint"]: v for v in run.json("volumes.json")}
    assert volumes["C:\\"]["free_bytes"] == 61203300352
    assert volumes["D:\\"]["note"] == "no media or not a fixed volume"
    assert "Total free bytes" in run.text("fsutil_diskfree_C.txt")
    assert "C:\\" in run.text("mountvol.txt") and "Healthy" in run.text("get_volume.csv")
    assert ("fsutil", "volume", "diskfree", "E:") not in run.runner.calls


def test_not_admin_skips_fsutil_only(run_windows, replay, recorded, disks):
    run = run_windows(WindowsVolumes, _runner(replay, recorded), admin=False)
    assert not any(c[0] == "fsutil" for c in run.runner.calls)
    assert "administrator" in run.excluded["fsutil volume diskfree"]
    assert "get_volume.csv" in run.files
