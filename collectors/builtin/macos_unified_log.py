"""Acronis entries of the macOS unified log for the time window (DOMAIN §6.3).

``log show`` reads the whole store and can take minutes; its output is capped and, when the cap cuts it,
the newest hour is fetched again so the latest events are never the part that is lost.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from acronis_triage.collectors.base import SLOW, Collector
from acronis_triage.collectors.commands import is_denied, problem_of
from acronis_triage.collectors.context import Context

PREDICATE = 'process CONTAINS[c] "acronis" OR subsystem CONTAINS[c] "acronis"'
MAX_BYTES = 25 * 1024 * 1024
WINDOW_SLACK_S = 600.0


def last_window(since: datetime, now: datetime) -> str:
    """``log show --last`` value covering ``since`` to now: whole days as ``Nd``, else hours as ``Nh``.

    The few minutes between choosing the window and running the command do not add an hour.
    """
    hours = max(1, math.ceil(((now - since).total_seconds() - WINDOW_SLACK_S) / 3600))
    return f"{hours // 24}d" if hours % 24 == 0 else f"{hours}h"


def log_show(window: str) -> tuple[str, ...]:
    return ("log", "show", "--last", window, "--predicate", PREDICATE, "--style", "syslog")


class MacosUnifiedLog(Collector):
    name = "macos_unified_log"
    title = "macOS unified log (Acronis)"
    description = "log show for Acronis processes and subsystems in the time window, syslog style, capped."
    platforms = ("darwin",)
    needs_live = True
    priority = 60
    # log show over days of log store is the documented slow command: up to 5 minutes, then the recent retry.
    log_timeout_s = 300.0
    recent_timeout_s = 120.0
    timeout_s = log_timeout_s + recent_timeout_s + 30.0
    expected_duration_s = 90.0
    tags = ("logs", "macos", SLOW)

    def collect(self, ctx: Context) -> None:
        # --last counts back from now; a window that ended earlier is covered by a slightly longer one.
        window = last_window(ctx.since, datetime.now(UTC))
        ctx.progress(None, f"log show --last {window} (can take minutes)")
        result = ctx.run(log_show(window), timeout=self.log_timeout_s, max_output=MAX_BYTES)
        if result.error:
            ctx.writer.skip(result.command, result.error)
            return
        if is_denied(result):
            ctx.writer.skip(result.command, f"access denied: log show needs an administrator: {problem_of(result)}")
            return
        record = ctx.writer.add_command("log_show_acronis.txt", result)
        if result.truncated and record is not None:
            record.note = f"capped at {MAX_BYTES // 2**20} MiB: the oldest part of the window is kept"
            ctx.writer.mark_partial(f"log show output over {MAX_BYTES // 2**20} MiB; the newest hour is in "
                                    "log_show_acronis_last_1h.txt")
            ctx.progress(None, "log show --last 1h")
            ctx.writer.add_command("log_show_acronis_last_1h.txt",
                                   ctx.run(log_show("1h"), timeout=self.recent_timeout_s, max_output=MAX_BYTES))
        elif not result.ok and not result.timed_out:
            ctx.writer.mark_partial(f"{result.command}: {problem_of(result)}")
        ctx.progress(1.0, "done")
