"""Linux disks, file systems and mounts: what SnapAPI snapshots and where backups go (DOMAIN §6.2)."""

from __future__ import annotations

from collectors.base import Collector
from collectors.commands import NORMAL_S, QUICK_S, run_and_store
from collectors.context import Context


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

    def collect(self, ctx: Context) -> None:
        ctx.progress(0.0, "lsblk")
        run_and_store(ctx, ("lsblk", "-f"), "lsblk_f.txt", timeout=QUICK_S)
        # util-linux before 2.27 (CentOS 7 has 2.23) has no --json; lsblk -f above still answers there.
        run_and_store(ctx, ("lsblk", "-O", "--json"), "lsblk_json.txt", timeout=QUICK_S)
        ctx.progress(0.4, "df -h")
        df = run_and_store(ctx, ("df", "-h"), "df_h.txt", timeout=NORMAL_S)
        if df.timed_out:
            # A dead NFS/CIFS mount hangs df on stat(); local file systems still answer.
            run_and_store(ctx, ("df", "-h", "-l"), "df_h_local.txt", timeout=NORMAL_S)
        ctx.progress(0.7, "mounts")
        findmnt = run_and_store(ctx, ("findmnt",), "findmnt.txt", timeout=QUICK_S)
        if findmnt.error:
            run_and_store(ctx, ("cat", "/proc/mounts"), "proc_mounts.txt", timeout=QUICK_S)
        ctx.progress(1.0, "done")
