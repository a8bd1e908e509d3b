"""The kernel ring buffer: SnapAPI load and snapshot errors, and the OOM killer taking acronis_mms (DOMAIN §6.2)."""

from __future__ import annotations

import dataclasses
import re

from acronis_triage.collectors.base import Collector
from acronis_triage.collectors.commands import NORMAL_S, is_denied, problem_of, store_filtered
from acronis_triage.collectors.context import Context
from acronis_triage.collectors.runner import CommandResult

KEEP_BYTES = 8 * 1024 * 1024  # the ring buffer is rarely over 1 MiB; this only guards log_buf_len=32M setups
ACRONIS_OR_OOM = re.compile(
    r"(?i)snapapi|file_protector|acronis|aakore|\bmms\b|out of memory|oom-kill|oom_reaper|killed process"
)


def keep_tail(result: CommandResult, limit: int = KEEP_BYTES) -> CommandResult:
    """The newest ``limit`` bytes, cut at a line start: the end of the ring buffer is what matters."""
    if len(result.stdout) <= limit:
        return result
    tail = result.stdout[-limit:]
    cut = tail.find(b"\n") + 1
    return dataclasses.replace(result, stdout=tail[cut:], truncated=True)


class LinuxDmesg(Collector):
    name = "linux_dmesg"
    title = "Kernel messages (dmesg)"
    description = "dmesg -T with readable times, plus the lines about SnapAPI, Acronis and the OOM killer."
    platforms = ("linux",)
    needs_live = True
    priority = 30
    timeout_s = 90.0
    expected_duration_s = 1.0
    tags = ("kernel", "linux")

    def collect(self, ctx: Context) -> None:
        ctx.progress(None, "dmesg -T")
        result = ctx.run(("dmesg", "-T"), timeout=NORMAL_S)
        if not result.ok and b"invalid option" in result.stderr:
            # busybox dmesg has no -T: raw seconds since boot are still worth having.
            result = ctx.run(("dmesg",), timeout=NORMAL_S)
        if is_denied(result):
            ctx.writer.skip(result.command, "access denied: reading the kernel log needs root here "
                                            f"(kernel.dmesg_restrict=1): {problem_of(result)}")
            return
        kept = keep_tail(result)
        record = ctx.writer.add_command("dmesg.txt", kept)
        if record is None:
            return
        if kept is not result:
            record.note = f"kept the last {KEEP_BYTES // 2**20} MiB of {len(result.stdout) // 2**20} MiB"
        if result.ok:
            store_filtered(ctx, "dmesg_acronis_oom.txt", kept, ACRONIS_OR_OOM)
        ctx.progress(1.0, "done")
