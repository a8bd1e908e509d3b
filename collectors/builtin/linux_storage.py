"""Linux disks, file systems and mounts: what SnapAPI snapshots and where backups go (DOMAIN §6.2)."""

from __future__ import annotations

from acronis_triage.collectors.base import Collector
from acronis_triage.collectors.commands import NORMAL_S, QUICK_S
from acronis_triage.collectors.declarative import Command, When


class LinuxStorage(Collector):
    name = "linux_storage"
    title = "Linux disks and file systems"
    description = "lsblk (file systems and full JSON), df -h and the mount table."
    platforms = ("linux",)
    needs_live = True
    priority = 25
    timeout_s = 150.0
    expected_duration_s = 2.0
    tags = ("disks", "linux")
    commands = (
        Command(("lsblk", "-f"), "lsblk_f.txt", QUICK_S, judge=False),
        # util-linux before 2.27 (CentOS 7 has 2.23) has no --json; lsblk -f above still answers there.
        Command(("lsblk", "-O", "--json"), "lsblk_json.txt", QUICK_S, judge=False),
        # A dead NFS/CIFS mount hangs df on stat(); local file systems still answer.
        Command(("df", "-h"), "df_h.txt", NORMAL_S, judge=False, fallback_when=When.TIMED_OUT,
                fallback=Command(("df", "-h", "-l"), "df_h_local.txt", NORMAL_S, judge=False)),
        Command(("findmnt",), "findmnt.txt", QUICK_S, judge=False, fallback_when=When.DID_NOT_RUN,
                fallback=Command(("cat", "/proc/mounts"), "proc_mounts.txt", QUICK_S, judge=False)),
    )
