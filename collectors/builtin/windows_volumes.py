"""Volumes, file systems and free space: snapshots and backups fail on full or unhealthy volumes."""

from __future__ import annotations

from typing import Any

import psutil

from acronis_triage.collectors.base import Collector
from acronis_triage.collectors.commands import run_step
from acronis_triage.collectors.context import Context

GET_VOLUME: tuple[str, ...] = (
    "powershell", "-NoProfile", "-NonInteractive", "-Command",
    "Get-Volume | Select-Object DriveLetter,FileSystemLabel,FileSystem,DriveType,HealthStatus,"
    "OperationalStatus,SizeRemaining,Size,UniqueId | ConvertTo-Csv -NoTypeInformation",
)


def psutil_volumes() -> tuple[list[dict[str, Any]], list[str]]:
    volumes, problems = [], []
    for part in psutil.disk_partitions(all=False):
        entry: dict[str, Any] = {"device": part.device, "mountpoint": part.mountpoint, "fstype": part.fstype,
                                 "options": part.opts}
        if "cdrom" in part.opts or not part.fstype:
            entry["note"] = "no media or not a fixed volume"
        else:
            try:
                usage = psutil.disk_usage(part.mountpoint)
                entry.update(total_bytes=usage.total, free_bytes=usage.free, used_percent=usage.percent)
            except OSError as exc:
                entry["error"] = exc.strerror or str(exc)
                problems.append(f"free space of {part.mountpoint}: {entry['error']}")
        volumes.append(entry)
    return volumes, problems


class WindowsVolumes(Collector):
    name = "windows_volumes"
    title = "Volumes and free space"
    description = "Volumes with file system, health and free space (psutil, Get-Volume, fsutil, mountvol)."
    platforms = ("windows",)
    needs_live = True
    priority = 11
    timeout_s = 120.0
    expected_duration_s = 5.0
    tags = ("disks", "windows")

    def collect(self, ctx: Context) -> None:
        ctx.progress(0.0, "volumes")
        volumes, problems = psutil_volumes()
        for problem in problems:
            ctx.writer.mark_partial(problem)
        ctx.writer.add_json("volumes.json", volumes, source="psutil.disk_partitions + disk_usage")
        ctx.progress(0.3, "Get-Volume")
        run_step(ctx, list(GET_VOLUME), "get_volume.csv", timeout=45.0)
        # mountvol maps the \\?\Volume{GUID}\ names that vssadmin and Acronis logs use to drive letters.
        run_step(ctx, ["mountvol"], "mountvol.txt", timeout=15.0)
        letters = [v["mountpoint"].rstrip("\\") for v in volumes
                   if v.get("total_bytes") and len(v["mountpoint"].rstrip("\\")) == 2]
        if not ctx.facts.is_admin:
            ctx.writer.exclude("fsutil volume diskfree", "needs administrator rights; free space is in volumes.json")
            letters = []
        for index, letter in enumerate(letters):
            ctx.progress(0.6 + 0.4 * index / len(letters), f"fsutil volume diskfree {letter}")
            run_step(ctx, ["fsutil", "volume", "diskfree", letter], f"fsutil_diskfree_{letter[0]}.txt", timeout=15.0)
        ctx.progress(1.0, "done")
